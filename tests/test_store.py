"""The review store, on SQLite and on a real PostgreSQL server: schema, ingestion, audit, decisions, re-checks."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from eval.samples import load_samples
from extractor.errors import UsageError
from review.db import Store, database_url, migrate
from review.decisions import Action, DecisionRequest, Outcome, decide
from review.gold import save_gold
from review.ingest import RunInfo
from review.models import AppendOnlyError, Base, DecisionRow, FigureRow, FlagRow, ReleaseRow, RunRow
from review.records import current_release

from .conftest import SAMPLE_NAMES, gold_release, sample_text
from .review_helpers import BROKEN, FULL_YEAR, FULL_YEAR_ID, broken_full_year, figure_at, flag_at, seed, seed_review


def _count(store: Store, table: type[Base]) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def _correct(store: Store, flag: FlagRow, figure: FigureRow, reviewer: str = "ann", **changes: object) -> Outcome:
    record = {**figure.data, **changes}
    request = DecisionRequest(flag.id, flag.version, Action.CORRECT, reviewer, figure.id, figure.version, record)
    return decide(store.sessions, request)


def test_migrations_build_exactly_the_models_and_can_run_again(store: Store) -> None:
    migrate(store.engine)  # a second time: nothing to do
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"


def test_the_same_release_text_twice_is_stored_once(store: Store) -> None:
    items = [(gold_release(name), sample_text(name)) for name in SAMPLE_NAMES]
    seed(store, items)
    counts = (_count(store, ReleaseRow), _count(store, FigureRow), _count(store, FlagRow))
    seed(store, items)
    assert (_count(store, ReleaseRow), _count(store, FigureRow), _count(store, FlagRow)) == counts
    assert counts[0] == 5 and counts[1] == sum(len(gold_release(n).figures) for n in SAMPLE_NAMES)
    assert _count(store, RunRow) == 2  # each run is recorded; what it found is not duplicated
    with store.session() as session:
        assert session.get_one(ReleaseRow, FULL_YEAR_ID).text == sample_text(FULL_YEAR)


def test_a_run_keeps_backend_model_settings_timing_and_tokens(store: Store) -> None:
    run = RunInfo(
        "extract", backend="embedded", model="qwen", settings={"response_format": "llama_cpp"},
        seconds=12.5, calls=7, prompt_tokens=900, completion_tokens=80,
    )  # fmt: skip
    run_id = seed(store, [(gold_release(FULL_YEAR), sample_text(FULL_YEAR))], run)
    with store.session() as session:
        row = session.get_one(RunRow, run_id)
        assert (row.kind, row.backend, row.model, row.settings) == ("extract", "embedded", "qwen", run.settings)
        assert (row.seconds, row.calls, row.prompt_tokens, row.completion_tokens) == (12.5, 7, 900, 80)
        assert (row.releases, row.figures, row.flags) == (1, 21, 1)


def test_a_new_extraction_refreshes_undecided_figures_and_keeps_decided_ones(store: Store) -> None:
    seed_review(store)
    flag = flag_at(store, "value_matches_text", BROKEN.wrong_value_span)
    figure = figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span)
    assert _correct(store, flag, figure, value=9.1).kind == "applied"
    seed(store, [(broken_full_year(), sample_text(FULL_YEAR))])  # the same mistakes extracted again
    assert figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span).data["value"] == 9.1  # the decision stands
    assert figure_at(store, FULL_YEAR_ID, BROKEN.wrong_scale_span).data["value"] == 33560.0
    seed(store, [(gold_release(FULL_YEAR), sample_text(FULL_YEAR))])  # a better extraction
    assert figure_at(store, FULL_YEAR_ID, BROKEN.wrong_scale_span).data["value"] == 3356.0
    assert flag_at(store, "value_matches_text", BROKEN.wrong_scale_span).status == "resolved"
    assert _count(store, FigureRow) == 21


def test_the_audit_log_is_append_only_in_the_orm_and_in_the_database(store: Store) -> None:
    seed_review(store)
    flag = flag_at(store, "percent_written_for_points", BROKEN.points_span)
    decide(store.sessions, DecisionRequest(flag.id, flag.version, Action.ACCEPT, "ann", note="points, as labelled"))
    with store.session() as session:
        decision = session.scalars(select(DecisionRow)).one()
        assert (decision.reviewer, decision.action, decision.outcome, decision.note) == (
            "ann", "accept", "applied", "points, as labelled",
        )  # fmt: skip
        assert decision.before is not None and decision.after is not None
        assert decision.before["flag"]["status"] == "open" and decision.after["flag"]["status"] == "accepted"
        decision.reviewer = "mallory"
        with pytest.raises(AppendOnlyError):
            session.flush()
        session.rollback()
        session.delete(session.scalars(select(DecisionRow)).one())
        with pytest.raises(AppendOnlyError):
            session.flush()
        session.rollback()
    for statement in (update(DecisionRow).values(reviewer="mallory"), delete(DecisionRow)):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(statement)
    with store.session() as session:
        assert session.scalars(select(DecisionRow.reviewer)).all() == ["ann"]


def test_two_reviewers_deciding_one_flag_at_once_one_wins_and_nothing_is_lost(store: Store) -> None:
    seed_review(store)
    flag = flag_at(store, "value_matches_text", BROKEN.wrong_value_span)
    figure = figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span)
    requests = [
        DecisionRequest(
            flag.id, flag.version, Action.CORRECT, "ann", figure.id, figure.version, {**figure.data, "value": 9.1}
        ),
        DecisionRequest(flag.id, flag.version, Action.REJECT, "bob", figure.id, figure.version),
    ]
    start = threading.Barrier(2)
    outcomes: dict[str, Outcome] = {}

    def review(request: DecisionRequest) -> None:
        start.wait()
        outcomes[request.reviewer] = decide(store.sessions, request)

    threads = [threading.Thread(target=review, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o.kind for o in outcomes.values()) == ["applied", "conflict"]
    winner = next(name for name, o in outcomes.items() if o.kind == "applied")
    loser = next(name for name, o in outcomes.items() if o.kind == "conflict")
    assert f"{winner} chose" in outcomes[loser].message and "kept in the audit log" in outcomes[loser].message
    with store.session() as session:
        log = session.scalars(select(DecisionRow).order_by(DecisionRow.id)).all()
        assert [(d.reviewer, d.outcome) for d in log] == [(winner, "applied"), (loser, "conflict")]
        assert log[1].after is not None and log[1].after["action"] == ("correct" if loser == "ann" else "reject")
        stored = session.get_one(FigureRow, figure.id)
        assert stored.state == ("corrected" if winner == "ann" else "rejected")
        assert stored.version == figure.version + 1


def test_a_decision_on_a_stale_page_is_refused(store: Store) -> None:
    seed_review(store)
    flag = flag_at(store, "percent_written_for_points", BROKEN.points_span)
    stale = DecisionRequest(flag.id, flag.version - 1, Action.ACCEPT, "ann")
    assert decide(store.sessions, stale).kind == "conflict"
    assert flag_at(store, "percent_written_for_points", BROKEN.points_span).status == "open"


def test_a_correction_is_validated_by_the_schema_and_nothing_changes_when_it_fails(store: Store) -> None:
    seed_review(store)
    flag = flag_at(store, "value_matches_text", BROKEN.wrong_value_span)
    figure = figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span)
    outcome = _correct(store, flag, figure, period_start="2023-13")
    assert outcome.kind == "invalid" and any("period must be YYYY-MM" in e for e in outcome.errors)
    outcome = _correct(store, flag, figure, surface="9.2")
    assert outcome.kind == "invalid" and any("is not the text at span" in e for e in outcome.errors)
    assert _count(store, DecisionRow) == 0
    assert figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span).version == figure.version


def test_the_release_is_checked_again_after_every_decision(store: Store) -> None:
    seed_review(store)
    flag = flag_at(store, "value_matches_text", BROKEN.wrong_value_span)
    figure = figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span)
    outcome = _correct(store, flag, figure, value=9.3)  # still not what the text says
    assert outcome.kind == "applied" and outcome.sync is not None and outcome.sync.reopened == (flag.id,)
    assert "the checker still raises this flag, so it is open again" in outcome.message
    assert flag_at(store, "value_matches_text", BROKEN.wrong_value_span).status == "open"
    flag, figure = (
        flag_at(store, "value_matches_text", BROKEN.wrong_value_span),
        figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span),
    )
    outcome = _correct(store, flag, figure, value=9.1)
    assert outcome.kind == "applied" and outcome.sync is not None and not outcome.sync.reopened
    assert flag_at(store, "value_matches_text", BROKEN.wrong_value_span).status == "corrected"
    with store.session() as session:
        assert 9.1 in [f.value for f in current_release(session, FULL_YEAR_ID).figures]


def test_save_as_gold_needs_a_fully_reviewed_release_and_writes_a_pair_eval_loads(store: Store, tmp_path: Path) -> None:
    seed_review(store)
    with pytest.raises(UsageError, match="not fully reviewed: 3"), store.sessions.begin() as session:
        save_gold(session, FULL_YEAR_ID, tmp_path, "ann")
    flag = flag_at(store, "value_matches_text", BROKEN.wrong_value_span)
    _correct(store, flag, figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span), value=9.1)
    flag = flag_at(store, "value_matches_text", BROKEN.wrong_scale_span)
    figure = figure_at(store, FULL_YEAR_ID, BROKEN.wrong_scale_span)
    decide(store.sessions, DecisionRequest(flag.id, flag.version, Action.REJECT, "ann", figure.id, figure.version))
    flag = flag_at(store, "percent_written_for_points", BROKEN.points_span)
    decide(store.sessions, DecisionRequest(flag.id, flag.version, Action.ACCEPT, "ann"))
    with store.sessions.begin() as session:
        path = save_gold(session, FULL_YEAR_ID, tmp_path / "gold", "ann", name="full_year_2023")
    assert path == tmp_path / "gold" / "full_year_2023.json"
    (sample,) = load_samples(tmp_path / "gold")
    assert sample.gold.release_id == FULL_YEAR_ID and len(sample.gold.figures) == 20
    assert 9.1 in [f.value for f in sample.gold.figures] and 33560.0 not in [f.value for f in sample.gold.figures]
    with store.session() as session:
        assert session.scalars(select(DecisionRow.action).order_by(DecisionRow.id.desc())).first() == "save_gold"


def test_the_database_url_resolves_flag_then_environment_then_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RELFIG_DATA_DIR", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / 'relfig.db'}"
    monkeypatch.setenv("RELFIG_DATABASE_URL", "postgresql://u@db.example/relfig")
    assert database_url() == "postgresql+psycopg://u@db.example/relfig"
    assert database_url("postgres://v@127.0.0.1/x") == "postgresql+psycopg://v@127.0.0.1/x"
