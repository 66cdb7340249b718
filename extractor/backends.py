"""Which model relfig talks to, resolved in one place: flag, then environment variable, then default.

With ``OPENAI_BASE_URL`` (or ``--base-url``) set, relfig uses that OpenAI-compatible endpoint
(OpenAI, vLLM, Ollama, a llama.cpp server). Otherwise it runs the embedded model: assembled
from its pinned part packages, served by llama-cpp-python on 127.0.0.1 for the duration of
the run, and stopped afterwards.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openai

from extractor.answer_cache import CachedLabeller
from extractor.embedded_server import EmbeddedServer, ServerSettings
from extractor.errors import BackendError, UsageError
from extractor.labelling import InstructorLabeller, Labeller, ResponseFormat, Usage
from extractor.model_files import MODEL_NAME, ensure_model
from extractor.prompting import Label, LabelRequest
from extractor.secrets import register_secret

EMBEDDED = "embedded"
DEFAULT_TIMEOUT_S = 300.0
DEFAULT_CONCURRENCY = 4
"""Parallel calls per release to a remote endpoint unless RELFIG_CONCURRENCY says otherwise."""
_FORMATS: tuple[ResponseFormat, ...] = ("json_schema", "llama_cpp")


@dataclass(frozen=True)
class BackendSettings:
    """Everything needed to reach a model. ``base_url`` None means the embedded model."""

    base_url: str | None
    api_key: str = field(repr=False)
    model: str
    response_format: ResponseFormat
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_retries: int = 2
    concurrency: int = 1
    """How many calls a release sends at once: 1 for the embedded model (one slot, two cores), a
    few for a remote endpoint, which answers them in parallel."""

    @property
    def name(self) -> str:
        """``embedded`` or the endpoint's URL, for summaries and caches (never the key)."""
        return self.base_url or EMBEDDED


def resolve_settings(
    base_url: str | None = None,
    model: str | None = None,
    response_format: str | None = None,
    timeout_s: float | None = None,
    environ: dict[str, str] | None = None,
    concurrency: int | None = None,
) -> BackendSettings:
    """Settings from flags, then ``OPENAI_BASE_URL``/``OPENAI_API_KEY``/``RELFIG_MODEL``/..., then defaults."""
    env = os.environ if environ is None else environ
    base_url = base_url or env.get("OPENAI_BASE_URL") or None
    model = model or env.get("RELFIG_MODEL") or None
    chosen_format = response_format or env.get("RELFIG_RESPONSE_FORMAT") or None
    if base_url is None:
        model = model or MODEL_NAME
        chosen_format = chosen_format or "llama_cpp"
    elif model is None:
        raise UsageError(
            f"OPENAI_BASE_URL is set to {base_url}, so name the model it serves: --model NAME or RELFIG_MODEL=NAME"
        )
    chosen_format = chosen_format or "json_schema"
    if chosen_format not in _FORMATS:
        raise UsageError(f"RELFIG_RESPONSE_FORMAT must be one of {', '.join(_FORMATS)}, got {chosen_format!r}")
    timeout_text = env.get("RELFIG_TIMEOUT")
    try:
        timeout = timeout_s if timeout_s is not None else float(timeout_text or DEFAULT_TIMEOUT_S)
    except ValueError as exc:
        raise UsageError(f"RELFIG_TIMEOUT must be a number of seconds, got {timeout_text!r}") from exc
    parallel_text = env.get("RELFIG_CONCURRENCY")
    try:
        parallel = concurrency or int(parallel_text or (DEFAULT_CONCURRENCY if base_url else 1))
    except ValueError as exc:
        raise UsageError(f"RELFIG_CONCURRENCY must be a whole number, got {parallel_text!r}") from exc
    if parallel < 1:
        raise UsageError(f"the concurrency must be at least 1, got {parallel}")
    return BackendSettings(
        base_url=base_url,
        api_key=(env.get("OPENAI_API_KEY") or "").strip() or "no-key-needed",  # a pasted key often ends in \n
        model=model,
        response_format=chosen_format,
        timeout_s=timeout,
        concurrency=parallel,
    )


def make_client(base_url: str, settings: BackendSettings) -> openai.OpenAI:
    """The one place an OpenAI client is built; its own retries back off on 429/5xx/connection errors."""
    register_secret(settings.api_key)
    return openai.OpenAI(base_url=base_url, api_key=settings.api_key, timeout=settings.timeout_s, max_retries=2)


@contextlib.contextmanager
def open_labeller(
    settings: BackendSettings,
    on_status: Callable[[str], None] | None = None,
    server: ServerSettings | None = None,
    answer_cache: Path | None = None,
) -> Iterator[Labeller]:
    """A labeller for the configured backend, answering from ``answer_cache`` first when given.

    The embedded model's server is started on the first question the cache cannot answer, and
    stopped when the block ends: a run that the cache answers in full starts nothing.
    """
    with contextlib.ExitStack() as stack:
        inner: Labeller
        if settings.base_url is not None:
            inner = _labeller(settings.base_url, settings)
        else:
            inner = _EmbeddedLabeller(settings, stack, on_status or (lambda _message: None), server)
        if answer_cache is not None:
            identity = {"model": settings.model, "backend": settings.name, "response_format": settings.response_format}
            yield CachedLabeller(inner, identity, answer_cache)
        else:
            yield inner


@dataclass
class _EmbeddedLabeller:
    """Starts the embedded model on first use, inside the caller's exit stack; restarts it once if it dies."""

    settings: BackendSettings
    stack: contextlib.ExitStack
    on_status: Callable[[str], None]
    server_settings: ServerSettings | None
    usage: Usage = field(default_factory=Usage)
    _server: EmbeddedServer | None = None
    _labeller: InstructorLabeller | None = None

    def label(self, request: LabelRequest) -> dict[tuple[int, int], Label]:
        """Start the server if needed, then ask it; a server that died is started again, once per question."""
        labeller = self._ready()
        try:
            return labeller.label(request)
        except BackendError:
            if self._server is None or self._server.alive:
                raise
            self.on_status("the embedded model server stopped; starting it again")
            self._server.stop()
            self._labeller = None
            return self._ready().label(request)

    @property
    def base_url(self) -> str | None:
        """The running server's URL, or None before the first question."""
        return self._server.base_url if self._server else None

    @property
    def server(self) -> EmbeddedServer | None:
        """The server process, once started."""
        return self._server

    def _ready(self) -> InstructorLabeller:
        if self._server is None:
            self.on_status("preparing the embedded model (the first run assembles it, 1.1 GB)")
            self._server = EmbeddedServer(ensure_model(), self.server_settings)
            self.stack.callback(self._server.stop)
        if self._labeller is None:
            self.on_status("starting the embedded model server on 127.0.0.1")
            self._labeller = _labeller(self._server.start(), self.settings)
            self._labeller.usage = self.usage
        return self._labeller


def _labeller(base_url: str, settings: BackendSettings) -> InstructorLabeller:
    return InstructorLabeller(
        client=make_client(base_url, settings),
        model=settings.model,
        response_format=settings.response_format,
        max_retries=settings.max_retries,
        concurrency=settings.concurrency,
    )
