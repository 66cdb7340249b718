"""Where code places a figure: a city the text puts it in, an organisation's home city, a list of cities."""

from __future__ import annotations

from extractor.gazetteer import CAPITALS, CITIES
from extractor.numerals import find_figures
from extractor.pipeline import assemble_pieces, pieces_of
from extractor.regions import listed_cities, national_whole, sentence_cities
from extractor.release_context import ReleaseContext
from extractor.sentences import split_sentences

STORY = (
    "Zhejiang's digital economy keeps growing.\n\n"
    "Founded in 1999 in Hangzhou, Hikvision Digital Technology makes cameras.\n\n"
    "The company employs over 58,000 people.\n\n"
    "Its revenue rose 3.5 percent last year.\n\n"
    "Zhejiang's industrial value added grew 6.0 percent.\n\n"
    "Hikvision exports to 150 countries.\n\n"
    "Output in Ningbo rose 4.1 percent, and output in Wenzhou 5.2 percent.\n\n"
    "Industrial investment rose 9 percent.\n"
)


def _placed(text: str, province: str) -> dict[str, str]:
    cities = sentence_cities(split_sentences(text), province)
    return {s.text: cities[s.start] for s in split_sentences(text) if s.start in cities}


def test_an_organisation_carries_its_home_city_while_the_text_goes_on_about_it() -> None:
    placed = _placed(STORY, "Zhejiang")
    assert placed == {
        "Founded in 1999 in Hangzhou, Hikvision Digital Technology makes cameras.": "Hangzhou",
        "The company employs over 58,000 people.": "Hangzhou",
        "Its revenue rose 3.5 percent last year.": "Hangzhou",
        "Hikvision exports to 150 countries.": "Hangzhou",  # its short name, stated home
    }  # the province's sentence ends it; two cities place no sentence; a plain sentence is the province's


def test_a_bare_city_does_not_carry_to_a_sentence_that_does_not_refer_back() -> None:
    text = "Suzhou's output rose 5%. Jiangsu's investment rose 3%. Exports rose 2%.\nIts exports rose 4%."
    assert _placed(text, "Jiangsu") == {"Suzhou's output rose 5%.": "Suzhou"}


def test_home_from_the_name_acronym_and_capital() -> None:
    text = (
        "The Wuhan East Lake High-tech Zone (ELHTZ) added 1,200 firms.\n"
        "In 2023, ELHTZ revenue rose 12 percent.\n"
        "Hubei's GDP grew 6 percent.\n"
        "A carmaker opened a plant in the provincial capital with 5 billion yuan.\n"
    )
    assert set(_placed(text, "Hubei").values()) == {"Wuhan"}
    assert len(_placed(text, "Hubei")) == 3
    assert all(CAPITALS[province] in CITIES for province in CAPITALS)


def test_examples_comparisons_and_other_provinces_place_nothing() -> None:
    text = (
        "Among them, 264 key enterprises such as Xuzhou Construction Machinery grew over 10%.\n"
        "The zone held one-fifth of the province's trade.\n"
        "At a fair held in Beijing, Sany showed 30 machines.\n"
    )
    assert _placed(text, "Jiangsu") == {}


def test_a_national_release_places_no_city() -> None:
    assert sentence_cities(split_sentences("Shenzhen's GDP grew 5%."), "China") == {}


def test_listed_cities_and_a_national_whole() -> None:
    assert listed_cities("Wuxi, Changzhou, and Nantong each grew more than ", "Jiangsu") == "Wuxi, Changzhou, Nantong"
    assert listed_cities("Wuxi and Changzhou both grew ", "Jiangsu") == "Wuxi, Changzhou"
    assert listed_cities("Wuxi and Hefei both grew ", "Jiangsu") is None  # Hefei is in Anhui
    assert listed_cities("Wuxi grew ", "Jiangsu") is None
    assert national_whole("home to 35 of the ", " industrial categories in China")
    assert national_whole("covers 90 of all ", " product classes across the country.")
    assert not national_whole("exported to ", " countries in Asia")
    assert not national_whole("35 of the ", " cities of Jiangsu")


def test_assembled_regions() -> None:
    context = ReleaseContext(title=None, published="2024-07-20", region="Jiangsu", period_start=None, period_end=None)
    text = (
        "Suzhou-based Hengtong Group invested 2 billion yuan in a new plant.\n"
        "Nanjing, Wuxi and Suzhou each grew over 8 percent.\n"
        "The province is home to 41 of the 41 industrial categories in China.\n"
    )
    regions = [(f.surface, f.region) for f in assemble_pieces(pieces_of(text, "Jiangsu"), {}, context)]
    assert regions == [("2", "Suzhou"), ("8", "Nanjing, Wuxi, Suzhou"), ("41", "Jiangsu"), ("41", "China")]
    assert [f.surface for f in find_figures(text)] == ["2", "8", "41", "41"]


def test_a_national_release_and_the_provinces_it_names() -> None:
    from extractor.release_context import main_region

    bulletin = (
        "Nationwide, industrial output rose 4.6%. The national economy kept recovering across the country. "
        "Guangdong's output rose 4.2%, while Jiangsu registered growth of 7.0%, 2.9 percentage points above "
        "the national level."
    )
    assert main_region(bulletin) == "China"
    assert main_region("Jiangsu's output rose 7.8%. The province's exports grew 2.6%, above the national level.") == (
        "Jiangsu"
    )
    context = ReleaseContext(title=None, published="2023-11-15", region="China", period_start=None, period_end=None)
    regions = [(f.surface, f.region) for f in assemble_pieces(pieces_of(bulletin, "China"), {}, context)]
    assert regions == [("4.6", "China"), ("4.2", "Guangdong"), ("7.0", "Jiangsu"), ("2.9", "Jiangsu")]


def test_a_listed_province_is_no_figures_region_and_the_city_refers_back() -> None:
    from extractor.regions import named_province

    assert named_province("enterprises funded by investors from Hong Kong, Macao and Taiwan by ", "China") is None
    assert named_province("while Jiangsu registered growth of ", "China") == "Jiangsu"
    assert named_province("Guangdong's output rose ", "China") == "Guangdong"
    assert named_province("Guangdong's output rose ", "Hunan") is None  # a provincial release keeps its own rules
    text = "In Yibin, battery output rose 60 percent.\nA maker based in the city signed deals worth 12 billion yuan.\n"
    assert set(_placed(text, "Sichuan").values()) == {"Yibin"} and len(_placed(text, "Sichuan")) == 2


def test_a_citys_own_release_is_the_citys() -> None:
    from extractor.release_context import main_region

    text = (
        "Shenzhen's GDP grew 5.1 percent in 2023. The city's exports rose 9 percent, and Shenzhen added "
        "2,000 high-tech firms. Guangdong's output rose 4 percent."
    )
    assert main_region(text) == "Shenzhen"
    assert main_region("Guangdong's output rose 4%. Shenzhen grew 5%, and the province's exports rose 2%.") == (
        "Guangdong"
    )
