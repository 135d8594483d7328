"""A refusal does not look like an answer: an amber box, the reason, and the nearest sources the user
may see (the API only returns sources the caller is allowed to read)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.components.style import esc, lines_html, validity_badge


def render_refusal(message: dict[str, Any]) -> None:
    sources = message.get("sources") or []
    items = []
    for s in sources[:5]:
        label = s.get("citation") or s.get("title") or s.get("doc_id") or ""
        title = s.get("title") or ""
        extra = f" — {esc(title)}" if title and title not in label else ""
        items.append(f"<li>{esc(label)}{extra} {validity_badge(s.get('validity'))}</li>")
    if items:
        nearest = ('<div class="tla-nearest"><b>Nguồn gần nhất bạn được phép xem:</b>'
                   f'<ul style="margin:4px 0 0 1.1em;padding:0">{"".join(items)}</ul></div>')
    elif message.get("from_history"):
        nearest = ""
    else:
        nearest = '<div class="tla-nearest">Không có nguồn nào gần với câu hỏi trong phạm vi bạn được phép xem.</div>'

    st.markdown(
        '<div class="tla-refusal" data-testid="tla-refusal">'
        '<div class="tla-refusal-head">Không đủ căn cứ để trả lời</div>'
        f"<div>{lines_html(message.get('content') or '')}</div>{nearest}</div>",
        unsafe_allow_html=True,
    )
