"""Citation markers [n] under an answer; each opens the source: document, header fields, validity, the
cited Điều/Khoản with the supporting span highlighted, and the full article on demand."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.api_client import ApiClient
from ui.components.legal_history import document_relations, history_html
from ui.components.sources import (
    article_chunks,
    article_key,
    doc_field,
    document_chunks,
    effective_of,
    find_chunk,
    issuer_of,
    signatures_of,
)
from ui.components.style import day_first, esc, highlighted_html, lines_html, validity_badge

OPEN_KEY = "open_source"


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def citation_label(citation: dict[str, Any]) -> str:
    where = citation.get("citation") or citation.get("title") or citation.get("doc_id") or ""
    return f"[{citation.get('marker')}] {_short(where)}"


def render_citation_buttons(message: dict[str, Any], client: ApiClient) -> None:
    citations = message.get("citations") or []
    if not citations:
        return
    answer_id = message.get("answer_id") or str(id(message))
    opened: dict[str, Any] = st.session_state.setdefault(OPEN_KEY, {})
    st.markdown("**Nguồn trích dẫn** — bấm vào số để xem căn cứ:")
    for citation in citations:
        marker = citation.get("marker")
        is_open = opened.get(answer_id) == marker
        label = ("▾ " if is_open else "▸ ") + citation_label(citation)
        if st.button(label, key=f"cite_{answer_id}_{marker}", help="Mở / đóng nguồn trích dẫn"):
            opened[answer_id] = None if is_open else marker
            st.rerun()
        if opened.get(answer_id) == marker:
            render_source_panel(citation, client, key=f"{answer_id}_{marker}")


def render_source_panel(citation: dict[str, Any], client: ApiClient, key: str) -> None:
    doc_id = str(citation.get("doc_id") or "")
    hint = str(citation.get("title") or citation.get("citation") or "")
    chunks, error = document_chunks(client, doc_id, hint) if doc_id else ([], None)
    chunk = find_chunk(chunks, str(citation.get("chunk_id") or ""))
    title = citation.get("title") or doc_field(chunks, chunk, "title") or doc_id
    so_hieu = citation.get("so_hieu") or doc_field(chunks, chunk, "so_hieu")
    issuer = issuer_of(chunks, chunk)
    effective = effective_of(chunks, chunk)
    issued = doc_field(chunks, chunk, "ngay_ban_hanh")
    validity = citation.get("validity") or doc_field(chunks, chunk, "validity") or "chua_ro"
    quote = str(citation.get("quote") or "")
    text = str(chunk.get("text") or "") if chunk else ""

    if doc_id.startswith("tthc:"):  # a procedure record: its code and the agency that carries it out
        meta = [f'<div class="tla-source-meta"><b>Mã thủ tục:</b> {esc(so_hieu or "không rõ")}</div>',
                f'<div class="tla-source-meta"><b>Cơ quan thực hiện:</b> {esc(issuer or "không rõ")}</div>']
    else:
        meta = [
            f'<div class="tla-source-meta"><b>Số hiệu:</b> {esc(so_hieu or "không rõ")}</div>',
            f'<div class="tla-source-meta"><b>Cơ quan ban hành:</b> {esc(issuer or "không rõ")}</div>',
        ]
        if issued:
            meta.append(f'<div class="tla-source-meta"><b>Ngày ban hành:</b> {esc(day_first(issued))}</div>')
        meta.append(f'<div class="tla-source-meta"><b>Ngày hiệu lực:</b> '
                    f'{esc(day_first(effective) or "không rõ")}</div>')
        meta.append(f'<div class="tla-source-meta"><b>Hiệu lực:</b> {validity_badge(validity)}</div>')
        for signed in signatures_of(chunks, chunk):  # "Ký số: <cơ quan>, 16/04/2020 07:37 — …"
            meta.append(f'<div class="tla-source-meta" data-testid="tla-ky-so"><b>Ký số:</b> '
                        f'{esc(signed.removeprefix("Ký số: "))}</div>')
    if doc_id and (history := history_html(document_relations(client, doc_id))):
        meta.append(history)  # "có hiệu lực … → sửa đổi, bổ sung … bởi … → thay thế bởi …"
    where = citation.get("citation") or ""
    body = highlighted_html(text, quote) if text else f"<mark>{lines_html(quote)}</mark>"
    html_block = (
        f'<div class="tla-source" data-testid="tla-source-panel">'
        f'<div class="tla-source-title">[{esc(citation.get("marker"))}] {esc(title)}</div>'
        + "".join(meta)
        + f'<div class="tla-source-where">{esc(where)}</div>'
        f'<div class="tla-source-text">{body}</div></div>'
    )
    st.markdown(html_block, unsafe_allow_html=True)
    if error and not chunk:
        st.caption(f"Không tải được toàn văn: {error} Đoạn trích ở trên là phần được trích dẫn.")
        return
    if not chunk:
        return
    key_article = article_key(chunk)
    if key_article and st.toggle(f"Xem toàn văn {key_article}", key=f"article_{key}"):
        _full_text(article_chunks(chunks, chunk), chunk, quote)
    if len(chunks) > 1 and st.toggle("Xem toàn bộ văn bản", key=f"document_{key}"):
        _full_text(chunks, chunk, quote)


def _full_text(parts: list[dict[str, Any]], cited: dict[str, Any], quote: str) -> None:
    rows = []
    for part in parts:
        is_cited = part is cited
        part_text = str(part.get("text") or "")
        inner = highlighted_html(part_text, quote) if is_cited else lines_html(part_text)
        css = "tla-article-chunk tla-current" if is_cited else "tla-article-chunk"
        rows.append(f'<div class="{css}">'
                    f"<b>{esc(part.get('citation') or '')}</b><br>{inner}</div>")
    st.markdown(f'<div class="tla-source-text">{"".join(rows)}</div>', unsafe_allow_html=True)
