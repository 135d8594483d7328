"""The "Văn bản đến" page: drop an incoming document, see its processing card (phiếu xử lý): the header, each
request with the unit named and its deadline, the units suggested to lead and support with the sentence that
names them, the documents it cites with their validity, the summary; every item with its place. A scan is read
as a job: the page shows that it is being read and reads the card back. HTTP only (``/v1/incoming``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from ui.api_client import ApiClient
from ui.components.style import day_first, esc
from ui.components.upload_words import vietnamese_uploader

LABELS = {"so_hieu": "Số, ký hiệu", "loai_van_ban": "Loại văn bản", "co_quan_ban_hanh": "Cơ quan ban hành",
          "ngay_ban_hanh": "Ngày văn bản", "trich_yeu": "Trích yếu", "do_khan": "Độ khẩn", "nguoi_ky": "Người ký",
          "chuc_vu": "Chức vụ"}
STATES = {"queued": "đang chờ đọc (bản quét cần nhận dạng chữ)", "running": "đang đọc bản quét",
          "failed": "không đọc được"}


def where(place: dict[str, Any] | None) -> str:
    """"Mục VI.1, ý 2 — dòng 131, trang 3"."""
    if not place:
        return ""
    at = ", ".join(x for x in (f"dòng {place['line']}" if place.get("line") else "",
                               f"trang {place['page']}" if place.get("page") else "") if x)
    return " — ".join(x for x in (place.get("cite") or "", at) if x)


def _units(refs: list[dict[str, Any]]) -> str:
    return ", ".join(r["name"] for r in refs) or "không nêu"


def _deadline(deadline: dict[str, Any]) -> str:
    if deadline.get("due"):
        return f"{day_first(deadline['due'])} («{deadline['text']}»)"
    return f"«{deadline['text']}» (chưa quy ra ngày)" if deadline.get("text") else "không nêu hạn"


def card_html(card: dict[str, Any]) -> str:
    """The card as HTML (escaped): header table, requests, suggested units, cited documents, summary."""
    rows = []
    for name, label in LABELS.items():
        item = card["header"].get(name) or {}
        value = item.get("value")
        if name == "ngay_ban_hanh" and value:
            value = day_first(str(value))
        shown = value if value is not None else ("không ghi" if name == "do_khan" else "chưa đọc được")
        rows.append(f"<tr><th>{esc(label)}</th><td>{esc(shown)}</td><td><i>{esc(where(item.get('place')))}</i>"
                    "</td></tr>")
    signatures = "; ".join(str(s.get("signer") or s.get("organisation") or "") for s in card.get("ky_so") or [])
    rows.append(f"<tr><th>Ký số</th><td>{esc(signatures or 'không có chữ ký số đọc được')}</td><td></td></tr>")
    out = [f'<table data-testid="tla-incoming-header">{"".join(rows)}</table>',
           f"<h4>Yêu cầu ({len(card['requests'])})</h4>"]
    items = "".join(
        f"<li>{esc(r['text'])}<br><b>Chủ trì:</b> {esc(_units(r['lead']))}"
        + (f"; <b>phối hợp:</b> {esc(_units(r['support']))}" if r["support"] else "")
        + f"<br><b>Hạn:</b> {esc(_deadline(r['deadline']))} <i>[{esc(where(r['place']))}]</i></li>"
        for r in card["requests"])
    out.append(f'<ol data-testid="tla-incoming-requests">{items}</ol>' if items
               else "<p>Không thấy yêu cầu giao cho đơn vị nào.</p>")
    out.append("<h4>Đề xuất đơn vị xử lý</h4>")
    if card.get("lead"):
        lead = card["lead"]
        units = [f"<li><b>Chủ trì: {esc(lead['unit'])}</b> — «{esc(lead['reason'])}» "
                 f"<i>[{esc(where(lead['place']))}]</i></li>"]
        units += [f"<li>Phối hợp: {esc(s['unit'])} — «{esc(s['reason'])}» <i>[{esc(where(s['place']))}]</i></li>"
                  for s in card.get("support") or []]
        out.append(f'<ul data-testid="tla-incoming-units">{"".join(units)}</ul>')
    else:
        out.append("<p>Văn bản không nêu đơn vị nào trong danh sách đơn vị của tỉnh.</p>")
    out.append(f"<h4>Văn bản được viện dẫn ({len(card['cited'])})</h4>")
    cited = []
    for c in card["cited"]:
        if c["found"]:
            state = c.get("validity_words") or "chưa xác minh hiệu lực"
            more = f"; bị thay thế bởi {', '.join(c['replaced_by'])}" if c.get("replaced_by") else ""
            cited.append(f"<li>{esc(c['so_hieu'])}: {esc(c.get('title') or '')} — <b>{esc(state + more)}</b> "
                         f"<i>[{esc(where(c['place']))}]</i></li>")
        else:
            cited.append(f"<li>{esc(c['so_hieu'])}: chưa tìm thấy trong kho <i>[{esc(where(c['place']))}]</i></li>")
    out.append(f"<ul>{''.join(cited)}</ul>")
    summary = card["summary"]
    title = "Tóm tắt (do mô hình viết)" if summary["method"] == "llm" else "Tóm tắt (trích từ văn bản)"
    out.append(f"<h4>{title}</h4><p>{esc(summary['text'])}</p>")
    out += [f"<p><i>Lưu ý: {esc(n)}</i></p>" for n in card.get("notes") or []]
    return "\n".join(out)


def render_incoming_page(api: ApiClient, call: Callable[..., Any]) -> None:
    st.header("Văn bản đến")
    st.caption("Thả một văn bản đến để lập phiếu xử lý: yêu cầu, đơn vị chủ trì, phối hợp, thời hạn, văn bản "
               "viện dẫn và hiệu lực.")
    upload = vietnamese_uploader("Tệp văn bản đến (.pdf, .docx, .doc, .txt, ảnh quét)",
                                 ["pdf", "docx", "doc", "txt", "html", "png", "jpg", "jpeg", "tif", "tiff"],
                                 key="incoming_file")
    col1, col2 = st.columns(2)
    arrived = col1.date_input("Ngày văn bản đến (để tính hạn «kể từ ngày nhận»)", value=None, format="DD/MM/YYYY",
                              key="incoming_day")
    share = col2.checkbox("Cho đơn vị của tôi xem phiếu", key="incoming_share")
    if upload is not None and st.button("Lập phiếu xử lý", type="primary", key="incoming_make"):
        day = arrived.isoformat() if isinstance(arrived, date) else ""
        made = call(api.incoming, upload.name, upload.getvalue(), day, bool(share))
        if made:
            st.session_state["last_incoming"] = made
    made = st.session_state.get("last_incoming")
    if not made:
        return
    if made.get("status") != "done":
        if st.button("Xem lại phiếu", key="incoming_refresh"):
            again = call(api.incoming_card, made["id"])
            if again:
                st.session_state["last_incoming"] = made = again
    status = made.get("status")
    if status == "done" and made.get("card"):
        st.markdown(card_html(made["card"]), unsafe_allow_html=True)
    elif status == "failed":
        st.error(f"{made.get('file', '')}: {STATES['failed']} ({made.get('error') or ''})")
    else:
        st.info(f"{made.get('file', '')}: {STATES.get(str(status), str(status))}. Mã phiếu: {made['id']}")
