"""The benchmark tool measures what it says, on a fake endpoint (timings are reported, never asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.bench import bench
from extractor.backends import BackendSettings
from relfig.cli import main

from .conftest import SAMPLES
from .fake_openai import fake_openai

SAMPLE = SAMPLES / "000_2b4cc7baf94ce3dc.txt"


def test_cold_then_warm_run_the_warm_one_asks_nothing() -> None:
    with fake_openai("ok") as (url, script):
        settings = BackendSettings(base_url=url, api_key="k", model="fake", response_format="llama_cpp")
        result = bench([SAMPLE], settings)
    cold, warm = result["runs"]["cold"], result["runs"]["warm"]
    assert cold["calls"] == len(script.requests) > 0
    assert cold["figures"] == warm["figures"] == 21
    assert warm["calls"] == 0 and warm["cache_hits"] == cold["calls"]
    assert cold["prompt_tokens"] == 100 * cold["calls"]  # what the fake server reports per call
    assert [r["full_match_f1"] is not None for r in result["rows"]] == [True, True]  # gold lies beside it


def test_bench_command_writes_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bench.json"
    with fake_openai("ok") as (url, _script):
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("RELFIG_MODEL", "fake")
        assert main(["bench", str(SAMPLE), "--runs", "cold", "-o", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert list(result["runs"]) == ["cold"] and result["runs"]["cold"]["releases"] == 1
