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
from dataclasses import dataclass
from typing import Any

from core.documents import Document
from core.extracted_text import TextBlock
from core.lookalikes import fold_lookalikes
from core.vietnamese import fold, normalize_text

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
    """NFC text as it shows: look-alike letters folded (``core.lookalikes``), no invisible format characters
    (zero-width space/joiners, soft hyphen, BOM, bidi marks, fillers, variation selectors)."""
    cleaned = "".join(ch for ch in fold_lookalikes(text) if unicodedata.category(ch) != "Cf" and ch != "\u034f")
    return normalize_text(cleaned)


# A header line may hold the stamp among other header items: "MẬT   KHẨN", "MẬT<tab>HỎA TỐC",
# "Độ mật: Mật    Độ khẩn: Thượng khẩn", "Số: 12/QĐ-UBND      MẬT". Items are split at a tab, a bar or a run of
# two or more spaces (how Word and a PDF's text layer lay out header columns on one line).
_ITEMS = re.compile(r"\t|\||\s{2,}")
_URGENT = r"(?:độkhẩn|dokhan)?(?:thượngkhẩn|thuongkhan|hỏatốchẹngiờ|hoatochengio|hỏatốc|hoatoc|khẩn|khan)"
_WITH_URGENCY = re.compile(rf"(?:{_URGENT})?(?:độmật|domat)?(tuyệtmật|tốimật|mật|tuyetmat|toimat|mat)(?:{_URGENT})?")
# A stamp typed at the end of the line of "Số:" (in capitals, as stamps are printed), however it is spaced.
_SO_LINE = re.compile(r"^\W*số\s*:?.*?\s(TUYỆT\s*MẬT|TỐI\s*MẬT|MẬT)\W*$", re.IGNORECASE)


def _squeeze(text: str) -> str:
    return _DECOR.sub("", visible(text)).casefold()


def stamp_of_line(line: str) -> str | None:
    """The stamp when ``line`` (a line, a table cell, a property value) holds a stamp alone or among header
    items (an urgency, the "Số:" field), else None."""
    shown = visible(line)
    for part in (shown, *_ITEMS.split(shown)):
        bare = _squeeze(part)
        for prefix in _FIELD_PREFIXES:
            if bare.startswith(prefix) and bare[len(prefix):] in _SQUEEZED:
                return _SQUEEZED[bare[len(prefix):]]
        if bare in _SQUEEZED:
            return _SQUEEZED[bare]
        if fold(bare) in ("toimat", "tuyetmat"):  # marks half typed ("TOI MẬT"): two words are no accident
            return _SQUEEZED[fold(bare)]
        combined = _WITH_URGENCY.fullmatch(bare)
        if combined and combined.group(1) != bare:
            return _SQUEEZED[combined.group(1)]
    field = _FIELD.search(" ".join(shown.split()).casefold())
    if field:
        return _SQUEEZED[_squeeze(field.group(1))]
    so_line = _SO_LINE.match(" ".join(shown.split()))
    if so_line and so_line.group(1).isupper():
        return _SQUEEZED[_squeeze(so_line.group(1))]
    return None


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


@dataclass(frozen=True)
class GateDecision:
    """What the gate does with a document: "refused" (a stamp where stamps stand: never stored, the uploader is
    told) or "held" (a stamp anywhere else, or hidden: never stored, kept for an administrator's review)."""

    action: str
    stamp: str
    reason: str
    where: str = ""
    page: int = 0


def _anywhere(doc: Document) -> Iterator[tuple[str, int, str]]:
    """(where, page, line) of every line a reader or the file holds outside the header zone."""
    parts = doc.parts
    if parts is not None:
        for block in parts.body:
            for line in block.lines():
                yield "thân văn bản", block.page, line
        for block in parts.hidden:
            for line in block.lines():
                yield "phần ẩn (chú thích, hình, chú giải, mực đỏ…)", block.page, line
    for line in doc.text.splitlines():
        yield "thân văn bản", 0, line
    for _key, value in (*_record_strings(doc.metadata), *_record_strings(doc.record or {})):
        for line in value.splitlines():
            yield "trường dữ liệu", 0, line


def _doubtful(line: str) -> str | None:
    """A short line in capitals that reads as a stamp with a letter wrong ("TUYẾỆT MẬT", "TUYỆT MẬ]1": OCR of a
    small or red stamp); only asked of hidden text, where an ordinary line in capitals is rare."""
    shown = " ".join(visible(line).split())
    words = shown.split()
    if not 1 <= len(words) <= 3 or not shown.isupper():
        return None
    letters = re.sub(r"[^a-z]", "", fold(shown))
    if letters.startswith(("tuyetma", "toima")) or letters == "mat" or _squeeze(shown).endswith("mật"):
        return "Mật"
    return None


def gate_decision(doc: Document) -> GateDecision | None:
    """The one decision every document passes before the index: refused for a stamp in the header zone, held
    for review for a stamp anywhere else (the body past the opening block, a hidden part), None to index."""
    stamp = document_stamp(doc)
    if stamp:
        return GateDecision("refused", stamp, secrecy_reason(stamp), "vùng đầu văn bản")
    for where, page, line in _anywhere(doc):
        stamp = stamp_of_line(line) or (_doubtful(line) if where.startswith("phần ẩn") else None)
        if stamp:
            at = f", trang {page}" if page else ""
            return GateDecision("held", stamp, f"nghi có dấu độ mật «{stamp}» ở {where}{at}: tệp không được lưu, "
                                "chờ quản trị viên xem xét", where, page)
    return None


def secrecy_reason(stamp: str) -> str:
    """The one-line rejection reason shown to whoever tried to index the document."""
    return f"văn bản mang dấu độ mật «{stamp}»: không được lưu vào hệ thống"
