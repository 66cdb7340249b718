"""Split a release into sentences with their character offsets, so the model sees small pieces."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? ; (or their CJK forms) before white space, or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?;。！？；])[”\"’']?\s+|\n+")
_ABBREVIATIONS = re.compile(
    r"\b(?:No|Co|Ltd|Inc|Corp|Mr|Mrs|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|e\.g|i\.e|U\.S|approx)\.$"
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the release: its offsets and its text."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """The non-empty sentences of ``text`` in order, with offsets into ``text``."""
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        piece = text[start : match.start()]
        if "\n" not in match.group() and _ABBREVIATIONS.search(piece.rstrip("”\"’'")):
            continue
        _append(sentences, text, start, match.start())
        start = match.end()
    _append(sentences, text, start, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        sentences.append(Sentence(start=start, end=end, text=text[start:end]))
