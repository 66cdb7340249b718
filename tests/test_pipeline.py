"""Extraction with a fake labeller: what code decides, what the model decides, and fallbacks."""

from __future__ import annotations

from extractor.assembly import Where, assemble, figure_measure, sentence_period
from extractor.cues import (
    compared_to_from_base,
    gap_base,
    group_metric,
    may_name_an_entity,
    national_region,
    rate_measure,
    respective_items,
    status_of,
)
from extractor.metrics import UNLABELLED, industry_growth, is_generic, stated_metric
from extractor.numerals import find_figures
from extractor.pipeline import MAX_TAGS, batches_of, extract_release, pieces_of
from extractor.prompting import Label, LabelRequest
from extractor.questions import level_before
from extractor.reading import Source
from extractor.release_context import ReleaseContext
from schemas import Bound, ComparedTo, Measure, Status

from .conftest import SAMPLE_NAMES, FakeLabeller, gold_release, sample_text

CONTEXT = ReleaseContext(
    title=None, published="2024-04-23", region="Liaoning", period_start="2024-01", period_end="2024-03"
)
TEXT = (
    "In the first quarter of 2024, Liaoning industrial value added increased by 5.3% year-on-year, 0.3 percentage "
    "points higher than the national level, ranking fifth. Eight cities grew."
)
ANSWER: dict[str, object] = {
    "metric": "Industrial value added",
    "sector": None,
    "entity": None,
    "measure": "growth",
    "base": None,
}


def _assembled(text: str, answers: dict[int, Label], context: ReleaseContext = CONTEXT) -> list[object]:
    numerals = find_figures(text)
    labels = {numerals[tag - 1].span: label for tag, label in answers.items()}
    return [assemble(n, labels, numerals, context, Where(text)) for n in numerals]


def test_every_figure_is_grounded_and_only_what_code_cannot_read_is_asked() -> None:
    labeller = FakeLabeller(answer=ANSWER)
    release = extract_release(Source(text=TEXT, name="t"), labeller)
    assert [f.surface for f in release.figures] == ["5.3", "0.3", "fifth", "Eight"]
    assert all(TEXT[f.span[0] : f.span[1]] == f.surface for f in release.figures)
    (request,) = labeller.requests  # both sentences in one call
    assert [q.numeral.surface for q in request.questions] == ["5.3", "fifth"]  # the gap's base is in the text,
    assert [q.keys for q in request.questions] == [("metric", "sector")] * 2  # "Eight cities grew" says it all
    schema = request.answer_model().model_json_schema()
    assert set(schema["$defs"]) == {"MetricSectorLabel"}


def test_code_decides_unit_measure_value_and_the_difference_it_refers_to() -> None:
    text = TEXT.replace(" year-on-year", "")  # nothing left to say whether 5.3% is a change or a share
    release = extract_release(Source(text=text, name="t"), FakeLabeller(answer={**ANSWER, "measure": "share"}))
    by_surface = {f.surface: f for f in release.figures}
    assert (by_surface["5.3"].unit, by_surface["5.3"].measure) == ("percent", Measure.GROWTH)  # "increased by"
    release = extract_release(
        Source(text="It was 5.3%, 0.3 percentage points more.", name="t"),
        FakeLabeller(answer={**ANSWER, "measure": "share"}),
    )
    assert release.figures[0].measure is Measure.SHARE  # the model's reading, when the words do not say
    assert release.figures[1].metric == "industrial value added share"  # a gap between two shares
    release = extract_release(Source(text=TEXT, name="t"), FakeLabeller(answer=ANSWER))
    by_surface = {f.surface: f for f in release.figures}
    gap = by_surface["0.3"]
    assert (gap.unit, gap.measure, gap.refers_to) == ("percentage_point", Measure.DIFFERENCE, by_surface["5.3"].span)
    assert gap.metric == "industrial value added growth" and gap.compared_to == ComparedTo(region="China")
    assert (by_surface["fifth"].value, by_surface["fifth"].measure) == (5, Measure.RANK)
    assert (by_surface["Eight"].unit, by_surface["Eight"].measure) == ("city", Measure.LEVEL)
    assert by_surface["5.3"].metric == "industrial value added"


def test_a_gap_between_growth_rates_measures_the_rates_growth() -> None:
    release = extract_release(Source(text=TEXT, name="t"), FakeLabeller(answer={**ANSWER, "metric": "quarter value"}))
    assert release.figures[1].metric == "quarter value growth"  # the rate's metric, whatever the gap's label says


def test_without_a_valid_answer_figures_keep_code_labels() -> None:
    labeller = FakeLabeller(answer=None)
    release = extract_release(Source(text=TEXT, name="t"), labeller)
    assert labeller.usage.invalid_answers == 1
    # what code reads alone: the term the rate's clause states, the gap and the rank of that rate, the count
    assert [f.metric for f in release.figures] == [
        "industrial value added",
        "industrial value added growth",
        "industrial value added growth",
        "cities with positive growth",
    ]
    unnamed = extract_release(Source(text=TEXT.replace("industrial value added", "output"), name="t"), labeller)
    assert [f.metric for f in unnamed.figures] == [UNLABELLED] * 3 + ["cities with positive growth"]
    assert [f.measure for f in release.figures] == [Measure.GROWTH, Measure.DIFFERENCE, Measure.RANK, Measure.LEVEL]
    assert {(f.region, f.period_start, f.period_end) for f in release.figures} == {("Liaoning", "2024-01", "2024-03")}


def test_measure_by_unit_then_by_the_words_then_by_the_model() -> None:
    text = "It rose 5.3%, 0.3 percentage points more; 13 cities grew, and it was 4.0%."
    rate, gap, count, open_rate = find_figures(text)
    share, where = Label(metric="x", measure="share", base="exports"), Where(text)
    assert figure_measure(rate, share, where) is Measure.GROWTH  # "rose" settles it
    assert figure_measure(open_rate, share, where) is Measure.SHARE
    assert figure_measure(open_rate, Label(), where) is Measure.GROWTH
    assert figure_measure(gap, share, where) is Measure.DIFFERENCE
    assert figure_measure(count, share, where) is Measure.LEVEL


def test_period_comes_from_the_sentence_else_the_release() -> None:
    text = "From January to February, profit rose 24.0%, and in March output rose 5.5%; exports rose 3.0%."
    first, second, third = find_figures(text)
    where = Where(text)
    assert sentence_period(first, where, CONTEXT) == ("2024-01", "2024-02")
    assert sentence_period(second, where, CONTEXT) == ("2024-03", "2024-03")
    assert sentence_period(third, where, CONTEXT) == ("2024-03", "2024-03")
    plain = "Exports rose 3.0%."
    assert sentence_period(find_figures(plain)[0], Where(plain), CONTEXT) == ("2024-01", "2024-03")
    no_year = ReleaseContext(title=None, published=None, region="Liaoning", period_start=None, period_end=None)
    assert sentence_period(first, where, no_year) == (None, None)


def test_region_is_national_only_for_a_national_subject() -> None:
    text = "When the national industrial growth rate dropped by 0.9 percentage points, ours rose 5.3%, 11.8 points higher than the national level."
    first, second, third = find_figures(text)
    assert national_region(text, first.span[0])
    assert not national_region(text, second.span[0])
    assert not national_region(text, third.span[0])


def test_status_from_the_clause() -> None:
    assert status_of("the province aims to reach ") is Status.TARGET
    assert status_of("output is expected to grow by ") is Status.FORECAST
    assert status_of("output grew by ") is Status.ACTUAL


def test_compared_to_from_the_models_base_phrase() -> None:
    period = ("2024-01", "2024-03")
    assert compared_to_from_base("national level", "Liaoning", period, 2024, growth=True) == ComparedTo(region="China")
    assert compared_to_from_base("2023", "Liaoning", period, 2024, growth=True) == ComparedTo(
        period_start="2023-01", period_end="2023-12"
    )
    assert compared_to_from_base("the same period last year", "Liaoning", period, 2024, growth=False) == ComparedTo(
        period_start="2023-01", period_end="2023-03"
    )
    assert compared_to_from_base(
        "the province's fixed asset investment", "Liaoning", period, 2024, growth=True
    ) == ComparedTo(metric="fixed asset investment growth")
    assert compared_to_from_base("fixed investment", "Liaoning", period, 2024, growth=False) == ComparedTo(
        metric="fixed investment"
    )
    assert compared_to_from_base(None, "Liaoning", period, 2024, growth=False) is None


def test_a_gap_with_its_base_and_a_share_with_its_whole() -> None:
    text = "Investment rose 25.2%, 11.8 percentage points higher than the national level, accounting for 46.8% of investment."
    answers = {
        1: Label(metric="industrial investment"),
        3: Label(metric="industrial investment", base="fixed asset investment"),
    }
    rate, gap, share = _assembled(text, answers)
    assert gap.compared_to == ComparedTo(region="China") and gap.refers_to == rate.span  # type: ignore[attr-defined]
    assert share.compared_to == ComparedTo(metric="fixed asset investment")  # type: ignore[attr-defined]
    assert rate.compared_to is None  # type: ignore[attr-defined]


def test_bound_comes_from_the_text() -> None:
    text = "Liaoning accumulated over 110,000 5G base stations."
    release = extract_release(Source(text=text, name="t"), FakeLabeller(answer=ANSWER))
    assert [(f.surface, f.bound, f.unit) for f in release.figures] == [("110,000", Bound.OVER, "base station")]


def test_samples_cut_into_pieces_that_cover_every_gold_figure() -> None:
    for name in SAMPLE_NAMES:
        text = sample_text(name)
        pieces = pieces_of(text)
        asked = {n.span for piece in pieces for n in piece.numerals}
        assert {f.span for f in gold_release(name).figures} <= asked
        for piece in pieces:
            assert all(piece.sentence.start <= n.span[0] < piece.sentence.end for n in piece.numerals)


def _read(function: object, text: str, surface: str) -> object:
    start = text.index(surface)
    return function(text, start, start + len(surface))  # type: ignore[operator]


def test_the_words_around_a_rate_say_whether_it_is_a_change_or_a_share() -> None:
    assert _read(rate_measure, "Output grew 5.3% year-on-year.", "5.3") is Measure.GROWTH
    assert _read(rate_measure, "It was 46.8% of the province's investment.", "46.8") is Measure.SHARE
    assert _read(rate_measure, "It accounted for 46.8%.", "46.8") is Measure.SHARE
    assert _read(rate_measure, "The sales rate reached 98.2%.", "98.2") is Measure.SHARE
    assert _read(rate_measure, "with an annual growth rate of 7.1 percent", "7.1") is Measure.GROWTH
    assert _read(rate_measure, "steel grew 3.0%, and the petrochemical industry by 4.9%.", "4.9") is Measure.GROWTH
    assert _read(rate_measure, "It was 4.0%.", "4.0") is None  # the model decides
    assert _read(rate_measure, "The utilisation rate rose to 80%.", "80") is None  # both: the model decides


def test_what_a_difference_is_compared_with_when_the_text_says() -> None:
    assert _read(gap_base, "5.3%, 0.3 percentage points higher than the national level.", "0.3") == "the national level"
    assert _read(gap_base, "5.0%, surpassing the national average by 0.4%.", "0.4") == "the national average"
    assert _read(gap_base, "an increase of 6 percentage points year-on-year.", "6") == "year-on-year"
    assert _read(gap_base, "up 0.5 percentage points from the same period last year.", "0.5") == (
        "the same period last year"
    )
    assert _read(gap_base, "profit was up 0.5 percentage points.", "0.5") is None


def test_entity_is_asked_only_where_a_name_could_be() -> None:
    assert may_name_an_entity("Output of BMW Brilliance grew 8.9%.")
    assert not may_name_an_entity("Liaoning's output grew 8.9% in March, above China's average.")
    assert not may_name_an_entity("The GDP of the province grew.")  # an opener and an acronym


def test_a_rate_right_after_its_amount_measures_the_same_thing() -> None:
    text = "Profit reached 18.57 billion yuan, a year-on-year increase of 24.0%, and 13 cities grew 2.0%."
    profit, rate, cities, other = find_figures(text)
    assert level_before(rate, [profit, rate, cities, other], text, 0) == profit
    assert level_before(other, [profit, rate, cities, other], text, 0) is None  # "cities grew": no comma-led link
    answers = {1: Label(metric="total profit", sector="private enterprises"), 3: Label(metric="cities", sector=None)}
    figures = _assembled(text, answers)
    assert (figures[1].metric, figures[1].sector) == ("total profit", "private enterprises")  # type: ignore[attr-defined]


def test_consecutive_sentences_share_a_call_up_to_a_limit() -> None:
    text = " ".join(f"Output grew {i}.5% in March, and it was {i}.0% of the total." for i in range(1, 9))
    batches = batches_of(pieces_of(text))
    assert [len(batch) for batch in batches] == [3, 3, 2]
    assert all(sum(len(piece.questions) for piece in batch) <= MAX_TAGS for batch in batches)
    assert [piece.sentence.start for batch in batches for piece in batch] == sorted(
        piece.sentence.start for piece in pieces_of(text)
    )


def test_counts_of_cities_and_industries_take_their_metric_from_their_clause() -> None:
    text = "13 of the 14 cities achieved positive growth, 9 cities outperformed the country, and 30 industries grew."
    _, fourteen, nine, thirty = find_figures(text)
    assert group_metric("city", text, *fourteen.span) == "cities"  # "of the 14": the whole
    assert group_metric("city", text, *nine.span) == "cities with growth above the national average"
    assert group_metric("industry", text, *thirty.span) == "industries with growth"
    assert group_metric("enterprise", text, *thirty.span) is None
    request = extract_release(Source(text=text, name="t"), FakeLabeller(answer=ANSWER))
    assert [f.metric for f in request.figures] == [
        "cities with positive growth",
        "cities",
        "cities with growth above the national average",
        "industries with growth",
    ]


def test_an_industrys_growth_is_its_value_added_growth() -> None:
    before = "Key sectors such as equipment manufacturing, metallurgy and consumer goods grew "
    assert industry_growth("metallurgy", None, Measure.GROWTH, before) == ("industrial value added", "metallurgy")
    assert industry_growth("petrochemical industry", None, Measure.GROWTH, "It grew ") == (
        "industrial value added",
        "petrochemical",
    )
    assert industry_growth("exports", None, Measure.GROWTH, before) == ("exports", None)  # a vocabulary metric
    assert industry_growth("steel output", None, Measure.GROWTH, before) == ("steel output", None)  # a quantity
    assert industry_growth("petrochemical industry", None, Measure.SHARE, "") == ("petrochemical industry", None)


def test_a_metric_the_sentence_states_wins_over_another_vocabulary_term() -> None:
    assert stated_metric("fixed asset investment", "Industrial investments rose by ") == "industrial investment"
    assert stated_metric("fixed asset investment", "Fixed asset investment and industrial investment rose ") == (
        "fixed asset investment"  # the model's term is stated too
    )
    assert stated_metric("gdp", "The park's gross industrial output value reached ") == "output value"
    assert stated_metric("loan intentions", "Industrial investment rose ") == "loan intentions"  # not vocabulary
    assert stated_metric("cities with positive growth", "Industrial value added grew, and ") == (
        "cities with positive growth"  # counts are not amounts
    )


def test_a_bare_growth_or_gap_measures_the_last_rate_of_the_release() -> None:
    text = (
        "Industrial value added grew 3.4% year-on-year. This is an improvement of 0.6 percentage points. It rose 2.0%."
    )
    answers = {"metric": "growth", "sector": None, "entity": None, "measure": "growth", "base": None}
    labeller = FakeLabeller(answer={**answers, "metric": "industrial value added"})
    first = extract_release(Source(text=text, name="t"), labeller).figures
    assert [f.metric for f in first] == [
        "industrial value added",
        "industrial value added growth",
        "industrial value added",
    ]
    assert is_generic("growth rate") and is_generic("percentage points") and not is_generic("profit growth")
    generic = extract_release(Source(text=text, name="t"), FakeLabeller(answer=answers)).figures
    assert [f.metric for f in generic] == [f.metric for f in first]  # "growth" is not in the text: its clause's term
    unnamed = text.replace("Industrial value added", "Output")
    generic = extract_release(Source(text=unnamed, name="t"), FakeLabeller(answer=answers)).figures
    assert [f.metric for f in generic] == ["growth", "growth", "growth"]  # nothing before to refer to


def test_a_labeller_that_takes_parallel_calls_gets_them_and_answers_land_in_order() -> None:
    import threading

    barrier = threading.Barrier(3, timeout=10)  # breaks (and the test fails) unless 3 calls are in flight at once

    class ParallelLabeller(FakeLabeller):
        concurrency = 3

        def label(self, request: LabelRequest) -> dict[tuple[int, int], Label]:
            if len(self.requests) < 3:
                self.requests.append(request)
                barrier.wait()
            else:
                self.requests.append(request)
            return {q.numeral.span: Label(metric=f"m{q.numeral.surface}", sector=None) for q in request.questions}

    text = " ".join(
        f"In March output grew {i}.{i}% and sales {i}.{i + 1}% while profit was {i}.0%." for i in range(1, 9)
    )
    progress: list[int] = []
    labeller = ParallelLabeller(answer=ANSWER)
    release = extract_release(
        Source(text=text, name="t"), labeller, on_piece=lambda done, _total: progress.append(done)
    )
    assert len(labeller.requests) == len(batches_of(pieces_of(text))) > 3
    assert [f.metric for f in release.figures] == [f"m{f.surface}" for f in release.figures]
    assert progress == sorted(progress) and progress[-1] == 8


def test_a_respectively_list_gives_each_figure_its_sector_or_place() -> None:
    text = (
        "Industrial value added grew 5.0% year-on-year, and the major industries of equipment manufacturing, "
        "petrochemicals and metallurgy grew by 4.4%, 2.9% and 1.6% respectively."
    )
    answer = {**ANSWER, "metric": "industrial value added"}
    figures = extract_release(Source(text=text, name="t"), FakeLabeller(answer=answer)).figures
    assert [(f.surface, f.sector) for f in figures] == [
        ("5.0", None),
        ("4.4", "equipment manufacturing"),
        ("2.9", "petrochemicals"),
        ("1.6", "metallurgy"),
    ]
    places = "Dalian, Anshan and Fushun grew 5.1%, 4.2% and 3.3% respectively."
    figures = extract_release(Source(text=places, name="t"), FakeLabeller(answer=answer)).figures
    assert [f.region for f in figures] == ["Dalian", "Anshan", "Fushun"]
    plain = "Output grew 5.1%, 4.2% and 3.3% in March."  # no "respectively": no pairing
    assert respective_items(plain, [n.span for n in find_figures(plain)]) is None


def test_periods_of_ranges_days_events_and_plans() -> None:
    context = ReleaseContext(title=None, published="2021-08-02", region="Hebei", period_start=None, period_end=None)

    def period(sentence: str, surface: str, previous: str = "") -> tuple[str | None, str | None]:
        numerals = find_figures(sentence)
        numeral = next(n for n in numerals if n.surface == surface)
        status = status_of(sentence[: numeral.span[0]])
        return sentence_period(numeral, Where(sentence, 0, previous), context, status)

    assert period("From 2016 to last year, exports totalled $310 billion.", "310") == ("2016-01", "2020-12")
    assert period("Between 2015 and 2019, output rose 40 percent.", "40") == ("2015-01", "2019-12")
    assert period("Since 2012, the carmaker has invested 9 billion yuan here.", "9") == ("2012-01", "2021-08")
    assert period("Since 2012, the province has built 14 industrial parks.", "14") == ("2021-01", "2021-08")  # a stock
    assert period("On May 6, the firm opened a plant worth 3 billion yuan.", "3") == ("2021-05", "2021-05")
    assert period("The plant has 900 workers.", "900", previous="On May 6, it opened.") == ("2021-01", "2021-08")
    assert period("Approved in March 2018, the park has 60 tenants.", "60") == ("2021-01", "2021-08")
    assert period("The park has 60 tenants.", "60", previous="The park was set up in 2018.") == ("2021-01", "2021-08")
    assert period("The cities agreed to complete 12 projects this year.", "12") == ("2021-01", "2021-12")
    assert period("This year, 12 projects were completed.", "12") == ("2021-01", "2021-08")


def test_last_and_this_year_count_from_the_publication_year() -> None:
    january = ReleaseContext(
        title=None, published="2024-01-24", region="Anhui", period_start="2023-01", period_end="2023-12"
    )

    def period(sentence: str) -> tuple[str | None, str | None]:
        numeral = find_figures(sentence)[0]
        return sentence_period(numeral, Where(sentence), january, status_of(sentence[: numeral.span[0]]))

    assert period("Compared with last year, output grew 5.8%.") == ("2023-01", "2023-12")
    assert period("This year the province aims to add 300 projects.") == ("2024-01", "2024-12")
    assert period("In 2023, output grew 5.8%.") == ("2023-01", "2023-12")


def test_dates_without_a_year_count_from_the_publication_year() -> None:
    feature = ReleaseContext(
        title=None, published="2022-04-14", region="Sichuan", period_start="2021-01", period_end="2021-12"
    )
    for sentence, expected in (
        ("On March 8, the firm signed deals worth 3 billion yuan.", ("2022-03", "2022-03")),
        ("In the first quarter of this year, output rose 9.1%.", ("2022-01", "2022-03")),
        ("Output rose 9.1% in the first quarter.", ("2021-01", "2021-03")),  # the release's own year
    ):
        numeral = find_figures(sentence)[-1]
        assert sentence_period(numeral, Where(sentence), feature) == expected, sentence


def test_periods_of_plans_and_comparisons() -> None:
    spring = ReleaseContext(
        title=None, published="2022-04-14", region="Sichuan", period_start="2021-01", period_end="2021-12"
    )

    def period(sentence: str, surface: str, previous: str = "") -> tuple[str | None, str | None]:
        numeral = next(n for n in find_figures(sentence) if n.surface == surface)
        return sentence_period(numeral, Where(sentence, 0, previous), spring, status_of(sentence[: numeral.span[0]]))

    assert period("By 2025, we aim to raise revenue to 2 trillion yuan.", "2") == ("2025-01", "2025-12")
    assert period("The line will add output of 3 billion yuan next year.", "3") == ("2023-01", "2023-12")
    assert period("At a fair held last November, 176 projects were signed.", "176") == ("2021-11", "2021-11")
    assert period("The province aims to grow more than 5 percent for the whole year.", "5") == ("2021-01", "2021-12")
    retail = "Retail sales hit 2.35 trillion yuan, up 5.3 percent, 0.9 points lower compared with the first quarter."
    assert period(retail, "2.35") == ("2021-01", "2021-12")  # the first quarter is the comparison's
    assert period("Output rose 4%.", "4", previous="In June alone, exports rose 2%.") == ("2021-01", "2021-12")


def test_no_break_spaces_read_as_spaces() -> None:
    plain = (
        "Updated: 2021-08-02\nHubei's exports rose 6 percent.\n"
        "Since 2012, a carmaker has invested 9 billion yuan in the provincial capital, a 12 percent share."
    )
    spaced = plain.replace(" ", "\u00a0")
    context = dict(answer={"metric": "investment amount", "sector": None, "entity": None, "base": None})
    one = extract_release(Source(text=plain, name="a"), FakeLabeller(**context)).figures  # type: ignore[arg-type]
    two = extract_release(Source(text=spaced, name="b"), FakeLabeller(**context)).figures  # type: ignore[arg-type]
    assert [(f.span, f.surface, f.metric, f.period_start, f.measure, f.region) for f in one] == [
        (f.span, f.surface, f.metric, f.period_start, f.measure, f.region) for f in two
    ]
    assert (one[1].period_start, one[1].period_end, one[1].region) == ("2012-01", "2021-08", "Wuhan")
