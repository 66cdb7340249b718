"""`relfig review` in the terminal: the web page's queue and decisions, one flag at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape

from review.db import Store
from review.decisions import Action, DecisionRequest, Outcome, decide
from review.forms import FIELDS, from_fields, to_fields
from review.models import FigureRow
from review.queries import FlagPage, QueueFilters, flag_page, open_flags

Ask = Callable[[str], str]
_MENU = "[a]ccept as false alarm, [c]orrect, [r]eject a figure, [s]kip, [q]uit > "


@dataclass
class Tally:
    """How many decisions of each kind a session made."""

    applied: int = 0
    conflicts: int = 0
    skipped: int = 0


def review_in_terminal(store: Store, console: Console, ask: Ask, reviewer: str, filters: QueueFilters) -> Tally:
    """Go through the open flags (errors first) until none is left or the reviewer quits."""
    tally = Tally()
    skipped: set[str] = set()
    while True:
        with store.session() as session:
            queue = [flag for flag in open_flags(session, filters) if flag.id not in skipped]
            if not queue:
                console.print("No open flags left to review.")
                return tally
            details = flag_page(session, queue[0])
        _show(console, details, len(queue))
        answer = _ask(ask, _MENU).lower()
        if answer in ("q", "quit"):
            return tally
        if answer in ("s", "skip"):
            skipped.add(details.flag.id)
            tally.skipped += 1
            continue
        request = _request(console, ask, details, answer, reviewer)
        if request is None:
            continue
        outcome = decide(store.sessions, request)
        _report(console, outcome)
        tally.applied += outcome.kind == "applied"
        tally.conflicts += outcome.kind == "conflict"


def _ask(ask: Ask, prompt: str) -> str:
    try:
        return ask(prompt).strip()
    except EOFError:
        return "q"


def _show(console: Console, details: FlagPage, remaining: int) -> None:
    flag = details.flag
    console.rule(f"{flag.severity} · {flag.check} · {remaining} open", style="red" if flag.severity == "error" else "")
    console.print(f"release {flag.release_id}: {escape(flag.message)}", highlight=False)
    if flag.formula:
        console.print(f"  formula: {escape(flag.formula)}", highlight=False)
    for excerpt in details.excerpts:
        before, after = escape(excerpt.before[-60:]), escape(excerpt.after[:60])
        console.print(f"  …{before}[reverse]{escape(excerpt.surface)}[/reverse]{after}…", highlight=False)
    for number, figure in enumerate(details.figures, start=1):
        data = figure.data
        console.print(
            f"  figure {number}: {escape(data['surface'])} = {data['value']:g} × {data['scale']:g} "
            f"{escape(data['unit'])}, "
            f"{data['measure']}, {escape(data['metric'])}, {escape(data['region'])}, "
            f"{data.get('period_start')}..{data.get('period_end')} ({figure.state})",
            highlight=False,
        )


def _request(console: Console, ask: Ask, details: FlagPage, answer: str, reviewer: str) -> DecisionRequest | None:
    flag = details.flag
    if answer in ("a", "accept"):
        return DecisionRequest(flag.id, flag.version, Action.ACCEPT, reviewer)
    if answer not in ("c", "correct", "r", "reject"):
        console.print("Type a, c, r, s or q.")
        return None
    figure = _choose(console, ask, details.figures)
    if figure is None:
        return None
    if answer in ("r", "reject"):
        return DecisionRequest(flag.id, flag.version, Action.REJECT, reviewer, figure.id, figure.version)
    fields = _edit(console, ask, figure)
    if fields is None:
        return None
    record, problems = from_fields(fields)
    if problems:
        _report(console, Outcome("invalid", "the correction cannot be read", errors=tuple(problems)))
        return None
    return DecisionRequest(flag.id, flag.version, Action.CORRECT, reviewer, figure.id, figure.version, record)


def _choose(console: Console, ask: Ask, figures: list[FigureRow]) -> FigureRow | None:
    if not figures:
        console.print("No stored figure has this flag's spans; accept the flag or skip it.")
        return None
    if len(figures) == 1:
        return figures[0]
    answer = _ask(ask, f"which figure (1-{len(figures)})? ")
    if answer.isdigit() and 1 <= int(answer) <= len(figures):
        return figures[int(answer) - 1]
    console.print("No such figure.")
    return None


def _edit(console: Console, ask: Ask, figure: FigureRow) -> dict[str, str] | None:
    """The figure's fields with the reviewer's changes, typed as ``field=value`` lines; None if none."""
    fields = to_fields(figure.data)
    for name in FIELDS:
        console.print(f"    {name} = {escape(fields[name])}", highlight=False)
    changed = False
    while line := _ask(ask, "field=value (empty line when done) > "):
        if line == "q":
            return None
        name, _, value = line.partition("=")
        if name.strip() not in fields:
            console.print(f"No field {escape(name.strip())!r}; the fields are {', '.join(FIELDS)}.")
            continue
        fields[name.strip()] = value.strip()
        changed = True
    return fields if changed else None


def _report(console: Console, outcome: Outcome) -> None:
    style = {"applied": "green", "conflict": "yellow", "invalid": "red"}[outcome.kind]
    console.print(f"[{style}]{escape(outcome.message)}[/{style}]", highlight=False)
    for error in outcome.errors:
        console.print(f"  [red]{escape(error)}[/red]", highlight=False)
