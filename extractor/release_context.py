"""What a release is about, read by code: headline, publication date, main region, main period.

This context is given to the model once per release, and fills the Release record's own fields.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractor.furniture import furniture_start
from extractor.gazetteer import NATIONAL_WORDS, PROVINCE_WORDS, find_places
from extractor.periods import find_period_phrases, is_event_date, reference_year, years_mentioned

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}  # fmt: skip
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_CJK_DATE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")
_EN_DATE = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),\s*((?:19|20)\d\d)\b")
_EN_DATE_DMY = re.compile(r"\b(\d{1,2})\s+([A-Z][a-z]{2,8})\.?,?\s+((?:19|20)\d\d)\b")
_HEAD_CHARS = 600
_LEAD_CHARS = 1200


@dataclass(frozen=True)
class ReleaseContext:
    """The release-level facts the model is told once."""

    title: str | None
    published: str | None
    region: str
    period_start: str | None
    period_end: str | None

    @property
    def year(self) -> int | None:
        """The year "this year" means: the period's, else the publication date's."""
        return reference_year(self.period_end, self.published)


def read_context(text: str) -> ReleaseContext:
    """Headline, date, region and period of a release, as far as its text settles them."""
    body = text[: furniture_start(text)]
    published = find_published(body[:_HEAD_CHARS])
    period = main_period(body, published)
    return ReleaseContext(
        title=find_title(body),
        published=published,
        region=main_region(body),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
    )


def find_title(text: str) -> str | None:
    """The first headline-like line before the body starts, or None."""
    for line in text.splitlines()[:12]:
        line = " ".join(line.split())
        words = line.split()
        if not words:
            continue
        if len(words) > 30 or line.endswith((".", "。")):
            return None  # the body started without a headline
        if len(words) >= 4 and not _ISO_DATE.search(line) and not line.lower().startswith("by "):
            return line
    return None


def find_published(head: str) -> str | None:
    """The first full date in the head of the release, as YYYY-MM-DD."""
    candidates: list[tuple[int, str]] = []
    for match in _ISO_DATE.finditer(head):
        candidates.append((match.start(), _date(match.group(1), match.group(2), match.group(3))))
    for match in _CJK_DATE.finditer(head):
        candidates.append((match.start(), _date(match.group(1), match.group(2), match.group(3))))
    for match in _EN_DATE.finditer(head):
        if month := _MONTHS.get(match.group(1)[:3].lower()):
            candidates.append((match.start(), _date(match.group(3), str(month), match.group(2))))
    for match in _EN_DATE_DMY.finditer(head):
        if month := _MONTHS.get(match.group(2)[:3].lower()):
            candidates.append((match.start(), _date(match.group(3), str(month), match.group(1))))
    valid = sorted((pos, date) for pos, date in candidates if date)
    return valid[0][1] if valid else None


def _date(year: str, month: str, day: str) -> str:
    y, m, d = int(year), int(month), int(day)
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= m <= 12 and 1 <= d <= 31 else ""


def main_region(text: str) -> str:
    """The province named most often, unless the text speaks of the country or of one city more.

    A national bulletin names a province or two for their own figures ("Guangdong's output rose
    4.2%") and says "nationwide" and "the country" more often than any province and "the province":
    it is ``China``'s. A city's release ("Shenzhen's GDP ...", "the city's exports") names its city
    more often than its province: it is the city's.
    """
    counts: Counter[str] = Counter()
    cities: Counter[str] = Counter()
    for place in find_places(text):
        (counts if place.kind == "province" else cities)[place.name] += 1
    province, count = counts.most_common(1)[0] if counts else ("China", 0)
    province_score = count + len(PROVINCE_WORDS.findall(text))
    national = len(NATIONAL_WORDS.findall(text))
    if cities:
        city, named = cities.most_common(1)[0]
        if named + len(_CITY_WORDS.findall(text)) > max(province_score, national):
            return city
    if not count or province_score < national:
        return "China"
    return province


_CITY_WORDS = re.compile(r"\b(?:the|our|this|whole) city(?:['’]s)?\b|\bmunicipal\b", re.I)


def main_period(text: str, published: str | None) -> tuple[str, str] | None:
    """The period of the first period phrase of the release's lead, its year resolved as well as the text allows.

    Only the lead counts (a later "in 2017" is a story's detail, not what the release reports on),
    and neither a single month nor an event's year ("established in 2017") nor "last year".
    """
    phrases = [
        p for p in find_period_phrases(text[:_LEAD_CHARS])
        if not p.single_month and not p.years_back and not p.kind and not is_event_date(text, p)
    ]  # fmt: skip
    if not phrases:
        return None
    years = years_mentioned(text)
    default_year = None
    if published:
        default_year = int(published[:4])
    elif years:
        default_year = Counter(years).most_common(1)[0][0]
    first = phrases[0]
    if first.year is None and published and first.last_month > int(published[5:7]):
        default_year = int(published[:4]) - 1  # "the first half" published in March is last year's
    return first.resolve(default_year)
