"""Property tests: the numeral finder and the checker on any input (hypothesis)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.checking.checker import check_releases
from extractor.numerals import find_numerals
from extractor.pipeline import pieces_of
from schemas import Release, release_id_of

from .conftest import SAMPLE_NAMES, gold_release, sample_text

WORDS = ["rose", "fell", "by", "percent", "%", "billion", "yuan", "cities", "of the", "over", "nearly", "Eight",
         "one-seventh", "2024", "March", "5G", "No.", "percentage points", "lower", "万", "亿元", "-", ",", ".", "\n",
         "(approximately $", ")", "ranking fifth", "the three industries", "“", "”", "Copyright ©"]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(str),
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: f"{x:.1f}"),
    st.integers(min_value=1000, max_value=999999).map(lambda x: f"{x:,}"),
)
TEXTS = st.lists(st.one_of(st.sampled_from(WORDS), NUMBERS, st.text(max_size=8)), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_numeral_spans_are_inside_the_text_and_equal_the_surface(text: str) -> None:
    numerals = find_numerals(text)
    for numeral in numerals:
        start, end = numeral.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == numeral.surface
        assert numeral.value >= 0
    spans = [n.span for n in numerals]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "numerals never overlap"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_finder_and_sentence_pieces_never_raise_on_any_text(text: str) -> None:
    find_numerals(text)
    for piece in pieces_of(text):
        assert all(piece.sentence.start <= n.span[0] < piece.sentence.end for n in piece.numerals)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(SAMPLE_NAMES), st.randoms(use_true_random=False))
def test_checker_results_do_not_depend_on_figure_order(name: str, random: object) -> None:
    release, text = gold_release(name), sample_text(name)
    shuffled = list(release.figures)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    # Bypass the text-order validation on purpose: the checker must not rely on it.
    unordered = Release.model_construct(**{**dict(release), "figures": tuple(shuffled)})
    assert {f.id for f in check_releases([(release, text)]).flags} == {
        f.id for f in check_releases([(unordered, text)]).flags
    }


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_checker_never_raises_on_figures_the_finder_reads(text: str) -> None:
    figures = [
        {"span": list(n.span), "surface": n.surface, "value": n.signed_value, "scale": n.scale, "unit": n.unit or "count",
         "measure": "growth" if n.unit == "percent" else "level", "metric": "m", "region": "Liaoning"}
        for n in find_numerals(text) if n.is_figure and n.scale in (1.0, 1e3, 1e4, 1e6, 1e8, 1e9, 1e12)
    ]  # fmt: skip
    release = Release.model_validate({"release_id": release_id_of(text), "region": "Liaoning", "figures": figures})
    report = check_releases([(release, text)])
    assert all(flag.release_id == release.release_id for flag in report.flags)
