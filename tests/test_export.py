"""`relfig export`, `relfig review` (terminal, save as gold) and the store hook of `relfig check`, end to end."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from eval.samples import load_samples
from relfig.cli import EXIT_OK, EXIT_USAGE, main
from review.db import Store, open_store
from review.decisions import Action, DecisionRequest, decide
from review.models import DecisionRow, FlagRow, ReleaseRow, RunRow

from .conftest import SAMPLES
from .review_helpers import BROKEN, FULL_YEAR, FULL_YEAR_ID, figure_at, flag_at, seed_review


@pytest.fixture
def reviewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The broken full-year release with one figure corrected, one rejected and a warning accepted."""
    url = f"sqlite:///{tmp_path / 'review.db'}"
    monkeypatch.setenv("RELFIG_DATABASE_URL", url)
    with open_store(url) as store:
        seed_review(store, everything=True)
        flag = flag_at(store, "value_matches_text", BROKEN.wrong_value_span)
        figure = figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span)
        correct = DecisionRequest(
            flag.id, flag.version, Action.CORRECT, "ann", figure.id, figure.version, {**figure.data, "value": 9.1}
        )
        assert decide(store.sessions, correct).kind == "applied"
        flag = flag_at(store, "value_matches_text", BROKEN.wrong_scale_span)
        figure = figure_at(store, FULL_YEAR_ID, BROKEN.wrong_scale_span)
        reject = DecisionRequest(flag.id, flag.version, Action.REJECT, "bob", figure.id, figure.version)
        assert decide(store.sessions, reject).kind == "applied"
        flag = flag_at(store, "percent_written_for_points", BROKEN.points_span)
        assert decide(store.sessions, DecisionRequest(flag.id, flag.version, Action.ACCEPT, "ann")).kind == "applied"
        yield store


def _decided(rows: list[dict[str, object]]) -> dict[str, tuple[object, ...]]:
    return {
        str(row["surface"]): (row["decision"], row["value"], row["decided_by"])
        for row in rows
        if row["release_id"] == FULL_YEAR_ID and row["decision"] != "unreviewed"
    }


EXPECTED = {"9.1": ("corrected", 9.1, "ann"), "3,356": ("rejected", 33560.0, "bob"), "0.4": ("accepted", 0.4, "ann")}


def test_csv_export_is_one_tidy_table_with_the_decisions(reviewed: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export"]) == EXIT_OK
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert len(rows) == 160 and "160 figures of 5 releases exported, 3 with a reviewer's decision" in captured.err
    assert {k: (v[0], float(str(v[1])), v[2]) for k, v in _decided(rows).items()} == EXPECTED
    big = next(row for row in rows if row["surface"] == "110,000")
    assert (big["value"], big["scale"], big["quantity"], big["unit"]) == ("110000.0", "1.0", "110000.0", "base station")
    assert big["period_start"] == "2023-01" and big["period_end"] == "2023-12" and big["status"] == "actual"


def test_json_and_parquet_exports_hold_the_same_table(reviewed: Store, tmp_path: Path) -> None:
    assert main(["export", "--format", "json", "-o", str(tmp_path / "f.json"), "--release", FULL_YEAR_ID]) == EXIT_OK
    rows = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert len(rows) == 21 and _decided(rows) == EXPECTED
    assert main(["export", "--format", "parquet", "-o", str(tmp_path / "f.parquet")]) == EXIT_OK
    table = pq.read_table(tmp_path / "f.parquet")
    assert table.num_rows == 160 and str(table.schema.field("quantity").type) == "double"
    assert _decided(table.to_pylist()) == EXPECTED


def test_parquet_to_stdout_is_a_usage_error(reviewed: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "parquet"]) == EXIT_USAGE
    assert "give -o FILE.parquet" in capsys.readouterr().err


def test_save_as_gold_from_the_command_line(
    reviewed: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold"
    assert main(["review", "--save-gold", FULL_YEAR_ID, "--gold-dir", str(gold), "--reviewer", "ann"]) == EXIT_OK
    (sample,) = load_samples(gold)
    assert sample.name == FULL_YEAR_ID and len(sample.gold.figures) == 20
    assert main(["review", "--save-gold", "42fd591bca50deb2", "--gold-dir", str(gold), "--reviewer", "ann"]) == EXIT_OK
    assert (
        main(["review", "--save-gold", "ffffffffffffffff", "--gold-dir", str(gold), "--reviewer", "ann"]) == EXIT_USAGE
    )
    assert "no release 'ffffffffffffffff'" in capsys.readouterr().err


def test_terminal_review_accepts_corrects_and_rejects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    with open_store(url) as store:
        seed_review(store)
    answers = [
        "c", "value=nine", "", "",  # unreadable: told, and the same flag again
        "c", "value=9.1", "",  # 9.6 -> 9.1: the first error corrected
        "r",  # 33,560: rejected
        "s",  # the warning: skipped
        "a",  # the note: accepted
    ]  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    assert main(["review", "--database", url, "--reviewer", "carol"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "value: not a number: 'nine'" in err and "Corrected. Re-checked the release" in err
    assert "3 decisions applied, 0 conflicts, 1 skipped" in err
    with open_store(url) as store, store.session() as session:
        log = session.scalars(select(DecisionRow).order_by(DecisionRow.id)).all()
        assert [(d.reviewer, d.action) for d in log] == [("carol", "correct"), ("carol", "reject"), ("carol", "accept")]
        statuses = {row.check + str(row.spans[0]): row.status for row in session.scalars(select(FlagRow))}
        assert statuses[f"percent_written_for_points{list(BROKEN.points_span)}"] == "open"


def test_check_writes_to_the_store_unless_told_not_to(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = str(SAMPLES / f"{FULL_YEAR}.json")
    assert main(["check", gold, "--source", str(SAMPLES), "--no-store"]) == EXIT_OK
    assert "stored for review" not in capsys.readouterr().err
    url = f"sqlite:///{tmp_path / 'data' / 'relfig.db'}"
    assert not (tmp_path / "data").exists()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RELFIG_DATA_DIR", str(tmp_path / "data"))
        assert main(["check", gold, "--source", str(SAMPLES)]) == EXIT_OK
        assert main(["check", gold, "--source", str(SAMPLES)]) == EXIT_OK
    assert "stored for review as run 2" in capsys.readouterr().err
    with open_store(url) as store, store.session() as session:
        assert session.scalars(select(ReleaseRow.id)).all() == [FULL_YEAR_ID]
        assert [run.kind for run in session.scalars(select(RunRow))] == ["check", "check"]
        assert len(session.scalars(select(FlagRow)).all()) == 1  # the 0.4% warning, once per release
