"""`relfig eval` on the bundled samples, replayed from the embedded model's cassettes, against the
committed baseline (eval/baseline.json). ``RELFIG_UPDATE_GOLDEN=1`` rewrites the baseline on purpose."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from relfig.cli import EXIT_FAILED, EXIT_OK, main

from .conftest import HELDOUT, HELDOUT_NAMES, REPLAY_BASE_URL, ROOT, SAMPLE_NAMES

BASELINE = ROOT / "eval" / "baseline.json"
CASSETTES = [f"extract_{name}.yaml" for name in SAMPLE_NAMES]
HELDOUT_BASELINE = ROOT / "eval" / "baseline_heldout.json"
HELDOUT_CASSETTES = [f"extract_{name}.yaml" for name in HELDOUT_NAMES]


@pytest.fixture
def replayed_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", REPLAY_BASE_URL)
    monkeypatch.setenv("RELFIG_MODEL", "qwen2.5-coder-1.5b-instruct-q4_k_m")
    monkeypatch.setenv("RELFIG_RESPONSE_FORMAT", "llama_cpp")


@pytest.mark.vcr(*CASSETTES)
def test_eval_of_the_bundled_samples_matches_the_baseline(tmp_path: Path, replayed_model: None) -> None:
    out = tmp_path / "eval"
    scores = _eval_against(BASELINE, [], out, "relfig eval")
    assert scores["checker"]["mutation_recall_overall"] >= 0.95
    assert {"report.html", "scores.json", "predictions.jsonl"} <= {p.name for p in out.iterdir()}


@pytest.mark.vcr(*CASSETTES)
def test_eval_gate_fails_on_a_regression(tmp_path: Path, replayed_model: None) -> None:
    better = json.loads(BASELINE.read_text(encoding="utf-8"))
    better["overall"]["full_match_f1"] = better["overall"]["full_match_f1"] + 0.05
    path = tmp_path / "better.json"
    path.write_text(json.dumps(better), encoding="utf-8")
    assert main(["eval", "-o", str(tmp_path / "eval"), "--baseline", str(path)]) == EXIT_FAILED
    assert main(["eval", "-o", str(tmp_path / "eval2"), "--baseline", str(BASELINE)]) == EXIT_OK


@pytest.mark.vcr(*HELDOUT_CASSETTES)
def test_eval_of_the_held_out_releases_matches_their_baseline(tmp_path: Path, replayed_model: None) -> None:
    """The releases the rules were not made on: a rule tuned to the samples that breaks them shows here."""
    _eval_against(HELDOUT_BASELINE, [str(HELDOUT)], tmp_path / "heldout", "relfig eval eval/heldout")


def _eval_against(baseline_path: Path, samples: list[str], out: Path, command: str) -> dict[str, Any]:
    """``relfig eval`` replayed; its scores must equal ``baseline_path`` (rewritten with RELFIG_UPDATE_GOLDEN=1)."""
    assert main(["eval", *samples, "-o", str(out)]) == EXIT_OK
    scores: dict[str, Any] = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    if os.environ.get("RELFIG_UPDATE_GOLDEN") == "1":
        baseline = {"command": f"{command} (embedded model, replayed from tests/cassettes)", **scores}
        baseline["usage"] = {k: v for k, v in scores["usage"].items() if k != "seconds"}
        baseline_path.write_text(json.dumps(baseline, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    baseline = json.loads(baseline_path.read_text(encoding="utf-8"))
    assert scores["overall"] == baseline["overall"]
    assert scores["releases"] == baseline["releases"]
    assert scores["checker"]["gold_flags"]["error"] == 0
    return scores
