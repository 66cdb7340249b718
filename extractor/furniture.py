"""Where a scraped page's furniture begins: copyright lines, "Most Viewed" lists, tags, contacts.

Numbers after that point belong to the site, not to the release, and are never figures.
"""

from __future__ import annotations

import re

_MARKER = re.compile(
    r"^[\s•·*-]*(?:copyright\b|©|all rights reserved|most (?:viewed|popular|read)\b|"
    r"related (?:news|articles?|stories|reading)\b|recommended\b|tags?\s*:|next\b|previous\b|prev\b|"
    r"share (?:to|this)\b|editor\s*:|responsible editor|tel\s*:|e-?mail\s*:|icp\b|contact us\b|"
    r"the article is in chinese)",
    re.IGNORECASE | re.MULTILINE,
)
_MIN_BODY_SHARE = 0.3  # a marker in the first part of a page is a header, not the footer


def furniture_start(text: str) -> int:
    """Offset of the first footer line of the page, or ``len(text)`` when there is none."""
    floor = int(len(text) * _MIN_BODY_SHARE)
    for match in _MARKER.finditer(text):
        if match.start() >= floor:
            return match.start()
    return len(text)
