"""Exact answers for administrative procedures: fee, processing time, documents, competent agency —
read from the structured fields of the procedure, not generated."""

from __future__ import annotations

import re

from assistant.answer_types import Source
from core.vietnamese import normalize_text, sparse_terms
from indexing.tthc_fields import TthcFields, tthc_fields_of

INTENTS: dict[str, re.Pattern[str]] = {
    "fee": re.compile(r"\b(lệ phí|phí|bao nhiêu tiền|mất tiền|chi phí)\b"),
    "time": re.compile(r"\b(thời hạn|bao lâu|mấy ngày|bao nhiêu ngày|thời gian giải quyết|trong bao lâu)\b"),
    "documents": re.compile(r"\b(hồ sơ|giấy tờ|thành phần|cần những gì|cần gì|chuẩn bị)\b"),
    "agency": re.compile(r"\b(cơ quan nào|ở đâu|nộp ở|nộp tại|ai giải quyết|cơ quan thực hiện|thẩm quyền)\b"),
}


def detect_intents(question: str) -> list[str]:
    q = normalize_text(question).lower()
    return [name for name, pattern in INTENTS.items() if pattern.search(q)]


def _matches_procedure(question: str, fields: TthcFields) -> bool:
    """The question must name the procedure well enough: most of its distinctive words appear."""
    name_terms = set(sparse_terms(fields.get("ten_thu_tuc") or "", "syllable")) - _STOP
    q_terms = set(sparse_terms(question, "syllable"))
    if fields["ma_thu_tuc"] in question:
        return True
    return bool(name_terms) and len(name_terms & q_terms) / len(name_terms) >= 0.5


_STOP = {"thủ", "tục", "cấp", "của", "và", "các", "cho", "về", "đối", "với", "trong", "tại", "được", "việc"}


def _lines_for(intent: str, fields: TthcFields) -> list[str]:
    channels = fields.get("channels") or []
    if intent == "fee":
        missing = "cổng dịch vụ công không ghi thông tin phí, lệ phí"
        return [f"{c.get('kenh') or 'Kênh nộp'}: {c.get('phi_le_phi') or missing}" for c in channels]
    if intent == "time":
        return [f"{c.get('kenh') or 'Kênh nộp'}: {c.get('thoi_han')}" for c in channels if c.get("thoi_han")]
    if intent == "documents":
        return [p["ten"] for p in fields.get("thanh_phan_ho_so") or [] if p.get("ten")]
    if intent == "agency":
        agencies = [fields.get("co_quan_thuc_hien"), fields.get("co_quan_co_tham_quyen")]
        return [f"Cơ quan thực hiện: {a}" for a in dict.fromkeys(a for a in agencies if a)]
    return []


_TITLES = {"fee": "Phí, lệ phí", "time": "Thời hạn giải quyết", "documents": "Thành phần hồ sơ",
           "agency": "Cơ quan thực hiện"}


def tthc_exact_answer(question: str, sources: list[Source]) -> tuple[str, Source] | None:
    """An answer from the fields of the best-ranked matching procedure among the first sources, or None."""
    intents = detect_intents(question)
    if not intents:
        return None
    for source in sources[:3]:
        fields = tthc_fields_of(source.payload)
        if fields is None or not _matches_procedure(question, fields):
            continue
        parts = []
        for intent in intents:
            lines = _lines_for(intent, fields)
            if lines:
                parts.append(f"{_TITLES[intent]}:\n" + "\n".join(f"- {line}" for line in lines))
        if not parts:
            return None
        header = f"Theo thủ tục {fields['ma_thu_tuc']} «{fields.get('ten_thu_tuc', '')}» [{source.marker}]:"
        return header + "\n" + "\n".join(parts), source
    return None
