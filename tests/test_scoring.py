"""The scorer, on hand-computed cases: partial overlaps, double pairing, nulls, signs, pooling."""

from __future__ import annotations

import math

import pytest

from eval.scoring import (
    Counts,
    measure_confusion,
    metric_matches,
    optional_matches,
    pair_figures,
    score_release,
    total,
    worst_misses,
)
from schemas import Figure, Release

TEXT = (
    "Output rose 5.3% year-on-year, 0.3 percentage points higher; 13 of the 14 cities grew; profit 18.57 billion yuan."
)


def at(surface: str, extra: int = 0) -> tuple[int, int]:
    """The span of ``surface`` in TEXT, extended by ``extra`` characters."""
    start = TEXT.index(surface)
    return start, start + len(surface) + extra


def fig(span: tuple[int, int], **changes: object) -> Figure:
    start, end = span
    data: dict[str, object] = {
        "span": [start, end], "surface": TEXT[start:end], "value": 1.0, "scale": 1,
        "unit": "percent", "measure": "growth", "metric": "industrial value added", "region": "Liaoning",
        "period_start": "2024-01", "period_end": "2024-03",
    }  # fmt: skip
    data.update(changes)
    return Figure.model_validate(data, context={"text": TEXT})


def release(*figures: Figure) -> Release:
    return Release.model_validate({"release_id": "0" * 16, "region": "Liaoning", "figures": figures})


GROWTH = {"value": 5.3}
DIFFERENCE = {
    "value": 0.3,
    "unit": "percentage_point",
    "measure": "difference",
    "metric": "industrial value added growth",
}
CITIES_GREW = {"value": 13.0, "unit": "city", "measure": "level", "metric": "cities with positive growth"}
CITIES = {"value": 14.0, "unit": "city", "measure": "level", "metric": "cities"}
PROFIT = {
    "value": 18.57,
    "scale": 1e9,
    "unit": "CNY",
    "measure": "level",
    "metric": "total profit",
    "sector": "industrial enterprises",
}

GOLD = release(
    fig(at("5.3"), **GROWTH),
    fig(at("0.3"), **DIFFERENCE),
    fig(at("13"), **CITIES_GREW),
    fig(at("14"), **CITIES),
    fig(at("18.57"), **PROFIT),
)


def test_spans_of_the_fixture() -> None:
    assert [f.surface for f in GOLD.figures] == ["5.3", "0.3", "13", "14", "18.57"]


def test_a_perfect_run_scores_one_everywhere() -> None:
    score = score_release(GOLD, GOLD)
    assert score.counts.detection() == (1.0, 1.0, 1.0)
    assert score.counts.full_match() == (1.0, 1.0, 1.0)
    assert all(value == 1.0 for value in score.counts.field_accuracy().values())


def test_partial_overlap_pairs_and_missing_and_extra_count() -> None:
    predicted = release(
        fig(at("5.3", 1), **GROWTH),  # "5.3%": overlaps gold 5.3, full match otherwise
        fig(at("13"), **CITIES_GREW),  # right
        fig(at("grew"), unit="x", measure="level", metric="m"),  # invented
    )
    score = score_release(GOLD, predicted)
    # 2 pairs of 3 predicted and 5 gold: P = 2/3, R = 2/5, F1 = 2*(2/3)(2/5)/(2/3+2/5) = 0.5
    assert score.counts.detection() == pytest.approx((2 / 3, 2 / 5, 0.5))
    assert score.counts.full_match() == pytest.approx((2 / 3, 2 / 5, 0.5))
    assert [f.surface for f in score.unpaired_gold] == ["0.3", "14", "18.57"]
    assert [f.surface for f in score.unpaired_predicted] == ["grew"]


def test_a_figure_overlapping_two_gold_figures_pairs_once() -> None:
    # One predicted span covering "13 of the 14" overlaps both 13 and 14; it pairs with one only,
    # the larger overlap (equal here), then the nearest start: 13.
    predicted = release(fig((at("13")[0], at("14")[1]), **CITIES_GREW))
    assert pair_figures(GOLD.figures, predicted.figures) == [(2, 0)]
    score = score_release(GOLD, predicted)
    assert (score.counts.paired, score.counts.full_matches) == (1, 1)
    assert score.counts.detection() == pytest.approx((1.0, 0.2, 2 * 0.2 / 1.2))


def test_two_predictions_on_one_gold_figure_pair_once() -> None:
    predicted = release(
        fig((at("5.3")[0], at("5.3")[0] + 2), value=5.0), fig((at("5.3")[0] + 2, at("5.3")[1]), value=3.0)
    )
    score = score_release(GOLD, predicted)
    assert score.counts.paired == 1
    assert score.counts.predicted == 2


def test_sign_error_is_a_value_error_only() -> None:
    predicted = release(fig(at("0.3"), **{**DIFFERENCE, "value": -0.3}))
    pair = score_release(GOLD, predicted).pairs[0]
    assert pair.correct["value"] is False
    assert all(pair.correct[name] for name in ("measure", "metric", "region", "period"))
    assert not pair.full_match


def test_scale_and_unit_both_count_for_value() -> None:
    same_quantity = release(fig(at("18.57"), **{**PROFIT, "value": 18570.0, "scale": 1e6}))
    assert score_release(GOLD, same_quantity).pairs[0].correct["value"] is True
    wrong_unit = release(fig(at("18.57"), **{**PROFIT, "unit": "USD"}))
    assert score_release(GOLD, wrong_unit).pairs[0].correct["value"] is False


def test_null_versus_not_null_fields() -> None:
    no_sector = release(fig(at("18.57"), **{**PROFIT, "sector": None}))
    pair = score_release(GOLD, no_sector).pairs[0]
    assert pair.correct["sector"] is False  # gold has a sector, prediction null
    assert pair.full_match  # sector is not part of the full match
    extra_entity = release(fig(at("5.3"), **GROWTH, entity="Pfizer"))
    assert score_release(GOLD, extra_entity).pairs[0].correct["entity"] is False


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("industrial value added", "industrial value added", True),
        ("industrial value added", "Industrial  Value Added", True),
        ("industrial value added", "value added", True),  # 2 of 3
        ("industrial value added growth", "industrial value added", True),  # 3 of 4
        ("total profit", "profit", True),  # 1 of 2
        ("total profit", "operating revenue", False),
        ("cities with positive growth", "cities", False),  # 1 of 3 (with dropped)
        ("the output of steel", "steel output", True),  # stop words dropped: 2 of 2
    ],
)
def test_metric_matching(gold: str, predicted: str, expected: bool) -> None:
    assert metric_matches(gold, predicted) is expected


def test_optional_matching() -> None:
    assert optional_matches(None, None)
    assert not optional_matches(None, "x")
    assert not optional_matches("high-tech manufacturing", None)
    assert optional_matches("high-tech manufacturing", "high-tech manufacturing industry")


def test_pooled_counts_are_micro_averages() -> None:
    perfect = score_release(GOLD, GOLD)
    empty = score_release(GOLD, release())
    pooled = total([perfect, empty])
    assert (pooled.gold, pooled.predicted, pooled.paired) == (10, 5, 5)
    assert pooled.detection() == pytest.approx((1.0, 0.5, 2 / 3))
    assert math.isnan(empty.counts.field_accuracy()["value"])


def test_no_figures_at_all() -> None:
    assert Counts().detection() == (1.0, 1.0, 1.0)
    assert score_release(release(), release()).counts.detection() == (1.0, 1.0, 1.0)


def test_confusion_and_worst_misses() -> None:
    predicted = release(
        fig(at("0.3"), **{**DIFFERENCE, "measure": "growth", "metric": "x", "value": -0.3}),
        fig(at("13"), **CITIES_GREW),
    )
    score = score_release(GOLD, predicted, name="r")
    assert measure_confusion([score]) == {"difference": {"growth": 1}, "level": {"level": 1}}
    misses = worst_misses([score])
    assert [(m.surface, m.wrong) for m in misses[:3]] == [
        ("5.3", ("not found",)),
        ("14", ("not found",)),
        ("18.57", ("not found",)),
    ]
    assert misses[3].surface == "0.3" and set(misses[3].wrong) == {"value", "measure", "metric"}
