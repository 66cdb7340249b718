"""A whole review in headless chromium: queue, correct a figure, reject one, accept one, export, find the decisions."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from review.db import Store
from review.queries import open_flags
from review.web import ReviewSettings, create_app
from schemas import Figure, Release, release_id_of

from .browser import CHROMIUM, MISSING, chromium, live_server
from .review_helpers import FULL_YEAR_ID, seed, seed_review

expect.set_options(timeout=15_000)  # CI machines are small and busy


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    with chromium() as context:
        yield context


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    browser.clear_cookies()
    opened = browser.new_page()
    opened.set_default_timeout(15_000)
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    opened.close()
    assert dialogs == [], f"the page ran a script from release text: {dialogs}"


@pytest.fixture
def server(sqlite_store: Store, tmp_path: Path) -> Iterator[str]:
    seed_review(sqlite_store, everything=True)
    app = create_app(sqlite_store, ReviewSettings(gold_dir=tmp_path / "gold"))
    with live_server(app) as url:
        yield url


def _open_flag(page: Page, message: str) -> None:
    page.get_by_role("link", name=message).click()
    expect(page.locator("#explanation")).to_have_text(message)
    expect(page.locator("html")).to_have_attribute("data-keys", "ready")  # the shortcuts are listening


def test_a_whole_review_in_the_browser(page: Page, server: str, sqlite_store: Store) -> None:
    with sqlite_store.session() as session:
        open_now = len(open_flags(session))
    page.goto(server + "/")
    expect(page).to_have_title(f"relfig review: {open_now} open flags")
    page.fill("#reviewer-name", "Ann Example")
    page.get_by_role("button", name="Set").click()
    expect(page.locator(".flash")).to_have_text("Reviewing as Ann Example.")

    page.select_option("#filter-release", FULL_YEAR_ID)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#queue tbody tr")).to_have_count(3)
    expect(page.locator("#queue tbody tr").first.locator(".badge")).to_have_text("error")

    # correct 9.6 back to 9.1: a typo in the period first, which the schema refuses
    _open_flag(page, "the text says '9.1' = 9.1, the figure says 9.6")
    expect(page.locator("#formula")).to_have_text("abs(value) == number at span")
    expect(page.locator("dl.formula dd").nth(2)).to_have_text("9.6")  # expected 9.1, found 9.6
    page.keyboard.press("c")  # the shortcut focuses the value of the first figure
    page.keyboard.type("9.1")
    correct = page.locator("form.correct").first
    correct.locator('input[name="period_start"]').fill("2023-1")
    correct.get_by_role("button", name="Save correction").click()
    expect(page.locator("ul.errors")).to_contain_text("period_start: period must be YYYY-MM, got '2023-1'")
    correct = page.locator("form.correct").first
    expect(correct.locator('input[name="value"]')).to_have_value("9.1")  # what was typed is kept
    correct.locator('input[name="period_start"]').fill("2023-01")
    correct.get_by_role("button", name="Save correction").click()
    expect(page.locator(".flash")).to_contain_text("Corrected. Re-checked the release")
    expect(page.locator("#queue tbody tr")).to_have_count(2)

    # reject 33,560 with the keyboard
    _open_flag(page, "the text says '3,356' = 3356, the figure says 33560")
    page.keyboard.press("r")
    expect(page.locator(".flash")).to_contain_text("Rejected. Re-checked the release: 1 flag(s) raised")

    # accept the 0.4% warning as a false alarm, with the keyboard too
    _open_flag(page, "'0.4%' compares two rates, so it is read as percentage points")
    page.keyboard.press("a")
    expect(page.locator(".flash")).to_contain_text("Accepted as a false alarm")
    # one note is left: 3,356 is now a numeral no kept figure stands for
    expect(page.locator("#queue tbody tr td:nth-child(3)")).to_have_text(["not_extracted"])

    page.goto(f"{server}/releases/{FULL_YEAR_ID}")
    text = page.locator("#release-text")
    expect(text.locator(".state-corrected")).to_have_text("9.1")
    expect(text.locator(".state-rejected")).to_have_text("3,356")
    expect(text.locator(".state-accepted")).to_have_text("0.4")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    path = download_info.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    decided = {
        (r["surface"], r["decision"], r["value"], r["decided_by"]) for r in rows if r["decision"] != "unreviewed"
    }
    assert decided == {
        ("9.1", "corrected", "9.1", "Ann Example"),
        ("3,356", "rejected", "33560.0", "Ann Example"),
        ("0.4", "accepted", "0.4", "Ann Example"),
    }


def test_release_text_with_a_script_shows_as_text(page: Page, sqlite_store: Store, tmp_path: Path) -> None:
    text = "Output rose 7.5% <script>alert('release')</script><img src=x onerror=alert('img')>.\n"
    figure = Figure(span=(12, 15), surface="7.5", value=7.5, unit="percent", measure="growth",
                    metric="output value", region="<b>X</b>")  # fmt: skip
    release = Release(
        release_id=release_id_of(text), title="<script>alert('title')</script>", region="X", figures=(figure,)
    )
    seed(sqlite_store, [(release, text)])
    with live_server(create_app(sqlite_store, ReviewSettings(gold_dir=tmp_path))) as url:
        page.goto(f"{url}/releases/{release.release_id}")
        expect(page.locator("#release-text")).to_contain_text("<script>alert('release')</script><img src=x")
        expect(page.locator("h1")).to_contain_text("<script>alert('title')</script>")
        assert page.locator("#release-text script, #release-text img").count() == 0
