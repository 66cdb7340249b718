"""Model faults against a real local server that misbehaves: bounded retries, clear errors, batches go on."""

from __future__ import annotations

import dataclasses

import pytest

from extractor.backends import BackendSettings, open_labeller
from extractor.errors import BackendError
from extractor.labelling import AnswerError
from extractor.pipeline import extract_release
from extractor.prompting import LabelRequest
from extractor.reading import Source
from extractor.release_context import ReleaseContext

from .conftest import request_for
from .fake_openai import fake_openai

TEXT = "In the first quarter of 2024, Liaoning's industrial value added increased by 5.3% year-on-year."
CONTEXT = ReleaseContext(title=None, published=None, region="Liaoning", period_start="2024-01", period_end="2024-03")


def _settings(base_url: str, response_format: str = "llama_cpp", timeout: float = 10.0) -> BackendSettings:
    return BackendSettings(
        base_url=base_url,
        api_key="sk-secret-test-key",
        model="fake",
        response_format=response_format,
        timeout_s=timeout,
    )  # type: ignore[arg-type]


def _request() -> LabelRequest:
    return request_for(TEXT, CONTEXT)


@pytest.mark.parametrize("response_format", ["llama_cpp", "json_schema"])
def test_a_good_answer(response_format: str) -> None:
    with fake_openai("ok") as (url, script), open_labeller(_settings(url, response_format)) as labeller:
        labels = labeller.label(_request())
    assert [label.metric for label in labels.values()] == ["industrial value added"]
    assert labeller.usage.calls == 1 and labeller.usage.prompt_tokens == 100
    sent = script.requests[0]["response_format"]
    assert sent["type"] == ("json_object" if response_format == "llama_cpp" else "json_schema")


@pytest.mark.parametrize("status", ["429", "500", "503"])
def test_transient_http_errors_are_retried_with_backoff(status: str) -> None:
    with fake_openai(status, "ok") as (url, script), open_labeller(_settings(url)) as labeller:
        assert [label.metric for label in labeller.label(_request()).values()] == ["industrial value added"]
    assert len(script.requests) == 2


def test_a_server_that_keeps_failing_gives_up_after_bounded_retries() -> None:
    with fake_openai("500") as (url, script), open_labeller(_settings(url)) as labeller:
        with pytest.raises(BackendError, match="HTTP 500") as info:
            labeller.label(_request())
    assert 2 <= len(script.requests) <= 9  # the client's retries, times instructor's, all bounded
    assert "sk-secret-test-key" not in str(info.value)


# A truncated answer is not asked again: the same token limit would cut it the same way.
@pytest.mark.parametrize(("behaviour", "tries"), [("malformed", 3), ("invalid", 3), ("truncated", 1)])
def test_bad_answers_are_retried_then_given_up(behaviour: str, tries: int) -> None:
    with fake_openai(behaviour) as (url, script), open_labeller(_settings(url)) as labeller:
        with pytest.raises(AnswerError):
            labeller.label(_request())
    assert len(script.requests) == tries  # the first try and at most two bounded retries


def test_a_bad_answer_then_a_good_one() -> None:
    with fake_openai("malformed", "ok") as (url, script), open_labeller(_settings(url)) as labeller:
        assert [label.metric for label in labeller.label(_request()).values()] == ["industrial value added"]
    assert len(script.requests) == 2


def test_a_sentence_without_a_valid_answer_keeps_code_labels_and_the_release_goes_on() -> None:
    with fake_openai("invalid") as (url, _script), open_labeller(_settings(url)) as labeller:
        release = extract_release(Source(text=TEXT, name="t"), labeller)
    # code's own reading is kept: the figure, its unit and measure, and the term its clause states
    assert [(f.surface, f.unit, f.measure.value, f.metric) for f in release.figures] == [
        ("5.3", "percent", "growth", "industrial value added")
    ]
    assert labeller.usage.invalid_answers == 1


def test_timeouts_are_bounded_and_reported() -> None:
    with fake_openai("slow") as (url, _script), open_labeller(_settings(url, timeout=0.5)) as labeller:
        with pytest.raises(BackendError, match="timed out"):
            labeller.label(_request())


def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    with fake_openai("ok") as (url, _script):
        pass  # the server is gone once the block ends
    with open_labeller(_settings(url, timeout=2.0)) as labeller, pytest.raises(BackendError, match="cannot reach"):
        labeller.label(_request())


def test_a_dropped_connection_is_a_backend_error() -> None:
    with fake_openai("close") as (url, _script), open_labeller(_settings(url, timeout=2.0)) as labeller:
        with pytest.raises(BackendError):
            labeller.label(_request())


def test_parallel_calls_to_an_endpoint_are_all_counted() -> None:
    text = " ".join(
        f"In March output grew {i}.{i}% and sales {i}.{i + 1}% while profit was {i}.0%." for i in range(1, 9)
    )
    settings = dataclasses.replace(_settings("http://x/v1"), concurrency=4)
    with fake_openai("ok") as (url, script):
        settings = dataclasses.replace(settings, base_url=url)
        with open_labeller(settings) as labeller:
            release = extract_release(Source(text=text, name="t"), labeller)
    assert len(script.requests) == labeller.usage.calls > 1
    assert labeller.usage.prompt_tokens == 100 * labeller.usage.calls  # every reply counted, none lost to a race
    assert all(f.metric == "industrial value added" for f in release.figures)
