"""The gazetteer: China's prefecture-level divisions by province, and finding places in text."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from extractor.gazetteer import (
    CITIES,
    CITIES_BY_PROVINCE,
    CITY_ALIASES,
    CITY_PROVINCES,
    DIVISION_TYPES,
    NATIONAL_WORDS,
    PROVINCES,
    Place,
    find_places,
)
from schemas import Release

SAMPLES = Path(__file__).resolve().parent.parent / "eval" / "samples"

LIAONING = (
    "Shenyang", "Dalian", "Anshan", "Fushun", "Benxi", "Dandong", "Jinzhou",
    "Yingkou", "Fuxin", "Liaoyang", "Panjin", "Tieling", "Chaoyang", "Huludao",
)  # fmt: skip
MUNICIPALITIES = ("Beijing", "Tianjin", "Shanghai", "Chongqing")
SHARED_NAMES = {
    "Suzhou": ("Jiangsu", "Anhui"),
    "Taizhou": ("Jiangsu", "Zhejiang"),
    "Fuzhou": ("Fujian", "Jiangxi"),
    "Yichun": ("Heilongjiang", "Jiangxi"),
    "Yulin": ("Guangxi", "Shaanxi"),
}


def spans(text: str) -> list[tuple[str, str, str]]:
    return [(p.name, p.kind, text[p.start : p.end]) for p in find_places(text)]


# --- the table -------------------------------------------------------------------------------------------


def test_liaoning_has_its_fourteen_cities() -> None:
    assert CITIES_BY_PROVINCE["Liaoning"] == LIAONING
    assert all(CITIES[city] == "Liaoning" for city in LIAONING)
    assert all(DIVISION_TYPES[city] == "city" for city in LIAONING)


@pytest.mark.parametrize(
    ("province", "count"),
    [
        ("Liaoning", 14),
        ("Jilin", 9),  # 8 cities and Yanbian
        ("Heilongjiang", 13),  # 12 cities and Daxing'anling
        ("Inner Mongolia", 12),  # 9 cities and 3 leagues
        ("Hebei", 11),
        ("Shanxi", 11),
        ("Jiangsu", 13),
        ("Zhejiang", 11),
        ("Anhui", 16),
        ("Fujian", 9),
        ("Shandong", 16),
        ("Henan", 17),
        ("Guangdong", 21),
        ("Hainan", 4),
        ("Ningxia", 5),
        ("Tibet", 7),
        ("Xinjiang", 14),
    ],
)
def test_divisions_per_province(province: str, count: int) -> None:
    assert len(CITIES_BY_PROVINCE[province]) == count


def test_national_totals() -> None:
    """333 divisions: 293 prefecture-level cities, 7 prefectures, 3 leagues, 30 autonomous prefectures."""
    listed = [city for cities in CITIES_BY_PROVINCE.values() for city in cities]
    assert 325 <= len(listed) <= 340
    assert len(listed) == 333
    assert Counter(DIVISION_TYPES[city] for city in listed) == {
        "city": 293,
        "prefecture": 7,
        "league": 3,
        "autonomous prefecture": 30,
    }
    assert len(CITIES) == 333 - len(SHARED_NAMES)


def test_every_province_but_the_municipalities_and_sars_has_cities() -> None:
    without = set(PROVINCES) - set(CITIES_BY_PROVINCE)
    assert without == {*MUNICIPALITIES, "Hong Kong", "Macao", "Taiwan"}
    assert set(CITIES.values()) <= set(PROVINCES)
    assert not set(MUNICIPALITIES) & set(CITIES)


def test_names_shared_by_two_provinces() -> None:
    assert {city: p for city, p in CITY_PROVINCES.items() if len(p) > 1} == SHARED_NAMES
    for city, (first, second) in SHARED_NAMES.items():
        assert CITIES[city] == first  # the first in administrative-code order
        assert city in CITIES_BY_PROVINCE[first] and city in CITIES_BY_PROVINCE[second]


@pytest.mark.parametrize(
    ("city", "province"),
    [
        ("Xi'an", "Shaanxi"),
        ("Hohhot", "Inner Mongolia"),
        ("Ordos", "Inner Mongolia"),
        ("Hulunbuir", "Inner Mongolia"),
        ("Xilingol", "Inner Mongolia"),
        ("Urumqi", "Xinjiang"),
        ("Kashgar", "Xinjiang"),
        ("Lhasa", "Tibet"),
        ("Shigatse", "Tibet"),
        ("Harbin", "Heilongjiang"),
        ("Yanbian", "Jilin"),
        ("Jilin", "Jilin"),
        ("Ma'anshan", "Anhui"),
        ("Hainan Tibetan Autonomous Prefecture", "Qinghai"),
    ],
)
def test_conventional_spellings(city: str, province: str) -> None:
    assert CITIES[city] == province


def test_other_spellings_are_aliases_not_keys() -> None:
    for alias, key in [("Huhehaote", "Hohhot"), ("Wulumuqi", "Urumqi"), ("Kashi", "Kashgar"), ("Xigaze", "Shigatse")]:
        assert alias not in CITIES
        assert alias in CITY_ALIASES[key]
    assert "Hainan" not in CITIES  # the province, not Qinghai's prefecture


def test_keys_are_bare_names() -> None:
    for city in CITIES:
        if city != "Hainan Tibetan Autonomous Prefecture":
            assert " " not in city, city
            assert city[0].isupper() and not city.endswith(("City", "Prefecture", "League")), city


def test_provinces_and_national_words_unchanged() -> None:
    assert len(PROVINCES) == 34
    assert PROVINCES["Liaoning"].search("in Liaoning Province") and PROVINCES["Liaoning"].search("辽宁省")
    assert not PROVINCES["Jilin"].search("Jiling")
    assert NATIONAL_WORDS.search("nationwide") and NATIONAL_WORDS.search("全国")


# --- find_places ------------------------------------------------------------------------------------------


def test_ports_sentence() -> None:
    text = "Liaoning has six ports, including Dalian, Yingkou, Dandong, Jinzhou, Panjin and Huludao"
    expected = [Place("Liaoning", "province", 0, 8)] + [
        Place(city, "city", text.index(city), text.index(city) + len(city))
        for city in ("Dalian", "Yingkou", "Dandong", "Jinzhou", "Panjin", "Huludao")
    ]
    assert find_places(text) == expected
    assert [p.start for p in expected] == [0, 34, 42, 51, 60, 69, 80]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Shenyang-based Siasun", [("Shenyang", "city", "Shenyang")]),
        ("Dalian's GDP", [("Dalian", "city", "Dalian")]),
        ("Dalian City and Shenyang city", [("Dalian", "city", "Dalian City"), ("Shenyang", "city", "Shenyang city")]),
        ("in Xi'an", [("Xi'an", "city", "Xi'an")]),
        ("in Xi’an", [("Xi'an", "city", "Xi’an")]),
        ("Hohhot, Huhehaote", [("Hohhot", "city", "Hohhot"), ("Hohhot", "city", "Huhehaote")]),
        ("Kashgar and Kashi", [("Kashgar", "city", "Kashgar"), ("Kashgar", "city", "Kashi")]),
        ("Shigatse or Xigaze", [("Shigatse", "city", "Shigatse"), ("Shigatse", "city", "Xigaze")]),
        ("Xilin Gol League", [("Xilingol", "city", "Xilin Gol League")]),
        ("Da Hinggan Ling", [("Daxing'anling", "city", "Da Hinggan Ling")]),
        (
            "Yanbian Korean Autonomous Prefecture",
            [("Yanbian", "city", "Yanbian Korean Autonomous Prefecture")],
        ),
        (
            "Honghe Hani and Yi Autonomous Prefecture",
            [("Honghe", "city", "Honghe Hani and Yi Autonomous Prefecture")],
        ),
        ("Liaoning Province", [("Liaoning", "province", "Liaoning Province")]),
        (
            "Guangxi Zhuang Autonomous Region",
            [("Guangxi", "province", "Guangxi Zhuang Autonomous Region")],
        ),
        ("Xizang", [("Tibet", "province", "Xizang")]),
        ("辽宁省", [("Liaoning", "province", "辽宁")]),
    ],
)
def test_mentions(text: str, found: list[tuple[str, str, str]]) -> None:
    assert spans(text) == found


def test_province_and_city_of_one_name() -> None:
    assert spans("Jilin City, in Jilin Province, and Jilin") == [
        ("Jilin", "city", "Jilin City"),
        ("Jilin", "province", "Jilin Province"),
        ("Jilin", "province", "Jilin"),
    ]
    assert spans("Hainan and Hainan Tibetan Autonomous Prefecture") == [
        ("Hainan", "province", "Hainan"),
        ("Hainan Tibetan Autonomous Prefecture", "city", "Hainan Tibetan Autonomous Prefecture"),
    ]


def test_chaoyang_is_the_liaoning_city_but_not_a_district() -> None:
    assert spans("Dandong, Jinzhou and Chaoyang") == [
        ("Dandong", "city", "Dandong"),
        ("Jinzhou", "city", "Jinzhou"),
        ("Chaoyang", "city", "Chaoyang"),
    ]
    assert CITIES["Chaoyang"] == "Liaoning"
    assert spans("Beijing's Chaoyang District") == [("Beijing", "province", "Beijing")]
    assert spans("Jinzhou District of Dalian") == [("Dalian", "city", "Dalian")]


@pytest.mark.parametrize(
    "text",
    [
        "Dalianese Dalians Shenyangs",  # a name inside a longer word
        "Liaoningese",
        "yingkou, fuxin and dalian",  # lower case
        "an aba, a dali tree, to shanghai a sailor, siping",  # English words that are names capitalised
        "Muhammad Ali",  # Ngari only as "Ali Prefecture"
        "Nanjing Road and Zhongshan Square",  # streets elsewhere
        "Hami melons and Pu'er tea",
    ],
)
def test_no_false_matches(text: str) -> None:
    assert find_places(text) == []


def test_inner_words_and_overlaps() -> None:
    assert spans("Ma'anshan and Anshan") == [("Ma'anshan", "city", "Ma'anshan"), ("Anshan", "city", "Anshan")]
    assert spans("Jinzhong, Jinzhou") == [("Jinzhong", "city", "Jinzhong"), ("Jinzhou", "city", "Jinzhou")]
    assert spans("Dali and Dalian") == [("Dali", "city", "Dali"), ("Dalian", "city", "Dalian")]
    places = find_places("Inner Mongolia's Hohhot, Xilingol League, Hulunbuir City and Ordos")
    assert all(a.end <= b.start for a, b in pairwise(places))
    assert [p.name for p in places] == ["Inner Mongolia", "Hohhot", "Xilingol", "Hulunbuir", "Ordos"]


def test_every_key_and_alias_is_found_as_itself() -> None:
    for city, aliases in CITY_ALIASES.items():
        for form in (city, *aliases):
            text = f"{form} City" if form in PROVINCES else form
            assert [(p.name, p.kind, p.start) for p in find_places(f"In {text}, output rose.")] == [
                (city, "city", 3)
            ], form
    for province in PROVINCES:
        assert [(p.name, p.kind) for p in find_places(f"In {province}, output rose.")] == [(province, "province")]


def test_sample_regions_are_found() -> None:
    """Every city and province the gold figures of the samples give as a region is named in the release text."""
    cities_given = set()
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        gold = Release.from_json(path.with_suffix(".json").read_text(encoding="utf-8"), text=text)
        regions = {r.strip() for f in gold.figures for r in f.region.split(",")}
        places = find_places(text)
        assert {p.name for p in places if p.kind == "city"} >= regions & set(CITIES), path.name
        assert {p.name for p in places if p.kind == "province"} >= regions & set(PROVINCES), path.name
        cities_given |= regions & set(CITIES)
    assert cities_given >= {"Shenyang", "Dalian", "Dandong", "Benxi", "Liaoyang"}
