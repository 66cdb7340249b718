"""Many reviewers at once against the real review server: nothing lost, nothing doubled, no server error.

The app runs under uvicorn on a free 127.0.0.1 port (as in the browser tests) over a store seeded
with the gold samples, on SQLite and on PostgreSQL. Twelve reviewers, each an httpx client with
its own browser session and CSRF token, go through rounds: all read the queue, a release and a
flag page, wait until every one of them has read it, then post their decisions at once.

- "spread" rounds: three open flags of one release, four reviewers on each, all accepting. Accepting
  changes no figure's data, so the re-checks these decisions run at the same time on one release
  raise and resolve nothing, and each flag has exactly one winner.
- "same" rounds: every reviewer on one flag, accepting, rejecting its figure or correcting its value.

The load is bounded (a fixed number of rounds, a time cap that only stops planning new ones) and
stops by itself. Nothing here asserts a duration: the figures are printed and written to
``review_load_<database>.json`` in the test's temporary folder.

The smaller tests after it pin down what the load found, each failing without its fix: on
PostgreSQL, decisions on one release and a run stored during a review deadlocked (the writer lock
in `review.db`); on SQLite, a page read on the event loop after a refused decision stalled the
server until "database is locked" (`review.routes._read_page`).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, func, select

from review.db import Store
from review.decisions import Action, DecisionRequest, decide
from review.flag_sync import recheck
from review.forms import to_fields
from review.models import DecisionRow, FigureRow, FigureState, FlagRow, ReleaseRow, RunRow
from review.queries import open_flags
from review.records import figures_for_spans
from review.web import ReviewSettings, create_app

from .browser import live_server
from .review_helpers import BROKEN, FULL_YEAR_ID, figure_at, flag_at, seed_review

DECADE_ID = "9fe57f35182a3703"  # the decade review: 24 open warnings after seeding
REVIEWERS = 12
SPREAD_ROUNDS = 5  # three flags of one release at once, four reviewers on each
SPREAD_WIDTH = 3
SAME_ROUNDS = 6  # every reviewer on one flag
TIME_CAP_S = 120.0  # a runaway stops planning rounds; never asserted
REQUEST_TIMEOUT_S = 60.0
ACTIONS = ("accept", "reject", "correct")
DECIDED = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}  # flag status and figure state


@dataclass(frozen=True)
class Round:
    """The flags of one round, and the corrected fields for flags whose expected value is known."""

    kind: str
    flags: tuple[str, ...]
    releases: dict[str, str]
    corrections: dict[str, dict[str, str]]


@dataclass(frozen=True)
class Attempt:
    """One posted decision and what the client was told."""

    flag_id: str
    reviewer: str
    action: str
    status: int


@dataclass
class Tally:
    """What one reviewer sent and got back."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)


class Planner:
    """Lines the reviewers up: plans each round once all are ready, and starts the posts together."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.deadline = time.monotonic() + TIME_CAP_S
        self.ready = threading.Barrier(REVIEWERS, action=self._plan, timeout=3 * REQUEST_TIMEOUT_S)
        self.go = threading.Barrier(REVIEWERS, timeout=3 * REQUEST_TIMEOUT_S)
        self.rounds: list[Round] = []
        self.current: Round | None = None
        self.targeted: set[str] = set()
        self.stopped_by = "rounds done"
        self.errors: list[str] = []

    def next_round(self) -> Round | None:
        """The round every reviewer takes part in next; None once the load is over (or a reviewer failed)."""
        try:
            self.ready.wait()
        except threading.BrokenBarrierError:
            return None
        return self.current

    def line_up(self) -> bool:
        """Wait until every reviewer has read its flag page; False when the load was stopped."""
        try:
            self.go.wait()
        except threading.BrokenBarrierError:
            return False
        return True

    def stop(self) -> None:
        """A reviewer failed: release everyone waiting."""
        self.ready.abort()
        self.go.abort()

    def _plan(self) -> None:
        try:
            self.current = self._choose()
        except Exception as exc:  # the barrier would swallow it: keep it for the test's assertions
            self.errors.append(repr(exc))
            self.current = None
        if self.current is not None:
            self.rounds.append(self.current)
            self.targeted.update(self.current.flags)

    def _choose(self) -> Round | None:
        if time.monotonic() > self.deadline:
            self.stopped_by = "time cap"
            return None
        done = len(self.rounds)
        if done >= SPREAD_ROUNDS + SAME_ROUNDS:
            return None
        with self.store.session() as session:
            candidates = [flag for flag in open_flags(session) if flag.id not in self.targeted]
            by_release: dict[str, list[FlagRow]] = defaultdict(list)
            for flag in candidates:
                by_release[flag.release_id].append(flag)
            if done < SPREAD_ROUNDS:
                widest = max(by_release.values(), key=len, default=[])
                chosen = widest[:SPREAD_WIDTH] if len(widest) >= 2 else []
                kind = "spread"
            else:
                chosen, kind = candidates[:1], "same"
            if not chosen:
                self.stopped_by = "no open flag left"
                return None
            corrections = {}
            for flag in chosen:
                figures = figures_for_spans(session, flag)
                if kind == "same" and flag.check == "value_matches_text" and flag.expected is not None and figures:
                    corrections[flag.id] = {**to_fields(figures[0].data), "value": f"{flag.expected:g}"}
        return Round(kind, tuple(f.id for f in chosen), {f.id: f.release_id for f in chosen}, corrections)


def _hidden(html: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else None


class Reviewer:
    """One reviewer's browser: its own cookies (session, name) and therefore its own CSRF token."""

    def __init__(self, index: int, base_url: str, planner: Planner) -> None:
        self.index = index
        self.name = f"reviewer-{index:02d}"
        self.base_url = base_url
        self.planner = planner
        self.tally = Tally()

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT_S, trust_env=False) as client:
                self._review(client)
        except Exception as exc:
            self.tally.errors.append(f"{self.name}: {exc!r}")
            self.planner.stop()

    def _call(
        self, client: httpx.Client, method: str, url: str, expected: tuple[int, ...], **kwargs: Any
    ) -> httpx.Response:
        self.tally.requests += 1
        response = client.request(method, url, **kwargs)
        self.tally.statuses[response.status_code] += 1
        if response.status_code not in expected:
            raise AssertionError(f"{method} {url} answered {response.status_code}: {response.text[:300]}")
        return response

    def _review(self, client: httpx.Client) -> None:
        home = self._call(client, "GET", "/", (200,))
        csrf = _hidden(home.text, "csrf_token")
        self._call(client, "POST", "/reviewer", (303,), data={"csrf_token": csrf, "reviewer": self.name, "next": "/"})
        while (plan := self.planner.next_round()) is not None:
            flag_id = plan.flags[self.index % len(plan.flags)]
            self._call(client, "GET", "/", (200,))
            self._call(client, "GET", f"/releases/{plan.releases[flag_id]}", (200,))
            page = self._call(client, "GET", f"/flags/{flag_id}", (200,)).text
            form = self._form(page, plan, flag_id)
            if not self.planner.line_up():
                return
            response = self._call(client, "POST", f"/flags/{flag_id}/decide", (303, 409), data=form)
            self.tally.attempts.append(Attempt(flag_id, self.name, form["action"], response.status_code))
            if response.status_code == 409 and "is kept in the audit log as decision #" not in response.text:
                raise AssertionError(f"a refused decision on {flag_id} was not told where its attempt is kept")
            if response.status_code == 303:
                self._call(client, "GET", response.headers["location"], (200,))

    def _form(self, page: str, plan: Round, flag_id: str) -> dict[str, str]:
        """The decision this reviewer makes, from the flag page as it read it."""
        form = {name: _hidden(page, name) for name in ("csrf_token", "flag_version", "reviewer")}
        if None in form.values():
            raise AssertionError(f"the page of open flag {flag_id} has no decision form")
        figure_id, figure_version = _hidden(page, "figure_id"), _hidden(page, "figure_version")
        wanted = "accept" if plan.kind == "spread" else ACTIONS[self.index % len(ACTIONS)]
        if wanted == "correct" and flag_id not in plan.corrections:
            wanted = "reject"
        if wanted != "accept" and not (figure_id and figure_version):
            wanted = "accept"  # the flag names no stored figure: accepting is all there is
        fields = {**{k: v for k, v in form.items() if v is not None}, "action": wanted, "note": f"load {self.name}"}
        if wanted != "accept":
            fields |= {"figure_id": figure_id or "", "figure_version": figure_version or ""}
        if wanted == "correct":
            fields |= plan.corrections[flag_id]
        return fields


def test_many_reviewers_at_once_lose_nothing_and_get_no_server_error(store: Store, tmp_path: Path) -> None:
    seed_review(store, everything=True)
    planner = Planner(store)
    with live_server(create_app(store, ReviewSettings(gold_dir=tmp_path / "gold"))) as base_url:
        reviewers = [Reviewer(index, base_url, planner) for index in range(REVIEWERS)]
        threads = [threading.Thread(target=r.run, name=r.name) for r in reviewers]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIME_CAP_S + 6 * REQUEST_TIMEOUT_S)
        seconds = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "a reviewer never finished"

    attempts = [attempt for r in reviewers for attempt in r.tally.attempts]
    statuses = sum((r.tally.statuses for r in reviewers), Counter[int]())
    errors = planner.errors + [error for r in reviewers for error in r.tally.errors]
    with store.session() as session:
        log = session.scalars(select(DecisionRow).order_by(DecisionRow.id)).all()
    sent = sum(r.tally.requests for r in reviewers)
    figures = _figures(store, attempts, log, sent, statuses, errors, seconds, planner)
    print(json.dumps(figures, indent=2))
    (tmp_path / f"review_load_{store.dialect}.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")

    # every request answered, none with a server error, none refused
    assert errors == []
    assert sum(statuses.values()) == sent
    assert not [status for status in statuses if status >= 500]
    assert planner.rounds and attempts
    # each flag: exactly one decision won, every other attempt was told of the conflict
    by_flag: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_flag[attempt.flag_id].append(attempt)
    assert set(by_flag) == planner.targeted
    for flag_id, tries in by_flag.items():
        assert sorted(a.status for a in tries) == [303] + [409] * (len(tries) - 1), flag_id
    # the audit log holds every attempt once, with the outcome its reviewer was told
    told, kept = _told(attempts), _kept(log)
    assert kept == told
    assert figures["decisions_lost"] == 0 and figures["decisions_doubled"] == 0
    _assert_consistent(store, log)


def _assert_consistent(store: Store, log: Any) -> None:
    """Flags and figures stand as their winning decisions left them, and agree with the checker."""
    latest: dict[int, tuple[dict[str, Any], DecisionRow]] = {}  # figure id: newest state seen, who made it so
    with store.session() as session:
        for decision in (d for d in log if d.outcome == "applied"):
            flag = session.get_one(FlagRow, decision.flag_id)
            assert (flag.status, flag.version) == (DECIDED[decision.action], decision.after["flag"]["version"])
            if decision.figure_id is not None:
                assert decision.figure_id in {seen["id"] for seen in decision.after["figures"]}
            for seen in decision.after["figures"]:  # a figure's version grows with every change
                if seen["id"] not in latest or seen["version"] > latest[seen["id"]][0]["version"]:
                    latest[seen["id"]] = (seen, decision)
        for figure in session.scalars(select(FigureRow)):
            if figure.state == FigureState.UNREVIEWED:
                continue
            assert figure.id in latest, f"figure {figure.id} is {figure.state} without a decision that made it so"
            seen, decision = latest[figure.id]
            assert (figure.state, figure.version, figure.data) == (seen["state"], seen["version"], seen["record"])
            assert (figure.decided_by, figure.state) == (decision.reviewer, DECIDED[decision.action])
        release_ids = session.scalars(select(ReleaseRow.id)).all()
    with store.sessions.begin() as session:  # checking again changes no flag: none was lost or left stale
        for release_id in release_ids:
            result = recheck(session, release_id)
            assert (result.opened, result.reopened, result.resolved) == ((), (), ()), release_id


def _told(attempts: list[Attempt]) -> Counter[tuple[str, str, str, str]]:
    """Each attempt as (flag, reviewer, action, outcome) as its reviewer was told it."""
    return Counter((a.flag_id, a.reviewer, a.action, "applied" if a.status == 303 else "conflict") for a in attempts)


def _kept(log: Any) -> Counter[tuple[str, str, str, str]]:
    """Each logged decision as (flag, reviewer, action, outcome)."""
    return Counter((d.flag_id, d.reviewer, d.action, d.outcome) for d in log)


def _figures(
    store: Store, attempts: list[Attempt], log: Any, sent: int, statuses: Counter[int], errors: list[str],
    seconds: float, planner: Planner,
) -> dict[str, Any]:  # fmt: skip
    conflicts_told = sum(a.status == 409 for a in attempts)
    applied_told = sum(a.status == 303 for a in attempts)
    logged = Counter(d.outcome for d in log)
    return {
        "database": store.dialect,
        "reviewers": REVIEWERS,
        "rounds": Counter(r.kind for r in planner.rounds),
        "flags_decided": len(planner.targeted),
        "stopped_by": planner.stopped_by,
        "requests": sent,
        "answered": sum(statuses.values()),
        "seconds": round(seconds, 2),
        "requests_per_second": round(sent / seconds, 1) if seconds else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": len(errors),
        "server_errors": sum(v for k, v in statuses.items() if k >= 500),
        "decision_attempts": len(attempts),
        "attempts_by_action": dict(Counter(a.action for a in attempts)),
        "applied": applied_told,
        "applied_by_action": dict(Counter(a.action for a in attempts if a.status == 303)),
        "conflicts": conflicts_told,
        "decisions_logged": dict(logged),
        "decisions_lost": (_told(attempts) - _kept(log)).total(),
        "decisions_doubled": (_kept(log) - _told(attempts)).total(),
        "round_flags": [f"{r.kind}: {' '.join(r.flags)}" for r in planner.rounds],
    }


def test_decisions_on_different_flags_of_one_release_at_once_all_apply(store: Store) -> None:
    """Each decision locks its flag, then its re-check updates every flag of the release.

    Without the writer lock (`review.db.take_writer_lock`) PostgreSQL deadlocks two such decisions.
    """
    seed_review(store, everything=True)
    with store.session() as session:
        flags = [flag for flag in open_flags(session) if flag.release_id == DECADE_ID][:6]
    start = threading.Barrier(len(flags))
    outcomes: dict[str, str] = {}
    failures: list[str] = []

    def review(index: int, flag: FlagRow) -> None:
        request = DecisionRequest(flag.id, flag.version, Action.ACCEPT, f"reviewer-{index}")
        start.wait()
        try:
            outcomes[flag.id] = decide(store.sessions, request).kind
        except Exception as exc:
            failures.append(repr(exc))

    threads = [threading.Thread(target=review, args=(i, flag)) for i, flag in enumerate(flags)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert outcomes == {flag.id: "applied" for flag in flags}
    with store.session() as session:
        assert {session.get_one(FlagRow, flag.id).status for flag in flags} == {"accepted"}


def test_a_page_waiting_for_the_sqlite_lock_does_not_stall_the_server(sqlite_store: Store, tmp_path: Path) -> None:
    """The page after a refused decision reads the store; waiting for SQLite's lock must not block the event loop.

    A request's session keeps SQLite's lock until its clean-up, which runs on the event loop. Here the
    test holds the lock instead, and gives it up only once another request (a static file) is answered.
    """
    seed_review(sqlite_store)
    flag = flag_at(sqlite_store, "value_matches_text", BROKEN.wrong_value_span)
    figure = figure_at(sqlite_store, FULL_YEAR_ID, BROKEN.wrong_value_span)
    about_to_wait = threading.Event()
    # a connection is taken from the pool just before its BEGIN IMMEDIATE waits for the lock
    event.listen(sqlite_store.engine, "engine_connect", lambda _connection: about_to_wait.set())
    answers: dict[str, int] = {}
    with live_server(create_app(sqlite_store, ReviewSettings(gold_dir=tmp_path))) as base_url:
        with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S, trust_env=False) as client:
            page = client.get(f"/flags/{flag.id}").text
            form = {"csrf_token": _hidden(page, "csrf_token") or "", "flag_version": str(flag.version),
                    "reviewer": "ann", "action": "correct", "figure_id": str(figure.id),
                    "figure_version": str(figure.version), **to_fields(figure.data), "value": "nine"}  # fmt: skip

            def post() -> None:  # an unreadable value: answered with the flag page again, 422
                answers["decide"] = client.post(f"/flags/{flag.id}/decide", data=form).status_code

            holder = sqlite3.connect(str(sqlite_store.engine.url.database), isolation_level=None)
            try:
                holder.execute("BEGIN IMMEDIATE")
                about_to_wait.clear()
                poster = threading.Thread(target=post)
                poster.start()
                assert about_to_wait.wait(timeout=REQUEST_TIMEOUT_S), "the page never asked for the database"
                with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S, trust_env=False) as other:
                    answers["static"] = other.get("/static/review.css").status_code
            finally:
                holder.rollback()
                holder.close()
            poster.join(timeout=REQUEST_TIMEOUT_S)
    assert answers == {"static": 200, "decide": 422}


def test_a_run_stored_while_reviewers_decide_waits_its_turn(store: Store) -> None:
    """`relfig check` storing its run during a review: without the writer lock PostgreSQL deadlocks them."""
    seed_review(store, everything=True)
    with store.session() as session:
        flags = open_flags(session)
    failures: list[str] = []
    outcomes: list[str] = []
    start = threading.Barrier(5)

    def review(index: int) -> None:
        start.wait()
        for flag in flags[index::4]:
            request = DecisionRequest(flag.id, flag.version, Action.ACCEPT, f"reviewer-{index}")
            try:
                outcomes.append(decide(store.sessions, request).kind)
            except Exception as exc:
                failures.append(repr(exc))

    reviewers = [threading.Thread(target=review, args=(index,)) for index in range(4)]
    for thread in reviewers:
        thread.start()
    start.wait()
    runs = 0
    while runs < 20 and any(thread.is_alive() for thread in reviewers):  # the same releases, checked again
        try:
            seed_review(store, everything=True)
        except Exception as exc:
            failures.append(repr(exc))
        runs += 1
    for thread in reviewers:
        thread.join(timeout=120)
    assert failures == []
    assert outcomes == ["applied"] * len(flags)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(RunRow)) == 1 + runs
