"""Extraction through the real openai + instructor path, replayed from cassettes of the embedded model.

Recorded with ``make record`` against the embedded server (Qwen2.5-Coder-1.5B-Instruct Q4_K_M);
replayed offline. A request the cassette does not hold fails the test, so a prompt or schema
change that is not re-recorded is caught.
"""

from __future__ import annotations

import pytest

from extractor.backends import BackendSettings, open_labeller
from extractor.metrics import UNLABELLED
from extractor.model_files import MODEL_NAME
from extractor.pipeline import batches_of, extract_release, pieces_of, request_of
from extractor.reading import Source, read_release
from extractor.release_context import read_context
from schemas import Release

from .conftest import HELDOUT, HELDOUT_NAMES, SAMPLE_NAMES, SAMPLES


def endpoint_settings(base_url: str) -> BackendSettings:
    return BackendSettings(base_url=base_url, api_key="no-key-needed", model=MODEL_NAME, response_format="llama_cpp")


@pytest.mark.vcr
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_extract_sample(name: str, model_endpoint: str) -> None:
    _extract_and_check(read_release(SAMPLES / f"{name}.txt"), model_endpoint)


@pytest.mark.vcr
@pytest.mark.parametrize("name", HELDOUT_NAMES)
def test_extract_heldout(name: str, model_endpoint: str) -> None:
    _extract_and_check(read_release(HELDOUT / f"{name}.txt"), model_endpoint)


def _extract_and_check(source: Source, model_endpoint: str) -> None:
    with open_labeller(endpoint_settings(model_endpoint)) as labeller:
        release = extract_release(source, labeller)
    # Valid against the contract and grounded in the text, figure by figure.
    Release.from_json(release.to_json(), text=source.text)
    pieces = pieces_of(source.text)
    assert [f.span for f in release.figures] == [n.span for p in pieces for n in p.numerals]
    usage = labeller.usage
    context = read_context(source.text)
    calls = [request for batch in batches_of(pieces) if (request := request_of(context, batch))]
    assert usage.calls >= len(calls)  # one per batch of sentences with questions, plus retries
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    labelled = [f for f in release.figures if f.metric != UNLABELLED]
    assert len(labelled) >= 0.8 * len(release.figures), f"{usage.invalid_answers} sentences got no valid answer"
