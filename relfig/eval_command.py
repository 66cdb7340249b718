"""``relfig eval``: extract and score every sample, write the reports, compare with a baseline."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from eval.baseline import compare
from eval.runner import evaluate, write_outputs
from eval.samples import load_samples
from eval.scoring import FIELDS
from extractor.answer_cache import answer_cache_dir
from extractor.backends import open_labeller, resolve_settings
from extractor.errors import UsageError
from extractor.prompting import PROMPT_VERSION
from relfig.terminal import number, progress_bar

EXIT_OK, EXIT_FAILED = 0, 1


def run_eval(args: argparse.Namespace, errors: Console) -> int:
    """``relfig eval``: extract and score every sample, write the reports, compare with a baseline."""
    samples = load_samples(args.samples)
    baseline = _read_baseline(args.baseline) if args.baseline else None
    settings = resolve_settings(
        args.base_url, args.model, args.response_format, args.timeout, concurrency=args.concurrency
    )
    described = {"backend": settings.name, "model": settings.model, "response_format": settings.response_format,
                 "prompt_version": PROMPT_VERSION}  # fmt: skip
    started = time.monotonic()
    with progress_bar(errors) as progress:
        task = progress.add_task("samples", total=len(samples))
        cache = None if args.no_cache else answer_cache_dir()
        with open_labeller(settings, on_status=progress.console.print, answer_cache=cache) as labeller:
            run = evaluate(samples, labeller, described, on_release=lambda _s, _r: progress.advance(task))
    paths = write_outputs(run, args.output)
    console = Console(soft_wrap=True)
    console.print(_scores_table(run.document))
    usage = run.document["usage"]
    errors.print(
        f"{len(samples)} samples scored in {time.monotonic() - started:.1f} s; LLM: {usage['calls']} calls, "
        f"{usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion tokens, "
        f"{usage['cache_hits']} answers from the cache. Reports: {', '.join(str(p) for p in paths)}",
        highlight=False,
    )
    checker = run.document["checker"]
    errors.print(
        f"checker: {checker['run_flags']['error']} errors and {checker['run_flags']['warning']} warnings on this run, "
        f"{checker['gold_flags']['error']} errors on the gold labels, "
        f"{checker['mutation_recall_overall']:.3f} of injected errors caught",
        highlight=False,
    )
    if baseline is None:
        return EXIT_OK
    changes = compare(baseline, run.document["overall"])
    for change in changes:
        flag = "[red]REGRESSION[/red]" if change.regressed else "ok"
        errors.print(f"{change.name}: {change.baseline:.3f} -> {change.current:.3f} {flag}", highlight=False)
    return EXIT_FAILED if any(change.regressed for change in changes) else EXIT_OK


def _read_baseline(path: Path) -> dict[str, float]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        overall = document["overall"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: not a scores.json written by relfig eval ({exc})") from exc
    return {k: v for k, v in overall.items() if isinstance(v, int | float)}


def _scores_table(document: dict[str, Any]) -> Table:
    table = Table(title="relfig eval", title_justify="left")
    for column in ("release", "gold", "predicted", "detection F1", "value acc.", "full-match F1"):
        table.add_column(column, justify="left" if column == "release" else "right")
    rows = [*document["releases"], {"name": "overall", **document["overall"]}]
    for row in rows:
        table.add_row(
            row["name"], str(row["gold"]), str(row["predicted"]), number(row["detection_f1"]),
            number(row["value_accuracy"]), number(row["full_match_f1"]),
        )  # fmt: skip
    fields = ", ".join(f"{name} {number(document['overall'][f'{name}_accuracy'])}" for name in FIELDS)
    table.caption = f"field accuracy on paired figures: {fields}"
    return table
