"""Compare a run's scores with a baseline: a regression is a drop beyond the tolerance."""

from __future__ import annotations

import math
from dataclasses import dataclass

TOLERANCE = 0.02
"""How far a headline score or a field's accuracy may fall below the baseline before it is a regression."""

WATCHED = (
    "full_match_f1", "detection_f1", "value_accuracy", "measure_accuracy", "metric_accuracy",
    "region_accuracy", "period_accuracy", "status_accuracy", "sector_accuracy", "entity_accuracy",
)  # fmt: skip


@dataclass(frozen=True)
class Change:
    """One watched score, before and after."""

    name: str
    baseline: float
    current: float

    @property
    def regressed(self) -> bool:
        """Whether it fell by more than the tolerance."""
        return self.current < self.baseline - TOLERANCE


def compare(baseline: dict[str, float], current: dict[str, float]) -> list[Change]:
    """The watched scores present in both, in a fixed order."""
    return [
        Change(name, float(baseline[name]), float(current[name]))
        for name in WATCHED
        if name in baseline and name in current and not math.isnan(float(baseline[name]))
    ]
