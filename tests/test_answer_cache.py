"""The answer cache: an unchanged question is answered without the model; a change asks again."""

from __future__ import annotations

from pathlib import Path

from extractor.answer_cache import CachedLabeller
from extractor.prompting import Label, LabelRequest
from extractor.release_context import ReleaseContext

from .conftest import FakeLabeller, request_for

TEXT = "Output rose 5.3% and profit fell 2.0%."
ANSWER: dict[str, object] = {
    "metric": "output value",
    "sector": None,
    "entity": None,
    "measure": "growth",
    "base": None,
}
LABEL = Label(metric="output value", sector=None)  # "rose", "fell": code reads both as changes
IDENTITY = {"model": "m", "backend": "embedded", "response_format": "llama_cpp"}


def _request(region: str = "Liaoning") -> LabelRequest:
    context = ReleaseContext(title=None, published=None, region=region, period_start="2024-01", period_end="2024-03")
    return request_for(TEXT, context)


def test_second_identical_question_is_answered_from_the_cache(tmp_path: Path) -> None:
    inner = FakeLabeller(answer=ANSWER)
    cached = CachedLabeller(inner, IDENTITY, tmp_path)
    first = cached.label(_request())
    second = cached.label(_request())
    assert first == second == {(12, 15): LABEL, (33, 36): LABEL}
    assert len(inner.requests) == 1
    assert cached.usage.cache_hits == 1


def test_a_change_of_prompt_or_model_asks_again(tmp_path: Path) -> None:
    inner = FakeLabeller(answer=ANSWER)
    CachedLabeller(inner, IDENTITY, tmp_path).label(_request())
    CachedLabeller(inner, IDENTITY, tmp_path).label(_request(region="Jilin"))
    CachedLabeller(inner, {**IDENTITY, "model": "other"}, tmp_path).label(_request())
    assert len(inner.requests) == 3


def test_a_damaged_entry_is_asked_again(tmp_path: Path) -> None:
    inner = FakeLabeller(answer=ANSWER)
    cached = CachedLabeller(inner, IDENTITY, tmp_path)
    cached.label(_request())
    entry = next(tmp_path.rglob("*.json"))
    entry.write_text("{not json", encoding="utf-8")
    assert cached.label(_request()) == {(12, 15): LABEL, (33, 36): LABEL}
    assert len(inner.requests) == 2
