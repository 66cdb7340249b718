"""Take docs/review.png (a release mid-review) and docs/review-flag.png (one flag) in headless chromium.

Run with ``make screenshot`` (``.venv/bin/python -m tests.review_screenshot docs/review.png``). The
release is the shared ``000_2b4cc7baf94ce3dc`` with two figures broken (see `review_helpers`);
one has been corrected, the other is still flagged.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from review.db import open_store
from review.decisions import Action, DecisionRequest, decide
from review.web import ReviewSettings, create_app

from .browser import chromium, live_server
from .review_helpers import BROKEN, FULL_YEAR_ID, figure_at, flag_at, seed_review


def main(target: Path) -> None:
    """Seed a store, make one decision, and save a screenshot of the release page to ``target``."""
    with tempfile.TemporaryDirectory() as scratch, open_store(f"sqlite:///{scratch}/review.db") as store:
        seed_review(store, everything=True)
        flag = flag_at(store, "value_matches_text", BROKEN.wrong_value_span)
        figure = figure_at(store, FULL_YEAR_ID, BROKEN.wrong_value_span)
        correct = DecisionRequest(
            flag.id, flag.version, Action.CORRECT, "Ann", figure.id, figure.version, {**figure.data, "value": 9.1}
        )
        decide(store.sessions, correct)
        app = create_app(store, ReviewSettings(gold_dir=Path(scratch), default_reviewer="Ann"))
        with live_server(app) as url, chromium(width=1360, height=1180) as browser:
            page = browser.new_page()
            page.goto(f"{url}/releases/{FULL_YEAR_ID}")
            page.locator("#release-text .state-flagged").first.hover()
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target))
            flag = flag_at(store, "value_matches_text", BROKEN.wrong_scale_span)
            page.goto(f"{url}/flags/{flag.id}")
            page.screenshot(path=str(target.with_name(f"{target.stem}-flag{target.suffix}")))
    print(f"wrote {target} and {target.stem}-flag{target.suffix} beside it")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/review.png"))
