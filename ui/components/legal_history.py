"""The short history of a cited legal document in the source panel: "có hiệu lực 01/07/2012 → sửa đổi, bổ
sung … bởi 42/2013/QH13 (01/07/2014) → thay thế bởi …", from ``GET /v1/documents/{id}/relations``.

The API filters by access (a change read from a document the user may not see is not listed) and answers 404
for anything that is not a legal document the user may see; the panel then shows no history. Fetched once per
document and kept in the session, like the chunks.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from ui.api_client import ApiClient, ApiError
from ui.components.style import esc

_CACHE_KEY = "doc_relations_cache"
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MAX_STEPS = 6  # beyond this: "… và N thay đổi khác"


def document_relations(client: ApiClient, doc_id: str) -> dict[str, Any] | None:
    """The relations payload, or None (not a legal document, not visible, or the call failed)."""
    cache: dict[str, Any] = st.session_state.setdefault(_CACHE_KEY, {})
    if doc_id not in cache:
        try:
            found = client.document_relations(doc_id)
        except ApiError as exc:
            if exc.status == 401:
                raise
            found = None
        cache[doc_id] = found if isinstance(found, dict) else None
    return cache[doc_id]


def vn_dates(text: str) -> str:
    """ISO dates as Vietnamese write them: 2021-01-01 → 01/01/2021."""
    return _ISO.sub(lambda m: f"{m.group(3)}/{m.group(2)}/{m.group(1)}", text)


def history_steps(relations: dict[str, Any] | None) -> list[str]:
    """The history's steps in date order, dates written dd/mm/yyyy; [] when nothing changed the document."""
    steps = [vn_dates(str(s)) for s in (relations or {}).get("history") or [] if str(s).strip()]
    if len(steps) <= 1:  # only "có hiệu lực …": the panel already shows the ngày hiệu lực
        return []
    if len(steps) > MAX_STEPS:
        steps = [*steps[:MAX_STEPS], f"… và {len(steps) - MAX_STEPS} thay đổi khác"]
    return steps


def history_html(relations: dict[str, Any] | None) -> str:
    """One panel line "Lịch sử: a → b → c" (escaped), or "" when there is no history to tell."""
    steps = history_steps(relations)
    if not steps:
        return ""
    return (f'<div class="tla-source-meta" data-testid="tla-source-history"><b>Lịch sử:</b> '
            f'{" → ".join(esc(s) for s in steps)}</div>')
