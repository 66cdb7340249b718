"""Where the text places its sentences: the release's region, or one city of the release's province.

A provincial release mostly reports the province, so a sentence is placed in a city only when the text
puts it there:

- it names one city of the province (``invested 83 billion yuan in Shenyang``, ``Dalian-based``,
  ``the provincial capital``) before any mention of the province;
- or it names an organisation whose home city the release states somewhere: in its name (``the Dalian
  Area of the Pilot Free Trade Zone``), or in a sentence naming it with one city (``Established in the
  provincial capital Shenyang, Siasun ...``); an acronym in brackets (``... Industrial Park (CGIP)``)
  stands for the name before it;
- or it goes on about that organisation: a sentence placed by an organisation carries its city to the
  sentences after it that name no place, and one placed by a bare city carries it to a sentence that
  refers back (``It``, ``Its``, ``the company``, ``the zone``).

The province (``Liaoning``, ``the province``, ``provincial``), several cities, or a heading end a
placement. Names given as examples (``such as``, ``including``) and a comparison's whole (``of the
province``) place nothing.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass

from extractor.gazetteer import CAPITALS, CITIES_BY_PROVINCE, PROVINCE_WORDS, find_places
from extractor.sentences import Sentence

_CAPITALISED = r"(?:[A-Z][\w&'’.-]*|\([A-Z][\w&'’ -]*\))"
_NAME = re.compile(rf"{_CAPITALISED}(?:\s+(?:(?:of|and|&|for|on|de)\s+)?{_CAPITALISED})*")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&-]{1,9})\)$")
_FUNCTION_WORDS = frozenset(
    "a an the in on at as by for from with over since during after before while when this that these those "
    "it its he she they we our their his her approved established founded located organized according data "
    "sources source last next january february march april may june july august september october "
    "november december".split()
)
_NOT_LOCAL = frozenset("china chinese state national central government council ministry people's people’s".split())
"""First words of names that are not a local organisation's (``State Council``, ``China Academy of ...``)."""
_EXAMPLES = re.compile(r"\b(?:such as|including|like|e\.g\.|for example|for instance)\b[^.;]*", re.I)
_WHOLE = re.compile(
    r"\b(?:of|than|with|to|across)\s+(?:the\s+|our\s+)?(?:whole\s+|entire\s+)?"
    r"(?:province|country|nation|(?P<name>[A-Z][a-z]+))(?:['’]s)?\b",
)
_CAPITAL = re.compile(r"\bprovincial capital\b", re.I)
_REFERS_BACK = re.compile(
    r"\b(?:it|its|the\s+(?:company|group|firm|enterprise|plant|factory|park|zone|area|base|center|centre|"
    r"automaker|carmaker|producer|manufacturer|city)|she|he)\b",
    re.I,
)
_QUOTED = re.compile(r"^[\"“]")
_END = re.compile(r"[.!?;:。！？；：\"”'’)]$")


@dataclass(frozen=True)
class Mention:
    """A place a sentence names, itself or through an organisation's name: a city, or the province (None)."""

    start: int
    city: str | None


def sentence_cities(sentences: Sequence[Sentence], province: str) -> dict[int, str]:
    """The city each sentence is placed in, by the sentence's start offset (sentences in the province omitted)."""
    if province not in CITIES_BY_PROVINCE:
        return {}
    homes = _homes(sentences, province)
    placed: dict[int, str] = {}
    current: str | None = None
    for sentence in sentences:
        if not _END.search(sentence.text):
            current = None  # a heading or a caption line starts something new
            continue
        mentions = _mentions(sentence.text, province, homes)
        cities = {m.city for m in mentions if m.city}
        if mentions and (len(cities) != 1 or mentions[0].city is None):
            current = None  # the province, or several cities
        elif mentions:
            current = mentions[0].city
        elif not _REFERS_BACK.search(sentence.text) and not _QUOTED.match(sentence.text):
            current = None
        if current:
            placed[sentence.start] = current
    return placed


def _homes(sentences: Sequence[Sentence], province: str) -> dict[str, str | None]:
    """Each organisation's home city (None: the province itself), from every sentence that says it."""
    homes: dict[str, str | None] = {}
    conflicting: set[str] = set()
    for sentence in sentences:
        text = _EXAMPLES.sub(_blank, sentence.text)
        names = _names(text)
        outside = _without(text, names)
        cities = {p.name for p in find_places(outside) if p.name in CITIES_BY_PROVINCE[province]}
        if _CAPITAL.search(outside) and province in CAPITALS:
            cities.add(CAPITALS[province])
        for _start, name in names:
            own = _places_in(name, province)
            if own:
                home = own[0]
            elif len(cities) == 1:
                home = next(iter(cities))
            else:
                continue
            for key in _keys(name):
                if homes.setdefault(key, home) != home:
                    conflicting.add(key)  # "PetroChina Dalian ...", "PetroChina Liaoyang ...": no one home
    return {key: home for key, home in homes.items() if key not in conflicting}


def _mentions(text: str, province: str, homes: dict[str, str | None]) -> list[Mention]:
    """The places a sentence names itself, in order (examples and a comparison's whole left out)."""
    text = _EXAMPLES.sub(_blank, text)
    text = _WHOLE.sub(lambda m: _blank(m) if not m.group("name") or m.group("name") == province else m.group(), text)
    names = _names(text, homes)
    mentions = []
    for start, name in names:
        keys = [key for key in _keys(name) if key in homes]
        if keys:
            mentions.append(Mention(start, homes[keys[0]]))
    outside = _without(text, names)
    for place in find_places(outside):
        if place.name == province:
            mentions.append(Mention(place.start, None))
        elif place.name in CITIES_BY_PROVINCE[province]:
            mentions.append(Mention(place.start, place.name))
    for match in _CAPITAL.finditer(outside):
        if province in CAPITALS:
            mentions.append(Mention(match.start(), CAPITALS[province]))
    mentions += [Mention(match.start(), None) for match in PROVINCE_WORDS.finditer(outside)]
    return sorted(mentions, key=lambda m: m.start)


def _names(text: str, known: Container[str] = ()) -> list[tuple[int, str]]:
    """Capitalised names in ``text`` with their offsets; a sentence's first word only when it is a name.

    A single capitalised word opening the sentence is taken when it is ``known`` or an acronym.
    """
    found = []
    for match in _NAME.finditer(text):
        words = match.group().split()
        start = match.start()
        while words and words[0].lower().strip("“\"'") in _FUNCTION_WORDS:
            start += len(words[0]) + 1
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        if (
            not _without(name, [(p.start, name[p.start : p.end]) for p in find_places(name)])
            .replace(" and ", " ")
            .strip(" ,.'’s")
        ):
            continue  # only places: "Shenyang and Dalian"
        at_start = not text[:start].strip(" “\"'")
        if len(words) == 1 and at_start and not name.isupper() and name not in known and not _places_in(name, None):
            continue  # "Established", "Over": a capitalised first word
        found.append((start, name))
    return found


def _keys(name: str) -> list[str]:
    """What a name may be written as later: itself, its acronym, its first word (``Siasun``)."""
    keys = [name]
    if acronym := _ACRONYM.search(name):
        keys += [acronym.group(1), name[: acronym.start()].strip()]
    first = name.split()[0]
    if len(name.split()) > 1 and not find_places(first) and first.lower() not in _FUNCTION_WORDS:
        keys.append(first)
    return [key for key in keys if key.split()[0].lower() not in _NOT_LOCAL]


def _places_in(name: str, province: str | None) -> list[str | None]:
    """The cities of ``province`` a name contains (None for the province itself), in order."""
    found: list[str | None] = []
    for place in find_places(name):
        if province is None or place.name in CITIES_BY_PROVINCE[province]:
            found.append(place.name)
        elif place.name == province:
            found.append(None)
    return found


def _without(text: str, names: Sequence[tuple[int, str]]) -> str:
    """``text`` with ``names`` blanked out (offsets kept)."""
    chars = list(text)
    for start, name in names:
        chars[start : start + len(name)] = " " * len(name)
    return "".join(chars)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


_LISTED = re.compile(
    r"(?P<names>[A-Z][\w'’-]+(?:,\s+[A-Z][\w'’-]+)*,?\s+and\s+[A-Z][\w'’-]+)\s+(?:each|all|both)\b[^,;.]*$"
)
_WHOLE_OF = re.compile(r"\bof\s+(?:the\s+|its\s+|all\s+)?$", re.I)
_NATIONAL_AFTER = re.compile(
    r"^[^,;.]{0,60}?\b(?:in|across|of)\s+(?:China|the (?:whole |entire )?(?:country|nation))\b(?!['’])"
)


def listed_cities(before: str, province: str) -> str | None:
    """``Dandong, Benxi and Liaoyang each grew over 10%``: the cities a figure is stated for together."""
    match = _LISTED.search(before)
    if not match:
        return None
    names = [name.strip() for name in re.split(r",?\s+and\s+|,\s*", match.group("names")) if name.strip()]
    cities = [place.name for name in names for place in find_places(name) if place.start == 0]
    if len(cities) != len(names) or any(city not in CITIES_BY_PROVINCE.get(province, ()) for city in cities):
        return None
    return ", ".join(cities)


def national_whole(before: str, after: str) -> bool:
    """``500 of the 666 industrial subcategories recognized in China``: the whole is the country's."""
    return bool(_WHOLE_OF.search(before) and _NATIONAL_AFTER.match(after))


def named_province(clause: str, release_region: str) -> str | None:
    """In a national release, the one province a figure's clause names: ``Guangdong's output rose 4.2%``."""
    if release_region != "China":
        return None
    provinces = {
        place.name
        for place in find_places(clause)
        if place.kind == "province" and _SUBJECT_AFTER.match(clause, place.end)
    }  # "Jiangsu registered growth of 7.0%", "Guangdong's output", not "investors from Hong Kong and Taiwan"
    return provinces.pop() if len(provinces) == 1 else None


_SUBJECT_AFTER = re.compile(
    r"['’]s\b|\s+(?:province\s+)?(?:registered|grew|rose|recorded|saw|posted|reported|increased|expanded|achieved|"
    r"was|were|had|led|ranked)\b",
    re.I,
)
