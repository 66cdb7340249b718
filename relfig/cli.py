"""The ``relfig`` command: the one place that wires reading, extraction, checking and scoring together.

Data goes to stdout or ``-o``; progress, errors and the closing summary go to stderr.
Exit codes: 0 ok, 1 a release failed, error flags remain or a score regressed, 2 usage error.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from eval.samples import DEFAULT_SAMPLES
from extractor.errors import RelfigError, UsageError
from relfig.bench_command import add_bench_command, run_bench
from relfig.check_command import run_check
from relfig.eval_command import run_eval
from relfig.extract_command import run_extract
from relfig.review_commands import add_review_commands, run_export, run_review, run_serve

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

EXTRACT_HELP = """\
Extract every statistical figure of each release as a Release JSON record.

One input gives one JSON document; several give JSON Lines, one release a line,
written as each release is done. Run again with the same -o after an interruption and
the releases already written are kept, not extracted again (failures are listed in
OUT.failures.jsonl and retried). Without OPENAI_BASE_URL the embedded model runs.
The extracted figures are then checked against their text and each other (as
`relfig check` does); exit code 1 when a release failed or error flags remain.

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


CHECK_HELP = """\
Cross-check extracted figures against their source text and against each other.

Reads Release records (.json, or .jsonl with one a line). With --source, each release's
text is found by its release_id among the files of the folder and every figure is checked
against it; all releases are checked against each other (a difference against the figure it
implies, the same figure stated twice). Errors and warnings go to stdout, JSON to -o.
Exit code 1 when error flags remain.

example:
  relfig check out/samples.jsonl --source eval/samples
  relfig check q1.json fullyear.json --source releases/ -o flags.json --verbose
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
    extract.add_argument(
        "-o", "--output", type=Path,
        help="write here instead of stdout; with several inputs a rerun keeps what this file holds and goes on",
    )  # fmt: skip
    extract.add_argument("--overwrite", action="store_true", help="start the output afresh instead of resuming")
    extract.add_argument("--no-check", action="store_true", help="do not check the extracted figures")
    extract.add_argument("--flags", type=Path, help="write the check report as JSON here")
    extract.add_argument("--no-store", action="store_true", help="do not write to the review store")
    _backend_options(extract)
    check = commands.add_parser(
        "check", help="cross-check extracted figures", description=CHECK_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    check.add_argument("releases", nargs="+", type=Path, metavar="RELEASE_JSON", help=".json or .jsonl files")
    check.add_argument("--source", type=Path, action="append", metavar="DIR", help="folder of the release texts")
    check.add_argument("-o", "--output", type=Path, help="write the report as JSON here")
    check.add_argument("-v", "--verbose", action="store_true", help="show notes (info flags) too")
    check.add_argument("--no-store", action="store_true", help="do not write to the review store")
    evaluate = commands.add_parser(
        "eval", help="score extraction against hand-labelled samples", description=EVAL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    evaluate.add_argument("samples", nargs="?", type=Path, default=DEFAULT_SAMPLES, metavar="SAMPLES_DIR")
    evaluate.add_argument("-o", "--output", type=Path, default=Path("out/eval"), help="folder for the reports")
    evaluate.add_argument("--baseline", type=Path, help="a scores.json to compare with; exit 1 on a regression")
    _backend_options(evaluate)
    add_review_commands(commands)
    _backend_options(add_bench_command(commands), cache=False)
    return parser


def _backend_options(parser: argparse.ArgumentParser, cache: bool = True) -> None:
    group = parser.add_argument_group("model backend (flag, else environment variable, else default)")
    group.add_argument("--base-url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL); default: the embedded model")
    group.add_argument("--model", help="model name at the endpoint (RELFIG_MODEL)")
    group.add_argument(
        "--response-format", choices=("json_schema", "llama_cpp"),
        help="how the answer schema is sent (RELFIG_RESPONSE_FORMAT); llama_cpp for llama-cpp-python servers",
    )  # fmt: skip
    group.add_argument("--timeout", type=float, help="seconds per model call (RELFIG_TIMEOUT, default 300)")
    group.add_argument(
        "--concurrency", type=int,
        help="calls sent at once per release (RELFIG_CONCURRENCY; default 1 for the embedded model, 4 for an endpoint)",
    )  # fmt: skip
    if cache:
        group.add_argument(
            "--no-cache", action="store_true", help="ask the model even when an identical question was answered before"
        )


def _terminate(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    errors = Console(stderr=True, soft_wrap=True)
    commands: dict[str, Callable[[argparse.Namespace, Console], int]] = {
        "extract": run_extract, "eval": run_eval, "check": run_check,
        "serve": run_serve, "review": run_review, "export": run_export, "bench": run_bench,
    }  # fmt: skip
    # instructor logs every failed try at ERROR; relfig reports what failed itself, once, in plain words.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    # A kill (SIGTERM) unwinds like Ctrl-C, so the embedded server is stopped and output closed.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        return commands[args.command](args, errors)
    except UsageError as exc:
        errors.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        return EXIT_USAGE
    except RelfigError as exc:
        errors.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        return EXIT_FAILED
    except KeyboardInterrupt:
        errors.print("[yellow]interrupted[/yellow]; releases already written are kept; run again to resume")
        return EXIT_FAILED
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
