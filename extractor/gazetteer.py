"""Place names: China's provincial-level divisions (English, as the contract writes regions).

Prefecture-level cities are added with the accuracy work; national words mark figures for China.
"""

from __future__ import annotations

import re

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
NATIONAL_WORDS = re.compile(
    r"\b(?:national(?:ly)?|nationwide|the country|the whole country|China's|all of China)\b|全国", re.IGNORECASE
)
