"""The errors relfig raises on purpose, each with a message that says how to fix it.

`UsageError` is "you used it wrong" (bad configuration, unreadable input, missing model);
`BackendError` is "the model or its provider failed". Third-party errors are translated
into these once, at the boundary, with ``raise ... from exc``.
"""

from __future__ import annotations


class RelfigError(Exception):
    """Base of every error relfig reports to the user without a traceback."""


class UsageError(RelfigError):
    """A setting, an input file or the environment is not usable as given."""


class InputError(UsageError):
    """A release file cannot be read as text (empty, binary, unknown encoding)."""


class ModelSetupError(UsageError):
    """The embedded model cannot be assembled or served (missing part, hash mismatch, no server)."""


class BackendError(RelfigError):
    """The LLM endpoint failed: unreachable, timed out, or answered badly after every retry."""
