"""``relfig bench``: how long extraction takes and what it costs, cold and warm, or beside its peers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from eval.bench import BenchRow, bench
from eval.peers import PeerRow, compare
from eval.samples import DEFAULT_SAMPLES
from extractor.backends import BackendSettings, resolve_settings
from relfig.extract_command import expand_inputs
from relfig.terminal import number

BENCH_HELP = """\\
Measure extraction: per release and in total, wall time, model calls, prompt and completion
tokens, tokens per figure, cache hits and full-match F1 where a NAME.json gold file lies beside
the release; peak memory of relfig and of the model server. The cold run starts with an empty
answer cache, the warm run repeats it with the cache the cold run filled.

With --peers, compares instead relfig (cold), langextract and one whole-release instructor call
on the same model server, one after the other: time, calls, tokens, figures, errors, full-match
and detection F1 per release (needs the peers extra: pip install -e '.[peers]').

example:
  relfig bench                           # the bundled samples, embedded model
  relfig bench eval/samples/001_8137d2f7bf9e3325.txt --runs cold -o bench.json
  relfig bench --peers -o peers.json     # relfig, langextract and instructor on the bundled samples
"""


def add_bench_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """The ``bench`` subcommand's arguments (backend options are added by the caller)."""
    parser = commands.add_parser(
        "bench", help="measure time, tokens and memory", description=BENCH_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("inputs", nargs="*", type=Path, metavar="FILE_OR_DIR", help="default: the bundled samples")
    parser.add_argument("--runs", nargs="+", default=["cold", "warm"], choices=("cold", "warm"))
    parser.add_argument("-o", "--output", type=Path, help="write the measurements as JSON here")
    parser.add_argument(
        "--peers", action="store_true",
        help="compare relfig with langextract and a whole-release instructor call instead of cold/warm runs",
    )  # fmt: skip
    return parser


def run_bench(args: argparse.Namespace, errors: Console) -> int:
    """Run the benchmark (or, with --peers, the peer comparison) and print its table."""
    files = expand_inputs(args.inputs or [DEFAULT_SAMPLES])
    settings = resolve_settings(
        args.base_url, args.model, args.response_format, args.timeout, concurrency=args.concurrency
    )
    if args.peers:
        return _run_peers(args, files, settings, errors)
    result = bench(files, settings, runs=args.runs, on_row=lambda row: errors.print(_line(row), highlight=False))
    table = Table(title=f"relfig bench ({settings.name}, {settings.model})", title_justify="left")
    for column in ("run", "releases", "seconds", "median s/release", "calls", "prompt tok", "completion tok",
                   "tok/figure", "cache hits", "mean F1"):  # fmt: skip
        table.add_column(column, justify="left" if column == "run" else "right")
    for run, totals in result["runs"].items():
        table.add_row(
            run, str(totals["releases"]), f"{totals['seconds']:.1f}", f"{totals['median_seconds_per_release']:.1f}",
            str(totals["calls"]), str(totals["prompt_tokens"]), str(totals["completion_tokens"]),
            f"{totals['tokens_per_figure']:.1f}", str(totals["cache_hits"]), number(totals["mean_full_match_f1"]),
        )  # fmt: skip
    memory = result["peak_memory_mib"]
    table.caption = (
        f"peak memory: relfig {memory['relfig']:.0f} MiB, model server {memory['model_server'] or 0:.0f} MiB"
    )
    Console(soft_wrap=True).print(table)
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def _line(row: BenchRow) -> str:
    f1 = "" if row.full_match_f1 is None else f", full-match F1 {row.full_match_f1:.3f}"
    return (
        f"{row.run}: {row.name}: {row.seconds:.1f} s, {row.figures} figures, {row.calls} calls, "
        f"{row.prompt_tokens}+{row.completion_tokens} tokens, {row.cache_hits} cached{f1}"
    )


def _run_peers(args: argparse.Namespace, files: list[Path], settings: BackendSettings, errors: Console) -> int:
    result = compare(
        files, settings,
        on_row=lambda row: errors.print(_peer_line(row), highlight=False),
        on_status=lambda message: errors.print(message, highlight=False),
    )  # fmt: skip
    table = Table(title=f"relfig bench --peers ({settings.name}, {settings.model})", title_justify="left")
    for column in ("extractor", "release", "seconds", "calls", "prompt tok", "completion tok", "figures",
                   "full-match F1", "detection F1", "errors"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("extractor", "release") else "right")
    for extractor, totals in result["totals"].items():
        for row in (r for r in result["rows"] if r["extractor"] == extractor):
            table.add_row(
                extractor, row["name"], f"{row['seconds']:.1f}", str(row["calls"]), str(row["prompt_tokens"]),
                str(row["completion_tokens"]), f"{row['figures']} of {row['produced']}", number(row["full_match_f1"]),
                number(row["detection_f1"]), str(len(row["errors"])),
            )  # fmt: skip
        table.add_row(
            f"[bold]{extractor}[/bold]", f"[bold]total ({totals['releases']})[/bold]", f"{totals['seconds']:.1f}",
            str(totals["calls"]), str(totals["prompt_tokens"]), str(totals["completion_tokens"]),
            f"{totals['figures']} of {totals['produced']}", number(totals["full_match_f1"]),
            number(totals["detection_f1"]), str(totals["releases_with_errors"]), end_section=True,
        )  # fmt: skip
    table.caption = "figures: kept of produced; F1 pooled over the releases in the totals; errors: releases with errors"
    out = Console(soft_wrap=True)
    (out if out.is_terminal else Console(soft_wrap=True, width=160)).print(table)  # a file gets the whole table
    for row in result["rows"]:
        for message in row["errors"]:
            errors.print(f"{row['extractor']}: {row['name']}: {escape(message)}", highlight=False)
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def _peer_line(row: PeerRow) -> str:
    f1 = "" if row.full_match_f1 is None else f", full-match F1 {row.full_match_f1:.3f}"
    errors = f", {len(row.errors)} error(s)" if row.errors else ""
    return (
        f"{row.extractor}: {row.name}: {row.seconds:.1f} s, {row.figures} figures, {row.calls} calls, "
        f"{row.prompt_tokens}+{row.completion_tokens} tokens{f1}{errors}"
    )
