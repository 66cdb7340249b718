"""``relfig extract``: each release in turn, written as soon as it is done, then checked."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from extractor.answer_cache import answer_cache_dir
from extractor.backends import open_labeller, resolve_settings
from extractor.checking.checker import check_releases
from extractor.checking.flags import has_errors
from extractor.errors import RelfigError, UsageError
from extractor.labelling import Labeller, Usage
from extractor.pipeline import extract_release
from extractor.reading import SUFFIXES, read_release
from relfig.batch_output import BatchOutput
from relfig.check_command import print_report, write_report
from relfig.storing import run_of, store_results
from relfig.terminal import progress_bar
from schemas import Release

EXIT_OK, EXIT_FAILED = 0, 1


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
    """``relfig extract``: each release in turn, written as soon as it is done, resuming a stopped batch."""
    files = expand_inputs(args.inputs)
    settings = resolve_settings(
        args.base_url, args.model, args.response_format, args.timeout, concurrency=args.concurrency
    )
    started = time.monotonic()
    tally = _Tally()
    with BatchOutput(args.output, several=len(files) > 1, overwrite=args.overwrite) as output:
        if output.done:
            errors.print(f"resuming: {len(output.done)} releases already in {args.output} are kept", highlight=False)
        if output.dropped_lines:
            errors.print(f"[yellow]{output.dropped_lines} incomplete line(s) dropped from {args.output}[/yellow]")
        with progress_bar(errors) as progress:
            releases = progress.add_task("releases", total=len(files))
            cache = None if args.no_cache else answer_cache_dir()
            status = lambda m: progress.console.print(f"[dim]{m}[/dim]")  # noqa: E731
            with open_labeller(settings, on_status=status, answer_cache=cache) as labeller:
                for path in files:
                    _extract_one(path, labeller, progress, output, tally)
                    progress.advance(releases)
                tally.usage = labeller.usage
    seconds = time.monotonic() - started
    _summary(errors, len(files), tally, seconds, args.output)
    if tally.failed and output.failures_path:
        errors.print(f"failed releases and why: {output.failures_path}", highlight=False)
    flagged = False
    report = None
    if not args.no_check and tally.extracted:
        report = check_releases(tally.extracted)
        print_report(errors, report)
        if args.flags:
            write_report(report, args.flags)
        flagged = has_errors(report)
    store_results(tally.extracted, report, run_of("extract", seconds, settings, tally.usage), errors, args.no_store)
    return EXIT_FAILED if tally.failed or flagged else EXIT_OK


@dataclass
class _Tally:
    figures: int = 0
    resumed: int = 0
    failed: list[Path] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    extracted: list[tuple[Release, str]] = field(default_factory=list)


def _extract_one(path: Path, labeller: Labeller, progress: Progress, output: BatchOutput, tally: _Tally) -> None:
    """Extract one release and write it; a failure is reported and recorded, and the batch goes on."""
    task = progress.add_task(f"  {path.name}", total=None)
    began = time.monotonic()
    release_id = None
    try:
        source = read_release(path)
        release_id = source.release_id
        if (done := output.done.get(release_id)) is not None:
            tally.resumed += 1
            tally.figures += len(done.figures)
            tally.extracted.append((done, source.text))
            return
        release = extract_release(source, labeller, lambda n, of: progress.update(task, completed=n, total=of))
    except RelfigError as exc:
        tally.failed.append(path)
        output.failed(path, release_id, str(exc))
        progress.console.print(f"[red]failed:[/red] {path}: {exc}", highlight=False)
    else:
        tally.figures += len(release.figures)
        tally.extracted.append((release, source.text))
        output.write(release)
        progress.console.print(
            f"[green]done:[/green] {path.name}: {len(release.figures)} figures in {time.monotonic() - began:.1f} s",
            highlight=False,
        )
    finally:
        progress.remove_task(task)


def _summary(console: Console, total: int, tally: _Tally, seconds: float, output: Path | None) -> None:
    usage = tally.usage
    console.print(
        f"{total - len(tally.failed)} of {total} releases extracted"
        + (f" ({tally.resumed} kept from an earlier run)" if tally.resumed else "")
        + f", {tally.figures} figures; "
        f"{len(tally.failed)} failed. LLM: {usage.calls} calls, {usage.prompt_tokens} prompt + "
        f"{usage.completion_tokens} completion tokens, {usage.cache_hits} answers from the cache, "
        f"{usage.invalid_answers} calls without a valid answer, "
        f"{usage.repairs_asked} figures asked again after a check ({usage.repairs_kept} answers kept). "
        f"Time: {seconds:.1f} s"
        + (f" ({seconds / total:.1f} s per release)" if total else "")
        + (f". Written to {output}" if output else ""),
        highlight=False,
    )
