"""Word lists the numeral finder reads numbers, scales, units and directions with.

Kept apart from the finder's logic so that the rules read as code and the vocabulary as data.
"""

from __future__ import annotations

import re

UNITS_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip

ORDINAL_WORDS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip

NUMBER_WORD_PATTERN = "|".join(sorted(UNITS_WORDS, key=len, reverse=True))
"""The number words as a regex alternation, longest first."""

FRACTION_WORDS: dict[str, int] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
    "fifth": 5, "fifths": 5,
    "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9,
    "ninths": 9, "tenth": 10, "tenths": 10,
}  # fmt: skip

SCALE_WORDS: dict[str, float] = {
    "thousand": 1e3, "ten thousand": 1e4, "million": 1e6, "hundred million": 1e8,
    "billion": 1e9, "trillion": 1e12, "mln": 1e6, "bln": 1e9, "bn": 1e9,
    "千": 1e3, "万": 1e4, "百万": 1e6, "亿": 1e8, "万亿": 1e12,
}  # fmt: skip

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

# A unit word right after the numeral (and its scale word), in the contract's spelling.
UNIT_AFTER: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), unit)
    for pattern, unit in (
        (r"\s*%", "percent"),
        (r"\s*per\s?cent\b", "percent"),
        (r"\s*(?:percentage\s+)?points?\b", "percentage_point"),
        (r"\s*个百分点", "percentage_point"),
        (r"\s*(?:yuan|rmb|renminbi|元)", "CNY"),
        (r"\s*(?:us\s+)?dollars?\b", "USD"),
        (r"\s*yen\b", "JPY"),
        (r"\s*euros?\b", "EUR"),
        (r"\s*times\b", "times"),
        (r"\s*-?fold\b", "times"),
        (r"\s*(?:metric\s+)?(?:tons|tonnes|ton|tonne)\b|吨", "tonne"),
        (r"\s*(?:kwh|kilowatt[- ]hours?)\b", "kWh"),
        (r"\s*(?:square\s+kilomet(?:er|re)s?|sq\.?\s*km|km2|km²)", "square_kilometre"),
        (r"\s*hectares?\b", "hectare"),
    )
)

# The contract's units that are not a counted noun.
CURRENCIES = frozenset({"CNY", "USD", "EUR", "JPY"})
RATE_UNITS = frozenset({"percent", "percentage_point", "rank", "fraction", "times"})
"""A rate, a gap, a rank or a share: never the unit of an amount a rate is the change of."""
AMOUNT_UNITS = CURRENCIES | {"tonne", "kWh"}
"""Amounts of money, mass or energy."""
MEASURE_UNITS = RATE_UNITS | AMOUNT_UNITS | {"square_kilometre", "hectare"}
"""Every unit that measures rather than counts things."""

# A currency sign right before the numeral (bound words may stand before the sign).
CURRENCY_BEFORE: tuple[tuple[str, str], ...] = (
    ("US$", "USD"), ("$", "USD"), ("¥", "CNY"), ("RMB ", "CNY"), ("RMB", "CNY"), ("€", "EUR"), ("￥", "CNY"),
)  # fmt: skip

BOUND_BEFORE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{words})\s*$", re.IGNORECASE), bound)
    for words, bound in (
        (r"over|more than|exceeding|exceeded|exceeds|exceed|above|in excess of|at least|upwards of", "over"),
        (r"nearly|about|around|approximately|almost|close to|roughly|some|approx\.", "about"),
        (r"less than|fewer than|under|below|up to|at most", "under"),
    )
)

# "decreased by 1.1%", "a decline of", "narrowed by": a negative direction standing right before.
NEGATIVE_BEFORE = re.compile(
    r"\b(?:decreas(?:e|ed|es|ing)|declin(?:e|ed|es|ing)|dropp?(?:ed|s|ing)?|fell|fall(?:s|ing)?|"
    r"down|narrow(?:ed|s|ing)?|reduc(?:ed|tion)|shr[au]nk|contract(?:ed|ion)|lower(?:ed)?|slowed)"
    r"(?:\s+(?:by|of|to))?\s*(?:[a-z]+\s+){0,2}$",
    re.IGNORECASE,
)
# "0.8 percentage points lower than": a comparative right after the unit.
NEGATIVE_AFTER = re.compile(r"^\s*(?:lower|less|slower|below|down|smaller|narrower|fewer)\b", re.IGNORECASE)
# "narrowed from 2.2 to 0.8": levels of a gap, not the change, so they keep their sign...
FROM_TO = re.compile(r"\b(?:from|to)\s*$", re.IGNORECASE)
# ...except a gap to others that is narrowing: catching up, so the levels are shortfalls (negative).
NARROWED_GAP = re.compile(
    r"\bgap\b[^,;.]{0,60}\b(?:narrow(?:ed|s|ing)?|shr[au]nk|clos(?:ed|ing))\s+"
    r"(?:from\s+)?(?:\d+(?:\.\d+)?\s*(?:percentage points?|points?|pp)\s+to\s+)?$",
    re.IGNORECASE,
)

NOT_PLURAL = frozenset(
    "as is was has its this us yes less process across plus always focus various previous numerous status "
    "its series means gas bus campus bonus census news basis analysis thus whereas".split()
)
IRREGULAR_SINGULAR = {"people": "person", "staff": "staff", "personnel": "person", "children": "child"}

# Words after which a numeral is a name, an address or a list number, not a quantity.
NAME_BEFORE = re.compile(
    r"\b(?:no\.?|number|project|phase|line|room|building|article|section|chapter|item|route|"
    r"lot|grade|class|level|top|tel\.?|fax|zip|p\.?o\.?\s*box|address)\s*:?\s*$|\badd\s*:\s*$",
    re.IGNORECASE,
)

# Counted nouns named differently from the contract's unit.
SINGULAR_ALIASES = {
    "sme": "enterprise", "SME": "enterprise", "firm": "enterprise",
    # enterprises named by the titles China's industry policy gives them: "56 provincial champions",
    # "41 little giants", "12 gazelles", "3 unicorns"
    "champion": "enterprise", "giant": "enterprise", "gazelle": "enterprise", "unicorn": "enterprise",
}  # fmt: skip
# Counted things named by two nouns: the unit keeps both ("110,000 5G base stations": base station).
COMPOUND_UNITS = frozenset(
    "base station|charging pile|charging station|media outlet|data center|data centre|power plant|power station"
    "|service station|research institute|patent application|generating unit".split("|")
)

# "surpassing the national average by 0.4%": a comparison of rates, so the "%" means points.
RATE_COMPARISON_BEFORE = re.compile(
    r"\b(?:surpass\w*|outperform\w*|outpac\w*|exceed\w*|higher|lower|faster|slower|ahead of|behind)"
    r"\b[^.,;%]{0,40}\bby\s*$",
    re.IGNORECASE,
)
