"""What a count counts, read from its sentence; shares of counts and of a whole; group thresholds."""

from __future__ import annotations

import pytest

from extractor.assembly import Where, assemble
from extractor.counted import count_metric, counted_noun_phrase
from extractor.cues import group_metric
from extractor.metrics import is_share_whole
from extractor.numerals import find_figures
from extractor.pipeline import assemble_pieces, pieces_of
from extractor.prompting import Label
from extractor.release_context import ReleaseContext
from schemas import Measure

CONTEXT = ReleaseContext(
    title=None, published="2025-04-20", region="Hunan", period_start="2025-01", period_end="2025-03"
)


def _count(sentence: str, surface: str) -> str | None:
    numeral = next(n for n in find_figures(sentence) if n.surface == surface)
    return count_metric(numeral.unit, sentence, *numeral.span)


@pytest.mark.parametrize(
    ("sentence", "surface", "metric"),
    [
        (
            "In March, 17 projects securing 2.1 billion yuan in green loans were listed.",
            "17",
            "projects securing green loans",
        ),
        (
            "Some 45 enterprises signed supply contracts worth 3 billion yuan.",
            "45",
            "enterprises signed supply contracts",
        ),
        (
            "Hunan pushed 6 projects to be selected as national smart mining pilots.",
            "6",
            "projects selected national smart mining pilots",
        ),
        ("The lab has finished over 300 applied research projects.", "300", "projects finished"),
        (
            "Among them, 88 key enterprises such as Sany and Zoomlion have a growth rate above 15%.",
            "88",
            "enterprises with growth rate above",
        ),
        ("In total, 9,400 firms have registered to open in the new zone.", "9,400", "enterprises registered"),
        (
            "Over 120 matchmaking meetings were organized to link buyers and sellers.",
            "120",
            "matchmaking meetings organized",
        ),
    ],
)
def test_a_count_says_what_was_counted(sentence: str, surface: str, metric: str) -> None:
    assert _count(sentence, surface) == metric


@pytest.mark.parametrize(
    "sentence",
    [
        "The 520 key enterprises are operating stably, with output up 3%.",  # a state, not a kind of enterprise
        "The number of 5G factories reached 40 in March.",  # nothing after the noun, no verb before
        "Industrial value added grew 6.1%.",  # not a count
        "Investment in 12 projects including the Changsha Metro Line 6 rose.",  # an example list is no clause
    ],
)
def test_a_count_says_nothing_more(sentence: str) -> None:
    numeral = find_figures(sentence)[0]
    assert count_metric(numeral.unit, sentence, *numeral.span) is None


def test_the_counted_noun_replaces_a_metric_that_counts_something_else() -> None:
    assert (
        counted_noun_phrase("media outlet", " domestic and foreign media outlets to report") == "foreign media outlets"
    )
    assert counted_noun_phrase("enterprise", " innovative SMEs") == "enterprises"
    assert counted_noun_phrase("percent", "% growth") is None
    sentence = "The trip drew 25 reporters from 12 foreign media outlets."
    numerals = find_figures(sentence)
    labels = {numerals[1].span: Label(metric="cities")}
    figure = assemble(numerals[1], labels, numerals, CONTEXT, Where(sentence))
    assert figure.metric == "foreign media outlets"


def test_group_counts_with_what_grew_and_by_how_much() -> None:
    sentence = "Of the 41 industries, the profits of 28 industries grew, and the profits of 11 industries rose by more than 30%."
    numerals = find_figures(sentence)
    metrics = [group_metric(n.unit, sentence, *n.span) for n in numerals[:3]]
    assert metrics == ["industries", "industries with profit growth", "industries with profit growth over 30%"]


def test_a_percent_that_is_one_count_over_another_is_their_share() -> None:
    sentence = "Of the 41 major industries, 33 industries grew, a growth rate of 80.5%."
    figures = assemble_pieces(pieces_of(sentence, "Hunan"), {}, CONTEXT)
    assert (figures[2].measure, figures[2].metric) == (Measure.SHARE, "industries with growth")
    other = "Of the 41 major industries, 33 industries grew, and output rose 8.5%."
    last = find_figures(other)[-1]
    assert assemble(last, {}, find_figures(other), CONTEXT, Where(other)).measure is Measure.GROWTH


def test_a_share_measures_its_part_not_its_whole() -> None:
    assert is_share_whole("fixed asset investment", "% of the province's fixed investment, up 2 points")
    assert not is_share_whole("manufacturing investment", "% of the province's fixed investment")
    sentence = (
        "Manufacturing investment rose 9.9%, 4.1 percentage points above fixed asset investment, "
        "accounting for 36.2% of the province's fixed investment."
    )
    numerals = find_figures(sentence)
    labels = {numerals[-1].span: Label(metric="fixed asset investment", base="fixed investment")}
    figure = assemble(numerals[-1], labels, numerals, CONTEXT, Where(sentence))
    assert (figure.measure, figure.metric) == (Measure.SHARE, "manufacturing investment")


@pytest.mark.parametrize(
    ("sentence", "surface", "model", "metric"),
    [
        ("The fair closed with export deals worth 820 million yuan.", "820", "exports", "export deal value"),
        ("Refiners will increase output by 350,000 tons this year.", "350,000", "output", "output increase"),
        ("Twelve projects got 640 million yuan in green loans.", "640", "growth rate", "green loans"),
        ("The plant has an annual capacity of 2.4 million tons.", "2.4", "output value", "annual capacity"),
        ("The plant has an annual output of 2.4 million tons.", "2.4", "annual output", "annual output"),  # kept
        ("Total profit reached 18.5 billion yuan.", "18.5", "total profit", "total profit"),  # no such words
    ],
)
def test_what_an_amount_measures(sentence: str, surface: str, model: str, metric: str) -> None:
    numerals = find_figures(sentence)
    numeral = next(n for n in numerals if n.surface == surface)
    figure = assemble(numeral, {numeral.span: Label(metric=model)}, numerals, CONTEXT, Where(sentence))
    assert figure.metric == metric


def test_a_group_count_keeps_the_kind_of_growth() -> None:
    sentence = "Of the 16 cities, 12 grew, and 4 cities achieved double-digit growth."
    numerals = find_figures(sentence)
    assert group_metric(numerals[2].unit, sentence, *numerals[2].span) == "cities with double-digit growth"


@pytest.mark.parametrize(
    ("text", "surface", "unit"),
    [
        ("The zone signed 31 projects last month. Seven of them came from abroad.", "Seven", "project"),
        ("Its output of new energy vehicles exceeded 412,000 units.", "412,000", "vehicle"),
        ("Sales reached 3.2 ten thousand units.", "3.2", "unit"),  # sales are an amount, not a thing counted
        ("It cultivated 96 national-level “little giant” enterprises.", "96", "enterprise"),
        ("The number of 5G base stations will rise to 90,000 by the end of the year.", "90,000", "base station"),
        ("Of the 16 cities, 14 grew, and 9 grew faster than the provincial average.", "9", "city"),
        ("The plant built 30 hydropower generating units.", "30", "generating unit"),
    ],
)
def test_what_a_bare_or_generic_count_counts(text: str, surface: str, unit: str) -> None:
    assert next(n for n in find_figures(text) if n.surface == surface).unit == unit


def test_metrics_by_their_other_names_and_ranks() -> None:
    from extractor.metrics import vocabulary_term

    assert vocabulary_term("gross domestic product") == "gdp"
    assert vocabulary_term("Actual use of foreign capital") == "foreign direct investment"
    assert vocabulary_term("foreign trade") == "import and export value"
    assert vocabulary_term("output value") == "output value"
    sentence = "Industrial value added grew by 6.3 percent, ranking fourth nationwide."
    figures = assemble_pieces(pieces_of(sentence, "Hunan"), {}, CONTEXT)
    assert [(f.measure, f.metric) for f in figures] == [
        (Measure.GROWTH, "industrial value added"),
        (Measure.RANK, "industrial value added growth"),
    ]
    ranked = "The province's GDP grew 5.8%, and it ranked second in the country in terms of economic aggregate."
    numerals = find_figures(ranked)
    labels = {numerals[0].span: Label(metric="gdp")}
    first = assemble(numerals[0], labels, numerals, CONTEXT, Where(ranked))
    second = assemble(numerals[1], {}, numerals, CONTEXT, Where(ranked, earlier={first.span: first}))
    assert second.metric == "gdp"
    group = "Of the 16 cities, 14 grew, and 9 grew faster than the provincial average."
    numerals = find_figures(group)
    assert group_metric(numerals[2].unit, group, *numerals[2].span) == "cities with growth above the provincial average"


@pytest.mark.parametrize(
    ("sentence", "surface", "model", "metric", "sector"),
    [
        (
            "The output of crude steel stood at 79.09 million tonnes.",
            "79.09",
            "crude steel",
            "product output",
            "crude steel",
        ),
        ("Cement output fell by 1.4 percent.", "1.4", "cement", "product output", "cement"),
        ("Power generation was 692.1 billion kWh.", "692.1", "power generation", "product output", "power generation"),
        (
            "Overall production efficiency rose 22 percent.",
            "22",
            "production efficiency",
            "production efficiency",
            None,
        ),
        ("Exports produced here reached 214 countries.", "214", "countries", "countries", None),  # not a product
    ],
)
def test_a_products_output(sentence: str, surface: str, model: str, metric: str, sector: str | None) -> None:
    numerals = find_figures(sentence)
    numeral = next(n for n in numerals if n.surface == surface)
    figure = assemble(numeral, {numeral.span: Label(metric=model)}, numerals, CONTEXT, Where(sentence))
    assert (figure.metric, figure.sector) == (metric, sector)


def test_a_plan_governs_every_figure_after_it_in_its_sentence() -> None:
    sentence = "The province plans to build 2,000 plants, cultivate over 500 firms and add 90 parks."
    numerals = find_figures(sentence)
    assert {assemble(n, {}, numerals, CONTEXT, Where(sentence)).status.value for n in numerals} == {"target"}


def test_the_models_words_inside_a_stated_term_are_that_term() -> None:
    from extractor.metrics import vocabulary_term

    clause = "The added value of industries above designated size in Hebei increased by "
    assert vocabulary_term("added value", clause) == "industrial value added"
    assert vocabulary_term("value", clause) == "value"  # one word is no name
    assert vocabulary_term("added value", "The added value of farms rose by ") == "added value"
