"""The consistency checker: for every check a case that must flag and one that must not;
no error flags on the gold labels; the mutation recall targets; cross-release consistency."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from eval.mutation import mutation_recall, overall
from extractor.checking.checker import check_releases
from extractor.checking.flags import Severity, has_errors
from extractor.numerals import find_numerals
from schemas import Release, release_id_of

from .conftest import SAMPLE_NAMES, gold_release, sample_text


def build(text: str, figures: list[tuple[str, dict[str, object]]], **release: object) -> Release:
    """A release whose figures default to what the text says; the dicts change fields."""
    numerals = {n.surface: n for n in reversed(find_numerals(text))}  # first occurrence wins
    built = []
    for surface, changes in figures:
        numeral = numerals[surface]
        data: dict[str, object] = {
            "span": list(numeral.span), "surface": surface, "value": numeral.signed_value, "scale": numeral.scale,
            "unit": numeral.unit or "count", "measure": "growth" if numeral.unit == "percent" else "level",
            "metric": "industrial value added", "region": "Liaoning", "period_start": "2024-01", "period_end": "2024-03",
            "bound": numeral.bound.value if numeral.bound else None,
        }  # fmt: skip
        data.update(changes)
        built.append(data)
    built.sort(key=lambda d: d["span"])  # type: ignore[arg-type,return-value]
    record = {
        "release_id": release_id_of(text),
        "region": "Liaoning",
        "period_start": "2024-01",
        "period_end": "2024-03",
    }
    record.update(release)  # type: ignore[arg-type]
    return Release.model_validate({**record, "figures": built}, context={"text": text})


@dataclass(frozen=True)
class Case:
    id: str
    check: str
    text: str
    figures: list[tuple[str, dict[str, object]]]
    flags: bool
    severity: Severity | None = None
    release: dict[str, object] = field(default_factory=dict)


Q1 = "In the first quarter of 2024, Liaoning's industrial value added increased by 5.3% year-on-year."
CASES = [
    Case("value matches", "value_matches_text", Q1, [("5.3", {})], False),
    Case("value differs", "value_matches_text", Q1, [("5.3", {"value": 3.5})], True, Severity.ERROR),
    Case("scale matches", "scale_matches_text", "Profit reached 18.57 billion yuan.", [("18.57", {})], False),
    Case(
        "scale applied twice",
        "scale_matches_text",
        "Profit reached 18.57 billion yuan.",
        [("18.57", {"scale": 1e9 * 0 + 1.0, "value": 18.57e9})],
        True,
        Severity.ERROR,
    ),
    Case(
        "scale differs",
        "scale_matches_text",
        "Profit reached 18.57 billion yuan.",
        [("18.57", {"scale": 1e6})],
        True,
        Severity.ERROR,
    ),
    Case(
        "sign follows decrease",
        "sign_matches_direction",
        "Output decreased by 1.1% year-on-year.",
        [("1.1", {})],
        False,
    ),
    Case(
        "decrease signed positive",
        "sign_matches_direction",
        "Output decreased by 1.1% year-on-year.",
        [("1.1", {"value": 1.1})],
        True,
        Severity.ERROR,
    ),
    Case(
        "negative without direction", "sign_matches_direction", Q1, [("5.3", {"value": -5.3})], True, Severity.WARNING
    ),
    Case("unit percent", "unit_matches_text", Q1, [("5.3", {})], False),
    Case("percent as points", "unit_matches_text", Q1, [("5.3", {"unit": "percentage_point"})], True, Severity.ERROR),
    Case(
        "points as percent",
        "unit_matches_text",
        "It was 0.3 percentage points higher.",
        [("0.3", {"unit": "percent", "measure": "difference"})],
        True,
        Severity.ERROR,
    ),
    Case(
        "currency differs",
        "unit_matches_text",
        "Profit reached 18.57 billion yuan.",
        [("18.57", {"unit": "USD"})],
        True,
        Severity.ERROR,
    ),
    Case(
        "by % between rates",
        "percent_written_for_points",
        "It rose 5.0%, surpassing the national average by 0.4%.",
        [("5.0", {}), ("0.4", {"measure": "difference"})],
        True,
        Severity.WARNING,
    ),
    Case("bound matches", "bound_matches_text", "It has over 110,000 base stations.", [("110,000", {})], False),
    Case(
        "bound missing",
        "bound_matches_text",
        "It has over 110,000 base stations.",
        [("110,000", {"bound": None})],
        True,
        Severity.WARNING,
    ),
    Case("region named", "region_named", "Dalian's output rose 7.1%.", [("7.1", {"region": "Dalian"})], False),
    Case(
        "region national words", "region_named", "The national level rose 5.0%.", [("5.0", {"region": "China"})], False
    ),
    Case("region not named", "region_named", Q1, [("5.3", {"region": "Jilin"})], True, Severity.WARNING),
    Case(
        "sector named",
        "sector_named",
        "Equipment manufacturing grew 9.1%.",
        [("9.1", {"sector": "equipment manufacturing"})],
        False,
    ),
    Case(
        "sector not named",
        "sector_named",
        "Equipment manufacturing grew 9.1%.",
        [("9.1", {"sector": "textiles"})],
        True,
        Severity.WARNING,
    ),
    Case("entity named", "entity_named", "Pfizer's output grew 8.7%.", [("8.7", {"entity": "Pfizer"})], False),
    Case(
        "entity not named",
        "entity_named",
        "Pfizer's output grew 8.7%.",
        [("8.7", {"entity": "Siemens"})],
        True,
        Severity.WARNING,
    ),
    Case("period of the release", "period_matches_text", Q1, [("5.3", {})], False),
    Case(
        "period of the sentence",
        "period_matches_text",
        "From January to February, profit rose 24.0%.",
        [("24.0", {"period_end": "2024-02"})],
        False,
    ),
    Case(
        "period nowhere",
        "period_matches_text",
        Q1,
        [("5.3", {"period_start": "2022-01", "period_end": "2022-12"})],
        True,
        Severity.WARNING,
    ),
    Case(
        "share in range",
        "plausible_value",
        "It accounted for 46.8% of investment.",
        [("46.8", {"measure": "share"})],
        False,
    ),
    Case(
        "share over 100",
        "plausible_value",
        "It accounted for 46.8% of investment.",
        [("46.8", {"measure": "share", "value": 146.8})],
        True,
        Severity.ERROR,
    ),
    Case(
        "growth below -100",
        "plausible_value",
        "Output decreased by 1.1% year-on-year.",
        [("1.1", {"value": -110.0})],
        True,
        Severity.ERROR,
    ),
    Case("count whole", "plausible_value", "Eight cities grew.", [("Eight", {})], False),
    Case(
        "count fractional", "plausible_value", "Eight cities grew.", [("Eight", {"value": 8.5})], True, Severity.ERROR
    ),
    Case(
        "rank positive", "plausible_value", "It rose, ranking fifth in China.", [("fifth", {"measure": "rank"})], False
    ),
    Case(
        "rank zero",
        "plausible_value",
        "It rose, ranking fifth in China.",
        [("fifth", {"measure": "rank", "value": 0.0})],
        True,
        Severity.ERROR,
    ),
    Case("part within whole", "part_within_whole", "13 of the 14 cities grew.", [("13", {}), ("14", {})], False),
    Case(
        "part over whole",
        "part_within_whole",
        "13 of the 14 cities grew.",
        [("13", {"value": 15.0}), ("14", {})],
        True,
        Severity.ERROR,
    ),
    Case(
        "N of M matches share",
        "share_matches_counts",
        "Among the 40 major industries, 31 industries grew, a coverage of 77.5%.",
        [("40", {}), ("31", {}), ("77.5", {"measure": "share"})],
        False,
    ),
    Case(
        "N of M against share",
        "share_matches_counts",
        "Among the 40 major industries, 31 industries grew, a coverage of 77.5%.",
        [("40", {}), ("31", {"value": 30.0}), ("77.5", {"measure": "share"})],
        True,
        Severity.ERROR,
    ),
    Case(
        "conversion plausible",
        "conversion_plausible",
        "Output reached 481.5 billion yuan (approximately $66 billion).",
        [("481.5", {}), ("66", {})],
        False,
    ),
    Case(
        "conversion implausible",
        "conversion_plausible",
        "Output reached 481.5 billion yuan (approximately $66 billion).",
        [("481.5", {}), ("66", {"value": 6.6})],
        True,
        Severity.ERROR,
    ),
    Case(
        "everything extracted", "not_extracted", "Output rose 5.3% and profit 2.0%.", [("5.3", {}), ("2.0", {})], False
    ),
    Case("a figure left out", "not_extracted", "Output rose 5.3% and profit 2.0%.", [("5.3", {})], True, Severity.INFO),
]
DIFFERENCE_TEXT = "In 2023 output grew 5.0%. In the first quarter of 2024 it grew 5.3% year-on-year, 0.3 percentage points higher than the full-year growth rate in 2023."


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_case(case: Case) -> None:
    text = case.text
    release = build(text, case.figures, **case.release)
    report = check_releases([(release, text)])
    raised = [f for f in report.flags if f.check == case.check]
    if not case.flags:
        assert not raised, [f.message for f in raised]
        return
    assert raised, f"{case.check} did not flag; flags: {[(f.check, f.message) for f in report.flags]}"
    assert {f.severity for f in raised} == {case.severity}
    assert all(f.message and f.id for f in raised)


def _difference_release(base_value: float) -> Release:
    return build(
        DIFFERENCE_TEXT,
        [
            ("5.0", {"value": base_value, "period_start": "2023-01", "period_end": "2023-12"}),
            ("5.3", {}),
            ("0.3", {"measure": "difference", "metric": "industrial value added growth",
                     "compared_to": {"period_start": "2023-01", "period_end": "2023-12"}}),
        ],
    )  # fmt: skip


def test_difference_implies_a_derived_figure_consistent_with_the_stated_one() -> None:
    release = _difference_release(5.0)
    release = release.model_copy(
        update={
            "figures": (
                *release.figures[:2],
                release.figures[2].model_copy(update={"refers_to": release.figures[1].span}),
            )
        }
    )
    report = check_releases([(release, DIFFERENCE_TEXT)])
    assert [d.value for d in report.derived] == [pytest.approx(5.0)]
    assert report.derived[0].to_dict()["derived"] is True
    consistent = [f for f in report.flags if f.check == "difference_matches_stated"]
    assert [f.severity for f in consistent] == [Severity.INFO]
    assert consistent[0].formula and "5.3 - (0.3) = 5" in consistent[0].formula


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_no_error_flags_on_the_gold_labels(name: str) -> None:
    others = [gold_release(n) for n in SAMPLE_NAMES if n != name]
    report = check_releases([(gold_release(name), sample_text(name))], known=others)
    assert not has_errors(report), [(f.check, f.message) for f in report.flags if f.severity is Severity.ERROR]


FULL_YEAR, FIRST_QUARTER = "000_2b4cc7baf94ce3dc", "001_8137d2f7bf9e3325"


def test_cross_release_difference_links_the_2023_rate() -> None:
    full_year, quarter = gold_release(FULL_YEAR), gold_release(FIRST_QUARTER)
    report = check_releases([(quarter, sample_text(FIRST_QUARTER)), (full_year, sample_text(FULL_YEAR))])
    linked = [
        f for f in report.flags if f.check == "difference_matches_stated" and f.other_release_id == full_year.release_id
    ]
    assert [(f.severity, f.expected, f.found) for f in linked] == [(Severity.INFO, pytest.approx(5.0), 5.0)]
    # Change the 2023 rate in the full-year release: the link now flags an error.
    figures = tuple(f.model_copy(update={"value": 5.4}) if f.surface == "5.0" else f for f in full_year.figures)
    changed = full_year.model_copy(update={"figures": figures})
    report = check_releases([(quarter, sample_text(FIRST_QUARTER))], known=[changed])
    errors = [f for f in report.flags if f.check == "difference_matches_stated" and f.severity is Severity.ERROR]
    assert len(errors) == 1 and errors[0].found == 5.4


def test_results_do_not_depend_on_figure_order() -> None:
    name = FIRST_QUARTER
    release = gold_release(name)
    reversed_figures = release.model_construct(**{**release.__dict__, "figures": tuple(reversed(release.figures))})
    first = check_releases([(release, sample_text(name))])
    second = check_releases([(reversed_figures, sample_text(name))])
    assert {f.id for f in first.flags} == {f.id for f in second.flags}


def test_mutation_recall_meets_the_targets() -> None:
    samples = [(gold_release(n), sample_text(n)) for n in SAMPLE_NAMES]
    results = mutation_recall(samples)
    assert overall(results) >= 0.95
    assert all(r.recall > 0.80 for r in results), [(r.kind, r.recall) for r in results]
    assert {r.kind for r in results if r.injected} == {
        "flipped sign", "scale x10/x1000", "transposed digits", "percent vs point", "wrong period",
        "value not in text", "wrong sector", "wrong difference",
    }  # fmt: skip
