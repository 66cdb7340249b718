"""What the model is asked: tags, messages, and the answer schema (golden files)."""

from __future__ import annotations

import json

import pydantic
import pytest

from extractor.prompting import LabelRequest, system_message
from extractor.release_context import ReleaseContext, read_context

from .conftest import request_for, sample_text
from .golden_files import assert_golden

CONTEXT = ReleaseContext(
    title="Industry grows", published="2024-04-23", region="Liaoning", period_start="2024-01", period_end="2024-03"
)
TEXT = (
    "Industrial value added increased by 5.3% year-on-year, 0.3 percentage points higher than in 2023, "
    "and profit was up 0.5 percentage points. It was 4.0% in March, and Siasun made 40 robots."
)


def _request(text: str = TEXT, context: ReleaseContext = CONTEXT) -> LabelRequest:
    return request_for(text, context)


def test_tags_follow_the_numerals_code_cannot_label_alone() -> None:
    assert _request().tagged_text() == (
        "Industrial value added increased by 5.3%[#1] year-on-year, 0.3 percentage points higher than in 2023, "
        "and profit was up 0.5[#2] percentage points.\nIt was 4.0%[#3] in March, and Siasun made 40[#4] robots."
    )  # 0.3: its base is in the text and its metric is 5.3%'s; 0.5: what it is compared with is not said
    keys = [question.keys for question in _request().questions]
    assert keys == [
        ("metric", "sector"),
        ("base",),
        ("metric", "sector", "entity", "measure", "base"),  # "was 4.0%": a change or a share?
        ("metric", "sector", "entity"),
    ]


def test_messages_share_a_system_prefix_and_carry_the_sentences() -> None:
    first, second = _request().messages(), _request("Profit rose 24.0%.").messages()
    assert first[0] == second[0], "the system message must be identical across the calls of a release"
    other = _request(context=ReleaseContext(None, None, "Jilin", None, None)).messages()[0]["content"]
    fixed = first[0]["content"].split("This release:")[0]
    assert other.startswith(fixed), "the instructions come first, the same for every release (prompt cache)"
    assert first[1]["content"].startswith("Text: Industrial value added")
    assert "Liaoning" in first[0]["content"] and "2024-01 to 2024-03" in first[0]["content"]


def test_answer_model_has_exactly_the_keys_each_tag_needs() -> None:
    model = _request().answer_model()
    schema = model.model_json_schema()
    assert schema["required"] == ["n1", "n2", "n3", "n4"]
    assert schema["additionalProperties"] is False
    good = {
        "n1": {"metric": "industrial value added", "sector": None},
        "n2": {"base": "2023"},
        "n3": {"metric": "x", "sector": None, "entity": None, "measure": "share", "base": None},
        "n4": {"metric": "robots", "sector": None, "entity": "Siasun"},
    }
    answer = model.model_validate(good)
    assert _request().read_answer(answer)[(36, 39)].metric == "industrial value added"
    for bad in (
        {k: v for k, v in good.items() if k != "n4"},  # a tag left out
        {**good, "n2": {"base": "2023", "metric": "x"}},  # a key not asked
        {**good, "n3": {**good["n3"], "measure": "level"}},  # a rate is a change or a share
    ):
        with pytest.raises(pydantic.ValidationError):
            model.model_validate(bad)


def test_answer_schema_is_golden() -> None:
    assert_golden(
        "answer_schema_4_tags.json", json.dumps(_request().answer_model().model_json_schema(), indent=2) + "\n"
    )


def test_system_message_is_golden() -> None:
    assert_golden("system_message_001.txt", system_message(read_context(sample_text("001_8137d2f7bf9e3325"))) + "\n")
