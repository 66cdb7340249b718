"""Read a release file (.txt, .md, .html) into text, whatever encoding a Chinese site used.

The text returned here is "the release text as read": spans index into it and its SHA-256
gives the release id. Line endings are normalised to LF; nothing else is changed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from extractor.errors import InputError
from schemas import release_id_of

SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_BYTES = 5 * 1024 * 1024
"""A press release is a few pages; a file this large is a dump or a scrape gone wrong."""
_HTML_SUFFIXES = (".html", ".htm")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DROPPED_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg")
_BLOCK_TAGS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "table", "ul", "ol", "blockquote", "pre", "title",
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    """A release as read: its text, where it came from, and its contract id."""

    text: str
    name: str
    path: Path | None = None

    @property
    def release_id(self) -> str:
        """First 16 hex digits of the SHA-256 of the text."""
        return release_id_of(self.text)

    @property
    def plain(self) -> str:
        """The text with no-break spaces as spaces: what the rules read (same length, so spans hold)."""
        return self.text.replace("\u00a0", " ")


def read_release(path: Path) -> Source:
    """Read one release file; raise `InputError` with the reason when it is not usable text."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{path}: {size / 1024 / 1024:.1f} MB is far larger than a press release "
                f"(limit {MAX_BYTES // 1024 // 1024} MB); split it into releases first"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    is_html = path.suffix.lower() in _HTML_SUFFIXES or _looks_like_html(data)
    text = decode(data, name=str(path), html=is_html)
    if is_html:
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{path}: the release has no text (the file is empty or whitespace only)")
    return Source(text=text, name=path.stem, path=path)


def decode(data: bytes, name: str = "<bytes>", html: bool = False) -> str:
    """Decode release bytes: UTF-8 (with or without BOM), a declared HTML charset, or GB18030."""
    if not data.strip():
        raise InputError(f"{name}: the release has no text (the file is empty or whitespace only)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if _looks_binary(data):
        raise InputError(f"{name}: this is a binary file, not a text or HTML release")
    candidates = ["utf-8"]
    if html and (match := _META_CHARSET.search(data[:4096])):
        candidates.append(match.group(1).decode("ascii").lower())
    candidates.append("gb18030")  # a superset of GBK and GB2312, what Chinese sites use
    for encoding in candidates:
        try:
            return data.decode(_canonical(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(f"{name}: the text is neither UTF-8 nor GB18030/GBK; convert it to UTF-8 first")


def html_to_text(markup: str) -> str:
    """The readable text of an HTML page: scripts, styles and navigation dropped, blocks on lines."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(_DROPPED_TAGS):
        tag.decompose()
    for tag in soup(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _canonical(encoding: str) -> str:
    return "gb18030" if encoding in {"gbk", "gb2312", "gb_2312-80", "cp936"} else encoding


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls / len(sample) > 0.05
