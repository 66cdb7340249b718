"""The review web app through HTTP: queue, pages, decisions, and its guards (CSRF, token, hosts, escaping)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from relfig.cli import EXIT_USAGE, main
from review.db import Store
from review.forms import to_fields
from review.models import DecisionRow, FlagRow
from review.security import Guard
from review.web import ReviewSettings, create_app
from schemas import Figure, Release, release_id_of

from .review_helpers import BROKEN, FULL_YEAR_ID, figure_at, flag_at, seed, seed_review

BASE = "http://127.0.0.1"


def _client(store: Store, tmp_path: Path, token: str | None = None) -> TestClient:
    settings = ReviewSettings(gold_dir=tmp_path / "gold", default_reviewer="", guard=Guard(token=token))
    return TestClient(create_app(store, settings), base_url=BASE)


@pytest.fixture
def client(sqlite_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    seed_review(sqlite_store, everything=True)
    with _client(sqlite_store, tmp_path) as test_client:
        yield test_client


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def _form(client: TestClient, flag: FlagRow, **fields: str) -> dict[str, str]:
    page = client.get(f"/flags/{flag.id}").text
    return {"csrf_token": _hidden(page, "csrf_token"), "flag_version": str(flag.version), "reviewer": "ann", **fields}


def _decisions(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(DecisionRow)) or 0


def test_the_queue_lists_open_flags_errors_first_and_filters_them(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    severities = re.findall(r'<span class="badge (\w+)">', page.text)
    assert severities[:2] == ["error", "error"] and severities == sorted(
        severities, key=["error", "warning", "info"].index
    )
    assert "the text says &#39;9.1&#39; = 9.1, the figure says 9.6" in page.text
    only = client.get("/", params={"release": FULL_YEAR_ID, "severity": "warning"}).text
    assert re.findall(r'<span class="badge (\w+)">', only) == ["warning"]
    assert "percent_written_for_points" in only
    assert re.findall(r'<span class="badge (\w+)">', client.get("/", params={"check": "value_matches_text"}).text) == [
        "error", "error",
    ]  # fmt: skip


def test_the_release_page_highlights_every_figure_by_state(client: TestClient) -> None:
    page = client.get(f"/releases/{FULL_YEAR_ID}").text
    source = page[page.index('id="release-text"') : page.index("</section>")]
    # 9.6 and 33,560 (errors) and 0.4 (a warning): every open flag counts
    assert re.findall(r'class="fig state-flagged"[^>]*>([^<]+)<', source) == ["0.4", "9.1", "3,356"]
    assert source.count('class="fig state-ok"') == 18
    assert re.search(
        r'<a class="fig state-flagged" href="/flags/\w+" title="industrial value added: flagged">9\.1</a>', page
    )
    assert 'class="fig state-ok"' in page
    assert "Liaoning’s Industrial Economy Achieves Best Performance in Recent Years" in page


def test_a_flag_page_explains_the_flag_with_its_formula_and_spans(client: TestClient, sqlite_store: Store) -> None:
    flag = flag_at(sqlite_store, "value_matches_text", BROKEN.wrong_value_span)
    page = client.get(f"/flags/{flag.id}").text
    assert "the text says &#39;9.1&#39; = 9.1, the figure says 9.6" in page
    assert '<mark class="span">9.1</mark>' in page and "[912, 915]" in page
    assert 'data-key="a"' in page and 'data-key="r"' in page and 'data-key="c"' in page
    restated = client.get("/", params={"check": "difference_matches_stated"})
    assert restated.status_code == 200


def test_an_invalid_correction_shows_the_schema_error_and_changes_nothing(
    client: TestClient, sqlite_store: Store
) -> None:
    flag = flag_at(sqlite_store, "value_matches_text", BROKEN.wrong_value_span)
    figure = figure_at(sqlite_store, FULL_YEAR_ID, BROKEN.wrong_value_span)
    fields = {"span": "912, 915", "surface": "9.1", "value": "9.1", "scale": "1", "unit": "percent",
              "measure": "growth", "metric": "industrial value added", "region": "Liaoning",
              "period_start": "2023-13", "period_end": "2023-12", "status": "actual"}  # fmt: skip
    form = _form(client, flag, action="correct", figure_id=str(figure.id), figure_version=str(figure.version), **fields)
    response = client.post(f"/flags/{flag.id}/decide", data=form)
    assert response.status_code == 422
    assert "period_start: period must be YYYY-MM, got &#39;2023-13&#39;" in response.text
    assert 'name="period_start" value="2023-13"' in response.text  # what was typed is kept
    form["value"] = "nine"
    assert "value: not a number" in client.post(f"/flags/{flag.id}/decide", data=form).text
    assert _decisions(sqlite_store) == 0


def test_a_correction_is_applied_and_the_release_checked_again(client: TestClient, sqlite_store: Store) -> None:
    flag = flag_at(sqlite_store, "value_matches_text", BROKEN.wrong_value_span)
    figure = figure_at(sqlite_store, FULL_YEAR_ID, BROKEN.wrong_value_span)
    fields = {**to_fields(figure.data), "value": "9.1"}
    form = _form(client, flag, action="correct", figure_id=str(figure.id), figure_version=str(figure.version), **fields)
    form["back"] = "severity=error&next=https://evil.example"
    response = client.post(f"/flags/{flag.id}/decide", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/?severity=error"
    queue = client.get(response.headers["location"]).text
    assert "Corrected. Re-checked the release: no change in flags; 2 flag(s) open on it." in queue
    assert figure_at(sqlite_store, FULL_YEAR_ID, BROKEN.wrong_value_span).data["value"] == 9.1
    assert flag_at(sqlite_store, "value_matches_text", BROKEN.wrong_value_span).status == "corrected"
    page = client.get(f"/releases/{FULL_YEAR_ID}").text
    assert 'title="industrial value added: corrected">9.1</span>' in page
    assert "<strong>ann</strong> · correct" in page


def test_a_second_reviewer_on_the_same_flag_is_told_and_their_attempt_kept(sqlite_store: Store, tmp_path: Path) -> None:
    seed_review(sqlite_store)
    flag = flag_at(sqlite_store, "value_matches_text", BROKEN.wrong_scale_span)
    figure = figure_at(sqlite_store, FULL_YEAR_ID, BROKEN.wrong_scale_span)
    with _client(sqlite_store, tmp_path) as ann, _client(sqlite_store, tmp_path) as bob:
        ann_form = _form(ann, flag, action="accept")
        bob_form = _form(bob, flag, action="reject", figure_id=str(figure.id), figure_version=str(figure.version))
        bob_form["reviewer"] = "bob"
        assert ann.post(f"/flags/{flag.id}/decide", data=ann_form, follow_redirects=False).status_code == 303
        late = bob.post(f"/flags/{flag.id}/decide", data=bob_form)
    assert late.status_code == 409
    assert "Not applied: this flag changed while you were looking (ann chose &#39;accept&#39;" in late.text
    with sqlite_store.session() as session:
        log = session.scalars(select(DecisionRow).order_by(DecisionRow.id)).all()
    assert [(d.reviewer, d.action, d.outcome) for d in log] == [
        ("ann", "accept", "applied"),
        ("bob", "reject", "conflict"),
    ]
    assert f"decision #{log[1].id}" in late.text


def test_posts_without_this_sessions_csrf_token_are_refused(
    client: TestClient, sqlite_store: Store, tmp_path: Path
) -> None:
    flag = flag_at(sqlite_store, "percent_written_for_points", BROKEN.points_span)
    form = _form(client, flag, action="accept")
    missing = {k: v for k, v in form.items() if k != "csrf_token"}
    assert client.post(f"/flags/{flag.id}/decide", data=missing).status_code == 403
    with _client(sqlite_store, tmp_path) as other:  # another browser: its own session cookie
        assert other.post(f"/flags/{flag.id}/decide", data=form).status_code == 403
    cross = client.post(f"/flags/{flag.id}/decide", data=form, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403 and "cross-site request refused" in cross.text
    assert client.post("/reviewer", data={"reviewer": "mallory"}).status_code == 403
    assert _decisions(sqlite_store) == 0
    assert flag_at(sqlite_store, "percent_written_for_points", BROKEN.points_span).status == "open"


def test_release_text_is_shown_as_text_never_as_markup(sqlite_store: Store, tmp_path: Path) -> None:
    text = 'Output rose 7.5% <script>alert("x")</script> and <img src=x onerror=alert(1)> 12 firms.\n'
    figure = Figure(span=(12, 15), surface="7.5", value=7.5, unit="percent", measure="growth",
                    metric="output value <b>bold</b>", region="<i>Nowhere</i>")  # fmt: skip
    release = Release(
        release_id=release_id_of(text), title="<script>alert('title')</script>", region="X", figures=(figure,)
    )
    seed(sqlite_store, [(release, text)])
    with _client(sqlite_store, tmp_path) as client:
        pages = [client.get(f"/releases/{release.release_id}").text, client.get("/").text]
        with sqlite_store.session() as session:
            flag_ids = session.scalars(select(FlagRow.id)).all()
        pages += [client.get(f"/flags/{flag_id}").text for flag_id in flag_ids]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[0]
    for page in pages:
        assert (
            "<script>alert" not in page
            and "<img src=x" not in page
            and "<b>bold" not in page
            and "<i>Nowhere" not in page
        )
        assert page.count("<script") == 1  # only the page's own /static/review.js


def test_a_token_guards_every_page_and_is_required_off_loopback(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_review(sqlite_store)
    token = "s3cret-token-of-some-length"
    with _client(sqlite_store, tmp_path, token=token) as client:
        assert client.get("/").status_code == 401
        assert client.get("/", params={"token": "wrong-token-of-some-length"}).status_code == 401
        assert client.get("/export.csv").status_code == 401
        entry = client.get("/", params={"token": token, "severity": "error"}, follow_redirects=False)
        assert entry.status_code == 303 and entry.headers["location"] == "/?severity=error"  # token not left in the URL
        assert client.get("/").status_code == 200  # the cookie stands for it now
    with _client(sqlite_store, tmp_path, token=token) as client:
        assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    monkeypatch.delenv("RELFIG_REVIEW_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--database", f"sqlite:///{tmp_path / 'x.db'}"]) == EXIT_USAGE
    assert "set RELFIG_REVIEW_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("RELFIG_REVIEW_TOKEN", "short")
    assert main(["serve", "--host", "192.0.2.1", "--database", f"sqlite:///{tmp_path / 'x.db'}"]) == EXIT_USAGE
    assert "too short" in capsys.readouterr().err


def test_other_host_names_are_refused_and_pages_carry_security_headers(client: TestClient) -> None:
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/", headers={"Host": "rebind.evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1.evil.example:80"}).status_code == 400
    assert client.get("/", headers={"Host": "[::1]:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_the_export_downloads_carry_the_decision_state(client: TestClient, sqlite_store: Store) -> None:
    flag = flag_at(sqlite_store, "percent_written_for_points", BROKEN.points_span)
    client.post(f"/flags/{flag.id}/decide", data=_form(client, flag, action="accept"))
    csv_text = client.get("/export.csv").text
    header, *rows = csv_text.splitlines()
    assert header.startswith("release_id,release,span_start,span_end,surface,metric,measure,value,scale,quantity,unit")
    assert any(row.startswith(f"{FULL_YEAR_ID},") and ",accepted," in row and ",ann," in row for row in rows)
    assert client.get("/export.json").json()[0]["release_id"]
    assert client.get("/export.parquet").content[:4] == b"PAR1"
    assert client.get("/export.xlsx").status_code == 404


def test_save_as_gold_from_the_release_page(client: TestClient, sqlite_store: Store, tmp_path: Path) -> None:
    release_id = "9fe57f35182a3703"  # the decade review: gold labels with warnings only
    page = client.get(f"/releases/{release_id}").text
    assert "error or warning flag(s) still open" in page
    with sqlite_store.session() as session:
        warnings = session.scalars(
            select(FlagRow).where(FlagRow.release_id == release_id, FlagRow.severity != "info")
        ).all()
    for flag in warnings:
        assert client.post(f"/flags/{flag.id}/decide", data=_form(client, flag, action="accept")).status_code == 200
    page = client.get(f"/releases/{release_id}").text
    response = client.post(
        f"/releases/{release_id}/gold",
        data={"csrf_token": _hidden(page, "csrf_token"), "reviewer": "ann", "name": "decade"},
    )
    assert response.status_code == 200 and "Saved the gold sample" in response.text
    assert (tmp_path / "gold" / "decade.json").is_file() and (tmp_path / "gold" / "decade.txt").is_file()
