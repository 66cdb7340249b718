"""What the model is asked: the answer schema per sentence and the messages that ask for it.

The system message is the same for every sentence of a release (instructions, vocabulary, the
release's context), so the server's prompt cache reuses it; the user message is one sentence
with its figures tagged ``5.3%[#1]``. The answer has exactly one key per tag (``n1``, ``n2``, ...),
which a schema-enforcing server turns into a grammar: the model cannot skip or invent a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from extractor.numerals import Numeral
from extractor.release_context import ReleaseContext
from extractor.sentences import Sentence
from schemas import METRIC_VOCABULARY

PROMPT_VERSION = "1"
_PERIOD_PATTERN = r"^[12][0-9]{3}-(0[1-9]|1[0-2])$"

SYSTEM_TEMPLATE = """You label the statistical figures of a press release for a database.
Release: region {region}; main period {period}; published {published}; headline: {title}.
In each sentence every figure is tagged right after its number, like 5.3%[#1]. For every tag answer:
- measure: level (an amount or a count), growth (a percent change, usually year-on-year), difference (a gap between two rates, in percentage points: higher/lower than), share (a part of a whole: accounting for, a rate), rank (a position).
- metric: what is measured, a short lower-case noun phrase with no place, period or sector in it. Use one of these when it fits: {vocabulary}.
- region: where it applies, an English name without "province" or "city"; China for national figures; a city when the figure is a city's.
- sector: the industry, product, ownership class or enterprise group it is restricted to, else null.
- entity: the one named company or organisation it is about, else null.
- start, end: the first and last month YYYY-MM it covers; "in March" is {year}-03 to {year}-03; full year 2023 is 2023-01 to 2023-12.
- status: actual, target (aims, plans) or forecast (expected).
- compared_to: for a difference or a share, what it is compared with or a part of, giving only what differs (region, start, end, metric, sector) and null for the rest; else null.
- refers_to: for a difference, the tag number of the figure it is the difference from, else null.
Example: "output grew by 5.3%[#1], 0.3[#2] percentage points higher than the national level" ->
#1 growth, metric industrial value added; #2 difference, metric industrial value added growth, compared_to region China, refers_to 1.
Reply with compact JSON."""


class ComparedToLabel(BaseModel):
    """What a difference or share is measured against, as the model says it."""

    model_config = ConfigDict(extra="forbid")

    region: str | None = Field(max_length=60, description="Region of the base, if it differs.")
    start: str | None = Field(pattern=_PERIOD_PATTERN, description="First month of the base period.")
    end: str | None = Field(pattern=_PERIOD_PATTERN, description="Last month of the base period.")
    metric: str | None = Field(max_length=80, description="Metric of the base or whole, if it differs.")
    sector: str | None = Field(max_length=80, description="Sector of the base, if it differs.")


class FigureLabel(BaseModel):
    """The semantic fields the model fills for one tagged figure (short keys: every token is time)."""

    model_config = ConfigDict(extra="forbid")

    measure: Literal["level", "growth", "difference", "share", "rank"] = Field(description="Kind of quantity.")
    metric: str = Field(min_length=1, max_length=80, description="What is measured, lower-case noun phrase.")
    region: str = Field(min_length=1, max_length=60, description="Where it applies, e.g. Liaoning or China.")
    sector: str | None = Field(max_length=80, description="Industry, product or group, or null.")
    entity: str | None = Field(max_length=80, description="Named organisation, or null.")
    start: str | None = Field(pattern=_PERIOD_PATTERN, description="First month covered, YYYY-MM.")
    end: str | None = Field(pattern=_PERIOD_PATTERN, description="Last month covered, YYYY-MM.")
    status: Literal["actual", "target", "forecast"] = Field(description="actual, target or forecast.")
    compared_to: ComparedToLabel | None = Field(description="Base of a difference or share, or null.")
    refers_to: int | None = Field(description="Tag number of the figure a difference is from, or null.")


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
        """The answer schema: one `FigureLabel` per tag, keys ``n1`` .. ``nK``."""
        fields: dict[str, object] = {f"n{tag}": (FigureLabel, ...) for tag in range(1, len(self.numerals) + 1)}
        return create_model(  # type: ignore[call-overload,no-any-return]
            f"Sentence{len(self.numerals)}Labels", __config__=ConfigDict(extra="forbid"), **fields
        )


def system_message(context: ReleaseContext) -> str:
    """The instructions and release context, identical for every sentence of a release."""
    period = f"{context.period_start} to {context.period_end}" if context.period_start else "not stated"
    return SYSTEM_TEMPLATE.format(
        region=context.region,
        period=period,
        published=context.published or "unknown",
        title=context.title or "none",
        vocabulary=", ".join(METRIC_VOCABULARY),
        year=context.year or "YYYY",
    )
