"""Extract one release: find the figures, ask the model sentence by sentence, assemble the Release."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from extractor.assembly import Where, assemble
from extractor.labelling import AnswerError, Labeller
from extractor.numerals import Numeral, find_figures
from extractor.prompting import FigureLabel, LabelRequest
from extractor.reading import Source
from extractor.release_context import read_context
from extractor.sentences import Sentence, split_sentences
from schemas import Figure, Release

_PREVIOUS_CHARS = 300


@dataclass(frozen=True)
class Piece:
    """A sentence and the figures in it: one question to the model."""

    sentence: Sentence
    numerals: tuple[Numeral, ...]
    previous: str


def pieces_of(text: str) -> list[Piece]:
    """The sentences of ``text`` that hold figures, each with the sentence before it as context."""
    figures = find_figures(text)
    pieces, previous, index = [], "", 0
    for sentence in split_sentences(text):
        inside = []
        while index < len(figures) and figures[index].span[0] < sentence.end:
            if figures[index].span[0] >= sentence.start:
                inside.append(figures[index])
            index += 1
        if inside:
            pieces.append(Piece(sentence, tuple(inside), previous[-_PREVIOUS_CHARS:]))
        previous = sentence.text
    return pieces


def extract_release(source: Source, labeller: Labeller, on_piece: Callable[[int, int], None] | None = None) -> Release:
    """The Release record of ``source``; every figure grounded by construction."""
    context = read_context(source.text)
    pieces = pieces_of(source.text)
    figures: list[Figure] = []
    for done, piece in enumerate(pieces, start=1):
        request = LabelRequest(context, piece.sentence, piece.numerals, piece.previous)
        labels: dict[int, FigureLabel] = {}
        try:
            labels = labeller.label(request)
        except AnswerError:
            labeller.usage.invalid_answers += 1
        tags = dict(enumerate(piece.numerals, start=1))
        where = Where(piece.sentence.text, piece.sentence.start, piece.previous)
        figures.extend(assemble(numeral, labels, tags, context, where) for numeral in piece.numerals)
        if on_piece:
            on_piece(done, len(pieces))
    return Release.model_validate(
        {
            "release_id": source.release_id,
            "title": context.title,
            "published": context.published,
            "region": context.region,
            "period_start": context.period_start,
            "period_end": context.period_end,
            "figures": tuple(figures),
        },
        context={"text": source.text},
    )
