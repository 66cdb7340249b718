"""A stopped batch resumes: finished releases are kept and never extracted again; failures are retried."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relfig.cli import EXIT_FAILED, EXIT_OK, main

from .fake_openai import Script, fake_openai

RELEASES = {
    "a.txt": "Output rose 5.3% year-on-year.",
    "b.txt": "Profit rose 24.0% and 13 cities grew.",
    "c.txt": "Exports fell 2.1% year-on-year.",
}


def _extract(folder: Path, out: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, Script]:
    with fake_openai("ok") as (url, script):
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("RELFIG_MODEL", "fake")
        code = main(["extract", str(folder), "-o", str(out), "--no-store", "--no-cache", *extra])
    return code, script


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in RELEASES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _ids(out: Path) -> list[str]:
    return [json.loads(line)["release_id"] for line in out.read_text(encoding="utf-8").splitlines()]


def test_a_rerun_keeps_finished_releases_and_redoes_a_cut_off_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, out = _folder(tmp_path), tmp_path / "out.jsonl"
    code, script = _extract(folder, out, monkeypatch)
    assert code == EXIT_OK and len(script.requests) == 3
    first = _ids(out)
    # The run was killed while writing the last release: its line is cut off.
    lines = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(lines[:2]) + "\n" + lines[2][:40], encoding="utf-8")
    code, script = _extract(folder, out, monkeypatch)
    assert code == EXIT_OK
    assert len(script.requests) == 1  # only the release whose line was lost
    assert _ids(out) == first
    err = capsys.readouterr().err
    assert "1 incomplete line(s) dropped" in err and "2 releases already in" in err
    # A third run has nothing left to do.
    code, script = _extract(folder, out, monkeypatch)
    assert code == EXIT_OK and script.requests == [] and _ids(out) == first


def test_failed_releases_are_listed_and_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = _folder(tmp_path), tmp_path / "out.jsonl"
    (folder / "b.txt").write_bytes(b"")
    code, _script = _extract(folder, out, monkeypatch)
    assert code == EXIT_FAILED
    failures = Path(f"{out}.failures.jsonl")
    assert [
        json.loads(line)["input"].endswith("b.txt") for line in failures.read_text(encoding="utf-8").splitlines()
    ] == [True]
    (folder / "b.txt").write_text(RELEASES["b.txt"], encoding="utf-8")
    code, script = _extract(folder, out, monkeypatch)
    assert code == EXIT_OK and len(script.requests) == 1
    assert len(_ids(out)) == 3
    assert not failures.exists()


def test_overwrite_starts_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = _folder(tmp_path), tmp_path / "out.jsonl"
    _extract(folder, out, monkeypatch)
    code, script = _extract(folder, out, monkeypatch, "--overwrite")
    assert code == EXIT_OK and len(script.requests) == 3 and len(_ids(out)) == 3
