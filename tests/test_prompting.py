"""What the model is asked: tags, messages, and the answer schema (golden files)."""

from __future__ import annotations

import json

import pydantic
import pytest

from extractor.numerals import find_figures
from extractor.prompting import LabelRequest, system_message
from extractor.release_context import ReleaseContext, read_context
from extractor.sentences import split_sentences

from .conftest import sample_text
from .golden_files import assert_golden

CONTEXT = ReleaseContext(
    title="Industry grows", published="2024-04-23", region="Liaoning", period_start="2024-01", period_end="2024-03"
)
SENTENCE_TEXT = "Industrial value added increased by 5.3% year-on-year, 0.3 percentage points higher than in 2023."


def _request(text: str = SENTENCE_TEXT) -> LabelRequest:
    sentence = split_sentences(text)[0]
    return LabelRequest(CONTEXT, sentence, tuple(find_figures(text)), previous="In the first quarter, output grew.")


def test_tags_follow_each_numeral_and_its_percent_sign() -> None:
    assert _request().tagged_sentence() == (
        "Industrial value added increased by 5.3%[#1] year-on-year, 0.3[#2] percentage points higher than in 2023."
    )


def test_messages_share_a_system_prefix_and_carry_the_sentence() -> None:
    first, second = _request().messages(), _request("Profit rose 24.0%.").messages()
    assert first[0] == second[0], "the system message must be identical across sentences (prompt cache)"
    assert first[1]["content"].startswith("Previous sentence: In the first quarter, output grew.\nSentence: ")
    assert "Liaoning" in first[0]["content"] and "2024-01 to 2024-03" in first[0]["content"]


def test_answer_model_has_exactly_one_key_per_tag_of_its_kind() -> None:
    model = _request().answer_model()
    schema = model.model_json_schema()
    assert schema["required"] == ["n1", "n2"]
    assert schema["additionalProperties"] is False
    rate = {"metric": "industrial value added", "sector": None, "entity": None, "measure": "growth", "base": None}
    gap = {"metric": "industrial value added growth", "sector": None, "entity": None, "base": "2023"}
    model.model_validate({"n1": rate, "n2": gap})
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({"n1": rate})  # a tag left out
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({"n1": rate, "n2": rate})  # a gap has no measure to give
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({"n1": {**rate, "measure": "level"}, "n2": gap})  # a rate is a change or a share


def test_answer_schema_is_golden() -> None:
    assert_golden(
        "answer_schema_2_tags.json", json.dumps(_request().answer_model().model_json_schema(), indent=2) + "\n"
    )


def test_system_message_is_golden() -> None:
    assert_golden("system_message_001.txt", system_message(read_context(sample_text("001_8137d2f7bf9e3325"))) + "\n")
