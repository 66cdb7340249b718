"""A content-addressed cache of the model's answers, so an unchanged question is never asked twice.

The key is the SHA-256 of everything that decides the answer: the model, the backend kind,
how the schema is sent, the messages, the answer schema and the prompt version. Changing any of
them asks again; the endpoint's address is not part of it (the embedded server's port changes
every run). Invalid answers are not cached.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from extractor.labelling import Labeller, Usage
from extractor.model_files import cache_dir
from extractor.prompting import PROMPT_VERSION, Label, LabelRequest


def answer_cache_dir() -> Path:
    """Where answers are kept (``RELFIG_ANSWER_CACHE_DIR``, else ``answers/`` in the cache folder)."""
    configured = os.environ.get("RELFIG_ANSWER_CACHE_DIR")
    return Path(configured).expanduser() if configured else cache_dir() / "answers"


@dataclass
class CachedLabeller:
    """A `Labeller` that answers from the cache when it can and asks ``inner`` when it cannot."""

    inner: Labeller
    identity: dict[str, str]
    directory: Path

    @property
    def concurrency(self) -> int:
        """As many parallel calls as the inner labeller takes."""
        return int(getattr(self.inner, "concurrency", 1))

    @property
    def usage(self) -> Usage:
        """The inner labeller's tally, cache hits included."""
        return self.inner.usage

    def key(self, request: LabelRequest) -> str:
        """The content address of ``request`` for this model and settings."""
        material = {
            **self.identity,
            "prompt_version": PROMPT_VERSION,
            "messages": request.messages(),
            "schema": request.answer_model().model_json_schema(),
        }
        return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def label(self, request: LabelRequest) -> dict[tuple[int, int], Label]:
        """The cached answer, or the inner labeller's, which is then kept."""
        key = self.key(request)
        path = self.directory / key[:2] / f"{key}.json"
        if cached := self._read(path, request):
            self.usage.count(cache_hits=1)
            return cached
        labels = self.inner.label(request)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(request.answer_json(labels)), encoding="utf-8")
        partial.replace(path)
        return labels

    @staticmethod
    def _read(path: Path, request: LabelRequest) -> dict[tuple[int, int], Label] | None:
        try:
            answer = request.answer_model().model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, ValidationError):
            return None  # absent or damaged: ask again
        return request.read_answer(answer)
