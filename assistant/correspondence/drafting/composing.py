"""One draft from a request: the fields checked (``parse_request``), the căn cứ given or suggested for the
asker, the body outline of its loại, the prose when a language model is configured, and the check of the
draft's own .docx.

Why the self-check: a draft is only useful if the văn thư would not send it back, so every draft is read back
and checked against the same rules as an uploaded file; a finding on a draft is a bug, reported with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from assistant.answer.llm.base import ChatMessage, LLMBackend
from assistant.correspondence.drafting.basis import basis_for
from assistant.correspondence.drafting.checks import BasisLookup, Finding, check_format
from assistant.correspondence.drafting.docx_writer import render_docx
from assistant.correspondence.drafting.draft import BasisItem, Draft, DraftError, Section, outline, parse_request
from assistant.correspondence.drafting.reading import read_docx
from core.access import Principal
from core.vietnamese import normalize_text

log = logging.getLogger("assistant.correspondence.drafting")
_PROSE_PROMPT = ("Bạn là chuyên viên soạn thảo văn bản hành chính theo Nghị định 30/2020/NĐ-CP. Viết nội dung cho "
                 "một mục của văn bản, bằng tiếng Việt trang trọng, 1–3 đoạn ngắn, không thêm tiêu đề, không bịa số "
                 "liệu (để [..] chỗ cần điền), chỉ dựa vào các căn cứ được nêu.")


def _given_basis(value: Any) -> list[BasisItem]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DraftError("can_cu: phải là danh sách dòng «Căn cứ …»")
    out = []
    for raw in value:
        text = " ".join(normalize_text(raw).split()).rstrip(";.")
        if not text:
            continue
        if not text.startswith("Căn cứ"):
            text = f"Căn cứ {text}"
        out.append(BasisItem(text=text))
    return out


def _prose(llm: LLMBackend, draft: Draft, section: Section) -> list[str]:
    cites = "; ".join(b.text for b in draft.can_cu) or "không có"
    ask = (f"Loại văn bản: {draft.loai}. Cơ quan: {draft.co_quan}. Trích yếu: {draft.trich_yeu}.\n"
           f"Căn cứ: {cites}.\nMục: {section.heading or '(đoạn)'}. Dàn ý: {' '.join(section.paragraphs)}")
    text = llm.generate([ChatMessage("system", _PROSE_PROMPT), ChatMessage("user", ask)], max_tokens=400)
    return [p.strip() for p in normalize_text(text).split("\n") if p.strip()] or section.paragraphs


def compose(data: dict[str, Any], *, canonical_unit: Callable[[str], str | None], principal: Principal,
            today: date, retriever: Any = None, llm: LLMBackend | None = None,
            lookup: BasisLookup | None = None) -> tuple[Draft, bytes, list[Finding]]:
    """(draft, its .docx, the findings of its own check — none expected)."""
    draft = parse_request(data, canonical_unit)
    if data.get("can_cu") is not None:
        draft.can_cu = _given_basis(data["can_cu"])
    elif retriever is not None and data.get("goi_y_can_cu", True):
        draft.can_cu = basis_for(retriever, principal, draft.trich_yeu, today)
    draft.sections = outline(draft)
    if llm is not None:
        try:
            for section in draft.sections:
                if section.paragraphs:
                    section.paragraphs = _prose(llm, draft, section)
            draft.prose_by = getattr(llm, "name", "llm")
        except Exception as exc:  # the model failing leaves the outline, never fails the draft
            log.warning("draft prose fell back to the outline: %s", type(exc).__name__)
            draft.sections = outline(draft)
    docx = render_docx(draft)
    findings = check_format(read_docx(docx), lookup, today)
    return draft, docx, findings
