"""Extract one release: find the figures, ask the model a few sentences at a time, assemble the Release."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from extractor.assembly import Span, Where, assemble
from extractor.labelling import AnswerError, Labeller
from extractor.metrics import is_generic
from extractor.numerals import Numeral, find_figures
from extractor.prompting import Label, LabelRequest, Question
from extractor.questions import question_for
from extractor.reading import Source
from extractor.regions import sentence_cities
from extractor.release_context import ReleaseContext, read_context
from extractor.repair import Asked, repair
from extractor.sentences import Sentence, split_sentences
from schemas import Figure, Measure, Release

MAX_TAGS = 6
MAX_CHARS = 700
"""A call holds consecutive sentences up to this many tagged figures and characters (a longer
sentence goes alone): fewer calls cost less fixed time, and small questions keep a small model right."""


@dataclass(frozen=True)
class Piece:
    """A sentence, the figures in it, the sentence before it, and what the model is asked about them."""

    sentence: Sentence
    numerals: tuple[Numeral, ...]
    previous: str
    questions: tuple[Question, ...]
    city: str | None = None
    """The city of the province the text places the sentence in (``regions.py``)."""


def pieces_of(text: str, province: str = "") -> list[Piece]:
    """The sentences of ``text`` that hold figures, each with the sentence before it as context."""
    figures = find_figures(text)
    sentences = split_sentences(text)
    cities = sentence_cities(sentences, province)
    pieces, previous, index = [], "", 0
    for sentence in sentences:
        inside: list[Numeral] = []
        while index < len(figures) and figures[index].span[0] < sentence.end:
            if figures[index].span[0] >= sentence.start:
                inside.append(figures[index])
            index += 1
        if inside:
            asked = (question_for(n, inside, sentence.text, sentence.start) for n in inside)
            questions = tuple(q for q in asked if q.keys)
            pieces.append(Piece(sentence, tuple(inside), previous, questions, cities.get(sentence.start)))
        previous = sentence.text
    return pieces


def batches_of(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """Consecutive pieces grouped into calls of at most ``MAX_TAGS`` questions and ``MAX_CHARS`` characters."""
    batches: list[list[Piece]] = []
    tags = chars = 0
    for piece in pieces:
        size = len(piece.sentence.text)
        if not batches or tags + len(piece.questions) > MAX_TAGS or chars + size > MAX_CHARS:
            batches.append([])
            tags = chars = 0
        batches[-1].append(piece)
        tags, chars = tags + len(piece.questions), chars + size
    return batches


def request_of(context: ReleaseContext, batch: Sequence[Piece]) -> LabelRequest | None:
    """The one call a batch needs, or None when code knows enough about all of its figures."""
    asked = [piece for piece in batch if piece.questions]
    if not asked:
        return None
    questions = tuple(q for piece in asked for q in piece.questions)
    return LabelRequest(context, tuple(piece.sentence for piece in asked), questions)


def extract_release(
    source: Source,
    labeller: Labeller,
    on_piece: Callable[[int, int], None] | None = None,
    check_answers: bool = True,
) -> Release:
    """The Release record of ``source``; every figure grounded by construction.

    With ``check_answers``, figures the checker flags for what the model said are asked once more
    (``repair.py``).
    """
    context = read_context(source.plain)
    pieces = pieces_of(source.plain, context.region)
    labels: dict[Span, Label] = {}
    batches = batches_of(pieces)

    def ask(batch: Sequence[Piece]) -> dict[Span, Label]:
        request = request_of(context, batch)
        if request is None:
            return {}
        try:
            return labeller.label(request)
        except AnswerError:
            labeller.usage.count(invalid_answers=1)
            return {}

    done = 0
    workers = max(1, int(getattr(labeller, "concurrency", 1)))
    pool = ThreadPoolExecutor(workers, thread_name_prefix="relfig-call") if workers > 1 else None
    try:
        for batch, answer in zip(batches, pool.map(ask, batches) if pool else map(ask, batches), strict=True):
            labels.update(answer)
            done += len(batch)
            if on_piece:
                on_piece(done, len(pieces))
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)

    def assemble_all(answers: Mapping[Span, Label]) -> Release:
        return release_of_figures(source, context, assemble_pieces(pieces, answers, context))

    release = assemble_all(labels)
    if check_answers:
        asked = {q.numeral.span: Asked(piece.sentence, q) for piece in pieces for q in piece.questions}
        release = repair(release, source.text, context, asked, labels, labeller, assemble_all)
    return release


def assemble_pieces(pieces: Sequence[Piece], labels: Mapping[Span, Label], context: ReleaseContext) -> list[Figure]:
    """Every figure of ``pieces`` in text order, each with the last named rate before it as context."""
    figures: list[Figure] = []
    earlier: dict[Span, Figure] = {}
    last_rate_metric = None
    for piece in pieces:
        for numeral in piece.numerals:
            where = Where(
                piece.sentence.text, piece.sentence.start, piece.previous, last_rate_metric, piece.city, earlier
            )
            figure = assemble(numeral, labels, piece.numerals, context, where)
            earlier[figure.span] = figure
            if figure.unit == "percent" and figure.measure is Measure.GROWTH and not is_generic(figure.metric):
                last_rate_metric = figure.metric
            figures.append(figure)
    return figures


def release_of_figures(source: Source, context: ReleaseContext, figures: Sequence[Figure]) -> Release:
    """The Release record of ``source`` with ``figures``, validated against its text."""
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
