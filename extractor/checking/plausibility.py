"""Checks that need no text: shares within 0-100, growth above -100%, whole non-negative counts, ranks."""

from __future__ import annotations

from collections.abc import Iterator

from extractor.checking.flags import Flag, Severity, make_flag
from schemas import Figure, Measure, Release, is_currency

_MEASURED_UNITS = (
    "percent",
    "percentage_point",
    "times",
    "fraction",
    "rank",
    "tonne",
    "kWh",
    "square_kilometre",
    "hectare",
)


def check_plausibility(release: Release) -> Iterator[Flag]:
    """Figures whose value cannot be right whatever the text says."""
    for figure in release.figures:
        problem = _problem(figure)
        if problem:
            message, formula = problem
            yield make_flag(
                "plausible_value",
                Severity.ERROR,
                message,
                release.release_id,
                (figure.span,),
                (figure.surface,),
                formula=formula,
                found=figure.quantity,
            )


def is_count(figure: Figure) -> bool:
    """A count of things: a level in a counted noun, not an amount of money or a measured quantity."""
    return figure.measure is Measure.LEVEL and figure.unit not in _MEASURED_UNITS and not is_currency(figure.unit)


def _problem(figure: Figure) -> tuple[str, str] | None:
    value = figure.quantity
    if figure.measure is Measure.SHARE and figure.unit == "percent" and not 0 <= value <= 100:
        return f"a share of {value:g}% is outside 0-100%", "0 <= share <= 100"
    if figure.measure is Measure.SHARE and figure.unit == "fraction" and not 0 <= value <= 1:
        return f"a fraction of {value:g} is outside 0-1", "0 <= fraction <= 1"
    if figure.measure is Measure.GROWTH and figure.unit == "percent" and value <= -100:
        return f"a fall of {value:g}% would leave less than nothing", "growth > -100%"
    if figure.measure is Measure.RANK and (value < 1 or value != int(value)):
        return f"rank {value:g} is not a positive whole number", "rank in 1, 2, 3, ..."
    if is_count(figure) and (value < 0 or abs(value - round(value)) > 1e-9):
        return f"a count of {figure.unit} cannot be {value:g}", "count is a whole number >= 0"
    return None
