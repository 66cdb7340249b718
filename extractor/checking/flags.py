"""What a check reports: flags with a stable id, and figures derived from others (never mixed with stated ones)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a flag matters: errors fail a run, warnings ask for a look, info is for the record."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Flag:
    """One finding about one or more figures, explaining itself."""

    id: str
    check: str
    severity: Severity
    message: str
    release_id: str
    spans: tuple[tuple[int, int], ...]
    surfaces: tuple[str, ...] = ()
    formula: str | None = None
    expected: float | None = None
    found: float | None = None
    other_release_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id, "check": self.check, "severity": self.severity.value, "message": self.message,
            "release_id": self.release_id, "spans": [list(s) for s in self.spans], "surfaces": list(self.surfaces),
            "formula": self.formula, "expected": self.expected, "found": self.found,
            "other_release_id": self.other_release_id,
        }  # fmt: skip


def make_flag(
    check: str,
    severity: Severity,
    message: str,
    release_id: str,
    spans: tuple[tuple[int, int], ...],
    surfaces: tuple[str, ...] = (),
    **arithmetic: Any,
) -> Flag:
    """A flag whose id is stable: the same check on the same figures gives the same id in every run."""
    other = arithmetic.get("other_release_id") or ""
    key = f"{check}|{release_id}|{other}|{';'.join(f'{a}-{b}' for a, b in spans)}"
    flag_id = hashlib.sha256(key.encode()).hexdigest()[:12]
    return Flag(flag_id, check, severity, message, release_id, spans, surfaces, **arithmetic)


@dataclass(frozen=True)
class DerivedFigure:
    """A figure implied by others (``5.3%``, ``0.3 points higher than 2023`` implies 5.0% for 2023)."""

    release_id: str
    derived_from: tuple[tuple[int, int], ...]
    formula: str
    value: float
    tolerance: float
    unit: str
    measure: str
    metric: str
    region: str
    sector: str | None
    period_start: str | None
    period_end: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, marked as derived."""
        return {
            "derived": True,
            **{k: (list(map(list, v)) if k == "derived_from" else v) for k, v in self.__dict__.items()},
        }


@dataclass(frozen=True)
class CheckReport:
    """Everything the checker found for a set of releases."""

    flags: tuple[Flag, ...] = ()
    derived: tuple[DerivedFigure, ...] = field(default=())

    def count(self, severity: Severity) -> int:
        """How many flags of ``severity``."""
        return sum(flag.severity is severity for flag in self.flags)


def has_errors(report: CheckReport) -> bool:
    """The policy: a run fails when any error flag remains."""
    return report.count(Severity.ERROR) > 0
