"""The command line: help with examples, clear usage errors, and a whole extract run (replayed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relfig.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, build_parser, main

from .conftest import REPLAY_BASE_URL, SAMPLES

CASSETTE_SAMPLE = "000_2b4cc7baf94ce3dc"


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return list(action.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", _subcommands())
def test_every_command_has_help_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "example:" in capsys.readouterr().out


def test_missing_input_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path / "nope.txt")]) == EXIT_USAGE
    assert "no such file or folder" in capsys.readouterr().err


def test_endpoint_without_model_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("RELFIG_MODEL", raising=False)
    (tmp_path / "r.txt").write_text("Output rose 5%.", encoding="utf-8")
    assert main(["extract", str(tmp_path / "r.txt")]) == EXIT_USAGE
    assert "RELFIG_MODEL" in capsys.readouterr().err


def test_unreadable_release_fails_alone_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RELFIG_MODEL", "m")
    (tmp_path / "a_empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "b_nonumbers.txt").write_text("Nothing is counted here.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path), "-o", str(out)]) == EXIT_FAILED
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["figures"] for line in lines] == [[]]
    err = capsys.readouterr().err
    assert "a_empty.txt" in err and "no text" in err
    assert "1 of 2 releases extracted" in err


@pytest.mark.vcr
def test_extract_writes_release_json_and_reports_usage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], model_endpoint: str
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", model_endpoint if model_endpoint != REPLAY_BASE_URL else REPLAY_BASE_URL)
    monkeypatch.setenv("RELFIG_MODEL", "qwen2.5-coder-1.5b-instruct-q4_k_m")
    monkeypatch.setenv("RELFIG_RESPONSE_FORMAT", "llama_cpp")
    out = tmp_path / "release.json"
    assert main(["extract", str(SAMPLES / f"{CASSETTE_SAMPLE}.txt"), "-o", str(out)]) == EXIT_OK
    release = json.loads(out.read_text(encoding="utf-8"))
    assert release["release_id"] == "3811fe2bbe3cc10f"
    assert len(release["figures"]) == 21
    err = capsys.readouterr().err
    assert "1 of 1 releases extracted, 21 figures; 0 failed" in err
    assert "prompt +" in err and "completion tokens" in err and "Time:" in err
