"""Reading release files: encodings, HTML, and clear errors for what is not a release."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.reading import read_release
from schemas import release_id_of

TEXT = "辽宁省工业增加值增长5.3%。Industrial value added rose 5.3% year-on-year."


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.txt", TEXT.encode("utf-8")),
        ("utf8-bom.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8")),
        ("gb18030.txt", TEXT.encode("gb18030")),
        ("gbk.md", TEXT.encode("gbk")),
        ("utf16.txt", TEXT.encode("utf-16")),
    ],
    ids=["utf-8", "utf-8 with BOM", "GB18030", "GBK", "UTF-16 with BOM"],
)
def test_encodings(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    source = read_release(path)
    assert source.text == TEXT
    assert source.release_id == release_id_of(TEXT)


def test_crlf_is_normalised(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(b"Title\r\n\r\nOutput rose 5%.\r\n")
    assert read_release(path).text == "Title\n\nOutput rose 5%.\n"


def test_html_keeps_the_article_and_drops_navigation_and_scripts(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html><head><meta charset="gbk"><title>工业 news</title>
    <style>p { color: red }</style><script>var x = "rose 99%";</script></head>
    <body><nav><a href="/">Home</a> <a>Page 2</a></nav>
    <h1>Industry grows</h1><p>Output rose <b>5.3%</b> year-on-year.</p><p>13 cities grew.</p>
    <footer>Copyright 2024 Tel 0086-27-87592219</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gbk"))
    text = read_release(path).text
    assert "Output rose 5.3% year-on-year." in text
    assert "13 cities grew." in text
    assert "Industry grows" in text
    for dropped in ("99%", "Home", "Page 2", "87592219", "color"):
        assert dropped not in text


def test_html_detected_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("<html><body><p>Profit rose 3%.</p><script>x=1</script></body></html>", encoding="utf-8")
    assert read_release(path).text.strip() == "Profit rose 3%."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no text"),
        (b"   \n\t  \n", "no text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (b"<html><body><script>1</script></body></html>", "no text"),
    ],
    ids=["empty", "whitespace", "binary", "html without text"],
)
def test_unusable_input_is_a_clear_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_release(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_release(tmp_path / "nope.txt")


def test_undecodable_bytes_are_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"caf\xe9 \xff\xfe\xfd growth 5%")
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        read_release(path)
