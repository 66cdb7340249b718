"""The Release and Figure records of the data contract (docs: spec/figures.md).

Extraction output, hand-labelled samples and the scorer all use these models. They are
strict and frozen; a figure whose `surface` is not `text[start:end]` is rejected when the
source text is passed in the validation context (``{"text": ...}``).
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictInt,
    ValidationInfo,
    model_validator,
)

METRIC_VOCABULARY: tuple[str, ...] = (
    "gdp", "industrial value added", "output value", "total profit", "operating revenue", "fixed asset investment",
    "industrial investment", "manufacturing investment", "infrastructure investment",
    "real estate development investment", "high-tech manufacturing investment", "retail sales of consumer goods",
    "import and export value", "exports", "imports", "foreign direct investment", "electricity consumption",
    "product output", "per capita disposable income", "consumer price index", "industries with growth",
    "cities with positive growth", "enterprises", "projects", "investment amount", "funds awarded",
)  # fmt: skip
"""The contract's metric vocabulary, used whole when it fits."""

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_RELEASE_ID = re.compile(r"^[0-9a-f]{16}$")

SCALES: tuple[float, ...] = (1.0, 1e3, 1e4, 1e6, 1e8, 1e9, 1e12)
"""The multipliers a scale word can stand for (1, thousand, 万, million, 亿, billion, trillion)."""


def is_currency(unit: str) -> bool:
    """Whether a unit is a currency code (``CNY``, ``USD``, ``JPY``, ``EUR``: three capitals)."""
    return len(unit) == 3 and unit.isalpha() and unit.isupper()


def release_id_of(text: str) -> str:
    """The contract's release id: the first 16 hex digits of the SHA-256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _period(value: str | None) -> str | None:
    if value is not None and not _PERIOD.match(value):
        raise ValueError(f"period must be YYYY-MM, got {value!r}")
    return value


def _date(value: str | None) -> str | None:
    if value is not None and not _DATE.match(value):
        raise ValueError(f"date must be YYYY-MM-DD, got {value!r}")
    return value


def _span(value: tuple[int, int]) -> tuple[int, int]:
    start, end = value
    if start < 0 or end <= start:
        raise ValueError(f"span must be [start, end] with 0 <= start < end, got {list(value)}")
    return value


def _scale(value: float) -> float:
    if value not in SCALES:
        raise ValueError(f"scale must be one of {[int(s) for s in SCALES]}, got {value}")
    return value


Period = Annotated[str | None, AfterValidator(_period)]
Span = Annotated[tuple[StrictInt, StrictInt], AfterValidator(_span)]
Number = Annotated[float, Strict()]


class Measure(StrEnum):
    """What kind of quantity a figure is."""

    LEVEL = "level"
    GROWTH = "growth"
    DIFFERENCE = "difference"
    SHARE = "share"
    RANK = "rank"


class Status(StrEnum):
    """Whether a figure is an outcome, an aim or an expectation."""

    ACTUAL = "actual"
    TARGET = "target"
    FORECAST = "forecast"


class Bound(StrEnum):
    """A qualifier that makes a figure approximate or a bound."""

    ABOUT = "about"
    OVER = "over"
    UNDER = "under"


# Frozen and closed; numbers and spans are strict (no "5.3" strings), enums and tuples accept
# their JSON forms so that records can be built from plain dicts as well as from JSON.
_STRICT = ConfigDict(extra="forbid", frozen=True)


class ComparedTo(BaseModel):
    """What a difference, share or non-standard growth is measured against.

    Only the attributes that differ from the figure itself are set.
    """

    model_config = _STRICT

    region: str | None = Field(default=None, description="Region of the base, e.g. 'China'.")
    period_start: Period = Field(default=None, description="First month of the base period.")
    period_end: Period = Field(default=None, description="Last month of the base period.")
    metric: str | None = Field(default=None, description="Metric of the base or whole.")
    sector: str | None = Field(default=None, description="Sector of the base or whole.")

    @model_validator(mode="after")
    def _not_empty(self) -> ComparedTo:
        if not any(getattr(self, name) is not None for name in type(self).model_fields):
            raise ValueError("compared_to must set at least one attribute; use null instead")
        return self


class Figure(BaseModel):
    """One statistical number in a release, grounded by its span."""

    model_config = _STRICT

    span: Span = Field(description="[start, end] character offsets of the numeral, end exclusive.")
    surface: str = Field(min_length=1, description="The numeral as written: text[start:end].")
    value: Number = Field(description="The number as written, signed by direction.")
    scale: Annotated[Number, AfterValidator(_scale)] = Field(
        default=1.0, description="Multiplier word after the numeral (1, 1e3, 1e4, 1e6, 1e8, 1e9, 1e12)."
    )
    unit: str = Field(
        min_length=1,
        description="percent, percentage_point, CNY, USD, times, tonne, rank, fraction, ... or the counted noun.",
    )
    measure: Measure = Field(description="level, growth, difference, share or rank.")
    metric: str = Field(min_length=1, description="What is measured, a short lower-case noun phrase.")
    region: str = Field(min_length=1, description="Where the figure applies, e.g. 'Liaoning', 'China'.")
    sector: str | None = Field(default=None, description="Industry, product or group it is restricted to.")
    entity: str | None = Field(default=None, description="One named organisation the figure is about.")
    period_start: Period = Field(default=None, description="First month covered, YYYY-MM.")
    period_end: Period = Field(default=None, description="Last month covered, YYYY-MM.")
    status: Status = Field(default=Status.ACTUAL, description="actual, target or forecast.")
    bound: Bound | None = Field(default=None, description="about, over or under; null when exact.")
    compared_to: ComparedTo | None = Field(default=None, description="The base of a comparison.")
    refers_to: Span | None = Field(default=None, description="Span of the figure a difference is from.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> Figure:
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValueError(f"period_start {self.period_start} is after period_end {self.period_end}")
        start, end = self.span
        if len(self.surface) != end - start:
            raise ValueError(f"surface {self.surface!r} does not fit span {list(self.span)}")
        text = info.context.get("text") if isinstance(info.context, dict) else None
        if text is not None and text[start:end] != self.surface:
            raise ValueError(f"surface {self.surface!r} is not the text at span {list(self.span)}: {text[start:end]!r}")
        return self

    @property
    def quantity(self) -> float:
        """The value times its scale."""
        return self.value * self.scale


class Release(BaseModel):
    """One press release and every figure in it, in text order."""

    model_config = _STRICT

    release_id: str = Field(description="First 16 hex digits of the SHA-256 of the release text (UTF-8).")
    title: str | None = Field(default=None, description="Headline as printed.")
    published: Annotated[str | None, AfterValidator(_date)] = Field(
        default=None, description="Publication date, YYYY-MM-DD."
    )
    region: str = Field(min_length=1, description="Main region the release is about.")
    period_start: Period = Field(default=None, description="First month of the main reporting period.")
    period_end: Period = Field(default=None, description="Last month of the main reporting period.")
    figures: tuple[Figure, ...] = Field(default=(), description="One per statistical number, in text order.")

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Release:
        if not _RELEASE_ID.match(self.release_id):
            raise ValueError(f"release_id must be 16 lower-case hex digits, got {self.release_id!r}")
        text = info.context.get("text") if isinstance(info.context, dict) else None
        if text is not None and release_id_of(text) != self.release_id:
            raise ValueError(f"release_id {self.release_id} is not the id of the given text ({release_id_of(text)})")
        starts = [f.span[0] for f in self.figures]
        if starts != sorted(starts):
            raise ValueError("figures must be in text order")
        spans = {f.span for f in self.figures}
        if len(spans) != len(self.figures):
            raise ValueError("two figures share a span")
        for figure in self.figures:
            if figure.refers_to is not None and figure.refers_to not in spans:
                raise ValueError(f"refers_to {list(figure.refers_to)} is not the span of a figure")
        return self

    @classmethod
    def from_json(cls, data: str | bytes, text: str | None = None) -> Release:
        """Parse a Release from JSON; with ``text``, check every figure is grounded in it."""
        context: dict[str, Any] = {"text": text} if text is not None else {}
        return cls.model_validate_json(data, context=context)

    def to_json(self, indent: int | None = 2) -> str:
        """Serialise to JSON in the contract's field names."""
        return self.model_dump_json(indent=indent)
