"""Live smoke test: really assemble and start the embedded model, extract a short release, stop it.

Marked ``live``: it needs the local extra (llama-cpp-python and the model parts) and takes about
a minute on two cores. ``make test`` runs it.
"""

from __future__ import annotations

import os
import signal
import socket

import httpx
import pytest

from extractor import embedded_server
from extractor.backends import _EmbeddedLabeller, open_labeller, resolve_settings
from extractor.model_files import ensure_model
from extractor.pipeline import extract_release
from extractor.reading import Source
from schemas import Measure, Release

SHORT_RELEASE = (
    "Jilin's Industry Grows in the First Half\n\n"
    "In the first half of 2024, Jilin's industrial value added grew by 6.2% year-on-year, "
    "0.4 percentage points higher than the national level. All 9 cities of the province grew.\n"
)


@pytest.mark.live
def test_embedded_model_extracts_a_short_release() -> None:
    settings = resolve_settings(environ={})
    with open_labeller(settings) as labeller:
        assert isinstance(labeller, _EmbeddedLabeller)
        assert labeller.base_url is None, "nothing starts before the first question"
        release = extract_release(Source(text=SHORT_RELEASE, name="short"), labeller)
        base_url = labeller.base_url
    assert base_url is not None
    Release.from_json(release.to_json(), text=SHORT_RELEASE)
    assert [(f.surface, f.unit) for f in release.figures] == [
        ("6.2", "percent"),
        ("0.4", "percentage_point"),
        ("9", "city"),
    ]
    assert release.figures[1].measure is Measure.DIFFERENCE
    assert (release.region, release.period_start, release.period_end) == ("Jilin", "2024-01", "2024-06")
    assert labeller.usage.calls >= 1 and labeller.usage.completion_tokens > 0
    # The server was stopped when the block ended.
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{base_url.rstrip('/')}/models", timeout=2.0)


@pytest.mark.live
def test_embedded_server_that_dies_mid_batch_is_started_again() -> None:
    settings = resolve_settings(environ={})
    with open_labeller(settings) as labeller:
        assert isinstance(labeller, _EmbeddedLabeller)
        first = extract_release(Source(text=SHORT_RELEASE, name="short"), labeller)
        assert labeller.server is not None and labeller.server.alive
        os.killpg(labeller.server.pid, signal.SIGKILL)  # the server crashes between two releases
        labeller.server.wait()
        second = extract_release(Source(text=SHORT_RELEASE, name="short"), labeller)
        assert labeller.server.alive
    assert [f.surface for f in second.figures] == [f.surface for f in first.figures]
    assert labeller.usage.invalid_answers == 0


@pytest.mark.live
def test_a_port_taken_meanwhile_is_replaced_by_another(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    ports = iter([taken.getsockname()[1]])
    real_free_port = embedded_server.free_port
    monkeypatch.setattr(embedded_server, "free_port", lambda: next(ports, None) or real_free_port())
    try:
        with embedded_server.running_server(ensure_model()) as server:
            assert httpx.get(f"{server.base_url}/models", timeout=5).status_code == 200
            assert str(taken.getsockname()[1]) not in server.base_url
    finally:
        taken.close()


@pytest.mark.live
def test_the_cheaper_grammar_sampling_gives_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """extractor.llama_server checks the grammar on the best candidates first; with one candidate it
    falls back to the whole vocabulary at most steps, and must answer exactly as llama-cpp-python's own chain."""
    answers = {}
    for top_k in ("0", "1", "32"):  # 0: llama-cpp-python's own sampler chain
        monkeypatch.setenv("RELFIG_GRAMMAR_TOP_K", top_k)
        with open_labeller(resolve_settings(environ={})) as labeller:
            release = extract_release(Source(text=SHORT_RELEASE, name="short"), labeller)
        answers[top_k] = [(f.metric, f.sector, f.entity, f.measure) for f in release.figures]
    assert answers["1"] == answers["0"] == answers["32"]
    assert all(metric != "unlabelled" for metric, *_ in answers["0"])
