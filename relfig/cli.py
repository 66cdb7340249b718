"""The ``relfig`` command: the one place that wires reading, extraction and output together.

Data goes to stdout or ``-o``; progress, errors and the closing summary go to stderr.
Exit codes: 0 ok, 1 some release failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eval.baseline import compare
from eval.runner import evaluate, write_outputs
from eval.samples import DEFAULT_SAMPLES, load_samples
from eval.scoring import FIELDS
from extractor.answer_cache import answer_cache_dir
from extractor.backends import open_labeller, resolve_settings
from extractor.errors import RelfigError, UsageError
from extractor.labelling import Labeller, Usage
from extractor.pipeline import extract_release
from extractor.prompting import PROMPT_VERSION
from extractor.reading import SUFFIXES, read_release

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

EXTRACT_HELP = """\
Extract every statistical figure of each release as a Release JSON record.

One input gives one JSON document; several give JSON Lines, one release a line,
written as each release is done. Without OPENAI_BASE_URL the embedded model runs.

example:
  relfig extract eval/samples/000_2b4cc7baf94ce3dc.txt -o release.json
  relfig extract eval/samples/ -o releases.jsonl
  OPENAI_BASE_URL=http://127.0.0.1:11434/v1 RELFIG_MODEL=qwen2.5:7b relfig extract notes/
"""


EVAL_HELP = """\
Extract every sample release, score it against its hand labels, and report.

A sample is a pair NAME.txt (the release) + NAME.json (gold labels, the contract's Release
record); any folder of such pairs can be scored. Answers already given for the same
question, model and settings come from the cache, so an unchanged re-run asks nothing.
Writes scores.json, report.html (open it in a browser) and predictions.jsonl to -o.
With --baseline, exits 1 when full-match F1 or any field falls more than 0.02 below it.

example:
  relfig eval                                   # the bundled samples, embedded model
  relfig eval my_samples/ -o out/eval --baseline eval/baseline.json
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="relfig",
        description="Turn statistical press releases into a tidy, checked table of figures.",
        epilog="example: relfig extract eval/samples/ -o releases.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    extract = commands.add_parser(
        "extract", help="extract the figures of releases", description=EXTRACT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    extract.add_argument(
        "inputs", nargs="+", type=Path, metavar="FILE_OR_DIR", help=".txt, .md or .html files, or folders of them"
    )
    extract.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    _backend_options(extract)
    evaluate = commands.add_parser(
        "eval", help="score extraction against hand-labelled samples", description=EVAL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    evaluate.add_argument("samples", nargs="?", type=Path, default=DEFAULT_SAMPLES, metavar="SAMPLES_DIR")
    evaluate.add_argument("-o", "--output", type=Path, default=Path("out/eval"), help="folder for the reports")
    evaluate.add_argument("--baseline", type=Path, help="a scores.json to compare with; exit 1 on a regression")
    _backend_options(evaluate)
    return parser


def _backend_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model backend (flag, else environment variable, else default)")
    group.add_argument("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL); default: the embedded model")
    group.add_argument("--model", help="model name at the endpoint (RELFIG_MODEL)")
    group.add_argument(
        "--response-format", choices=("json_schema", "llama_cpp"),
        help="how the answer schema is sent (RELFIG_RESPONSE_FORMAT); llama_cpp for llama-cpp-python servers",
    )  # fmt: skip
    group.add_argument("--timeout", type=float, help="seconds per model call (RELFIG_TIMEOUT, default 300)")
    group.add_argument(
        "--no-cache", action="store_true", help="ask the model even when an identical question was answered before"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    errors = Console(stderr=True, soft_wrap=True)
    try:
        if args.command == "extract":
            return run_extract(args, errors)
        if args.command == "eval":
            return run_eval(args, errors)
    except UsageError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False)
        return EXIT_USAGE
    except RelfigError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False)
        return EXIT_FAILED
    except KeyboardInterrupt:
        errors.print("[yellow]interrupted[/yellow]; releases already written are kept")
        return EXIT_FAILED
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def expand_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files as given, folders as their release files (sorted); a missing path is a usage error."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                raise UsageError(f"{path}: no {', '.join(SUFFIXES)} files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    return files


def run_extract(args: argparse.Namespace, errors: Console) -> int:
    """``relfig extract``: each release in turn, written as soon as it is done."""
    files = expand_inputs(args.inputs)
    settings = resolve_settings(args.base_url, args.model, args.response_format, args.timeout)
    started = time.monotonic()
    tally = _Tally()
    out: TextIO = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        with _progress(errors) as progress:
            releases = progress.add_task("releases", total=len(files))
            cache = None if args.no_cache else answer_cache_dir()
            status = lambda m: progress.console.print(f"[dim]{m}[/dim]")  # noqa: E731
            with open_labeller(settings, on_status=status, answer_cache=cache) as labeller:
                for path in files:
                    _extract_one(path, labeller, progress, out, tally, indent=None if len(files) > 1 else 2)
                    progress.advance(releases)
                tally.usage = labeller.usage
    finally:
        if args.output:
            out.close()
    _summary(errors, len(files), tally, time.monotonic() - started, args.output)
    return EXIT_FAILED if tally.failed else EXIT_OK


@dataclass
class _Tally:
    figures: int = 0
    failed: list[Path] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


def _extract_one(
    path: Path, labeller: Labeller, progress: Progress, out: TextIO, tally: _Tally, indent: int | None
) -> None:
    """Extract one release and write it; a failure is reported and counted, and the batch goes on."""
    task = progress.add_task(f"  {path.name}", total=None)
    began = time.monotonic()
    try:
        source = read_release(path)
        release = extract_release(source, labeller, lambda done, of: progress.update(task, completed=done, total=of))
    except RelfigError as exc:
        tally.failed.append(path)
        progress.console.print(f"[red]failed:[/red] {path}: {exc}", highlight=False)
    else:
        tally.figures += len(release.figures)
        out.write(release.to_json(indent=indent) + "\n")
        out.flush()
        progress.console.print(
            f"[green]done:[/green] {path.name}: {len(release.figures)} figures in {time.monotonic() - began:.1f} s",
            highlight=False,
        )
    finally:
        progress.remove_task(task)


def run_eval(args: argparse.Namespace, errors: Console) -> int:
    """``relfig eval``: extract and score every sample, write the reports, compare with a baseline."""
    samples = load_samples(args.samples)
    baseline = _read_baseline(args.baseline) if args.baseline else None
    settings = resolve_settings(args.base_url, args.model, args.response_format, args.timeout)
    described = {"backend": settings.name, "model": settings.model, "response_format": settings.response_format,
                 "prompt_version": PROMPT_VERSION}  # fmt: skip
    started = time.monotonic()
    with _progress(errors) as progress:
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
            row["name"], str(row["gold"]), str(row["predicted"]), _f(row["detection_f1"]),
            _f(row["value_accuracy"]), _f(row["full_match_f1"]),
        )  # fmt: skip
    fields = ", ".join(f"{name} {_f(document['overall'][f'{name}_accuracy'])}" for name in FIELDS)
    table.caption = f"field accuracy on paired figures: {fields}"
    return table


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False, disable=not console.is_terminal,
    )  # fmt: skip


def _summary(console: Console, total: int, tally: _Tally, seconds: float, output: Path | None) -> None:
    usage = tally.usage
    console.print(
        f"{total - len(tally.failed)} of {total} releases extracted, {tally.figures} figures; "
        f"{len(tally.failed)} failed. LLM: {usage.calls} calls, {usage.prompt_tokens} prompt + "
        f"{usage.completion_tokens} completion tokens, {usage.cache_hits} answers from the cache, "
        f"{usage.invalid_answers} sentences without a valid answer. "
        f"Time: {seconds:.1f} s"
        + (f" ({seconds / total:.1f} s per release)" if total else "")
        + (f". Written to {output}" if output else ""),
        highlight=False,
    )
