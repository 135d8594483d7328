"""A compact card for answers about an administrative procedure (TTHC): agency, time limit, fee, papers.

The facts come as data: the ``tthc`` object the API puts on a TTHC citation (``/v1/ask``), else the
structured ``fields`` of the document's chunks (``/v1/documents/{id}/chunks``, for answers reloaded from
history) or the ``tthc`` object of its search hits. Chunk text is never read back.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.api_client import ApiClient
from ui.components.sources import document_chunks, find_chunk
from ui.components.style import esc

_ROW_LIMIT = 6


def is_tthc(citation: dict[str, Any]) -> bool:
    return str(citation.get("doc_id") or "").startswith("tthc:")


def _procedure(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) and value.get("ma_thu_tuc") else None


def procedure_fields(citation: dict[str, Any], chunks: list[dict[str, Any]],
                     chunk: dict[str, Any] | None) -> dict[str, Any] | None:
    """The procedure's structured fields: on the citation, else on the cited chunk or any chunk of it."""
    if found := _procedure(citation.get("tthc")):
        return found
    for candidate in [chunk, *chunks]:
        for key in ("tthc", "fields"):
            if candidate and (found := _procedure(candidate.get(key))):
                return found
    return None


def _row(label: str, values: list[str]) -> str:
    if not values:
        shown = "không có thông tin"
    else:
        items = "".join(f"<li>{esc(v)}</li>" for v in values[:_ROW_LIMIT])
        more = f"<li>… và {len(values) - _ROW_LIMIT} mục khác</li>" if len(values) > _ROW_LIMIT else ""
        shown = f'<ul style="margin:0 0 0 1.1em;padding:0">{items}{more}</ul>'
    return f'<div class="tla-tthc-row"><b>{esc(label)}:</b> {shown}</div>'


def card_html(fields: dict[str, Any], title: str = "") -> str:
    """The card for one procedure's fields ("" when they hold nothing worth a card)."""
    channels = [ch for ch in fields.get("channels") or [] if isinstance(ch, dict)]
    papers = [str(p.get("ten")) for p in fields.get("thanh_phan_ho_so") or [] if isinstance(p, dict) and p.get("ten")]
    agencies = [a for a in dict.fromkeys([fields.get("co_quan_thuc_hien"), fields.get("co_quan_co_tham_quyen")]) if a]
    if not agencies and not channels and not papers:
        return ""
    times = [f"{ch.get('kenh') or 'Kênh nộp'}: {ch['thoi_han']}" for ch in channels if ch.get("thoi_han")]
    fees = [f"{ch.get('kenh') or 'Kênh nộp'}: {ch.get('phi_le_phi') or 'không có thông tin'}" for ch in channels]
    name = fields.get("ten_thu_tuc") or title
    code = fields.get("ma_thu_tuc") or ""
    head = f"Thủ tục {esc(code)} — {esc(name)}" if code else esc(name)
    return (
        f'<div class="tla-tthc" data-testid="tla-tthc-card"><div class="tla-tthc-title">{head}</div>'
        + _row("Cơ quan thực hiện", agencies)
        + _row("Thời hạn giải quyết", times)
        + _row("Phí, lệ phí", fees)
        + _row("Thành phần hồ sơ", papers)
        + "</div>"
    )


def card_citation(message: dict[str, Any], shown: set[str] | None = None) -> dict[str, Any] | None:
    """The TTHC citation whose card this answer shows, or None: none for a refusal, and none for a follow-up
    about a procedure whose card an earlier answer of the conversation already showed (``shown``, the doc_ids
    carded so far, updated here): the follow-up's text answers the asked part only, the card is not repeated."""
    citation = next((c for c in message.get("citations") or [] if is_tthc(c)), None)
    if citation is None or message.get("refused"):
        return None
    if shown is not None:
        doc_id = str(citation.get("doc_id") or "")
        if doc_id in shown:
            return None
        shown.add(doc_id)
    return citation


def render_tthc_card(message: dict[str, Any], client: ApiClient, shown: set[str] | None = None) -> None:
    citation = card_citation(message, shown)
    if citation is None:
        return
    fields = procedure_fields(citation, [], None)
    if fields is None:  # an answer reloaded from history carries no "tthc": read the document's chunks
        chunks, _error = document_chunks(client, str(citation["doc_id"]), str(citation.get("title") or ""))
        fields = procedure_fields(citation, chunks, find_chunk(chunks, str(citation.get("chunk_id") or "")))
    if fields and (block := card_html(fields, str(citation.get("title") or ""))):
        st.markdown(block, unsafe_allow_html=True)
