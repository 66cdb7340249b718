"""Read reporting periods from time words: "the first quarter of 2024", "from January to July", "in 2023".

Months come from the words; the year from the words, or else from a year the caller resolves
(the release's publication date or the years it mentions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
_YEAR = r"((?:19|20)\d\d)"
_OF_YEAR = rf"(?:\s+(?:of|in)\s+(?:the\s+year\s+)?{_YEAR}|\s+of\s+(?:the|this)\s+year)?"

# (pattern, first month, last month); a None month is read from the pattern's groups.
_SPANS: tuple[tuple[re.Pattern[str], int | None, int | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), first, last)
    for pattern, first, last in (
        (rf"\bfirst\s+quarter{_OF_YEAR}", 1, 3),
        (rf"\b(?:first\s+half|first\s+six\s+months|h1){_OF_YEAR}", 1, 6),
        (rf"\bfirst\s+three\s+quarters{_OF_YEAR}", 1, 9),
        (rf"\bfirst\s+(?:two|2)\s+months{_OF_YEAR}", 1, 2),
        (rf"\bfirst\s+(?:eleven|11)\s+months{_OF_YEAR}", 1, 11),
        (rf"\bfirst\s+(?:ten|10)\s+months{_OF_YEAR}", 1, 10),
        (rf"\bsecond\s+quarter{_OF_YEAR}", 4, 6),
        (rf"\bthird\s+quarter{_OF_YEAR}", 7, 9),
        (rf"\bfourth\s+quarter{_OF_YEAR}", 10, 12),
        (rf"\b(?:from|between)\s+{_MONTH}\s+(?:to|and|through)\s+{_MONTH}(?:,?\s+{_YEAR})?", None, None),
        (rf"\b{_MONTH}\s*(?:-|–|to)\s*{_MONTH}(?:,?\s+{_YEAR})?", None, None),
        (rf"\b(?:full[- ]year|whole\s+year\s+of|year\s+of)\s+{_YEAR}", 1, 12),
        (r"\b(?:for|in|over|throughout)\s+the\s+(?:whole|full|entire)\s+year\b", 1, 12),
        (rf"\b(?:in|during|for|throughout)\s+{_YEAR}\b(?!\s*[-–])", 1, 12),
        (rf"\b(?:in|during)\s+{_MONTH}(?:\s+(?:of\s+)?{_YEAR})?\b(?!\s*\d)", None, None),
    )
)
_SINGLE_MONTH = _SPANS[-1][0]
_LAST_YEAR = re.compile(r"\blast year\b(?![’'`]s? (?:same|first|level))", re.IGNORECASE)
_THIS_YEAR = re.compile(r"\b(?:this year\b(?![’'`]s)|(?:by\s+)?the\s+end\s+of\s+(?:the|this)\s+year\b)", re.IGNORECASE)
_NEXT_YEAR = re.compile(r"\bnext year\b", re.IGNORECASE)
_BY_YEAR = re.compile(rf"\b(?:by|before)\s+(?:the\s+end\s+of\s+)?{_YEAR}\b(?!\s*[-–])", re.IGNORECASE)
_LAST_MONTH = re.compile(rf"\blast\s+{_MONTH}\b", re.IGNORECASE)
_BASE_BEFORE = re.compile(
    r"\b(?:compared\s+(?:with|to)|than|from|over|against|relative\s+to)\s+(?:that\s+(?:of|in)\s+)?(?:the\s+)?"
    r"(?:same\s+(?:period|month|quarter)\s+(?:of\s+)?)?$",
    re.I,
)
_ALONE_AFTER = re.compile(r"\s+alone\b", re.I)
_DAY = re.compile(rf"\bon\s+{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR})?", re.IGNORECASE)
_YEARS = re.compile(
    rf"\b(?:between|from)\s+{_YEAR}\s+(?:and|to|through|until|till)\s+(?:{_YEAR}\b|(last|this)\s+year\b)", re.IGNORECASE
)
_SINCE = re.compile(rf"\bsince\s+{_YEAR}\b(?!\s*[-–])", re.IGNORECASE)
_EVENT = re.compile(
    r"\b(?:since|established|establishment|founded|approved|opened|built|launched|set up)\b[^.]*$", re.I
)


@dataclass(frozen=True)
class PeriodPhrase:
    """A time phrase in the text and the months it covers; ``year`` is None when it is not said."""

    start: int
    end: int
    first_month: int
    last_month: int
    year: int | None
    single_month: bool = False
    years_back: int = 0
    first_year: int | None = None
    """The year the period starts in when it spans years: ``between 2013 and last year``, ``since 2010``."""
    kind: str = ""
    """``day`` (``on June 23``: its month), ``since`` (up to the time of writing), ``this year``, or plain."""
    relative: bool = False
    """Its year counts from the time of writing: ``last year``, ``this year``, ``the first quarter of this
    year``, a day without a year."""

    def resolve(self, year: int | None, now: str | None = None, written: int | None = None) -> tuple[str, str] | None:
        """``(YYYY-MM, YYYY-MM)`` with the phrase's own year, else ``year``; None when neither is known.

        ``last year`` and ``this year`` count from ``written`` (the year of publication) when it is
        known: a January release on the year before says "this year" for the new one. ``since 2010``
        runs to ``now`` (the latest month the release covers), and is None without it.
        """
        if self.kind == "since":
            return (f"{self.first_year:04d}-01", now) if now and self.first_year else None
        if written is not None and self.relative:
            year = written
        chosen = self.year or (year - self.years_back if year is not None else None)
        if chosen is None:
            return None
        first_year = self.first_year or chosen
        return f"{first_year:04d}-{self.first_month:02d}", f"{chosen:04d}-{self.last_month:02d}"


def find_period_phrases(text: str) -> list[PeriodPhrase]:
    """Every period phrase in ``text``, in order, the longest where two overlap."""
    found: list[PeriodPhrase] = []
    for pattern, first, last in _SPANS:
        for match in pattern.finditer(text):
            groups = [g for g in match.groups() if g]
            months = [_MONTHS.index(g.lower()) + 1 for g in groups if g.lower() in _MONTHS]
            years = [int(g) for g in groups if g.isdigit()]
            first_month = first if first is not None else months[0]
            last_month = last if last is not None else months[-1]
            if first_month > last_month:
                continue
            single = pattern is _SINGLE_MONTH
            year = years[0] if years else None
            relative = year is None and "this year" in match.group().lower()
            phrase = PeriodPhrase(match.start(), match.end(), first_month, last_month, year, single, relative=relative)
            if not any(p.start <= phrase.start < p.end or phrase.start <= p.start < phrase.end for p in found):
                found.append(phrase)
    for match in _YEARS.finditer(text):
        last = int(match.group(2)) if match.group(2) else None
        back = 1 if (match.group(3) or "").lower() == "last" else 0
        _add(
            found,
            PeriodPhrase(
                match.start(),
                match.end(),
                1,
                12,
                last,
                years_back=back,
                first_year=int(match.group(1)),
                relative=not last,
            ),
        )
    for match in _SINCE.finditer(text):
        _add(found, PeriodPhrase(match.start(), match.end(), 1, 12, None, first_year=int(match.group(1)), kind="since"))
    for match in _DAY.finditer(text):
        month = _MONTHS.index(match.group(1).lower()) + 1
        year = int(match.group(2)) if match.group(2) else None
        phrase = PeriodPhrase(match.start(), match.end(), month, month, year, True, kind="day", relative=year is None)
        _add(found, phrase)
    for match in _LAST_YEAR.finditer(text):
        _add(found, PeriodPhrase(match.start(), match.end(), 1, 12, None, years_back=1, relative=True))
    for match in _BY_YEAR.finditer(text):  # "by 2025": a plan's year, or a stock's, never a release's period
        _add(found, PeriodPhrase(match.start(), match.end(), 1, 12, int(match.group(1)), kind="by"))
    for match in _NEXT_YEAR.finditer(text):
        _add(found, PeriodPhrase(match.start(), match.end(), 1, 12, None, years_back=-1, relative=True))
    for match in _LAST_MONTH.finditer(text):
        month = _MONTHS.index(match.group(1).lower()) + 1
        _add(found, PeriodPhrase(match.start(), match.end(), month, month, None, True, years_back=1, relative=True))
    for match in _THIS_YEAR.finditer(text):
        _add(found, PeriodPhrase(match.start(), match.end(), 1, 12, None, kind="this year", relative=True))
    return sorted(found, key=lambda p: p.start)


def _add(found: list[PeriodPhrase], phrase: PeriodPhrase) -> None:
    """Add ``phrase`` unless it starts inside one already found; a longer phrase replaces those inside it."""
    if any(p.start <= phrase.start < p.end for p in found):
        return
    found[:] = [p for p in found if not phrase.start <= p.start < phrase.end]
    found.append(phrase)


def is_comparison_base(text: str, phrase: PeriodPhrase) -> bool:
    """Whether ``phrase`` is what a figure is compared with: ``down 0.9 points compared with the first quarter``."""
    return bool(_BASE_BEFORE.search(text[max(0, phrase.start - 30) : phrase.start]))


def is_alone(text: str, phrase: PeriodPhrase) -> bool:
    """Whether ``phrase`` says it stands for its own sentence only: ``In June alone``."""
    return bool(_ALONE_AFTER.match(text, phrase.end))


def is_event_date(text: str, phrase: PeriodPhrase) -> bool:
    """Whether ``phrase`` dates an event (``established in 2017``, ``approved in December 2015``), not a figure."""
    return bool(_EVENT.search(text[max(0, phrase.start - 40) : phrase.start]))


def years_mentioned(text: str) -> list[int]:
    """The four-digit years in ``text``, in order."""
    return [int(m.group()) for m in re.finditer(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)]


def reference_year(period_end: str | None, published: str | None) -> int | None:
    """The year "this year" means in a release: its period's, else its publication date's."""
    source = period_end or published
    return int(source[:4]) if source else None


def default_period(
    period_start: str | None, period_end: str | None, published: str | None
) -> tuple[str | None, str | None]:
    """The period of a figure whose sentence names none: the release's, else the year so far.

    A release without a reporting period states stocks as of its publication date, so its
    figures cover January to the month of publication (None when that date is unknown too).
    """
    if period_start is None and published:
        return published[:4] + "-01", published[:7]
    return period_start, period_end


def year_before(period: str) -> str:
    """The same month a year earlier: ``2024-03`` → ``2023-03``."""
    return f"{int(period[:4]) - 1}{period[4:]}"
