"""A figure as editable text fields and back: what the correct form (web or terminal) shows and reads.

Reading a form only turns text into JSON types (numbers, spans, nulls); whether the result is
a valid figure is for the contract's model to say, with the release text as context.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from schemas import Figure

FIELDS: tuple[str, ...] = tuple(Figure.model_fields)
"""The figure's fields in the contract's order: the correct form has one input each."""

_NUMBERS = ("value", "scale")
_SPANS = ("span", "refers_to")
_NULLABLE = ("sector", "entity", "period_start", "period_end", "bound", "compared_to", "refers_to")


def to_fields(record: Mapping[str, Any]) -> dict[str, str]:
    """A figure record (contract JSON) as one display string per field."""
    shown: dict[str, str] = {}
    for name in FIELDS:
        value = record.get(name)
        if value is None:
            shown[name] = ""
        elif name in _SPANS:
            shown[name] = f"{value[0]}, {value[1]}"
        elif name == "compared_to":
            shown[name] = json.dumps({k: v for k, v in value.items() if v is not None}, ensure_ascii=False)
        elif name in _NUMBERS:
            shown[name] = f"{float(value):g}" if abs(float(value)) < 1e15 else repr(float(value))
        else:
            shown[name] = str(value)
    return shown


def from_fields(fields: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """A figure record from form text, and what could not be read (``field: reason``)."""
    record: dict[str, Any] = {}
    problems: list[str] = []
    for name in FIELDS:
        raw = (fields.get(name) or "").strip()
        if not raw and name in _NULLABLE:
            record[name] = None
            continue
        try:
            record[name] = _read(name, raw)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    return record, problems


def _read(name: str, raw: str) -> Any:
    if name in _NUMBERS:
        try:
            return float(raw.replace(",", ""))
        except ValueError:
            raise ValueError(f"not a number: {raw!r}") from None
    if name in _SPANS:
        parts = [p for p in raw.replace("[", " ").replace("]", " ").replace(",", " ").split() if p]
        if len(parts) != 2 or not all(p.lstrip("-").isdigit() for p in parts):
            raise ValueError(f"give two whole numbers, start and end, e.g. '227, 230'; got {raw!r}")
        return [int(parts[0]), int(parts[1])]
    if name == "compared_to":
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise ValueError('give a JSON object such as {"region": "China"}, or leave it empty') from None
        if not isinstance(value, dict):
            raise ValueError('give a JSON object such as {"region": "China"}, or leave it empty')
        return value
    return raw


def describe_errors(error: ValidationError) -> list[str]:
    """Pydantic's errors as ``field: message`` lines a reviewer can act on."""
    lines = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"] if part != "figures") or "figure"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return lines
