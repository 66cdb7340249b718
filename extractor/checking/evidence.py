"""What the text says around each figure, read once per release for every check that needs it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.numerals import Numeral, find_numerals
from extractor.periods import default_period, find_period_phrases, reference_year
from extractor.regions import sentence_cities
from extractor.sentences import Sentence, split_sentences
from schemas import Figure, Release

_DECIMALS = re.compile(r"\.(\d+)$")


@dataclass(frozen=True)
class FigureEvidence:
    """A figure, the numeral code reads at its span (None if code sees none), and its sentence window."""

    figure: Figure
    numeral: Numeral | None
    sentence: str
    window: str
    periods: tuple[tuple[str, str], ...]
    placed: str | None = None
    """The city the text around the sentence places it in (``regions.py``: an organisation's home city)."""


@dataclass(frozen=True)
class ReleaseEvidence:
    """A release with its text (when known) and the evidence for each figure, in order."""

    release: Release
    text: str | None
    figures: tuple[FigureEvidence, ...]


def gather(release: Release, text: str | None) -> ReleaseEvidence:
    """Read the text around every figure of ``release``; without text only the figures are known."""
    figures = sorted(release.figures, key=lambda f: f.span)
    if text is None:
        return ReleaseEvidence(release, None, tuple(FigureEvidence(f, None, "", "", ()) for f in figures))
    numerals = {n.span: n for n in find_numerals(text)}
    sentences = split_sentences(text)
    year = reference_year(release.period_end, release.published)
    now = default_period(release.period_start, release.period_end, release.published)[1]
    written = int(release.published[:4]) if release.published else None
    placed = sentence_cities(sentences, release.region)
    evidence = []
    for figure in figures:
        index = _sentence_index(sentences, figure.span[0])
        sentence = sentences[index].text if index is not None else ""
        window_sentences = sentences[max(0, index - 1) : index + 2] if index is not None else []
        window = "\n".join(s.text for s in window_sentences)
        periods = tuple(
            resolved
            for phrase in find_period_phrases(window)
            if (resolved := phrase.resolve(year, now, written)) is not None
        )
        city = placed.get(sentences[index].start) if index is not None else None
        evidence.append(FigureEvidence(figure, numerals.get(figure.span), sentence, window, periods, city))
    return ReleaseEvidence(release, text, tuple(evidence))


def half_unit(surface: str) -> float:
    """Half the last printed digit's unit: the rounding a printed number may hide (``5.3`` → 0.05)."""
    match = _DECIMALS.search(surface.replace(",", ""))
    if match:
        return 0.5 * 10.0 ** -len(match.group(1))
    return 0.5 if any(ch.isdigit() for ch in surface) else 0.0


def _sentence_index(sentences: list[Sentence], offset: int) -> int | None:
    for index, sentence in enumerate(sentences):
        if sentence.start <= offset < sentence.end:
            return index
    return None
