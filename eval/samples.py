"""Hand-labelled samples: a folder of ``NAME.txt`` (the release text) + ``NAME.json`` (gold labels)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from extractor.errors import UsageError
from extractor.reading import read_release
from schemas import Release

DEFAULT_SAMPLES = Path(__file__).resolve().parent / "samples"


@dataclass(frozen=True)
class Sample:
    """A release text and its gold Release record."""

    name: str
    text_path: Path
    gold: Release


def load_samples(directory: Path) -> list[Sample]:
    """Every sample pair in ``directory``, gold validated against its text; a broken one is an error."""
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such folder of samples")
    samples = []
    for gold_path in sorted(directory.glob("*.json")):
        text_path = next((p for p in (gold_path.with_suffix(s) for s in (".txt", ".md", ".html")) if p.is_file()), None)
        if text_path is None:
            raise UsageError(f"{gold_path}: no release text beside it (expected {gold_path.stem}.txt)")
        text = read_release(text_path).text
        try:
            gold = Release.from_json(gold_path.read_text(encoding="utf-8"), text=text)
        except ValidationError as exc:
            raise UsageError(f"{gold_path}: the gold labels do not fit the contract or the text:\n{exc}") from exc
        samples.append(Sample(gold_path.stem, text_path, gold))
    if not samples:
        raise UsageError(f"{directory}: no samples (pairs of NAME.txt and NAME.json)")
    return samples
