"""``relfig check``: cross-check extracted releases against their texts and each other, and report."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from extractor.checking.checker import check_releases
from extractor.checking.flags import CheckReport, Severity, has_errors
from extractor.errors import InputError, UsageError
from extractor.reading import SUFFIXES, read_release
from relfig.storing import run_of, store_results
from schemas import Release

EXIT_OK, EXIT_FAILED = 0, 1
_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def run_check(args: argparse.Namespace, errors: Console) -> int:
    """Check every release given, print the report, write JSON with ``-o``; 1 when errors remain."""
    releases = load_releases(args.releases)
    texts = index_sources(args.source) if args.source else {}
    missing = [r.release_id for r in releases if r.release_id not in texts]
    if missing:
        errors.print(
            f"[yellow]note:[/yellow] no source text for {len(missing)} release(s) "
            f"({', '.join(missing[:3])}{'...' if len(missing) > 3 else ''}); give --source DIR to check them "
            "against their text",
            highlight=False,
        )
    started = time.monotonic()
    items = [(r, texts.get(r.release_id)) for r in releases]
    report = check_releases(items)
    print_report(Console(soft_wrap=True), report, verbose=args.verbose)
    if args.output:
        write_report(report, args.output)
    store_results(items, report, run_of("check", time.monotonic() - started), errors, args.no_store)
    return EXIT_FAILED if has_errors(report) else EXIT_OK


def load_releases(paths: Sequence[Path]) -> list[Release]:
    """Releases from ``.json`` (one record) and ``.jsonl`` (one a line) files, with clear errors."""
    releases = []
    for path in paths:
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        chunks = content.splitlines() if path.suffix == ".jsonl" else [content]
        for number, chunk in enumerate(chunks, start=1):
            if not chunk.strip():
                continue
            try:
                releases.append(Release.from_json(chunk))
            except ValidationError as exc:
                where = f"{path}:{number}" if path.suffix == ".jsonl" else str(path)
                raise UsageError(f"{where}: not a Release record of the contract:\n{exc}") from exc
    return releases


def index_sources(directories: Sequence[Path]) -> dict[str, str]:
    """Release id → text for every readable release file in ``directories``."""
    texts: dict[str, str] = {}
    for directory in directories:
        if not directory.is_dir():
            raise UsageError(f"{directory}: no such folder of release texts")
        for path in sorted(directory.iterdir()):
            if path.suffix.lower() in SUFFIXES:
                try:
                    source = read_release(path)
                except InputError:
                    continue
                texts[source.release_id] = source.text
    return texts


def print_report(console: Console, report: CheckReport, verbose: bool = False) -> None:
    """Errors and warnings one by one (info too with ``verbose``), then the counts."""
    for flag in report.flags:
        if flag.severity is Severity.INFO and not verbose:
            continue
        style = _STYLE[flag.severity]
        where = ", ".join(f"{s!r}@{a}" for s, (a, _b) in zip(flag.surfaces, flag.spans, strict=False))
        console.print(
            f"[{style}]{flag.severity.value:7}[/{style}] {flag.release_id} {escape(where)} [bold]{flag.check}[/bold]: "
            f"{escape(flag.message)}" + (f"\n          formula: {escape(flag.formula)}" if flag.formula else ""),
            highlight=False,
        )
    console.print(
        f"{report.count(Severity.ERROR)} errors, {report.count(Severity.WARNING)} warnings, "
        f"{report.count(Severity.INFO)} notes; {len(report.derived)} figure(s) derived from differences",
        highlight=False,
    )


def write_report(report: CheckReport, path: Path) -> None:
    """The report as JSON: flags, derived figures (marked as such) and counts."""
    document = {
        "counts": {severity.value: report.count(severity) for severity in Severity},
        "flags": [flag.to_dict() for flag in report.flags],
        "derived": [item.to_dict() for item in report.derived],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
