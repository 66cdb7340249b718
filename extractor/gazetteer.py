"""Place names: China's provincial- and prefecture-level divisions (English, as the contract writes regions).

``PROVINCES`` has the 34 provincial-level divisions (the four municipalities among them) and ``NATIONAL_WORDS``
marks figures for China. ``CITIES`` has the 333 prefecture-level divisions (293 prefecture-level cities,
7 prefectures, 3 leagues and 30 autonomous prefectures, as of 2024), each with its province, and
``find_places`` finds the cities and provinces a text names.

Names are written as the contract writes regions: pinyin without spaces or tones and without a "City" or
"Prefecture" suffix (``Dalian``, ``Huludao``), except where English has a conventional name (``Hohhot``,
``Urumqi``, ``Lhasa``, ``Harbin``, ``Ordos``, ``Kashgar``, ``Shigatse``), with the apostrophe pinyin puts
between syllables (``Xi'an``, ``Ma'anshan``). Autonomous prefectures and leagues are keyed by their short
name (``Yanbian``, ``Xilingol``); ``find_places`` also takes their long form ("Yanbian Korean Autonomous
Prefecture"). Other spellings (``Kashi``, ``Xigaze``, ``Huhehaote``) are aliases that ``find_places`` reports
under the key.

Choices:

* Five pinyin names belong to two cities each: Suzhou (Jiangsu, Anhui), Taizhou (Jiangsu, Zhejiang), Fuzhou
  (Fujian, Jiangxi), Yichun (Heilongjiang, Jiangxi) and Yulin (Guangxi, Shaanxi). ``CITY_PROVINCES`` gives
  every province of a name and ``CITIES_BY_PROVINCE`` lists such a city under both; ``CITIES`` gives the
  province that comes first in administrative-code order (Suzhou: Jiangsu, Taizhou: Jiangsu, Fuzhou:
  Fujian, Yichun: Heilongjiang, Yulin: Guangxi).
* Jilin is a province and a city: a bare "Jilin" is the province, "Jilin City" the city (key ``Jilin``).
* Qinghai's Hainan Tibetan Autonomous Prefecture is keyed by that long form, so that ``CITIES`` never
  answers "Hainan" (the province); ``find_places`` takes it only as that or "Hainan Prefecture".
* Ngari is found as "Ngari" or "Ali Prefecture", never as the bare (personal) name "Ali".
* ``Chaoyang`` is the Liaoning city, though Beijing (and Changchun) have a Chaoyang District.
* A name followed by "District" or "County" is a district or county of that name, not the prefecture
  (Dalian's Jinzhou District, Beijing's Chaoyang District, Shanghai's Baoshan District), and one followed by
  "Road", "Street", "Avenue", "Square" or "Park" is a street or place in another city (Shanghai's Nanjing
  Road, Dalian's Zhongshan Square): neither is a mention. Nor are "Hami melon", "Pu'er tea", "Lhasa Apso".
* Matching is case-sensitive: a name is found only capitalised. The names that are also English words
  are rare lower-case ones (Webster's word list has aba, dali, hami, kashi and siping, and shanghai, macao
  and tibet among the provinces; "to shanghai" someone), so the capital letter tells them apart.
* ``find_places`` also takes "Xizang" (Tibet) and "Macau" (Macao), and Chinese characters for provinces
  (as ``PROVINCES`` does) but not for cities.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

_PROVINCES = (
    "Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou", "Hainan",
    "Hebei", "Heilongjiang", "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu", "Jiangxi", "Jilin",
    "Liaoning", "Ningxia", "Qinghai", "Shaanxi", "Shandong", "Shanghai", "Shanxi", "Sichuan", "Tianjin",
    "Tibet", "Xinjiang", "Yunnan", "Zhejiang", "Hong Kong", "Macao", "Taiwan",
)  # fmt: skip
_CHINESE = {
    "Anhui": "安徽", "Beijing": "北京", "Chongqing": "重庆", "Fujian": "福建", "Gansu": "甘肃",
    "Guangdong": "广东", "Guangxi": "广西", "Guizhou": "贵州", "Hainan": "海南", "Hebei": "河北",
    "Heilongjiang": "黑龙江", "Henan": "河南", "Hubei": "湖北", "Hunan": "湖南", "Inner Mongolia": "内蒙古",
    "Jiangsu": "江苏", "Jiangxi": "江西", "Jilin": "吉林", "Liaoning": "辽宁", "Ningxia": "宁夏",
    "Qinghai": "青海", "Shaanxi": "陕西", "Shandong": "山东", "Shanghai": "上海", "Shanxi": "山西",
    "Sichuan": "四川", "Tianjin": "天津", "Tibet": "西藏", "Xinjiang": "新疆", "Yunnan": "云南",
    "Zhejiang": "浙江", "Hong Kong": "香港", "Macao": "澳门", "Taiwan": "台湾",
}  # fmt: skip

PROVINCES: dict[str, re.Pattern[str]] = {
    name: re.compile(rf"\b{re.escape(name)}\b|{_CHINESE[name]}") for name in _PROVINCES
}
CAPITALS: Mapping[str, str] = MappingProxyType({
    "Anhui": "Hefei", "Fujian": "Fuzhou", "Gansu": "Lanzhou", "Guangdong": "Guangzhou", "Guangxi": "Nanning",
    "Guizhou": "Guiyang", "Hainan": "Haikou", "Hebei": "Shijiazhuang", "Heilongjiang": "Harbin",
    "Henan": "Zhengzhou", "Hubei": "Wuhan", "Hunan": "Changsha", "Inner Mongolia": "Hohhot", "Jiangsu": "Nanjing",
    "Jiangxi": "Nanchang", "Jilin": "Changchun", "Liaoning": "Shenyang", "Ningxia": "Yinchuan",
    "Qinghai": "Xining", "Shaanxi": "Xi'an", "Shandong": "Jinan", "Shanxi": "Taiyuan", "Sichuan": "Chengdu",
    "Tibet": "Lhasa", "Xinjiang": "Urumqi", "Yunnan": "Kunming", "Zhejiang": "Hangzhou",
})  # fmt: skip
"""The capital city of each province ("the provincial capital"); municipalities and SARs have none."""
PROVINCE_WORDS = re.compile(r"\b(?:the|our|this|whole|entire)\s+province\b|\bprovincial\b(?!\s+capital)", re.I)
"""Words for the province a release is about ("the province's", "provincial"), not "the provincial capital"."""
NATIONAL_WORDS = re.compile(
    r"\b(?:national(?:ly)?|nationwide|the country|the whole country|China's|all of China)\b|全国", re.IGNORECASE
)


# Prefecture-level divisions by province, in administrative-code order: "Key = Alias = ..." with "(prefecture)",
# "(league)" or "(AP)" (autonomous prefecture) after the ones that are not prefecture-level cities.
_TABLE = """
Hebei: Shijiazhuang, Tangshan, Qinhuangdao, Handan, Xingtai, Baoding, Zhangjiakou, Chengde, Cangzhou, Langfang,
    Hengshui
Shanxi: Taiyuan, Datong, Yangquan, Changzhi, Jincheng, Shuozhou, Jinzhong, Yuncheng, Xinzhou, Linfen,
    Luliang = Lvliang = Lyuliang = Lüliang
Inner Mongolia: Hohhot = Huhehaote, Baotou, Wuhai, Chifeng, Tongliao, Ordos = Eerduosi, Hulunbuir = Hulunbeier,
    Bayannur = Bayannaoer, Ulanqab = Wulanchabu, Hinggan = Xing'an (league), Xilingol = Xilin Gol (league),
    Alxa = Alashan (league)
Liaoning: Shenyang, Dalian, Anshan, Fushun, Benxi, Dandong, Jinzhou, Yingkou, Fuxin, Liaoyang, Panjin, Tieling,
    Chaoyang, Huludao
Jilin: Changchun, Jilin, Siping, Liaoyuan, Tonghua, Baishan, Songyuan, Baicheng, Yanbian (AP)
Heilongjiang: Harbin, Qiqihar = Qiqihaer, Jixi, Hegang, Shuangyashan, Daqing, Yichun, Jiamusi, Qitaihe, Mudanjiang,
    Heihe, Suihua, Daxing'anling = Daxinganling = Da Hinggan Ling (prefecture)
Jiangsu: Nanjing, Wuxi, Xuzhou, Changzhou, Suzhou, Nantong, Lianyungang, Huai'an = Huaian, Yancheng, Yangzhou,
    Zhenjiang, Taizhou, Suqian
Zhejiang: Hangzhou, Ningbo, Wenzhou, Jiaxing, Huzhou, Shaoxing, Jinhua, Quzhou, Zhoushan, Taizhou, Lishui
Anhui: Hefei, Wuhu, Bengbu, Huainan, Ma'anshan = Maanshan, Huaibei, Tongling, Anqing, Huangshan, Chuzhou, Fuyang,
    Suzhou, Lu'an, Bozhou, Chizhou, Xuancheng
Fujian: Fuzhou, Xiamen, Putian, Sanming, Quanzhou, Zhangzhou, Nanping, Longyan, Ningde
Jiangxi: Nanchang, Jingdezhen, Pingxiang, Jiujiang, Xinyu, Yingtan, Ganzhou, Ji'an, Yichun, Fuzhou, Shangrao
Shandong: Jinan, Qingdao, Zibo, Zaozhuang, Dongying, Yantai, Weifang, Jining, Tai'an = Taian, Weihai, Rizhao, Linyi,
    Dezhou, Liaocheng, Binzhou, Heze
Henan: Zhengzhou, Kaifeng, Luoyang, Pingdingshan, Anyang, Hebi, Xinxiang, Jiaozuo, Puyang, Xuchang, Luohe,
    Sanmenxia, Nanyang, Shangqiu, Xinyang, Zhoukou, Zhumadian
Hubei: Wuhan, Huangshi, Shiyan, Yichang, Xiangyang = Xiangfan, Ezhou, Jingmen, Xiaogan, Jingzhou, Huanggang,
    Xianning, Suizhou, Enshi (AP)
Hunan: Changsha, Zhuzhou, Xiangtan, Hengyang, Shaoyang, Yueyang, Changde, Zhangjiajie, Yiyang, Chenzhou, Yongzhou,
    Huaihua, Loudi, Xiangxi (AP)
Guangdong: Guangzhou, Shaoguan, Shenzhen, Zhuhai, Shantou, Foshan, Jiangmen, Zhanjiang, Maoming, Zhaoqing, Huizhou,
    Meizhou, Shanwei, Heyuan, Yangjiang, Qingyuan, Dongguan, Zhongshan, Chaozhou, Jieyang, Yunfu
Guangxi: Nanning, Liuzhou, Guilin, Wuzhou, Beihai, Fangchenggang, Qinzhou, Guigang, Yulin, Baise, Hezhou, Hechi,
    Laibin, Chongzuo
Hainan: Haikou, Sanya, Sansha, Danzhou
Sichuan: Chengdu, Zigong, Panzhihua, Luzhou, Deyang, Mianyang, Guangyuan, Suining, Neijiang, Leshan, Nanchong,
    Meishan, Yibin, Guang'an = Guangan, Dazhou, Ya'an = Yaan, Bazhong, Ziyang, Aba = Ngawa (AP),
    Garze = Ganzi (AP), Liangshan (AP)
Guizhou: Guiyang, Liupanshui, Zunyi, Anshun, Bijie, Tongren, Qianxinan (AP), Qiandongnan (AP), Qiannan (AP)
Yunnan: Kunming, Qujing, Yuxi, Baoshan, Zhaotong, Lijiang, Pu'er = Puer, Lincang, Chuxiong (AP), Honghe (AP),
    Wenshan (AP), Xishuangbanna (AP), Dali (AP), Dehong (AP), Nujiang (AP), Diqing (AP)
Tibet: Lhasa, Shigatse = Xigaze = Rikaze, Chamdo = Qamdo = Changdu, Nyingchi = Linzhi, Shannan = Lhoka,
    Nagqu = Naqu, Ngari = Ali Prefecture (prefecture)
Shaanxi: Xi'an, Tongchuan, Baoji, Xianyang, Weinan, Yan'an, Hanzhong, Yulin, Ankang, Shangluo
Gansu: Lanzhou, Jiayuguan, Jinchang, Baiyin, Tianshui, Wuwei, Zhangye, Pingliang, Jiuquan, Qingyang, Dingxi,
    Longnan, Linxia (AP), Gannan (AP)
Qinghai: Xining, Haidong, Haibei (AP), Huangnan (AP), Hainan Tibetan Autonomous Prefecture = Hainan Prefecture (AP),
    Golog = Guoluo (AP), Yushu (AP), Haixi (AP)
Ningxia: Yinchuan, Shizuishan, Wuzhong, Guyuan, Zhongwei
Xinjiang: Urumqi = Wulumuqi, Karamay = Kelamayi, Turpan = Turfan = Tulufan, Hami = Kumul, Aksu (prefecture),
    Kashgar = Kashi (prefecture), Hotan = Hetian = Khotan (prefecture), Tacheng (prefecture),
    Altay = Aletai (prefecture), Changji (AP), Bortala (AP), Bayingolin = Bayingol (AP), Kizilsu (AP),
    Ili = Yili (AP)
"""
_TYPES = {"": "city", "prefecture": "prefecture", "league": "league", "AP": "autonomous prefecture"}
_ENTRY = re.compile(r"(?P<names>[^(]+?)\s*(?:\((?P<type>\w+)\))?")
_PROVINCE_ALIASES = {"Xizang": "Tibet", "Macau": "Macao"}  # spellings find_places also takes


def _parse_table(table: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str], dict[str, tuple[str, ...]]]:
    """Cities by province, each name's division type and each name's aliases, from ``_TABLE``."""
    by_province: dict[str, tuple[str, ...]] = {}
    types: dict[str, str] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    for block in re.split(r"\n(?=\S)", table.strip()):
        province, _, rest = block.partition(":")
        if province not in PROVINCES or province in by_province:
            raise ValueError(f"gazetteer table: bad province {province!r}")
        names = []
        for entry in " ".join(rest.split()).split(","):
            match = _ENTRY.fullmatch(entry.strip())
            if not match or (match["type"] or "") not in _TYPES:
                raise ValueError(f"gazetteer table: bad entry {entry!r} under {province}")
            name, *others = (n.strip() for n in match["names"].split("="))
            if name in names:
                raise ValueError(f"gazetteer table: {name} twice under {province}")
            names.append(name)
            types[name] = _TYPES[match["type"] or ""]
            aliases[name] = tuple(dict.fromkeys((*aliases.get(name, ()), *others)))
        by_province[province] = tuple(names)
    return by_province, types, aliases


_BY_PROVINCE, _DIVISION_TYPES, _ALIASES = _parse_table(_TABLE)

CITIES_BY_PROVINCE: Mapping[str, tuple[str, ...]] = MappingProxyType(_BY_PROVINCE)
"""Province -> its prefecture-level divisions, in administrative-code order (a shared name under each)."""
CITY_PROVINCES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {city: tuple(p for p, cities in _BY_PROVINCE.items() if city in cities) for city in _DIVISION_TYPES}
)
"""City -> every province with a prefecture-level division of that name (two for Suzhou, Taizhou, ...)."""
CITIES: Mapping[str, str] = MappingProxyType({city: provinces[0] for city, provinces in CITY_PROVINCES.items()})
"""City -> province; for a name two provinces share, the first in administrative-code order."""
DIVISION_TYPES: Mapping[str, str] = MappingProxyType(_DIVISION_TYPES)
"""City -> "city", "prefecture", "league" or "autonomous prefecture"."""
CITY_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(_ALIASES)
"""City -> the other spellings ``find_places`` takes for it (``Kashgar``: ``Kashi``)."""


@dataclass(frozen=True, slots=True)
class Place:
    """A city or province a text names: its key in ``CITIES`` or ``PROVINCES`` and the span of the mention."""

    name: str
    kind: Literal["city", "province"]
    start: int
    end: int


def _surfaces() -> dict[str, tuple[str, Literal["city", "province"]]]:
    """Every written form find_places matches -> (key, kind); forms are unique."""
    forms: dict[str, tuple[str, Literal["city", "province"]]] = {p: (p, "province") for p in PROVINCES}
    forms |= {alias: (p, "province") for alias, p in _PROVINCE_ALIASES.items()}
    for city, others in _ALIASES.items():
        for form in (city, *others):
            # A city named like a province ("Jilin") is the city only as "Jilin City".
            written = (f"{form} City", f"{form} city") if form in forms and forms[form][1] == "province" else (form,)
            for w in written:
                if forms.setdefault(w, (city, "city")) != (city, "city"):
                    raise ValueError(f"gazetteer: {w!r} names both {forms[w][0]} and {city}")
    return forms


def _form_pattern(form: str) -> str:
    return r"\s+".join(re.escape(word).replace("'", "['’]") for word in form.split())


def _normal(surface: str) -> str:
    return " ".join(surface.replace("’", "'").split())


_FORMS = _surfaces()
_PLACE = re.compile(
    r"\b(?:" + "|".join(_form_pattern(f) for f in sorted(_FORMS, key=len, reverse=True)) + r")\b"
    r"|" + "|".join(_CHINESE[p] for p in sorted(_CHINESE, key=lambda p: len(_CHINESE[p]), reverse=True))
)
_FROM_CHINESE = {zh: p for p, zh in _CHINESE.items()}
# What makes a name a street, district, county or product rather than a mention of the place.
_NOT_THE_PLACE = re.compile(
    r"\s+(?:(?:East|West|North|South|Middle|Central)\s+)?(?:Road|Street|Avenue|Lu|Square|Park)\b"
    r"|\s+(?:[Dd]istrict|[Cc]ounty|melons?|tea|Apso)\b"
)
# Suffixes a mention may carry; they belong to its span.
_CITY_SUFFIX = re.compile(
    r"\s+(?:[Cc]ity|[Pp]refecture|[Ll]eague)\b"
    r"|(?:\s+[A-Z][a-z]+(?:\s+and\s+[A-Z][a-z]+)?)?\s+Autonomous\s+Prefecture\b"
)
_PROVINCE_SUFFIX = re.compile(
    r"\s+[Pp]rovince\b|(?:\s+[A-Z][a-z]+)?\s+Autonomous\s+Region\b"
    r"|\s+Special\s+Administrative\s+Region\b|\s+SAR\b|\s+[Mm]unicipality\b"
)


def find_places(text: str) -> list[Place]:
    """Every city and province ``text`` names, in order, without overlaps.

    Names match capitalised, on word boundaries ("Dalian's", "Shenyang-based"), the longest name first
    ("Jilin City" is the city, "Jilin" the province); a mention's span takes a suffix it has ("Dalian City",
    "Yanbian Korean Autonomous Prefecture", "Liaoning Province"). Aliases are reported under their key
    ("Kashi" as ``Kashgar``). A name followed by "District", "County", "Road" and the like is not a mention.
    """
    places: list[Place] = []
    position = 0
    while match := _PLACE.search(text, position):
        position = match.end()
        surface = match.group()
        if surface in _FROM_CHINESE:
            places.append(Place(_FROM_CHINESE[surface], "province", match.start(), match.end()))
            continue
        if _NOT_THE_PLACE.match(text, match.end()):
            continue
        name, kind = _FORMS[_normal(surface)]
        suffix = (_CITY_SUFFIX if kind == "city" else _PROVINCE_SUFFIX).match(text, match.end())
        if suffix:
            position = suffix.end()
        places.append(Place(name, kind, match.start(), position))
    return places
