"""Where ``relfig extract`` writes, so that nothing is lost and a rerun resumes where a batch stopped.

With ``-o`` and several inputs the output is JSON Lines, appended release by release: a rerun
reads it, keeps every complete record (a line cut off by a crash is dropped), and skips the
releases it already holds. Releases that failed are listed with their reason beside it, in
``OUT.failures.jsonl``, and are tried again by the next run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from schemas import Release


class BatchOutput:
    """One run's output: stdout, a JSON file (one input) or resumable JSON Lines (several)."""

    def __init__(self, path: Path | None, several: bool, overwrite: bool = False) -> None:
        self.path = path
        self.several = several
        self.overwrite = overwrite
        self.done: dict[str, Release] = {}
        self.dropped_lines = 0
        self._failures: list[dict[str, str | None]] = []
        self._out: TextIO | None = None
        if path is not None and path.exists() and not overwrite:
            self._load(path)

    def __enter__(self) -> BatchOutput:
        if self.path is None:
            self._out = sys.stdout
        elif self.several:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.path.open("w" if self.overwrite else "a", encoding="utf-8")
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._out is not None and self._out is not sys.stdout:
            self._out.close()
        if self.path is not None:
            self._write_failures()

    def write(self, release: Release) -> None:
        """Write one release now (one-input files are written whole)."""
        if self.path is not None and not self.several:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(release.to_json(indent=2) + "\n", encoding="utf-8")
            return
        assert self._out is not None, "write() inside the with block"
        self._out.write(release.to_json(indent=None if self.several else 2) + "\n")
        self._out.flush()

    def failed(self, source: Path, release_id: str | None, reason: str) -> None:
        """Remember a release that failed, with why."""
        self._failures.append({"input": str(source), "release_id": release_id, "error": reason})

    @property
    def failures_path(self) -> Path | None:
        """``OUT.failures.jsonl`` beside the output, or None for stdout."""
        return self.path.with_name(self.path.name + ".failures.jsonl") if self.path else None

    def _load(self, path: Path) -> None:
        kept: list[str] = []
        lines = path.read_text(encoding="utf-8").splitlines() if self.several else [path.read_text(encoding="utf-8")]
        for line in lines:
            if not line.strip():
                continue
            try:
                release = Release.from_json(line)
            except ValidationError:
                self.dropped_lines += 1  # cut off by a crash or edited by hand: extracted again
                continue
            self.done[release.release_id] = release
            kept.append(line.strip())
        if self.several and self.dropped_lines:
            path.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")

    def _write_failures(self) -> None:
        path = self.failures_path
        assert path is not None
        if self._failures:
            path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in self._failures), encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
