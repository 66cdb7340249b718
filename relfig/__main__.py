"""``python -m relfig``: the same as the ``relfig`` command."""

import sys

from relfig.cli import main

sys.exit(main())
