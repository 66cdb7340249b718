"""No API key in what relfig keeps or shows: cassettes, logs, error messages, output, store and cache.

The cassettes are scanned for credential headers and anything shaped like a key. Then relfig
talks with the key below to a local server that fails in every way it can (``tests/fake_openai.py``),
one that refuses the key quoting it back, and an address nothing listens on; the key must not
appear in the error relfig raises, in any log record (every logger at DEBUG), in what the
command line prints, or in any file it writes.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from extractor.backends import BackendSettings, open_labeller
from extractor.errors import BackendError, UsageError
from extractor.labelling import AnswerError
from relfig.cli import main

from .conftest import SCRUBBED_HEADERS
from .fake_openai import fake_openai
from .test_model_faults import TEXT, _request

KEY = "sk-test-SECRET-7f3a9c1e5b2d48a6"  # shaped like a real key: every pattern below would catch it
CASSETTES = sorted((Path(__file__).resolve().parent / "cassettes").rglob("*.yaml"))
KEY_SHAPES = (
    re.compile(r"sk-[A-Za-z0-9_-]{16,}"),  # OpenAI-style secret keys (sk-..., sk-proj-...)
    re.compile(r"\bBearer\s+\S+", re.IGNORECASE),
    re.compile(r"[?&](?:api[_-]?key|key|access_token|token)=[^&\s]+", re.IGNORECASE),  # keys in a query string
)
LOGGERS = ("", "openai", "httpx", "httpcore", "instructor")


# --- the cassettes ---------------------------------------------------------------------------------


def _strings(node: Any) -> Iterator[str]:
    """Every string in a parsed cassette, dictionary keys included (bodies may be bytes)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, bytes):
        yield node.decode("utf-8", errors="replace")
    elif isinstance(node, str):
        yield node


def secrets_in(cassette: dict[str, Any]) -> list[str]:
    """Credential headers and key-shaped strings anywhere in a cassette's requests and responses."""
    found = []
    for number, interaction in enumerate(cassette.get("interactions") or []):
        for part in ("request", "response"):
            message = interaction.get(part) or {}
            for name in message.get("headers") or {}:
                if name.lower() in SCRUBBED_HEADERS:
                    found.append(f"interaction {number} {part}: a {name!r} header")
            for text in _strings(message):
                for shape in KEY_SHAPES:
                    if match := shape.search(text):
                        found.append(f"interaction {number} {part}: {match.group(0)[:10]}... ({shape.pattern})")
    return found


def test_the_scan_finds_what_it_looks_for() -> None:
    leaky = {
        "interactions": [
            {
                "request": {
                    "uri": "http://127.0.0.1:9/v1/chat/completions?api_key=abc123",
                    "headers": {"Authorization": ["Bearer abc"], "X-Api-Key": ["x"], "OpenAI-Organization": ["org"]},
                    "body": json.dumps({"note": f"the key is {KEY}"}).encode(),
                },
                "response": {"headers": {"set-cookie": ["s=1"], "openai-project": ["p"]}, "body": {"string": "ok"}},
            }
        ]
    }
    found = "\n".join(secrets_in(leaky))
    for expected in ("'Authorization'", "'X-Api-Key'", "'OpenAI-Organization'", "'set-cookie'", "'openai-project'"):
        assert expected in found
    assert "Bearer abc" in found and "sk-test-SE" in found and "?api_key=a" in found


def test_there_are_cassettes_to_scan() -> None:
    assert CASSETTES, "no cassettes under tests/cassettes"


@pytest.mark.parametrize("path", CASSETTES, ids=[path.stem for path in CASSETTES])
def test_no_cassette_holds_a_credential(path: Path) -> None:
    assert secrets_in(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


# --- the labeller: errors and logs -----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One way the endpoint fails, and the error relfig must raise for it."""

    id: str
    behaviour: str | None  # None: an address nothing listens on
    raises: type[Exception]
    timeout_s: float = 10.0
    quotes_key: bool = False  # the server's answer itself holds the key


CASES = [
    Case("server-error", "500", BackendError),
    Case("rate-limited", "429", BackendError),
    Case("malformed-answer", "malformed", AnswerError),
    Case("too-slow", "slow", BackendError, timeout_s=0.5),
    Case("unreachable", None, BackendError, timeout_s=2.0),
    Case("key-refused-and-quoted", "401", UsageError, quotes_key=True),
    Case("forbidden-and-key-quoted", "403", BackendError, quotes_key=True),
]


@contextmanager
def _endpoint(case: Case) -> Iterator[str]:
    with fake_openai(case.behaviour or "ok") as (url, _script):
        if case.behaviour is not None:
            yield url
            return
    yield url  # the server is gone: nothing listens there any more


def _settings(url: str, case: Case) -> BackendSettings:
    return BackendSettings(
        base_url=url, api_key=KEY, model="fake", response_format="json_schema", timeout_s=case.timeout_s
    )


def _fail(case: Case) -> Exception:
    with _endpoint(case) as url, open_labeller(_settings(url, case)) as labeller:
        with pytest.raises(case.raises) as info:
            labeller.label(_request())
    return info.value


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    records = [f"{r.name} {r.levelname} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records]
    return caplog.text + "\n".join(records)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_error_relfig_raises_never_holds_the_key(case: Case) -> None:
    error = _fail(case)
    assert KEY not in str(error) and KEY not in repr(error)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_no_log_record_holds_the_key_even_at_debug(case: Case, caplog: pytest.LogCaptureFixture) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    _fail(case)
    logged = _everything_logged(caplog)
    assert caplog.records, "nothing was logged: the capture is not listening"
    assert KEY not in logged


# --- the command line --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A whole ``relfig extract`` against an endpoint, and the exit code it must end with."""

    id: str
    behaviour: str | None
    exit_code: int


RUNS = [
    Run("key-refused-and-quoted", "401", 1),
    Run("forbidden-and-key-quoted", "403", 1),
    Run("server-error", "500", 1),
    Run("unreachable", None, 1),
    Run("extracted-stored-and-cached", "ok", 0),
]


def _files_holding(key: str, *folders: Path) -> list[str]:
    return [
        str(path)
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and key.encode() in path.read_bytes()
    ]


@pytest.mark.parametrize("run", RUNS, ids=[run.id for run in RUNS])
def test_the_command_line_shows_and_writes_no_key(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    release = tmp_path / "release.txt"
    release.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    with _endpoint(Case(run.id, run.behaviour, Exception, timeout_s=5.0)) as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("RELFIG_MODEL", "fake")
        monkeypatch.setenv("RELFIG_TIMEOUT", "5")
        code = main(["extract", str(release), "-o", str(out / "release.json")])
    printed = capsys.readouterr()
    assert code == run.exit_code, printed.err
    assert KEY not in printed.out and KEY not in printed.err
    # the output, the failures file, the review store and the answer cache
    kept = [out, Path(os.environ["RELFIG_DATA_DIR"]), Path(os.environ["RELFIG_ANSWER_CACHE_DIR"])]
    assert _files_holding(KEY, *kept) == []
    if run.exit_code == 0:
        assert _files_holding("fake", *kept), "nothing was written: the scan proves nothing"


def test_a_key_the_server_quotes_stays_off_stderr_outside_pytest(tmp_path: Path) -> None:
    """As a user runs it: no pytest log capture to catch what third-party loggers emit."""
    release = tmp_path / "release.txt"
    release.write_text(TEXT, encoding="utf-8")
    with fake_openai("401") as (url, _script):
        env = {**os.environ, "OPENAI_BASE_URL": url, "OPENAI_API_KEY": KEY, "RELFIG_MODEL": "fake"}
        result = subprocess.run(
            [sys.executable, "-m", "relfig", "extract", str(release), "-o", str(tmp_path / "r.json"), "--no-store"],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "the endpoint refused the API key" in result.stderr
    assert KEY not in result.stdout and KEY not in result.stderr
