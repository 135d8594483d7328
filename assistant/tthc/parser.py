"""Chunk one administrative procedure (TTHC) by field group, keeping its facts as structured fields.

A citizen's questions about a procedure are mostly exact ("how long?", "what fee?", "which office?",
"which papers?"). Each group becomes a citable chunk for retrieval, and every chunk carries the whole
structured summary in ``fields`` (shaped as ``TthcFields``) so whichever chunk is retrieved can answer
those questions exactly, and the API and UI show them without reading the chunk text back.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.tthc.fields import TthcFields, structured_fields
from connectors.tthc import clean_value
from core.documents import Chunk, Document

CONDITIONS = "Yêu cầu, điều kiện thực hiện"
DEFAULT_MAX_CHARS = 2400
_NAME_IN_CITATION = 120

_STEP = re.compile(r"(?<=\S)\s+(?=Bước\s+\d+\s*[:.])")


def _lines(value: Any) -> list[str]:
    """Non-empty lines of a portal text field; inline "Bước 2:" starts a new line."""
    text = clean_value(value)
    if not text:
        return []
    text = _STEP.sub("\n", text)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _group_lines(record: dict[str, Any], f: TthcFields, max_chars: int) -> dict[str, list[str]]:
    content = record.get("content") or {}
    overview = [f"Tên thủ tục: {f['ten_thu_tuc']}", f"Mã thủ tục: {f['ma_thu_tuc']}"]
    for label, key in (
        ("Lĩnh vực", "linh_vuc"),
        ("Cấp thực hiện", "cap_thuc_hien"),
        ("Đối tượng thực hiện", "doi_tuong"),
        ("Cơ quan thực hiện", "co_quan_thuc_hien"),
        ("Cơ quan có thẩm quyền", "co_quan_co_tham_quyen"),
        ("Kết quả thực hiện", "ket_qua"),
        ("Ban hành kèm theo", "quyet_dinh"),
    ):
        if f[key]:
            overview.append(f"{label}: {f[key]}")
    for label, key in (
        ("Cơ quan được ủy quyền", "cơ_quan_được_ủy_quyền"),
        ("Cơ quan phối hợp", "cơ_quan_phối_hợp"),
        ("Địa chỉ tiếp nhận hồ sơ", "địa_chỉ_tiếp_nhận_hs"),
    ):
        if clean_value(content.get(key)):
            overview.append(f"{label}: {' '.join(clean_value(content.get(key)).split())}")
    conditions = _lines(content.get("yêu_cầu_điều_kiện_thực_hiện"))
    separate_conditions = len("\n".join(overview + conditions)) > max_chars
    if conditions and not separate_conditions:
        overview += ["Yêu cầu, điều kiện thực hiện:", *conditions]

    papers = []
    for i, p in enumerate(f["thanh_phan_ho_so"], 1):
        extra = [
            f"bản chính: {p['ban_chinh']}" if p.get("ban_chinh") else "",
            f"bản sao: {p['ban_sao']}" if p.get("ban_sao") else "",
            f"mẫu: {p['mau_don']}" if p.get("mau_don") else "",
        ]
        extra = [e for e in extra if e]
        papers.append(f"{i}. {p['ten']}" + (f" ({'; '.join(extra)})" if extra else ""))

    timing = []
    for ch in f["channels"]:
        timing.append(
            f"{ch['kenh']}: thời hạn giải quyết {ch['thoi_han'] or 'không có thông tin'}; {_fee_text(ch['phi_le_phi'])}"
        )
        if ch["mo_ta"] and ch["mo_ta"].casefold() != "không quy định":
            timing.append(f"  Ghi chú: {ch['mo_ta']}")

    basis = []
    for b in f["can_cu_phap_ly"]:
        details = [
            x
            for x in (
                b.get("so_ky_hieu") if b.get("so_ky_hieu") not in (b.get("trich_yeu") or "") else "",
                f"ngày {b['ngay_ban_hanh']}" if b.get("ngay_ban_hanh") else "",
                b.get("co_quan_ban_hanh", ""),
            )
            if x
        ]
        basis.append(
            f"- {b.get('trich_yeu') or b.get('so_ky_hieu')}" + (f" ({', '.join(details)})" if details else "")
        )

    return {
        "Tổng quan": overview,
        # Long conditions get their own group so the overview (agency, level, result) stays one chunk.
        CONDITIONS: conditions if separate_conditions else [],
        "Trình tự thực hiện": _lines(content.get("trình_tự_thực_hiện")),
        "Thành phần hồ sơ": papers,
        "Thời hạn và phí, lệ phí": timing,
        "Căn cứ pháp lý": basis,
    }


def _fee_text(fee: str) -> str:
    """The fee under "phí, lệ phí:", the words people search with ("lệ phí khai sinh"), its own kind kept without
    a second label ("Phí: 0 đồng" → "phí, lệ phí: Phí 0 đồng"; "phí, lệ phí: Phí: 0 đồng" was shown in the source
    panel)."""
    if m := re.match(r"((?:Phí|Lệ phí))\s*:\s*(.*)", fee, re.S):
        return f"phí, lệ phí: {m.group(1)} {m.group(2)}"
    return f"phí, lệ phí: {fee or 'không có thông tin'}"


def _split_long(lines: list[str], max_chars: int) -> list[str]:
    """Pack lines into parts of at most ``max_chars``; an over-long line is cut at sentence ends."""
    pieces: list[str] = []
    for line in lines:
        while len(line) > max_chars:
            cut = line.rfind(". ", 0, max_chars)
            cut = (
                cut + 1
                if cut > max_chars // 3
                else (line.rfind(" ", 0, max_chars) if " " in line else max_chars)
            )
            pieces.append(line[:cut].strip())
            line = line[cut:].strip()
        if line:
            pieces.append(line)
    parts: list[str] = []
    current: list[str] = []
    for piece in pieces:
        if current and len("\n".join(current)) + 1 + len(piece) > max_chars:
            parts.append("\n".join(current))
            current = []
        current.append(piece)
    if current:
        parts.append("\n".join(current))
    return parts


def _short(name: str) -> str:
    return name if len(name) <= _NAME_IN_CITATION else name[:_NAME_IN_CITATION].rsplit(" ", 1)[0] + "…"


def parse_tthc(doc: Document, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Chunks of one procedure, one per non-empty field group (long groups split into numbered parts)."""
    record = doc.record or {}
    fields = structured_fields(record)
    code = fields["ma_thu_tuc"] or doc.doc_id.removeprefix("tthc:")
    name = fields["ten_thu_tuc"] or doc.title
    context = f"{name} (mã thủ tục {code})"
    chunks: list[Chunk] = []
    for group, lines in _group_lines(record, fields, max_chars).items():
        if group != "Tổng quan" and not lines:
            continue
        parts = _split_long(lines, max_chars)
        for n, text in enumerate(parts, 1):
            label = group if len(parts) == 1 else f"{group} (phần {n}/{len(parts)})"
            path = [group] if len(parts) == 1 else [group, f"Phần {n}"]
            chunks.append(
                Chunk(
                    doc_id=doc.doc_id,
                    path=path,
                    citation=f"Thủ tục {code} — {label} — {_short(name)}",
                    text=text,
                    context=context,
                    fields={**fields, "group": group, "order": len(chunks)},
                )
            )
    return chunks
