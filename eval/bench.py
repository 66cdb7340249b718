"""Benchmark extraction: time, model calls, tokens, memory, cold and warm, and F1 where gold exists.

A tool, not a test: ``relfig bench [FILES_OR_DIRS] [-o bench.json]``. The cold run starts from an
empty answer cache; the warm run repeats it with the cache the cold run filled, so it measures
what an unchanged re-run costs (it should make no model calls).
"""

from __future__ import annotations

import dataclasses
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.scoring import score_release
from extractor.backends import BackendSettings, open_labeller
from extractor.labelling import Labeller, Usage
from extractor.pipeline import extract_release
from extractor.reading import Source, read_release
from schemas import Release


@dataclass(frozen=True)
class BenchRow:
    """One release in one run."""

    run: str
    name: str
    seconds: float
    figures: int
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cache_hits: int
    full_match_f1: float | None

    @property
    def tokens_per_figure(self) -> float:
        """Prompt plus completion tokens per figure found."""
        return (self.prompt_tokens + self.completion_tokens) / self.figures if self.figures else 0.0


def bench(
    paths: Sequence[Path],
    settings: BackendSettings,
    runs: Sequence[str] = ("cold", "warm"),
    on_row: Callable[[BenchRow], None] | None = None,
) -> dict[str, Any]:
    """Extract every release once per run (sharing one fresh answer cache) and measure each."""
    rows: list[BenchRow] = []
    server_peak_kib = 0
    with tempfile.TemporaryDirectory(prefix="relfig-bench-") as cache:
        for run in runs:
            with open_labeller(settings, answer_cache=Path(cache)) as labeller:

                def extract(source: Source, labeller: Labeller = labeller) -> Release:
                    return extract_release(source, labeller)

                for path in paths:
                    row = _one(run, path, labeller.usage, extract)
                    rows.append(row)
                    if on_row:
                        on_row(row)
                server_peak_kib = max(server_peak_kib, _server_peak_kib(labeller))  # before the server stops
    return {
        "backend": settings.name,
        "model": settings.model,
        "rows": [{**dataclasses.asdict(r), "tokens_per_figure": r.tokens_per_figure} for r in rows],
        "runs": {run: _totals([r for r in rows if r.run == run]) for run in runs},
        "peak_memory_mib": {"relfig": _own_peak_kib() / 1024, "model_server": server_peak_kib / 1024 or None},
    }


def _one(run: str, path: Path, usage: Usage, extract: Callable[[Source], Release]) -> BenchRow:
    source = read_release(path)
    before = dataclasses.replace(usage)
    started = time.perf_counter()
    release = extract(source)
    seconds = time.perf_counter() - started
    gold_path = path.with_suffix(".json")
    f1 = None
    if gold_path.is_file():
        gold = Release.from_json(gold_path.read_text(encoding="utf-8"), text=source.text)
        f1 = score_release(gold, release).counts.full_match()[2]
    return BenchRow(
        run=run,
        name=path.stem,
        seconds=seconds,
        figures=len(release.figures),
        calls=usage.calls - before.calls,
        prompt_tokens=usage.prompt_tokens - before.prompt_tokens,
        completion_tokens=usage.completion_tokens - before.completion_tokens,
        cache_hits=usage.cache_hits - before.cache_hits,
        full_match_f1=f1,
    )


def _totals(rows: Sequence[BenchRow]) -> dict[str, Any]:
    if not rows:
        return {}
    figures = sum(r.figures for r in rows)
    tokens = sum(r.prompt_tokens + r.completion_tokens for r in rows)
    f1s = [r.full_match_f1 for r in rows if r.full_match_f1 is not None]
    return {
        "releases": len(rows),
        "seconds": sum(r.seconds for r in rows),
        "median_seconds_per_release": statistics.median(r.seconds for r in rows),
        "figures": figures,
        "calls": sum(r.calls for r in rows),
        "prompt_tokens": sum(r.prompt_tokens for r in rows),
        "completion_tokens": sum(r.completion_tokens for r in rows),
        "cache_hits": sum(r.cache_hits for r in rows),
        "tokens_per_figure": tokens / figures if figures else 0.0,
        "mean_full_match_f1": statistics.fmean(f1s) if f1s else None,
    }


def _own_peak_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _server_peak_kib(labeller: object) -> int:
    server = getattr(labeller, "server", None) or getattr(getattr(labeller, "inner", None), "server", None)
    if server is None:
        return 0
    try:
        status = Path(f"/proc/{server.pid}/status").read_text()
    except (OSError, RuntimeError):
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
