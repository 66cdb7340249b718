"""Shared fixtures: the sample releases, a fake labeller, and the model endpoint for cassette tests.

Cassette tests replay answers recorded against the embedded model; CI runs them with the network
blocked and ``--record-mode=none``, so a request missing from a cassette fails. ``make record``
re-records them against a freshly started embedded server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from extractor.labelling import AnswerError, Usage
from extractor.pipeline import pieces_of, request_of
from extractor.prompting import Label, LabelRequest
from extractor.release_context import ReleaseContext
from schemas import Release

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "eval" / "samples"
SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.txt"))
HELDOUT = ROOT / "eval" / "heldout"
HELDOUT_NAMES = sorted(p.stem for p in HELDOUT.glob("*.txt"))
REPLAY_BASE_URL = "http://127.0.0.1:9/v1"  # never contacted: cassettes answer, matched on path and body
SCRUBBED_HEADERS = (
    "authorization",
    "cookie",
    "set-cookie",
    "openai-organization",
    "openai-project",
    "x-api-key",
    "api-key",
)


def sample_text(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def gold_release(name: str) -> Release:
    text = sample_text(name)
    return Release.from_json((SAMPLES / f"{name}.json").read_text(encoding="utf-8"), text=text)


@dataclass
class FakeLabeller:
    """Answers every tag with ``answer`` (the keys its question asks), or fails when told to."""

    answer: dict[str, object] | None = None
    usage: Usage = field(default_factory=Usage)
    requests: list[LabelRequest] = field(default_factory=list)

    def label(self, request: LabelRequest) -> dict[tuple[int, int], Label]:
        self.requests.append(request)
        self.usage.calls += 1
        if self.answer is None:
            raise AnswerError("no answer")
        return {
            question.numeral.span: Label(**{key: self.answer.get(key) for key in question.keys})  # type: ignore[arg-type]
            for question in request.questions
        }


def request_for(text: str, context: ReleaseContext) -> LabelRequest:
    """The one call extraction makes for a short ``text``."""
    request = request_of(context, pieces_of(text))
    assert request is not None, "code knew everything: nothing to ask"
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SCRUBBED_HEADERS or name.lower() in ("date", "server"):
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(name, None) for name in SCRUBBED_HEADERS],
        "before_record_response": _scrub_response,
        "match_on": ["method", "path", "body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(Path(__file__).resolve().parent / "cassettes")


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """One cassette per sample release, shared by every test that extracts it."""
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    name = params.get("name") or getattr(request.module, "CASSETTE_SAMPLE", None)
    return f"extract_{name}" if name else request.node.name


@pytest.fixture(scope="session")
def model_endpoint(request: pytest.FixtureRequest) -> Iterator[str]:
    """The embedded server's URL when recording, else a URL nothing listens on (cassettes answer)."""
    mode = request.config.getoption("--record-mode", default="none")
    if mode in (None, "none"):
        yield REPLAY_BASE_URL
        return
    from extractor.embedded_server import running_server
    from extractor.model_files import ensure_model

    with running_server(ensure_model()) as server:
        yield server.base_url


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _private_answer_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or fill the user's answer cache."""
    monkeypatch.setenv("RELFIG_ANSWER_CACHE_DIR", str(tmp_path_factory.mktemp("answers")))


# --- the review store -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never write to the user's data directory or database (extract and check store their results)."""
    monkeypatch.setenv("RELFIG_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("RELFIG_DATABASE_URL", raising=False)
    monkeypatch.delenv("RELFIG_REVIEW_TOKEN", raising=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server for this test session; fails in CI (CI=true) when PostgreSQL is missing."""
    import os

    from .postgres_server import MISSING, running_postgres, server_bindir

    bindir = server_bindir()
    if bindir is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    with running_postgres(bindir) as base_url:
        yield base_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a fresh database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.db'}"
    from .postgres_server import new_database

    return new_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def store(database_url: str) -> Iterator[Any]:
    """An open, migrated review store on ``database_url`` (SQLite and PostgreSQL)."""
    from review.db import open_store

    with open_store(database_url) as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Any]:
    """An open, migrated review store in a SQLite file, for tests of the screens rather than the database."""
    from review.db import open_store

    with open_store(f"sqlite:///{tmp_path / 'review.db'}") as opened:
        yield opened
