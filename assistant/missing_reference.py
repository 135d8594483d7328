"""The reply when a question names a document or unit that is not in the system ("Điều 5 Nghị định
99/2099/NĐ-CP"): say so, and do not answer from another document as if it were that one.

A document the asker may not see resolves to nothing, exactly like one that is not indexed, so the reply
reveals nothing about it. A law named by title only ("Điều 3 luật hôn nhân gia đình") is not refused when no
title matches: officials name laws loosely, and the search still finds the law under its own title.
"""

from __future__ import annotations

from assistant.reference_lookup import ReferenceMatch, unit_label


def missing_reply(match: ReferenceMatch | None) -> str | None:
    """The one-paragraph reply, or None when the question names nothing missing."""
    if match is None:
        return None
    if match.doc_id is None:
        if match.so_hieu is None or match.so_hieu.year is None:
            return None
        unit = f"{unit_label(match.reference)} " if match.reference is not None else ""
        return (f"Văn bản {match.so_hieu.canonical} chưa có trong hệ thống, nên không thể trả lời {unit}"
                f"theo văn bản này. Bạn có thể gửi văn bản để được lập chỉ mục, hoặc hỏi theo văn bản khác.")
    if match.reference is not None and not match.hits:
        return f"Văn bản «{match.title}» trong hệ thống không có {unit_label(match.reference)}."
    return None
