"""Assembling the embedded model from its parts: verified, atomic, cached, with clear errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from extractor.errors import ModelSetupError
from extractor.model_files import MODEL_FILE, PART_COUNT, ensure_model, part_paths


def _parts(tmp_path: Path) -> tuple[list[Path], str]:
    parts = []
    for number in range(1, 4):
        part = tmp_path / f"part{number:02d}.bin"
        part.write_bytes(bytes([number]) * (1000 * number))
        parts.append(part)
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest()
    return parts, digest


def test_assembles_in_order_and_verifies(tmp_path: Path) -> None:
    parts, digest = _parts(tmp_path)
    seen: list[tuple[int, int]] = []
    target = ensure_model(tmp_path / "cache", parts, digest, progress=lambda done, total: seen.append((done, total)))
    assert target.name == MODEL_FILE
    assert target.read_bytes() == b"".join(p.read_bytes() for p in parts)
    assert seen[-1] == (6000, 6000)


def test_a_verified_model_is_not_assembled_again(tmp_path: Path) -> None:
    parts, digest = _parts(tmp_path)
    target = ensure_model(tmp_path / "cache", parts, digest)
    for part in parts:
        part.unlink()
    assert ensure_model(tmp_path / "cache", parts, digest) == target


def test_corrupted_part_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    parts, digest = _parts(tmp_path)
    parts[1].write_bytes(b"corrupted")
    with pytest.raises(ModelSetupError, match="SHA-256"):
        ensure_model(tmp_path / "cache", parts, digest)
    assert list((tmp_path / "cache").iterdir()) == []


def test_installed_parts_are_found_or_named_when_missing() -> None:
    try:
        paths = part_paths()
    except ModelSetupError as exc:
        assert "model part" in str(exc) and "pip install" in str(exc)
    else:
        assert len(paths) == PART_COUNT
        assert [p.name for p in paths] == [f"part{n:02d}.bin" for n in range(1, PART_COUNT + 1)]
