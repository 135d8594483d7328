"""The parts of an HTML page: the body's blocks (table rows with their cells' own lines), the page's own
``<header>`` / ``<footer>`` outside ``<main>``/``<article>`` kept apart, and ``<title>`` / ``<meta>`` strings.

Why apart: the page header is site chrome for the index but is where a stamp may stand, so the secrecy check
reads it while the body leaves it out. One line per block element, table rows as ``a | b | c``.
"""

from __future__ import annotations

import re
from typing import Any

from core.extracted_text import ExtractedText, TextBlock

_DROP_TAGS = ["script", "style", "nav", "noscript", "template", "iframe", "svg", "button"]
_BLOCK_TAGS = [
    "p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2", "h3", "h4", "h5",
    "h6", "li", "ul", "ol", "table", "thead", "tbody", "tfoot", "caption", "blockquote", "pre", "dl", "dt",
    "dd", "figure", "figcaption", "address", "center", "hr", "form", "fieldset", "tr",
]  # fmt: skip
_ROW_MARK = re.compile(r"\x00(\d+)\x00")
_META_NAMES = ("keywords", "description", "subject", "classification", "dc.title", "dc.subject")


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.split()]


def _blocks(fragment: Any, rows: list[TextBlock]) -> list[TextBlock]:
    """Blocks of a (detached) fragment; rows are replaced by markers, innermost first, and looked up."""
    for br in fragment.find_all("br"):
        br.replace_with("\n")
    for block in fragment.find_all(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    table_ids: dict[int, int] = {}
    for row in reversed(fragment.find_all("tr")):
        table = id(row.find_parent("table"))
        table_id = table_ids.setdefault(table, len(rows) + 1)
        cells = []
        for cell in row.find_all(["td", "th"], recursive=False):
            text = _ROW_MARK.sub(lambda m: rows[int(m.group(1))].text, cell.get_text())
            cells.append("\n".join(_lines(text)))
        rows.append(TextBlock.row(cells, table=table_id))
        row.replace_with(f"\n\x00{len(rows) - 1}\x00\n")
    out = []
    for line in _lines(fragment.get_text()):
        mark = _ROW_MARK.fullmatch(line)
        if mark:
            if rows[int(mark.group(1))].text:
                out.append(rows[int(mark.group(1))])
        else:
            out.append(TextBlock(_ROW_MARK.sub(lambda m: rows[int(m.group(1))].text, line)))
    return out


def _metadata(soup: Any) -> dict[str, str]:
    out = {}
    if soup.title and soup.title.get_text(strip=True):
        out["title"] = soup.title.get_text(" ", strip=True)
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or meta.get("property") or meta.get("http-equiv") or "").strip()
        content = str(meta.get("content") or "").strip()
        if content and (name.casefold() in _META_NAMES or "mat" in name.casefold() or "mật" in name.casefold()):
            out[name] = content
    return out


def html_parts(markup: str) -> ExtractedText:
    """The page's parts: body blocks, page headers/footers outside the article, and its metadata strings."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    metadata = _metadata(soup)
    for tag in soup(_DROP_TAGS + ["head"]):
        tag.decompose()
    rows: list[TextBlock] = []
    headers: list[TextBlock] = []
    footers: list[TextBlock] = []
    for tag in soup(["header", "footer"]):
        if not tag.find_parent(["main", "article", "header", "footer"]):
            into = headers if tag.name == "header" else footers
            into.extend(_blocks(tag.extract(), rows))
    return ExtractedText(body=_blocks(soup, rows), headers={"page": headers} if headers else {},
                         footers={"page": footers} if footers else {}, metadata=metadata)


def html_text(markup: str) -> str:
    """Visible text of an HTML page's body, one line per block element, table rows as ``a | b | c``."""
    return html_parts(markup).body_text()
