"""State-secret stamps (dấu độ mật): a stamped document must never enter the index.

Only a stamp the document *bears* counts: a line or table cell that holds nothing but "MẬT", "TỐI MẬT" or
"TUYỆT MẬT" (optionally "Độ mật:" before it; any case, decorated with brackets, quotes, asterisks or bars,
letter-spaced, with invisible characters inside) standing in the document's header zone — its page headers,
footers and text boxes, and the opening block before the tên loại / trích yếu — or the "Độ mật" field of a
record. Words inside a sentence ("bí mật nhà nước", "tài liệu tối mật phải được bảo quản") and a "Mật" line
deep in the body (a table of contents, a list) are not stamps and must not block ordinary documents.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from core.documents import Document
from core.extracted_text import TextBlock
from core.vietnamese import normalize_text

# Most specific first: "tối mật" must not be read as "mật".
STAMPS: tuple[str, ...] = ("Tuyệt mật", "Tối mật", "Mật")
# A stamp squeezed (no spaces, no decoration, casefolded), typed with or without diacritics.
_SQUEEZED = {"tuyệtmật": "Tuyệt mật", "tốimật": "Tối mật", "mật": "Mật",
             "tuyetmat": "Tuyệt mật", "toimat": "Tối mật", "mat": "Mật"}
_FIELD_NAMES = {"độmật", "domat"}
_FIELD_PREFIXES = ("độmật", "domat")
# Without a tên loại / trích yếu to end it, the opening block is taken as this many lines.
HEAD_LINES = 40
# A tên loại found this deep does not stretch the zone further (a long document with no heading).
MAX_ZONE_LINES = 300

_DECOR = re.compile(r"[\s*_#|\[\](){}<>«»\"'“”‘’`~=\-–—.:;,!/\\]+")
_LEVEL = r"(tuyệt\s+mật|tối\s+mật|mật)"
# "Độ mật: Tối mật" as a form field; may share a line with "Độ khẩn: …", so only a separator may follow.
_FIELD = re.compile(rf"(?:^|[\s|,;(\[])độ\s+mật\s*[:\-–]\s*{_LEVEL}\s*(?=$|[|,;.)\]])")
_DOC_TYPES = (
    "QUYẾT ĐỊNH", "NGHỊ QUYẾT", "NGHỊ ĐỊNH", "CHỈ THỊ", "THÔNG TƯ", "THÔNG BÁO", "HƯỚNG DẪN", "QUY CHẾ",
    "QUY ĐỊNH", "KẾ HOẠCH", "CHƯƠNG TRÌNH", "PHƯƠNG ÁN", "ĐỀ ÁN", "DỰ ÁN", "BÁO CÁO", "BIÊN BẢN", "TỜ TRÌNH",
    "HỢP ĐỒNG", "CÔNG ĐIỆN", "CÔNG VĂN", "GIẤY MỜI", "GIẤY GIỚI THIỆU", "LUẬT", "BỘ LUẬT", "PHÁP LỆNH",
    "LỆNH", "HIẾN PHÁP", "QUY TRÌNH", "ĐIỀU LỆ", "BẢN GHI NHỚ", "THỎA THUẬN",
)  # fmt: skip
_OPENING_ENDS = re.compile(r"^(v/v\b|về việc\b|kính gửi\b|điều\s+1\b|chương\s+(i|1)\b)", re.IGNORECASE)


def visible(text: str) -> str:
    """NFC text without invisible format characters (zero-width space/joiners, soft hyphen, BOM, bidi marks)."""
    cleaned = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and ch != "\u034f")
    return normalize_text(cleaned)


def _squeeze(text: str) -> str:
    return _DECOR.sub("", visible(text)).casefold()


def stamp_of_line(line: str) -> str | None:
    """The stamp when ``line`` (a line, a table cell, a property value) holds only a stamp, else None."""
    for part in (line, *line.split("|")):
        bare = _squeeze(part)
        for prefix in _FIELD_PREFIXES:
            if bare.startswith(prefix) and bare[len(prefix):] in _SQUEEZED:
                return _SQUEEZED[bare[len(prefix):]]
        if bare in _SQUEEZED:
            return _SQUEEZED[bare]
    field = _FIELD.search(" ".join(visible(line).split()).casefold())
    return _SQUEEZED[_squeeze(field.group(1))] if field else None


def _ends_opening(line: str) -> bool:
    text = " ".join(visible(line).split()).strip(" *_#|-.:")
    if _OPENING_ENDS.match(text):
        return True
    return text.isupper() and any(text == t or text.startswith(t + " ") for t in _DOC_TYPES)


def opening_block(blocks: list[TextBlock]) -> list[TextBlock]:
    """The blocks before (and including) the tên loại / trích yếu; the first HEAD_LINES when there is none."""
    kept = [b for b in blocks if b.text.strip() or b.cells]
    for i, block in enumerate(kept[:MAX_ZONE_LINES]):
        if _ends_opening(block.text):
            return kept[: i + 1]
    return kept[:HEAD_LINES]


def _first_stamp(blocks: Iterable[TextBlock]) -> str | None:
    for block in blocks:
        for line in block.lines():
            stamp = stamp_of_line(line)
            if stamp:
                return stamp
    return None


def detect_secrecy_stamp(text: str) -> str | None:
    """Return "Mật" / "Tối mật" / "Tuyệt mật" when plain text bears that stamp in its opening block."""
    if not text:
        return None
    head = "\n".join(text.splitlines()[: 2 * MAX_ZONE_LINES])  # the zone never runs further; skip the rest
    blocks = [TextBlock(line) for line in visible(head).splitlines()]
    return _first_stamp(opening_block(blocks))


def _is_field_name(key: str) -> bool:
    return _squeeze(key) in _FIELD_NAMES


def _record_strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _record_strings(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _record_strings(v, key)


def _string_stamp(key: str, value: str) -> str | None:
    if _is_field_name(key):
        return _SQUEEZED.get(_squeeze(value)) or stamp_of_line(value)
    return stamp_of_line(value) if "\n" not in value else detect_secrecy_stamp(value)


def document_stamp(doc: Document) -> str | None:
    """The stamp a document bears anywhere stamps stand: the one check every document passes (the indexer)."""
    parts = doc.parts
    if parts is not None:
        stamp = _first_stamp(parts.page_blocks()) or _first_stamp(opening_block(parts.body))
        if stamp:
            return stamp
        for key, value in parts.metadata.items():
            stamp = _string_stamp(key, value)
            if stamp:
                return stamp
    stamp = detect_secrecy_stamp(doc.text) or stamp_of_line(doc.title)
    if stamp:
        return stamp
    for key, value in _record_strings(doc.metadata):
        stamp = _string_stamp(key, value)
        if stamp:
            return stamp
    for key, value in _record_strings(doc.record or {}):
        stamp = _string_stamp(key, value)
        if stamp:
            return stamp
    return None


def secrecy_reason(stamp: str) -> str:
    """The one-line rejection reason shown to whoever tried to index the document."""
    return f"văn bản mang dấu độ mật «{stamp}»: không được lưu vào hệ thống"
