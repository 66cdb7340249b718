"""Golden files: compared exactly; ``RELFIG_UPDATE_GOLDEN=1 pytest`` rewrites them deliberately."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("RELFIG_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run RELFIG_UPDATE_GOLDEN=1 pytest to create it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed; if on purpose, RELFIG_UPDATE_GOLDEN=1 pytest"
