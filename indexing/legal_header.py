"""Header fields and title of a Vietnamese legal text: số hiệu, loại văn bản, cơ quan ban hành, dates, signer.

Why: filters ("only Quyết định of UBND tỉnh", "in force only") and citation labels ("Kế hoạch 731/KH-UBND")
come from these fields. This module puts the readers together: the NĐ30 header block (``nd30_header``), the
căn cứ and effective date (``legal_basis``), the closing block (``closing_block``), then a website's metadata
table and the connector's fields (``metadata_merge``: the text's value wins, disagreements are reported).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from core.dates import DAY_MONTH_YEAR, NGAY, read_date
from core.so_hieu import CONSOLIDATED_KIND, is_consolidated
from core.tables import Table, find_flattened_tables
from core.vietnamese import normalize_text
from indexing.closing_block import appendix_start, closing_from_lines, closing_from_signature, closing_from_tables
from indexing.layout_fields import LAYOUT_KEYS, read_layout
from indexing.legal_basis import effective_date, legal_basis
from indexing.legal_outline import RULE, SENTENCE_END, cell, header_end, is_heading, signature
from indexing.metadata_merge import LABELS, merge, scraped_fields
from indexing.nd30_header import header_table, read_header, table_columns
from indexing.ocr_marks import fix_marks

HEADER_KEYS = ("so_hieu", "loai_van_ban", "co_quan_chu_quan", "co_quan_ban_hanh", "trich_yeu", "dia_danh",
               "ngay_ban_hanh", "ngay_hieu_luc", "do_mat", "do_khan", "quyen_han_ky", "chuc_vu", "nguoi_ky",
               "linh_vuc", "tinh_trang_hieu_luc")
NAMED_ACTS = {"LUẬT", "BỘ LUẬT", "HIẾN PHÁP", "PHÁP LỆNH"}  # cited by name, not by number

_ACT_TYPES = {"BỘ LUẬT", "LUẬT", "HIẾN PHÁP", "PHÁP LỆNH", "LỆNH", "NGHỊ ĐỊNH", "NGHỊ QUYẾT", "THÔNG TƯ",
              "THÔNG TƯ LIÊN TỊCH", "QUYẾT ĐỊNH", "CHỈ THỊ", "KẾ HOẠCH", "BÁO CÁO", "THÔNG BÁO",
              "HƯỚNG DẪN", "CÔNG VĂN", "ĐỀ ÁN", "CHƯƠNG TRÌNH", "QUY CHẾ", "QUY ĐỊNH", "TỜ TRÌNH"}
_KV = re.compile(r"([^:|]{2,30}?)\s*:\s*(.+)$")
_PASSED = re.compile(rf"thông qua {NGAY}\s+{DAY_MONTH_YEAR}")
_WORD = re.compile(r"[^\W\d_]+")


def _casing(text: str) -> dict[str, str]:
    """Most frequent spelling of each word in mixed-case lines, to recase all-caps titles ("HÀ TĨNH")."""
    counts: dict[str, Counter[str]] = {}
    for line in text.split("\n"):
        if not line.isupper():
            for w in _WORD.findall(line)[1:]:
                counts.setdefault(w.lower(), Counter())[w] += 1
    return {k: c.most_common(1)[0][0] for k, c in counts.items()}


def _recase(s: str, casing: dict[str, str]) -> str:
    return _WORD.sub(lambda m: casing.get(m.group(0).lower(), m.group(0).lower()), s) if s.isupper() else s


def _heading_block(lines: list[str]) -> tuple[str, list[str], int] | None:
    """(act type, title lines, body start) of the classic heading block ("KẾ HOẠCH" + title), if any."""
    for i in range(header_end(lines)):
        if (kind := cell(lines[i]).rstrip(":").strip()) not in _ACT_TYPES:
            continue
        title: list[str] = []
        j = i + 1
        while j < len(lines) and len(title) < 4:
            t = cell(lines[j])
            if (not t or RULE.match(t)) and title:
                break
            if t and not RULE.match(t):
                if is_heading(t) or (title and not (t.isupper() and title[0].isupper())):
                    break
                if not (t.isupper() or (not title and len(t) < 300 and not SENTENCE_END.search(t))):
                    break
                title.append(t)
            j += 1
        return kind, title, j
    return None


def _text_fields(lines: list[str], tables: list[Table], casing: dict[str, str]) -> dict[str, Any]:
    """What the document's own text says: header block (the header table's columns when there is one),
    căn cứ, effective date, closing block (the table with "Nơi nhận", else the lines)."""
    end = header_end(lines)
    head = [x for x in lines[:end] if not _is_scraped_row(x)]
    table = header_table(tables, end)
    issuer = None
    if table is not None:  # the table's cells with their own lines stand for its flattened rows
        issuer, right = table_columns(table)
        flat = {" | ".join(r) for r in ((table.header,) if table.header else ()) + table.rows}
        head = issuer + right + [x for x in head if x.strip() not in flat]
    read = read_header(head, issuer)
    fields: dict[str, Any] = dict(read.fields)
    if read.title_lines and "trich_yeu" not in fields:
        name = _recase(" ".join(read.title_lines), casing)
        fields["trich_yeu"] = name[0].upper() + name[1:]
    if basis := legal_basis(lines[:end]):
        fields["can_cu"] = basis
    text = "\n".join(lines)
    if (passed := _PASSED.search(text)) and "ngay_ban_hanh" not in fields:
        fields["ngay_ban_hanh"] = read_date(passed.group(0))
    consolidated = any("sửa đổi, bổ sung bởi" in x for x in lines[:end])  # a VBHN quotes every act's clause
    if not consolidated and (effective := effective_date(text, fields.get("ngay_ban_hanh"))):
        fields["ngay_hieu_luc"] = effective
    main_end = appendix_start(lines, end)  # a sample layout inside an appendix is not this document's closing
    main_tables = [t for t in tables if t.start_line < main_end]
    closing = closing_from_tables(main_tables) or closing_from_lines(lines[:main_end]) or \
        closing_from_signature(lines[end:main_end])
    if "nguoi_ky" not in closing:
        signers = [sig[1] for i in range(len(lines)) if (sig := signature(lines, i)) and sig[1]]
        if signers:
            closing["nguoi_ky"] = signers[-1]
    fields.update({k: v for k, v in closing.items() if v})
    return {k: v for k, v in fields.items() if v}


def _is_scraped_row(line: str) -> bool:
    s = line.strip()
    cells = [c.strip() for c in s.strip("|").split("|")] if s.startswith("|") else []
    return len(cells) >= 2 and _label(cells[0]) is not None


def parse_header(text: str, tables: list[Table] | None = None, given: dict[str, Any] | None = None,
                 file_name: str = "") -> dict[str, Any]:
    """Every header and closing-block field: the text's own values first (on a scan, the page read by position:
    ``given["layout"]``), then the scraped metadata table, then the connector's ``given`` fields; disagreements
    in ``metadata_conflicts``, where each field came from in ``field_sources``."""
    given = dict(given or {})
    layout = given.pop("layout", None)
    lines = text.split("\n")
    if tables is None:
        tables = find_flattened_tables(lines)
    casing = _casing(text)
    own = _text_fields(lines, tables, casing)
    reading = read_layout(layout, _signed_before(given.get("ky_so")), _signing_bodies(given.get("ky_so")),
                          file_name) if isinstance(layout, dict) and layout else None
    if reading is not None and layout.get("source") == "ocr":
        body = text
        for line in [*layout.get("title_lines", []), *layout.get("left_after_so", []), *layout.get("issuer_lines", [])]:
            body = body.replace(line, "", 1)  # a misreading is no evidence for itself
        for key in ("trich_yeu", "co_quan_ban_hanh"):
            if reading["fields"].get(key):
                reading["fields"][key] = fix_marks(reading["fields"][key], body)
    if reading is not None:
        for key in LAYOUT_KEYS:
            if key in reading["fields"]:
                own[key] = reading["fields"][key]
            elif key in ("so_hieu", "ngay_ban_hanh") and \
                    (key in reading["unreadable"] or layout.get("source") == "ocr"):
                own.pop(key, None)  # never a number or day the flat OCR text guessed
    scraped = scraped_fields(tables, lines[: header_end(lines)])
    if is_consolidated(own.get("so_hieu") or scraped.get("so_hieu") or given.get("so_hieu")):
        # A văn bản hợp nhất is headed by the act it consolidates ("LUẬT KHIẾU NẠI"): that heading names the
        # law, not what this text is. Its title stays the law's name, so "Điều 9 Luật Khiếu nại" finds it.
        own["loai_van_ban"] = CONSOLIDATED_KIND
    out = merge(own, scraped, given, HEADER_KEYS)
    if reading is not None:
        _annotate(out, own, scraped, given, reading, str(layout.get("source", "ocr")))
    return out


def _signing_bodies(signatures: Any) -> tuple[str, ...]:
    """The organisations named by the PDF's digital signatures (signer of an issuing body's, organisation of
    the others'), spelled with their marks."""
    names = []
    for s in signatures or []:
        if isinstance(s, dict):
            names += [str(s[k]) for k in ("signer", "organisation") if s.get(k)]
    return tuple(names)


def _signed_before(signatures: Any) -> str | None:
    """The earliest signing time of the PDF's digital signatures (ISO), if any."""
    times = [s["signing_time"] for s in signatures or [] if isinstance(s, dict) and s.get("signing_time")]
    return min(times) if times else None


def _annotate(out: dict[str, Any], own: dict[str, Any], scraped: dict[str, str], given: dict[str, Any],
              reading: dict[str, Any], source: str) -> None:
    """``field_sources`` (layout, text, metadata table, connector), ``field_confidence`` of the layout's
    fields, ``unreadable_fields`` no source filled, and the layout's own extras (ký hiệu, incoming stamp)."""
    origin = "ocr_layout" if source == "ocr" else "text_layer_layout"
    sources: dict[str, str] = {}
    for key in HEADER_KEYS:
        if key not in out:
            continue
        if key == "so_hieu" and reading["extra"].get("so_hieu_from") == "file_name" and \
                reading["fields"].get(key) == out[key]:
            sources[key] = "file_name"
        elif reading["fields"].get(key) == out[key]:
            sources[key] = origin
        elif own.get(key) == out[key]:
            sources[key] = "text"
        elif scraped.get(key) == out[key]:
            sources[key] = "metadata_table"
        elif given.get(key) not in (None, ""):
            sources[key] = "connector"
    out["field_sources"] = sources
    out["field_confidence"] = reading["confidence"]
    missing = [k for k in reading["unreadable"] if k not in out]
    if source == "ocr":  # a scan says which header fields it could not give
        missing += [k for k in ("so_hieu", "loai_van_ban", "co_quan_ban_hanh", "ngay_ban_hanh", "trich_yeu",
                                "nguoi_ky") if k not in out and k not in missing]
    if missing:
        out["unreadable_fields"] = missing
    for key, value in reading["extra"].items():
        if value and key not in out and key != "so_hieu_from":
            out[key] = value


def _label(text: str) -> str | None:
    return LABELS.get(" ".join(text.lower().rstrip(":").split()))


def _is_meta(s: str) -> bool:
    m = _KV.match(s)
    return not s or s.startswith("|") or bool(m and _label(m.group(1)))


def title_and_start(lines: list[str]) -> tuple[str | None, int]:
    """The document title (heading block, else a leading title line) and where the body starts."""
    if block := _heading_block(lines):
        kind, title_lines, start = block
        name = _recase(" ".join(title_lines), _casing("\n".join(lines))) if title_lines else ""
        if name and kind in NAMED_ACTS:
            name = name[0].upper() + name[1:]
        elif name[1:2].islower():
            name = name[0].lower() + name[1:]
        return normalize_text(f"{kind[0]}{kind[1:].lower()} {name}".strip()), start
    start = next((i for i, x in enumerate(lines) if not _is_meta(x.strip())), len(lines))
    first = lines[start].strip() if start < len(lines) else ""
    if not first or len(first) > 200 or is_heading(first) or first[-1] in ".!?;:," \
            or start + 1 == len(lines):
        return None, start
    start += 1
    while start < len(lines) and _is_meta(lines[start].strip()):
        start += 1
    return normalize_text(first), start


_DATED = re.compile(rf"{NGAY}\s+{DAY_MONTH_YEAR}")


def letter_title_and_start(lines: list[str], metadata: dict[str, Any]) -> tuple[str, int] | None:
    """A công văn has no tên loại: its title is "Công văn về việc …" from the "V/v" trích yếu, and its body
    starts after the "Kính gửi" list (else after the line with the date)."""
    summary = str(metadata.get("trich_yeu") or "")
    if metadata.get("loai_van_ban") != "Công văn" or not summary.startswith("V/v"):
        return None
    head = lines[:30]
    at = next((i for i, x in enumerate(head) if cell(x).startswith("Kính gửi")), None)
    if at is None:
        at = next((i for i, x in enumerate(head) if _DATED.search(x)), None)
    if at is None:
        return None
    start = at + 1
    while start < len(lines) and (not lines[start].strip() or cell(lines[start])[:1] in "-+•"):
        start += 1
    return normalize_text("Công văn về việc " + summary[3:].strip()), start
