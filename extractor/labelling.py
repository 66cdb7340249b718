"""Ask the model for a few sentences' labels through openai + instructor, and count what it cost.

This is the backend seam: a `Labeller` turns a `LabelRequest` into one `Label` per tagged figure.
`InstructorLabeller` serves every OpenAI-compatible endpoint; tests use a fake. Provider
errors are translated into relfig's errors here, once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorError
from pydantic import BaseModel, ValidationError

from extractor.errors import BackendError, UsageError
from extractor.prompting import Label, LabelRequest
from extractor.secrets import redact

ResponseFormat = Literal["json_schema", "llama_cpp"]
"""``json_schema``: OpenAI structured outputs (OpenAI, vLLM, Ollama). ``llama_cpp``: llama-cpp-python's
``{"type": "json_object", "schema": ...}``, which its server turns into a grammar."""


class AnswerError(Exception):
    """The model's answer stayed invalid after every retry; the sentence keeps code-only labels."""


_COUNTING = threading.Lock()


@dataclass
class Usage:
    """What the model calls of a run cost, added up as they happen."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    invalid_answers: int = 0
    cache_hits: int = 0
    repairs_asked: int = 0
    repairs_kept: int = 0
    seconds: float = 0.0

    def count(self, **deltas: float) -> None:
        """Add to some tallies at once; safe when calls run in parallel threads."""
        with _COUNTING:
            for name, delta in deltas.items():
                setattr(self, name, getattr(self, name) + delta)

    def add(self, other: Usage) -> None:
        """Add another tally to this one."""
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.invalid_answers += other.invalid_answers
        self.cache_hits += other.cache_hits
        self.repairs_asked += other.repairs_asked
        self.repairs_kept += other.repairs_kept
        self.seconds += other.seconds


class Labeller(Protocol):
    """Anything that labels the tagged figures of a few sentences.

    A labeller that takes several calls at once says how many with a ``concurrency`` attribute
    (``InstructorLabeller`` does); without one, calls are made one after another.
    """

    @property
    def usage(self) -> Usage:
        """What its model calls cost so far."""
        ...

    def label(self, request: LabelRequest) -> dict[tuple[int, int], Label]:
        """One label per tagged figure, by its span, or `AnswerError` when no valid answer came."""
        ...


@dataclass
class InstructorLabeller:
    """A `Labeller` over any OpenAI-compatible chat endpoint."""

    client: openai.OpenAI
    model: str
    response_format: ResponseFormat = "json_schema"
    max_retries: int = 2
    concurrency: int = 1
    usage: Usage = field(default_factory=Usage)

    def __post_init__(self) -> None:
        self._instructor = instructor.from_openai(self.client, mode=instructor.Mode.JSON_SCHEMA)
        self._instructor.on("completion:response", self._count)

    def label(self, request: LabelRequest) -> dict[tuple[int, int], Label]:
        """Ask for the sentences' labels; retries on invalid answers are bounded by ``max_retries``."""
        answer_model = request.answer_model()
        extra: dict[str, Any] = {}
        if self.response_format == "llama_cpp":
            schema = answer_model.model_json_schema()
            extra["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        started = time.monotonic()
        try:
            answer: BaseModel = self._instructor.chat.completions.create(
                model=self.model,
                messages=request.messages(),  # type: ignore[arg-type]
                response_model=answer_model,
                max_retries=self.max_retries,
                temperature=0.0,
                max_tokens=160 * len(request.numerals) + 64,
                **extra,
            )
        except Exception as exc:  # instructor wraps provider errors; unwrap them once, here
            raise translate_error(exc, self.model) from exc
        finally:
            self.usage.count(seconds=time.monotonic() - started)
        return request.read_answer(answer)

    def _count(self, response: Any) -> None:
        reported = getattr(response, "usage", None)
        self.usage.count(
            calls=1,
            prompt_tokens=(reported.prompt_tokens or 0) if reported else 0,
            completion_tokens=(reported.completion_tokens or 0) if reported else 0,
        )


def translate_error(exc: Exception, model: str) -> Exception:
    """Relfig's error for whatever the provider or instructor raised."""
    cause = _root_cause(exc)
    if isinstance(cause, openai.AuthenticationError):
        return UsageError("the endpoint refused the API key; set OPENAI_API_KEY to a valid key")
    if isinstance(cause, openai.NotFoundError):
        return UsageError(f"the endpoint has no model {model!r}; set RELFIG_MODEL or --model to one it serves")
    if isinstance(cause, openai.APITimeoutError):
        return BackendError("the model endpoint timed out (raise RELFIG_TIMEOUT for a slow server)")
    if isinstance(cause, openai.APIConnectionError):
        return BackendError("cannot reach the model endpoint; is the server running and OPENAI_BASE_URL right?")
    if isinstance(cause, openai.APIStatusError):
        # some servers quote the key they refused; this message reaches stderr and the failures file
        key = cause.request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        message = redact(cause.message.replace(key, "[API key]") if key else cause.message)
        return BackendError(f"the model endpoint answered HTTP {cause.status_code}: {_short(message)}")
    if isinstance(cause, IncompleteOutputException):
        return AnswerError("the answer was cut off at the token limit")
    if isinstance(cause, ValidationError | ValueError | InstructorError):
        return AnswerError(f"no valid answer after retries: {_short(str(cause))}")
    return BackendError(f"the model call failed: {type(cause).__name__}: {_short(str(cause))}")


def _root_cause(exc: BaseException) -> BaseException:
    seen = exc
    for attempt in getattr(exc, "failed_attempts", None) or []:
        if isinstance(getattr(attempt, "exception", None), openai.OpenAIError):
            return attempt.exception  # type: ignore[no-any-return]
    while seen.__cause__ is not None and not isinstance(seen, openai.OpenAIError):
        seen = seen.__cause__
    return seen


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit] + "..."
