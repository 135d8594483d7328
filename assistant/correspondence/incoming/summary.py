"""The card's short summary: extractive by default (the trích yếu, the sentence that says why the document was
written, its first requests, each quoted with its place), the configured chat model's words when there is one.

Why extractive first: an official must be able to check every sentence against the document; the model's
summary is labelled as the model's and keeps the quoted sentences beside it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.answer.llm import ChatMessage, LLMBackend, LLMError
from assistant.correspondence.incoming.places import Lines, Place
from core.documents import Document

_PURPOSE = re.compile(r"^(?:thuc hien|de |nham |theo |trien khai|ngay \d|can cu vao tinh hinh|qua |hien nay|"
                      r"tiep theo|trong thoi gian)")
_MAX_MODEL_CHARS = 6000
_PROMPT = ("Bạn tóm tắt văn bản hành chính đến cho cán bộ xử lý. Viết 2–3 câu tiếng Việt: văn bản của ai, về việc "
           "gì, yêu cầu đơn vị nào làm gì, hạn khi nào. Chỉ dùng thông tin có trong văn bản; không suy đoán.")


def _purpose(lines: Lines) -> int | None:
    """The first body line that says why the document was written ("Thực hiện …", "Để …")."""
    for i, folded in enumerate(lines.folded):
        text = folded.strip(" -+•")
        if len(text) >= 40 and _PURPOSE.match(text):
            return i
    return None


def _paragraph(lines: Lines, at: int, most: int = 6) -> str:
    """The line at ``at`` with the lines a PDF wrapped it onto (they go on in lower case or with a number,
    until a line ends a sentence)."""
    parts = [lines.lines[at].strip(" -+•")]
    k = at + 1
    while k < len(lines.lines) and len(parts) < most and not re.search(r"[.;:!?]\s*$", parts[-1]):
        nxt = lines.lines[k].strip()
        if not nxt or not (nxt[0].islower() or nxt[0].isdigit()):
            break
        parts.append(nxt)
        k += 1
    return " ".join(parts)


def extractive(meta: dict[str, Any], requests: Sequence[tuple[str, Place]], lines: Lines) -> list[dict[str, Any]]:
    sentences: list[dict[str, Any]] = []
    if meta.get("trich_yeu"):
        place = lines.place(str(meta["trich_yeu"])[:50], "trích yếu")
        sentences.append({"text": f"{meta.get('loai_van_ban') or 'Văn bản'}: {meta['trich_yeu']}",
                          "place": place.to_dict()})
    at = _purpose(lines)
    if at is not None:
        sentences.append({"text": _paragraph(lines, at),
                          "place": {"cite": "", "line": at + 1,
                                    "page": lines.pages[at] if lines.pages else None}})
    for text, place in requests[:2]:
        sentences.append({"text": text, "place": place.to_dict()})
    return sentences


def summarize(doc: Document, meta: dict[str, Any], requests: Sequence[tuple[str, Place]], lines: Lines,
              llm: LLMBackend | None) -> dict[str, Any]:
    """{"method": "extractive"|"llm", "text", "sentences" (quoted, each with its place), "note"}; ``requests``
    are the card's (text, place), in order."""
    sentences = extractive(meta, requests, lines)
    text = " ".join(s["text"].rstrip(".;") + "." for s in sentences)
    if llm is None:
        return {"method": "extractive", "text": text, "sentences": sentences, "note": ""}
    try:
        words = llm.generate([ChatMessage("system", _PROMPT), ChatMessage("user", doc.text[:_MAX_MODEL_CHARS])],
                             max_tokens=300, temperature=0.1).strip()
    except LLMError as exc:
        return {"method": "extractive", "text": text, "sentences": sentences,
                "note": f"mô hình không tóm tắt được ({exc}); tóm tắt trích từ văn bản"}
    if not words:
        return {"method": "extractive", "text": text, "sentences": sentences, "note": "mô hình không trả lời"}
    return {"method": "llm", "text": words, "sentences": sentences,
            "note": "tóm tắt do mô hình viết; đối chiếu với các câu trích dẫn bên dưới"}
