"""What the model is asked: which figures, which keys for each, and the messages that ask.

The system message starts with instructions, vocabulary and worked examples that are the same for
every release, then the release's context, so the server's prompt cache reuses the long part
across releases and the whole of it across the calls of one release. The user message is a few
consecutive sentences with their figures tagged ``5.3%[#1]``. The answer has exactly one key per
tag (``n1``, ``n2``, ...), each an object with only the keys that figure still needs, which a
schema-enforcing server turns into a grammar: the model cannot skip, invent or over-answer.

Every generated token costs time on two cores, so code decides what it can first (``questions.py``):
the measure of a rate when its words say growth or share, what a difference is compared with when
the text says, and whether a sentence has any name an entity could be.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from extractor.numerals import Numeral
from extractor.release_context import ReleaseContext
from extractor.sentences import Sentence
from schemas import METRIC_VOCABULARY

PROMPT_VERSION = "3"

Key = Literal["metric", "sector", "entity", "measure", "base"]
KEYS: tuple[Key, ...] = ("metric", "sector", "entity", "measure", "base")

INSTRUCTIONS = """You label the statistical figures of a press release. Each figure is tagged right after its number, like 5.3%[#1]. Answer with one object per tag (n1, n2, ...) holding the keys asked for:
- metric: what is measured, a short lower-case noun phrase with no place, period, industry or product in it. Prefer one of: {vocabulary}.
- sector: the industry, product, ownership class or enterprise group the figure is limited to, else null.
- entity: the one named company or organisation the figure is about, else null.
- measure: "growth" for a change, "share" for a part of a whole or a rate.
- base: for a share, the whole it is a part of; for percentage points, what the figure is compared with.
Examples:
Text: Industrial value added grew 5.3%[#1] year-on-year, 0.3 percentage points higher than the national level. Equipment manufacturing grew 9.1%[#2] and the petrochemical industry 4.9%[#3], accounting for 46.8%[#4] of the total.
Answer: {{"n1":{{"metric":"industrial value added","sector":null}},"n2":{{"metric":"industrial value added","sector":"equipment manufacturing"}},"n3":{{"metric":"industrial value added","sector":"petrochemical","measure":"growth","base":null}},"n4":{{"metric":"industrial value added","sector":"petrochemical","base":"industrial value added"}}}}
Text: 25[#1] of the 41[#2] industries grew, and 13[#3] cities saw positive growth.
BMW Brilliance's output value rose 8.9%[#4]; the province produced 720,000[#5] vehicles.
Answer: {{"n1":{{"metric":"industries with growth","sector":null}},"n2":{{"metric":"industries","sector":null}},"n3":{{"metric":"cities with positive growth","sector":null}},"n4":{{"metric":"output value","sector":null,"entity":"BMW Brilliance"}},"n5":{{"metric":"product output","sector":"vehicles","entity":null}}}}"""

REPAIR_TEMPLATE = (
    "A check of an earlier answer for this figure said: {note} "
    "If figures measure different things, say how (a more specific metric, or the sector); correct what is wrong."
)
RELEASE_TEMPLATE = "This release: {region}; main period {period}; headline: {title}."

_FIELDS: dict[Key, tuple[Any, Any]] = {
    "metric": (str, Field(min_length=1, max_length=60)),
    "sector": (str | None, Field(max_length=60)),
    "entity": (str | None, Field(max_length=60)),
    "measure": (Literal["growth", "share"], ...),
    "base": (str | None, Field(max_length=60)),
}


@dataclass(frozen=True)
class Label:
    """What the model said about one figure; keys it was not asked stay None."""

    metric: str | None = None
    sector: str | None = None
    entity: str | None = None
    measure: str | None = None
    base: str | None = None


@dataclass(frozen=True)
class Question:
    """One tagged figure and the keys the model must give for it (in answer order)."""

    numeral: Numeral
    keys: tuple[Key, ...]


@lru_cache(maxsize=64)
def label_model(keys: tuple[Key, ...]) -> type[BaseModel]:
    """The answer schema for a figure asked ``keys``: exactly those, no others."""
    name = "".join(key.capitalize() for key in keys) + "Label"
    fields: dict[str, Any] = {key: _FIELDS[key] for key in keys}
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


@dataclass(frozen=True)
class LabelRequest:
    """One question to the model: consecutive sentences, their tagged figures and the release context."""

    context: ReleaseContext
    sentences: tuple[Sentence, ...]
    questions: tuple[Question, ...]
    note: str = ""
    """A check's message about an earlier answer, when the figure is asked again (``repair.py``)."""

    @property
    def numerals(self) -> tuple[Numeral, ...]:
        """The tagged figures, tag 1 first."""
        return tuple(question.numeral for question in self.questions)

    def tagged_text(self) -> str:
        """The sentences, one per line, with ``[#k]`` after each tagged figure's numeral and unit sign."""
        tags = {question.numeral.span: tag for tag, question in enumerate(self.questions, start=1)}
        lines = []
        for sentence in self.sentences:
            pieces, cursor = [], 0
            for span, tag in sorted(tags.items()):
                if not sentence.start <= span[0] < sentence.end:
                    continue
                end = span[1] - sentence.start
                end += sentence.text[end : end + 1] == "%"
                pieces += [sentence.text[cursor:end], f"[#{tag}]"]
                cursor = end
            lines.append("".join(pieces) + sentence.text[cursor:])
        return "\n".join(lines)

    def messages(self) -> list[dict[str, str]]:
        """The chat messages: the fixed system message, then these sentences."""
        user = f"Text: {self.tagged_text()}"
        if self.note:
            user += f"\n{REPAIR_TEMPLATE.format(note=self.note)}"
        return [{"role": "system", "content": system_message(self.context)}, {"role": "user", "content": user}]

    def answer_model(self) -> type[BaseModel]:
        """The answer schema: one object per tag, keys ``n1`` .. ``nK``, each with its figure's keys."""
        fields: dict[str, Any] = {
            f"n{tag}": (label_model(question.keys), ...) for tag, question in enumerate(self.questions, start=1)
        }
        return create_model(f"Text{len(self.questions)}Labels", __config__=ConfigDict(extra="forbid"), **fields)

    def read_answer(self, answer: BaseModel) -> dict[tuple[int, int], Label]:
        """The labels of a valid answer, by the span of the figure each is about."""
        labels = {}
        for tag, question in enumerate(self.questions, start=1):
            given = getattr(answer, f"n{tag}")
            labels[question.numeral.span] = Label(**{key: getattr(given, key) for key in question.keys})
        return labels

    def answer_json(self, labels: dict[tuple[int, int], Label]) -> dict[str, dict[str, str | None]]:
        """``labels`` as the answer schema's JSON (what the answer cache keeps)."""
        return {
            f"n{tag}": {key: getattr(labels[question.numeral.span], key) for key in question.keys}
            for tag, question in enumerate(self.questions, start=1)
        }


def system_message(context: ReleaseContext) -> str:
    """The instructions (fixed), then the release's context: identical for every call of a release."""
    period = f"{context.period_start} to {context.period_end}" if context.period_start else "not stated"
    release = RELEASE_TEMPLATE.format(region=context.region, period=period, title=context.title or "none")
    return INSTRUCTIONS.format(vocabulary=", ".join(METRIC_VOCABULARY)) + "\n" + release
