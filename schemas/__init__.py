"""Domain types of relfig: the contract's Release and Figure records. Imports nothing of ours."""

from schemas.figures import (
    METRIC_VOCABULARY,
    SCALES,
    Bound,
    ComparedTo,
    Figure,
    Measure,
    Release,
    Status,
    is_currency,
    release_id_of,
)

__all__ = [
    "METRIC_VOCABULARY",
    "SCALES",
    "Bound",
    "ComparedTo",
    "Figure",
    "Measure",
    "Release",
    "Status",
    "is_currency",
    "release_id_of",
]
