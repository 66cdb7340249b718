"""The peer comparison (relfig bench --peers) on a fake OpenAI-compatible server: conversion, validation, sums."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from eval.peers import (
    LANGEXTRACT_CHUNK_CHARS,
    LANGEXTRACT_MAX_TOKENS,
    LANGEXTRACT_PROMPT,
    WHOLE_RELEASE_MAX_TOKENS,
    compare,
    figure_from_extraction,
    lenient_figures,
)
from extractor.backends import BackendSettings
from extractor.reading import Source
from relfig.cli import main
from schemas import Figure, Measure, Release, release_id_of

from .fake_openai import _labels_for, serving

TEXT = (
    "Liaoning Economy Grows Steadily\n2024-01-20\n\n"
    "In 2023, Liaoning's GDP grew 5.3% year-on-year, and exports fell 2.0%. "
    "Retail sales of consumer goods reached 1.1 trillion yuan.\n"
)
YEAR = {"period_start": "2023-01", "period_end": "2023-12"}


def at(surface: str) -> list[int]:
    start = TEXT.index(surface)
    return [start, start + len(surface)]


GOLD_FIGURES: list[dict[str, Any]] = [
    {"span": at("5.3"), "surface": "5.3", "value": 5.3, "unit": "percent", "measure": "growth",
     "metric": "gdp", "region": "Liaoning", **YEAR},
    {"span": at("2.0"), "surface": "2.0", "value": -2.0, "unit": "percent", "measure": "growth",
     "metric": "exports", "region": "Liaoning", **YEAR},
    {"span": at("1.1"), "surface": "1.1", "value": 1.1, "scale": 1e12, "unit": "CNY", "measure": "level",
     "metric": "retail sales of consumer goods", "region": "Liaoning", **YEAR},
]  # fmt: skip


def attributes(measure: str, metric: str) -> dict[str, Any]:
    return {"measure": measure, "metric": metric, "region": "Liaoning", **YEAR}


# What the fake langextract answers for any chunk: three figures of TEXT and one that is not in it.
LANGEXTRACT_ANSWER = {
    "extractions": [
        {"figure": "5.3%", "figure_attributes": attributes("growth", "gdp")},
        {"figure": "fell 2.0%", "figure_attributes": attributes("growth", "exports")},
        {"figure": "1.1 trillion yuan", "figure_attributes": attributes("level", "retail sales of consumer goods")},
        {"figure": "zebra quantum marmalade", "figure_attributes": attributes("level", "nothing")},
    ]
}
# What the fake answers to the whole-release call: one good figure, one whose surface is not in the text,
# one whose value is wrong.
WHOLE_RELEASE_ANSWER = {
    "figures": [
        GOLD_FIGURES[0],
        {**GOLD_FIGURES[1], "surface": "2.05"},
        {**GOLD_FIGURES[2], "value": 7.0},
    ]
}
USAGE = {"langextract": (50, 7), "instructor": (300, 40), "relfig": (100, 20)}


def kind_of(request: dict[str, Any]) -> str:
    if LANGEXTRACT_PROMPT in request["messages"][-1]["content"]:
        return "langextract"
    response_format = request.get("response_format") or {}
    schema = response_format.get("schema") or response_format.get("json_schema", {}).get("schema") or {}
    return "instructor" if "figures" in schema.get("properties", {}) else "relfig"


def answer_for(request: dict[str, Any]) -> tuple[str, str]:
    kind = kind_of(request)
    if kind == "langextract":
        return json.dumps(LANGEXTRACT_ANSWER), "stop"
    if kind == "instructor":
        return json.dumps(WHOLE_RELEASE_ANSWER), "stop"
    return _labels_for(request), "stop"


@contextmanager
def fake_server(
    answer: Callable[[dict[str, Any]], tuple[str, str]] = answer_for,
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A fake OpenAI-compatible server on 127.0.0.1 answering each chat request with ``answer(request)``."""
    requests: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            requests.append(request)
            content, finish = answer(request)
            prompt, completion = USAGE[kind_of(request)]
            body = json.dumps({
                "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
            }).encode()  # fmt: skip
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as url:
        yield url, requests


@pytest.fixture
def release_path(tmp_path: Path) -> Path:
    """TEXT as a release file with its gold labels beside it."""
    path = tmp_path / "liaoning.txt"
    path.write_text(TEXT, encoding="utf-8")
    gold = Release.model_validate(
        {"release_id": release_id_of(TEXT), "region": "Liaoning", **YEAR, "figures": GOLD_FIGURES},
        context={"text": TEXT},
    )
    path.with_suffix(".json").write_text(gold.to_json(), encoding="utf-8")
    return path


def settings_for(url: str) -> BackendSettings:
    return BackendSettings(base_url=url, api_key="k", model="fake", response_format="llama_cpp")


def rows_of(result: dict[str, Any], extractor: str) -> list[dict[str, Any]]:
    return [row for row in result["rows"] if row["extractor"] == extractor]


# --- langextract --------------------------------------------------------------------------------


def test_langextract_extractions_become_grounded_figures(release_path: Path) -> None:
    pytest.importorskip("langextract")
    with fake_server() as (url, requests):
        result = compare([release_path], settings_for(url), extractors=["langextract"])
    (row,) = rows_of(result, "langextract")
    assert row["produced"] == 4 and row["figures"] == 3  # the extraction not in the text is dropped
    assert any("dropped 1 of 4 figures: 1 not found in the text" in e for e in row["errors"]), row["errors"]
    assert row["full_match_f1"] == pytest.approx(1.0) and row["detection_f1"] == pytest.approx(1.0)
    assert row["calls"] == len(requests) == 1  # the release is shorter than one chunk
    assert (row["prompt_tokens"], row["completion_tokens"]) == USAGE["langextract"]
    # on a llama-cpp server: plain JSON mode (its schema grammar allows no indented JSON), never json_schema
    (request,) = requests
    assert request["response_format"] == {"type": "json_object"}
    assert request["max_tokens"] == LANGEXTRACT_MAX_TOKENS and request["temperature"] == 0.0
    assert "Hainan" in request["messages"][-1]["content"]  # the made-up few-shot example is in the prompt


def test_other_endpoints_get_structured_outputs(release_path: Path) -> None:
    pytest.importorskip("langextract")
    with fake_server() as (url, requests):
        settings = BackendSettings(base_url=url, api_key="k", model="fake", response_format="json_schema")
        result = compare([release_path], settings, extractors=["langextract", "instructor"])
    langextract, whole = requests
    assert langextract["response_format"]["type"] == whole["response_format"]["type"] == "json_schema"
    assert "extractions" in langextract["response_format"]["json_schema"]["schema"]["properties"]
    assert "figures" in whole["response_format"]["json_schema"]["schema"]["properties"]
    assert [t["figures"] for t in result["totals"].values()] == [3, 1]


def test_langextract_conversion_spans_values_and_units() -> None:
    pytest.importorskip("langextract")
    from langextract.core.data import CharInterval, Extraction

    from eval.peers import figures_from_extractions

    def extraction(text: str) -> Extraction:
        start = TEXT.index(text)
        return Extraction("figure", text, char_interval=CharInterval(start, start + len(text)),
                          attributes=attributes("growth", "Exports"))  # fmt: skip

    figures, dropped = figures_from_extractions(TEXT, [extraction("fell 2.0%"), extraction("1.1 trillion yuan")])
    assert dropped == []
    fell, sales = figures
    assert (fell.span, fell.surface, fell.value, fell.unit) == (tuple(at("2.0")), "2.0", -2.0, "percent")
    assert (sales.span, sales.value, sales.scale, sales.unit) == (tuple(at("1.1")), 1.1, 1e12, "CNY")
    assert fell.metric == "exports" and fell.region == "Liaoning" and fell.period_end == "2023-12"
    unaligned = Extraction("figure", "99.9%", attributes={})
    assert figures_from_extractions(TEXT, [unaligned]) == ([], ["not found in the text"])


def test_langextract_stops_at_its_time_budget(tmp_path: Path) -> None:
    pytest.importorskip("langextract")
    from eval.peers import Meter, langextract_examples, langextract_model, langextract_release, metered_client

    long_text = " ".join(
        f"In {2000 + i % 20}, sales in region {i} grew {i}.5% to {i * 3} billion yuan." for i in range(60)
    )
    source = Source(text=long_text, name="long")
    assert len(long_text) > 3 * LANGEXTRACT_CHUNK_CHARS
    with fake_server() as (url, requests):
        meter = Meter()
        client = metered_client(url, settings_for(url), meter)
        examples = langextract_examples()
        model = langextract_model(settings_for(url), client, examples)
        outcome = langextract_release(source, model, examples, budget_s=0.0)
        client.close()
    assert requests == [] and meter.usage.calls == 0
    assert outcome.release.figures == ()
    assert any("time budget of 0 s used up" in e and "chunk(s) not sent" in e for e in outcome.errors), outcome.errors


# --- the whole-release instructor call ---------------------------------------------------------------


def test_whole_release_call_drops_ungrounded_figures_not_the_release(release_path: Path) -> None:
    with fake_server() as (url, requests):
        result = compare([release_path], settings_for(url), extractors=["instructor"])
    (row,) = rows_of(result, "instructor")
    assert row["produced"] == 3 and row["figures"] == 1
    (message,) = row["errors"]
    assert message.startswith("dropped 2 of 3 figures")
    assert "1 span does not hold" in message and "1 value is not the number of its surface" in message
    assert row["full_match_f1"] == pytest.approx(0.5)  # 1 of 1 predicted, 1 of 3 gold
    (request,) = requests
    assert request["max_tokens"] == WHOLE_RELEASE_MAX_TOKENS
    assert request["response_format"]["type"] == "json_object"  # not json_schema: llama-cpp answers that with 500
    assert request["response_format"]["schema"]["$defs"]["Figure"]["required"][:2] == ["span", "surface"]
    assert request["messages"][-1]["content"] == TEXT
    assert (row["calls"], row["prompt_tokens"], row["completion_tokens"]) == (1, *USAGE["instructor"])


def test_whole_release_cut_off_at_the_token_limit_gives_no_figures_and_says_so(release_path: Path) -> None:
    def cut_off(request: dict[str, Any]) -> tuple[str, str]:
        return json.dumps(WHOLE_RELEASE_ANSWER)[:60], "length"

    with fake_server(cut_off) as (url, requests):
        result = compare([release_path], settings_for(url), extractors=["instructor"])
    (row,) = rows_of(result, "instructor")
    assert len(requests) == 1  # no retry
    assert row["figures"] == 0 and row["full_match_f1"] == 0.0
    (message,) = row["errors"]
    assert "cut off at the token limit" in message and str(WHOLE_RELEASE_MAX_TOKENS) in message
    assert row["completion_tokens"] == USAGE["instructor"][1]  # counted although the answer was useless


def test_lenient_validation_keeps_the_good_figures() -> None:
    good = {**GOLD_FIGURES[0]}
    bad = [{**good, "measure": "ratio"}, "5.3", {**good, "surface": "5.35"}]
    figures, dropped = lenient_figures(TEXT, [good, *bad, {**good, "span": [0, 3]}])
    assert [f.surface for f in figures] == ["5.3", "5.3"]  # the last one moved to where "5.3" is
    assert dropped == ["invalid measure", "not an object", "span does not hold"]


# --- the mapping of attributes ----------------------------------------------------------------------


def test_attribute_mapping_defaults_and_the_points_rule() -> None:
    text = "Growth was 0.4% above the national average in 2023."
    start = text.index("0.4%")
    figure = figure_from_extraction(
        text, start, start + 4, {"measure": "Difference", "period_start": "2023", "period_end": "2023", "region": None}
    )
    assert isinstance(figure, Figure)
    assert (figure.measure, figure.unit) == (Measure.DIFFERENCE, "percentage_point")
    assert (figure.period_start, figure.period_end) == ("2023-01", "2023-12")
    assert (figure.region, figure.metric) == ("unknown", "unknown")
    fallback = figure_from_extraction(text, start, start + 4, {"measure": "huge", "period_start": "2024-13"})
    assert (fallback.measure, fallback.unit, fallback.period_start) == (Measure.LEVEL, "percent", None)
    with pytest.raises(ValueError, match="no number"):
        figure_from_extraction(text, 0, 6, {})


# --- the whole comparison and the command ----------------------------------------------------------


def test_bench_peers_compares_all_three_on_one_server(
    release_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("langextract")
    out = tmp_path / "peers.json"
    with fake_server() as (url, requests):
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("RELFIG_MODEL", "fake")
        monkeypatch.setenv("RELFIG_RESPONSE_FORMAT", "llama_cpp")
        assert main(["bench", "--peers", str(release_path), "-o", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert list(result["totals"]) == ["relfig", "langextract", "instructor"]
    assert sum(t["calls"] for t in result["totals"].values()) == len(requests)
    for name, totals in result["totals"].items():  # every call's usage is summed, none twice
        prompt, completion = USAGE[name]
        assert (totals["prompt_tokens"], totals["completion_tokens"]) == (
            prompt * totals["calls"],
            completion * totals["calls"],
        )
        assert totals["full_match_f1"] is not None
    assert result["totals"]["relfig"]["calls"] >= 1 and result["totals"]["relfig"]["figures"] == 3
    assert result["settings"]["langextract"]["max_char_buffer"] == LANGEXTRACT_CHUNK_CHARS


def test_bench_peers_without_langextract_says_how_to_install_it(
    release_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "langextract", None)  # find_spec then reports it missing
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RELFIG_MODEL", "fake")
    assert main(["bench", "--peers", str(release_path)]) == 2
    assert "pip install -e '.[peers]'" in capsys.readouterr().err


def test_a_whole_release_figure_is_moved_to_where_its_surface_is() -> None:
    from eval.peers import realigned

    text = "Output grew 5.3% and profit 5.3% too."
    assert realigned(text, {"surface": "5.3", "span": [0, 3]})["span"] == [12, 15]
    assert realigned(text, {"surface": "5.3", "span": [27, 30]})["span"] == [28, 31]  # the nearer one
    assert realigned(text, {"surface": "9.9", "span": [0, 3]}) == {"surface": "9.9", "span": [0, 3]}
