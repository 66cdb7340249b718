"""Extraction with a fake labeller: what code decides, what the model decides, and fallbacks."""

from __future__ import annotations

from extractor.assembly import UNLABELLED, Where, assemble, sentence_period
from extractor.numerals import find_figures
from extractor.pipeline import extract_release, pieces_of
from extractor.prompting import ComparedToLabel, FigureLabel
from extractor.reading import Source
from extractor.release_context import ReleaseContext
from schemas import Bound, ComparedTo, Measure

from .conftest import SAMPLE_NAMES, FakeLabeller, gold_release, sample_text

CONTEXT = ReleaseContext(
    title=None, published="2024-04-23", region="Liaoning", period_start="2024-01", period_end="2024-03"
)
TEXT = (
    "In the first quarter of 2024, Liaoning industrial value added increased by 5.3% year-on-year, 0.3 percentage points higher "
    "than the national level, ranking fifth. Eight cities grew."
)


WHERE = Where(TEXT)


def _label(**changes: object) -> FigureLabel:
    data: dict[str, object] = {
        "measure": "growth", "metric": "Industrial value added", "region": "Liaoning", "sector": None, "entity": None,
        "start": "2024-01", "end": "2024-03", "status": "actual", "compared_to": None, "refers_to": None,
    }  # fmt: skip
    data.update(changes)
    return FigureLabel.model_validate(data)


def test_every_figure_is_grounded_and_asked_once_per_sentence() -> None:
    labeller = FakeLabeller(label_for=_label())
    release = extract_release(Source(text=TEXT, name="t"), labeller)
    assert [f.surface for f in release.figures] == ["5.3", "0.3", "fifth", "Eight"]
    assert all(TEXT[f.span[0] : f.span[1]] == f.surface for f in release.figures)
    assert len(labeller.requests) == 2
    assert [len(r.numerals) for r in labeller.requests] == [3, 1]


def test_code_decides_unit_measure_value_and_bound() -> None:
    release = extract_release(Source(text=TEXT, name="t"), FakeLabeller(label_for=_label(measure="share")))
    by_surface = {f.surface: f for f in release.figures}
    assert (by_surface["5.3"].unit, by_surface["5.3"].measure) == ("percent", Measure.SHARE)  # model's call
    assert (by_surface["0.3"].unit, by_surface["0.3"].measure) == ("percentage_point", Measure.DIFFERENCE)
    assert (by_surface["fifth"].value, by_surface["fifth"].measure) == (5, Measure.RANK)
    assert (by_surface["Eight"].unit, by_surface["Eight"].measure) == ("city", Measure.LEVEL)
    assert by_surface["5.3"].metric == "industrial value added"


def test_refers_to_and_compared_to_from_the_model() -> None:
    label = _label(
        measure="difference",
        refers_to=1,
        compared_to=ComparedToLabel(region="China", start=None, end=None, metric=None, sector=None),
    )
    numerals = tuple(find_figures(TEXT))
    spans = {1: numerals[0].span, 2: numerals[1].span}
    figure = assemble(numerals[1], label, CONTEXT, spans, WHERE)
    assert figure.refers_to == numerals[0].span
    assert figure.compared_to == ComparedTo(region="China")
    # A growth figure keeps no refers_to, and a figure never refers to itself.
    assert assemble(numerals[0], _label(refers_to=2), CONTEXT, spans, WHERE).refers_to is None
    assert assemble(numerals[1], _label(refers_to=2), CONTEXT, spans, WHERE).refers_to is None


def test_a_region_the_text_does_not_name_is_replaced_by_the_releases() -> None:
    numeral = find_figures(TEXT)[0]
    assert assemble(numeral, _label(region="Dalian"), CONTEXT, {}, WHERE).region == "Liaoning"
    assert assemble(numeral, _label(region="China"), CONTEXT, {}, Where("growth of 5.3%")).region == "Liaoning"
    assert assemble(numeral, _label(region="China"), CONTEXT, {}, WHERE).region == "China"
    assert assemble(numeral, _label(region="Liaoning province"), CONTEXT, {}, WHERE).region == "Liaoning"
    # A common noun is no place, even when the text has it.
    assert (
        assemble(numeral, _label(region="province"), CONTEXT, {}, Where("the province grew 5.3%")).region == "Liaoning"
    )
    cities = Where("Dandong, Benxi, and Liaoyang each grew over 10%")
    assert (
        assemble(numeral, _label(region="Dandong, Benxi, and Liaoyang"), CONTEXT, {}, cities).region
        == "Dandong, Benxi, Liaoyang"
    )


def test_compared_to_keeps_only_what_differs() -> None:
    numeral = find_figures(TEXT)[1]
    same = ComparedToLabel(
        region="Liaoning", start="2024-01", end="2024-03", metric="industrial value added", sector=None
    )
    assert (
        assemble(numeral, _label(metric="industrial value added", compared_to=same), CONTEXT, {}, WHERE).compared_to
        is None
    )
    other_year = ComparedToLabel(region=None, start="2023-01", end="2023-12", metric=None, sector=None)
    figure = assemble(numeral, _label(compared_to=other_year), CONTEXT, {}, WHERE)
    assert figure.compared_to == ComparedTo(period_start="2023-01", period_end="2023-12")


def test_without_a_valid_answer_figures_keep_code_labels() -> None:
    labeller = FakeLabeller(label_for=None)
    release = extract_release(Source(text=TEXT, name="t"), labeller)
    assert labeller.usage.invalid_answers == 2
    assert [f.metric for f in release.figures] == [UNLABELLED] * 4
    assert [f.measure for f in release.figures] == [Measure.GROWTH, Measure.DIFFERENCE, Measure.RANK, Measure.LEVEL]
    assert {(f.region, f.period_start, f.period_end) for f in release.figures} == {("Liaoning", "2024-01", "2024-03")}


def test_period_comes_from_the_sentence_else_the_release() -> None:
    text = "From January to February, profit rose 24.0%, and in March output rose 5.5%; exports rose 3.0%."
    first, second, third = find_figures(text)
    where = Where(text)
    assert sentence_period(first, where, CONTEXT) == ("2024-01", "2024-02")
    assert sentence_period(second, where, CONTEXT) == ("2024-03", "2024-03")
    assert sentence_period(third, where, CONTEXT) == ("2024-03", "2024-03")
    plain = "Exports rose 3.0%."
    assert sentence_period(find_figures(plain)[0], Where(plain), CONTEXT) == ("2024-01", "2024-03")
    # The model's period does not override what the text says.
    figure = assemble(first, _label(start="2023-01", end="2023-12"), CONTEXT, {}, where)
    assert (figure.period_start, figure.period_end) == ("2024-01", "2024-02")
    # No year anywhere: no period rather than a guess.
    no_year = ReleaseContext(title=None, published=None, region="Liaoning", period_start=None, period_end=None)
    assert sentence_period(first, where, no_year) == (None, None)


def test_bound_comes_from_the_text() -> None:
    text = "Liaoning accumulated over 110,000 5G base stations."
    release = extract_release(Source(text=text, name="t"), FakeLabeller(label_for=_label(measure="level")))
    assert [(f.surface, f.bound, f.unit) for f in release.figures] == [("110,000", Bound.OVER, "station")]


def test_samples_cut_into_pieces_that_cover_every_gold_figure() -> None:
    for name in SAMPLE_NAMES:
        text = sample_text(name)
        pieces = pieces_of(text)
        asked = {n.span for piece in pieces for n in piece.numerals}
        assert {f.span for f in gold_release(name).figures} <= asked
        for piece in pieces:
            assert all(piece.sentence.start <= n.span[0] < piece.sentence.end for n in piece.numerals)
