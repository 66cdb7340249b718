"""The ``relfig`` command: the one place that wires reading, extraction and output together.

Data goes to stdout or ``-o``; progress, errors and the closing summary go to stderr.
Exit codes: 0 ok, 1 some release failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extractor.backends import open_labeller, resolve_settings
from extractor.errors import RelfigError, UsageError
from extractor.labelling import Usage
from extractor.pipeline import extract_release
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
    extract.add_argument("inputs", nargs="+", type=Path, metavar="FILE_OR_DIR", help=".txt, .md or .html files, or folders of them")
    extract.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    _backend_options(extract)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    errors = Console(stderr=True)
    try:
        if args.command == "extract":
            return run_extract(args, errors)
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
    several = len(files) > 1
    started = time.monotonic()
    usage, figures, failed = Usage(), 0, []
    out: TextIO = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        with _progress(errors) as progress:
            releases_task = progress.add_task("releases", total=len(files))
            with open_labeller(settings, on_status=lambda m: progress.console.print(f"[dim]{m}[/dim]")) as labeller:
                for path in files:
                    sentences_task = progress.add_task(f"  {path.name}", total=None)
                    began = time.monotonic()
                    try:
                        source = read_release(path)
                        release = extract_release(
                            source, labeller, on_piece=lambda d, t: progress.update(sentences_task, completed=d, total=t)
                        )
                    except RelfigError as exc:
                        failed.append(path)
                        progress.console.print(f"[red]failed:[/red] {path}: {exc}", highlight=False)
                    else:
                        figures += len(release.figures)
                        out.write(release.to_json(indent=None if several else 2) + "\n")
                        out.flush()
                        progress.console.print(
                            f"[green]done:[/green] {path.name}: {len(release.figures)} figures "
                            f"in {time.monotonic() - began:.1f} s",
                            highlight=False,
                        )
                    progress.remove_task(sentences_task)
                    progress.advance(releases_task)
                usage = labeller.usage
    finally:
        if args.output:
            out.close()
    _summary(errors, len(files), failed, figures, usage, time.monotonic() - started, args.output)
    return EXIT_FAILED if failed else EXIT_OK


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False, disable=not console.is_terminal,
    )  # fmt: skip


def _summary(
    console: Console, total: int, failed: list[Path], figures: int, usage: Usage, seconds: float, output: Path | None
) -> None:
    done = total - len(failed)
    console.print(
        f"{done} of {total} releases extracted, {figures} figures; {len(failed)} failed. "
        f"LLM: {usage.calls} calls, {usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens, "
        f"{usage.invalid_answers} sentences without a valid answer. Time: {seconds:.1f} s"
        + (f" ({seconds / total:.1f} s per release)" if total else "")
        + (f". Written to {output}" if output else ""),
        highlight=False,
    )
