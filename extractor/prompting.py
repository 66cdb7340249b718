"""What the model is asked: the answer schema per sentence and the messages that ask for it.

The system message is the same for every sentence of a release (instructions, vocabulary, the
release's context), so the server's prompt cache reuses it; the user message is one sentence
with its figures tagged ``5.3%[#1]``. The answer has exactly one key per tag (``n1``, ``n2``, ...),
which a schema-enforcing server turns into a grammar: the model cannot skip or invent a figure.
The model is asked only what code cannot read: the metric, sector and entity, and for rates
whether they are a change or a share and of what. Value, unit, sign, bound, period, region,
status and the figure a difference refers to are decided by code (``assembly.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from extractor.numerals import Numeral
from extractor.release_context import ReleaseContext
from extractor.sentences import Sentence
from schemas import METRIC_VOCABULARY

PROMPT_VERSION = "2"

SYSTEM_TEMPLATE = """You name what the statistical figures of a press release measure.
Release: {region}; main period {period}; headline: {title}.
Each figure is tagged right after its number, like 5.3%[#1]. For each tag give:
- metric: what is measured, a short lower-case noun phrase with no place, period or sector in it. Prefer one of: {vocabulary}.
- sector: the industry, product, ownership class or enterprise group the figure is limited to, else null.
- entity: the one named company or organisation the figure is about, else null.
For a percent also: measure "growth" (a change, usually year-on-year) or "share" (a part of a whole, a rate); base: for a share, the whole it is a part of, else null.
For percentage points also: base: what it is compared with ("national level", "2023", "fixed asset investment").
Example: "Output grew 5.3%[#1], 0.3[#2] percentage points higher than the national level, accounting for 46.8%[#3] of exports; 13[#4] cities grew." ->
{{"n1":{{"metric":"industrial value added","sector":null,"entity":null,"measure":"growth","base":null}},"n2":{{"metric":"industrial value added growth","sector":null,"entity":null,"base":"national level"}},"n3":{{"metric":"industrial value added","sector":null,"entity":null,"measure":"share","base":"exports"}},"n4":{{"metric":"cities with positive growth","sector":null,"entity":null}}}}"""


class FigureLabel(BaseModel):
    """What the model says a figure measures (every key is generation time on two cores: few, short)."""

    model_config = ConfigDict(extra="forbid")

    metric: str = Field(min_length=1, max_length=60, description="What is measured, lower-case noun phrase.")
    sector: str | None = Field(max_length=60, description="Industry, product or group, or null.")
    entity: str | None = Field(max_length=60, description="Named organisation, or null.")


class RateLabel(FigureLabel):
    """A percent (or N-fold) figure: also whether it is a change or a share, and of what whole."""

    measure: Literal["growth", "share"] = Field(description="growth (a change) or share (a part of a whole).")
    base: str | None = Field(max_length=60, description="For a share, the whole it is a part of.")


class GapLabel(FigureLabel):
    """A percentage-point figure: also what it is compared with."""

    base: str | None = Field(max_length=60, description="What the difference is measured against.")


def label_model(numeral: Numeral) -> type[FigureLabel]:
    """The answer schema for one figure: what the model still has to say about it."""
    if numeral.unit == "percentage_point":
        return GapLabel
    if numeral.unit in ("percent", "times"):
        return RateLabel
    return FigureLabel


@dataclass(frozen=True)
class LabelRequest:
    """One question to the model: a sentence, its tagged figures and the release context."""

    context: ReleaseContext
    sentence: Sentence
    numerals: tuple[Numeral, ...]
    previous: str = ""

    def tagged_sentence(self) -> str:
        """The sentence with ``[#k]`` after each figure's numeral and unit sign."""
        pieces, cursor = [], self.sentence.start
        for tag, numeral in enumerate(self.numerals, start=1):
            end = numeral.span[1]
            if self.sentence.text[end - self.sentence.start : end - self.sentence.start + 1] == "%":
                end += 1
            pieces.append(self.sentence.text[cursor - self.sentence.start : end - self.sentence.start])
            pieces.append(f"[#{tag}]")
            cursor = end
        pieces.append(self.sentence.text[cursor - self.sentence.start :])
        return "".join(pieces)

    def messages(self) -> list[dict[str, str]]:
        """The chat messages: the release's fixed system message, then this sentence."""
        user = f"Sentence: {self.tagged_sentence()}"
        if self.previous:
            user = f"Previous sentence: {self.previous}\n{user}"
        return [{"role": "system", "content": system_message(self.context)}, {"role": "user", "content": user}]

    def answer_model(self) -> type[BaseModel]:
        """The answer schema: one label per tag, keys ``n1`` .. ``nK``, each of its figure's kind."""
        fields: dict[str, object] = {
            f"n{tag}": (label_model(numeral), ...) for tag, numeral in enumerate(self.numerals, start=1)
        }
        return create_model(  # type: ignore[call-overload,no-any-return]
            f"Sentence{len(self.numerals)}Labels", __config__=ConfigDict(extra="forbid"), **fields
        )


def system_message(context: ReleaseContext) -> str:
    """The instructions and release context, identical for every sentence of a release."""
    period = f"{context.period_start} to {context.period_end}" if context.period_start else "not stated"
    return SYSTEM_TEMPLATE.format(
        region=context.region, period=period, title=context.title or "none", vocabulary=", ".join(METRIC_VOCABULARY)
    )
