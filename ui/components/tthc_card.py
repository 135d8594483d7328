"""A compact card for answers about an administrative procedure (TTHC): agency, time limit, fee, papers."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from ui.api_client import ApiClient
from ui.components.sources import document_chunks, find_chunk
from ui.components.style import esc

_TIMING_LINE = re.compile(r"^(?P<kenh>[^:]+):\s*thời hạn giải quyết\s*(?P<thoi_han>.*?);\s*phí, lệ phí:\s*(?P<phi>.*)$")
_PAPER_LINE = re.compile(r"^\d+\.\s*(?P<ten>.+)$")


def is_tthc(citation: dict[str, Any]) -> bool:
    return str(citation.get("doc_id") or "").startswith("tthc:")


def fields_from_chunks(chunks: list[dict[str, Any]], chunk: dict[str, Any] | None) -> dict[str, Any]:
    """The procedure's structured fields: from the chunk payload when the API returns them, else read back
    from the chunk texts (which the indexer writes in a fixed layout)."""
    for candidate in [chunk, *chunks]:
        if candidate and isinstance(candidate.get("fields"), dict) and candidate["fields"].get("ma_thu_tuc"):
            return candidate["fields"]
    fields: dict[str, Any] = {"channels": [], "thanh_phan_ho_so": []}
    for c in chunks:
        text = str(c.get("text") or "")
        where = str(c.get("citation") or "") + " " + " ".join(map(str, c.get("path") or []))
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("Tên thủ tục:"):
                fields.setdefault("ten_thu_tuc", line.split(":", 1)[1].strip())
            elif line.startswith("Mã thủ tục:"):
                fields.setdefault("ma_thu_tuc", line.split(":", 1)[1].strip())
            elif line.startswith("Cơ quan thực hiện:"):
                fields.setdefault("co_quan_thuc_hien", line.split(":", 1)[1].strip())
            elif (m := _TIMING_LINE.match(line)) is not None:
                fields["channels"].append({"kenh": m["kenh"].strip(), "thoi_han": m["thoi_han"].strip(),
                                           "phi_le_phi": m["phi"].strip()})
            elif "Thành phần hồ sơ" in where and (m := _PAPER_LINE.match(line)) is not None:
                fields["thanh_phan_ho_so"].append({"ten": m["ten"].strip()})
    return fields


def _paper_name(paper: Any) -> str:
    return str(paper.get("ten") if isinstance(paper, dict) else paper)


def render_tthc_card(message: dict[str, Any], client: ApiClient) -> None:
    citation = next((c for c in message.get("citations") or [] if is_tthc(c)), None)
    if citation is None or message.get("refused"):
        return
    chunks, _error = document_chunks(client, str(citation["doc_id"]), str(citation.get("title") or ""))
    chunk = find_chunk(chunks, str(citation.get("chunk_id") or ""))
    fields = fields_from_chunks(chunks, chunk)
    if not fields.get("co_quan_thuc_hien") and not fields.get("channels") and not fields.get("thanh_phan_ho_so"):
        return
    name = fields.get("ten_thu_tuc") or citation.get("title") or ""
    code = fields.get("ma_thu_tuc") or ""
    agencies = [a for a in dict.fromkeys([fields.get("co_quan_thuc_hien"), fields.get("co_quan_co_tham_quyen")])
                if a]
    times = [f"{ch.get('kenh') or 'Kênh nộp'}: {ch.get('thoi_han')}" for ch in fields.get("channels") or []
             if ch.get("thoi_han")]
    fees = [f"{ch.get('kenh') or 'Kênh nộp'}: {ch.get('phi_le_phi') or 'không có thông tin'}"
            for ch in fields.get("channels") or []]
    papers = [_paper_name(p) for p in fields.get("thanh_phan_ho_so") or [] if p]

    def row(label: str, values: list[str], limit: int = 6) -> str:
        if not values:
            shown = "không có thông tin"
        else:
            items = "".join(f"<li>{esc(v)}</li>" for v in values[:limit])
            more = f"<li>… và {len(values) - limit} mục khác</li>" if len(values) > limit else ""
            shown = f'<ul style="margin:0 0 0 1.1em;padding:0">{items}{more}</ul>'
        return f'<div class="tla-tthc-row"><b>{esc(label)}:</b> {shown}</div>'

    head = f"Thủ tục {esc(code)} — {esc(name)}" if code else esc(name)
    block = (
        f'<div class="tla-tthc" data-testid="tla-tthc-card"><div class="tla-tthc-title">{head}</div>'
        + row("Cơ quan thực hiện", agencies)
        + row("Thời hạn giải quyết", times)
        + row("Phí, lệ phí", fees)
        + row("Thành phần hồ sơ", papers)
        + "</div>"
    )
    st.markdown(block, unsafe_allow_html=True)
