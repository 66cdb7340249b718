"""The contract's models: strict, frozen, grounded, round-tripping, and every gold file valid."""

from __future__ import annotations

import json

import pydantic
import pytest

from schemas import ComparedTo, Figure, Measure, Release, release_id_of

from .conftest import SAMPLE_NAMES, SAMPLES, gold_release, sample_text

TEXT = "Output rose 5.3% year-on-year, 0.3 percentage points higher than 2023."


def _figure(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "span": [12, 15], "surface": "5.3", "value": 5.3, "scale": 1, "unit": "percent", "measure": "growth",
        "metric": "industrial value added", "region": "Liaoning", "period_start": "2024-01", "period_end": "2024-03",
    }  # fmt: skip
    data.update(changes)
    return data


def _release(*figures: dict[str, object], text: str = TEXT) -> str:
    return json.dumps({"release_id": release_id_of(text), "region": "Liaoning", "figures": list(figures)})


def test_round_trip_is_lossless() -> None:
    release = Release.from_json(_release(_figure()), text=TEXT)
    assert Release.from_json(release.to_json(), text=TEXT) == release
    assert json.loads(release.to_json())["figures"][0]["span"] == [12, 15]


def test_frozen() -> None:
    release = Release.from_json(_release(_figure()), text=TEXT)
    with pytest.raises(pydantic.ValidationError):
        release.figures[0].value = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"surface": "5.4"}, "is not the text at span"),
        ({"span": [12, 16]}, "does not fit span"),
        ({"span": [15, 12]}, "span must be"),
        ({"measure": "ratio"}, "measure"),
        ({"period_start": "2024-13"}, "period must be YYYY-MM"),
        ({"period_start": "2024-04", "period_end": "2024-03"}, "is after"),
        ({"scale": 100}, "scale must be one of"),
        ({"colour": "red"}, "Extra inputs are not permitted"),
        ({"status": "guess"}, "status"),
        ({"bound": "exactly"}, "bound"),
        ({"compared_to": {}}, "at least one attribute"),
        ({"refers_to": [0, 6]}, "is not the span of a figure"),
        ({"value": "5.3"}, "value"),
    ],
    ids=[
        "surface",
        "span-length",
        "reversed-span",
        "measure",
        "month",
        "period-order",
        "scale",
        "extra",
        "status",
        "bound",
        "empty-compared-to",
        "refers-to",
        "value-as-string",
    ],
)
def test_invalid_figures_are_rejected(changes: dict[str, object], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        Release.from_json(_release(_figure(**changes)), text=TEXT)


def test_grounding_needs_the_text_only_when_given() -> None:
    assert Release.from_json(_release(_figure(surface="5.4"))).figures[0].surface == "5.4"


def test_release_id_must_match_the_text() -> None:
    with pytest.raises(pydantic.ValidationError, match="is not the id of the given text"):
        Release.from_json(_release(_figure()), text=TEXT + " ")


def test_figures_in_text_order_and_unique() -> None:
    second = _figure(span=[31, 34], surface="0.3", value=0.3, unit="percentage_point", measure="difference")
    with pytest.raises(pydantic.ValidationError, match="text order"):
        Release.from_json(_release(second, _figure()), text=TEXT)
    with pytest.raises(pydantic.ValidationError, match="share a span"):
        Release.from_json(_release(_figure(), _figure()), text=TEXT)


def test_difference_with_compared_to_and_refers_to() -> None:
    second = _figure(
        span=[31, 34], surface="0.3", value=0.3, unit="percentage_point", measure="difference",
        compared_to={"period_start": "2023-01", "period_end": "2023-12"}, refers_to=[12, 15],
    )  # fmt: skip
    figure = Release.from_json(_release(_figure(), second), text=TEXT).figures[1]
    assert figure.measure is Measure.DIFFERENCE
    assert figure.compared_to == ComparedTo(period_start="2023-01", period_end="2023-12")
    assert figure.refers_to == (12, 15)


def test_quantity_is_value_times_scale() -> None:
    figure = Figure.model_validate_json(json.dumps(_figure(scale=1e9, value=18.57)))
    assert figure.quantity == pytest.approx(18.57e9)


def test_release_id_is_the_sha256_prefix() -> None:
    assert release_id_of("abc") == "ba7816bf8f01cfea"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_gold_sample_is_valid(name: str) -> None:
    release = gold_release(name)
    assert release.figures, "a sample without figures labels nothing"
    assert release.release_id == release_id_of(sample_text(name))
    raw = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    assert [list(f.span) for f in release.figures] == [f["span"] for f in raw["figures"]]
