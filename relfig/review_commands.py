"""``relfig serve``, ``relfig review`` and ``relfig export``: review what the checker flagged, and take the table.

The review store and web app are the ``review`` extra; they are imported when a command runs,
so that the other commands work without it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from extractor.errors import UsageError

SERVE_HELP = """\
Review flagged figures in the browser: a queue of open flags (errors first), each release's
text with its figures highlighted by state, and accept / correct / reject with keyboard
shortcuts. Every decision is kept in the store with the reviewer's name, and the release is
checked again after it. Listens on 127.0.0.1; any other --host needs RELFIG_REVIEW_TOKEN.
The store: --database, else RELFIG_DATABASE_URL, else relfig.db in the data directory
(RELFIG_DATA_DIR, default ~/.local/share/relfig), filled by `relfig extract` and `relfig check`.

example:
  relfig check out/samples.jsonl --source eval/samples && relfig serve
  RELFIG_REVIEW_TOKEN=$(openssl rand -hex 16) relfig serve --host 0.0.0.0 --port 8080
"""

REVIEW_HELP = """\
Review flagged figures in the terminal, one open flag at a time (errors first): accept it as a
false alarm, correct a figure field by field, reject a figure, skip or quit. With --save-gold,
write a fully reviewed release (no open error or warning) as a gold sample pair NAME.txt +
NAME.json that `relfig eval` can score.

example:
  relfig review --reviewer ann --severity error
  relfig review --save-gold 3811fe2bbe3cc10f --gold-dir my_samples/
"""

EXPORT_HELP = """\
Export every stored figure as one tidy table: release, metric, measure, value, scale,
quantity (value x scale), unit, region, sector, entity, period, status, and the decision
state (unreviewed, accepted, corrected, rejected) with who decided. CSV and JSON go to stdout
or -o; Parquet needs -o. Read it with pandas.read_csv / read_json / read_parquet.

example:
  relfig export --format parquet -o figures.parquet
  relfig export --release 3811fe2bbe3cc10f > figures.csv
"""


def add_review_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve``, ``review`` and ``export`` to the subcommands."""
    raw = argparse.RawDescriptionHelpFormatter
    serve = commands.add_parser(
        "serve", help="review flags in the browser", description=SERVE_HELP, formatter_class=raw
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    _common(serve)
    review = commands.add_parser(
        "review", help="review flags in the terminal", description=REVIEW_HELP, formatter_class=raw
    )
    review.add_argument("--release", help="only this release's flags")
    review.add_argument("--check", help="only flags of this check")
    review.add_argument("--severity", choices=("error", "warning", "info"), help="only flags of this severity")
    review.add_argument("--save-gold", metavar="RELEASE_ID", help="save this fully reviewed release as a gold sample")
    review.add_argument("--name", help="file name of the gold sample (default: the release id)")
    _common(review)
    export = commands.add_parser(
        "export", help="export the reviewed figures", description=EXPORT_HELP, formatter_class=raw
    )
    export.add_argument("--format", choices=("csv", "json", "parquet"), default="csv", help="default csv")
    export.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    export.add_argument("--release", action="append", metavar="RELEASE_ID", help="only these releases (repeatable)")
    export.add_argument("--database", help="SQLAlchemy URL of the store (RELFIG_DATABASE_URL)")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reviewer", help="your name, kept with every decision (default: $USER)")
    parser.add_argument("--gold-dir", type=Path, help="where gold samples are saved (default: DATA_DIR/gold)")
    parser.add_argument("--database", help="SQLAlchemy URL of the store (RELFIG_DATABASE_URL)")


def _reviewer(args: argparse.Namespace) -> str:
    return (args.reviewer or os.environ.get("USER") or os.environ.get("USERNAME") or "").strip()


def run_serve(args: argparse.Namespace, errors: Console) -> int:
    """``relfig serve``: the review web app until Ctrl+C."""
    import uvicorn

    from review.db import data_dir, open_store
    from review.security import LOOPBACK_NAMES, Guard, is_loopback
    from review.web import ReviewSettings, create_app

    token = os.environ.get("RELFIG_REVIEW_TOKEN") or None
    loopback = is_loopback(args.host)
    if not loopback and not token:
        raise UsageError(
            f"--host {args.host} lets other machines reach the review: set RELFIG_REVIEW_TOKEN to a long random "
            "value first (e.g. RELFIG_REVIEW_TOKEN=$(openssl rand -hex 16)), or listen on 127.0.0.1"
        )
    if token is not None and len(token) < 16:
        raise UsageError("RELFIG_REVIEW_TOKEN is too short to guard anything: use at least 16 random characters")
    wildcard = args.host in ("0.0.0.0", "::")
    hosts = LOOPBACK_NAMES if loopback else ("*",) if wildcard else (*LOOPBACK_NAMES, args.host)
    settings = ReviewSettings(args.gold_dir or data_dir() / "gold", _reviewer(args), hosts, Guard(token=token))
    with open_store(args.database) as store:
        shown = "127.0.0.1" if wildcard else f"[{args.host}]" if ":" in args.host else args.host
        url = f"http://{shown}:{args.port}/" + (f"?token={token}" if token else "")
        where = store.engine.url.render_as_string(hide_password=True)
        errors.print(f"relfig review at {escape(url)} (store: {escape(where)}); Ctrl+C stops it", highlight=False)
        uvicorn.run(create_app(store, settings), host=args.host, port=args.port, log_level="warning")
    return 0


def run_review(args: argparse.Namespace, errors: Console) -> int:
    """``relfig review``: the terminal review, or ``--save-gold``."""
    from review.db import data_dir, open_store
    from review.gold import save_gold
    from review.queries import QueueFilters
    from review.terminal import review_in_terminal

    reviewer = _reviewer(args)
    if not reviewer:
        raise UsageError("say who is reviewing: --reviewer NAME (every decision is kept with the reviewer's name)")
    with open_store(args.database) as store:
        if args.save_gold:
            with store.sessions.begin() as session:
                path = save_gold(session, args.save_gold, args.gold_dir or data_dir() / "gold", reviewer, args.name)
            errors.print(f"saved the gold sample {escape(str(path))} and its .txt beside it", highlight=False)
            return 0
        filters = QueueFilters(args.release, args.check, args.severity)
        tally = review_in_terminal(store, errors, lambda prompt: errors.input(escape(prompt)), reviewer, filters)
    errors.print(f"{tally.applied} decisions applied, {tally.conflicts} conflicts, {tally.skipped} skipped")
    return 0


def run_export(args: argparse.Namespace, errors: Console) -> int:
    """``relfig export``: the tidy table of reviewed figures."""
    from review.db import open_store
    from review.export import export_rows, render

    if args.format == "parquet" and args.output is None:
        raise UsageError("parquet is a binary format: give -o FILE.parquet")
    with open_store(args.database) as store, store.session() as session:
        rows = export_rows(session, args.release or [])
    content = render(rows, args.format)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(content)
    else:
        sys.stdout.write(content.decode("utf-8"))
    decided = sum(row["decision"] != "unreviewed" for row in rows)
    releases = len({row["release_id"] for row in rows})
    errors.print(
        f"{len(rows)} figures of {releases} releases exported, {decided} with a reviewer's decision"
        + (f"; written to {escape(str(args.output))}" if args.output else ""),
        highlight=False,
    )
    return 0
