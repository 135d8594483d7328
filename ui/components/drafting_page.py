"""The "Soạn thảo văn bản" page: a form for a draft in the Nghị định 30 layout (loại, cơ quan, ký hiệu, trích
yếu, Kính gửi / Nơi nhận from the province's units, người ký), the căn cứ suggested with their validity, the
.docx to download; and the thể thức check of a file dropped on the page. HTTP only (``/v1/units``,
``/v1/drafts``, ``/v1/format-check``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from ui.api_client import ApiClient
from ui.components.style import esc
from ui.components.upload_words import vietnamese_uploader

KINDS = ["công văn", "tờ trình", "báo cáo", "quyết định", "kế hoạch", "thông báo", "giấy mời"]
AUTHORITIES = ["", "TM.", "KT.", "TL.", "TUQ.", "Q."]
SEVERITY = {"error": "Lỗi", "warning": "Lưu ý"}


def findings_html(findings: list[dict[str, Any]]) -> str:
    """Each finding as a line: severity, what was found, the rule's place in NĐ 30, the text it is about."""
    if not findings:
        return '<p data-testid="tla-format-ok">Đúng thể thức: không có lỗi nào.</p>'
    items = "".join(
        f'<li class="tla-finding-{esc(f["severity"])}"><b>{esc(SEVERITY.get(f["severity"], f["severity"]))}:</b> '
        f'{esc(f["message"])} — <i>{esc(f["cite"])}</i>' + (f' «{esc(f["text"])}»' if f.get("text") else "")
        + "</li>" for f in findings)
    return f'<ul data-testid="tla-findings">{items}</ul>'


def basis_html(basis: list[dict[str, Any]]) -> str:
    if not basis:
        return "<p>Không có căn cứ gợi ý (không tìm thấy văn bản còn hiệu lực về nội dung này).</p>"
    rows = "".join(f"<li>{esc(b['text'])} — <i>{esc(b.get('validity_label') or 'chưa rõ hiệu lực')}</i>"
                   + (f" (dùng: {esc(', '.join(b['provisions']))})" if b.get("provisions") else "") + "</li>"
                   for b in basis)
    return f'<ul data-testid="tla-basis">{rows}</ul>'


def _form(units: list[str]) -> dict[str, Any] | None:
    with st.form("draft_form"):
        kind = st.selectbox("Loại văn bản", KINDS)
        c1, c2 = st.columns(2)
        chu_quan = c1.text_input("Cơ quan chủ quản (nếu có)", "UBND tỉnh Hà Tĩnh")
        co_quan = c2.text_input("Cơ quan ban hành", "Sở Y tế")
        c1, c2, c3 = st.columns(3)
        ky_hieu = c1.text_input("Ký hiệu (ví dụ SYT, hoặc SYT-VP cho công văn)", "SYT")
        so = c2.text_input("Số (để trống nếu văn thư cấp sau)", "")
        ngay = c3.date_input("Ngày ban hành", value=None)
        dia_danh = st.text_input("Địa danh", "Hà Tĩnh")
        trich_yeu = st.text_input("Trích yếu", "")
        kinh_gui = st.multiselect("Kính gửi (công văn, tờ trình, báo cáo)", units)
        noi_nhan = st.multiselect("Nơi nhận khác", units)
        c1, c2 = st.columns(2)
        quyen_han = c1.selectbox("Quyền hạn ký", AUTHORITIES)
        thay_mat = c2.text_input("Ký thay mặt / thay (tập thể hoặc chức vụ cấp trưởng)", "Giám đốc")
        c1, c2, c3 = st.columns(3)
        chuc_vu = c1.text_input("Chức vụ người ký", "Phó Giám đốc")
        nguoi_ky = c2.text_input("Họ tên người ký", "")
        luu = c3.text_input("Lưu (sau VT)", "VP")
        share = st.checkbox("Chia sẻ dự thảo với đơn vị của tôi")
        if not st.form_submit_button("Soạn dự thảo"):
            return None
    body: dict[str, Any] = {
        "loai_van_ban": kind, "co_quan_chu_quan": chu_quan, "co_quan": co_quan, "ky_hieu": ky_hieu, "so": so,
        "dia_danh": dia_danh, "trich_yeu": trich_yeu, "kinh_gui": kinh_gui, "noi_nhan": noi_nhan,
        "quyen_han": quyen_han, "thay_mat": thay_mat if quyen_han else "", "chuc_vu": chuc_vu,
        "nguoi_ky": nguoi_ky, "luu": luu, "chia_se_don_vi": share}
    if isinstance(ngay, date):
        body["ngay"] = ngay.isoformat()
    return body


def render_drafting_page(api: ApiClient, call: Callable[..., Any]) -> None:
    st.header("Soạn thảo văn bản")
    st.caption("Dự thảo theo thể thức Nghị định 30/2020/NĐ-CP (Phụ lục I); căn cứ được gợi ý từ các văn bản bạn "
               "được phép xem, không gợi ý văn bản đã bị thay thế hoặc hết hiệu lực.")
    units = call(api.units) or []
    body = _form(units)
    if body is not None:
        made = call(api.create_draft, body)
        if made:
            st.session_state["last_draft"] = made
    made = st.session_state.get("last_draft")
    if made:
        draft = made["draft"]
        st.subheader(f"Dự thảo {draft['so_ky_hieu']}")
        st.markdown("**Căn cứ gợi ý**")
        st.markdown(basis_html(draft.get("can_cu") or []), unsafe_allow_html=True)
        st.markdown("**Kiểm tra thể thức của dự thảo**")
        st.markdown(findings_html(made.get("findings") or []), unsafe_allow_html=True)
        data = call(api.draft_docx, made["docx_url"])
        if data:
            st.download_button("Tải dự thảo (.docx)", data, file_name=f"du-thao-{made['id'][:8]}.docx",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.divider()
    st.subheader("Kiểm tra thể thức một văn bản")
    upload = vietnamese_uploader("Tệp .docx, .doc hoặc .pdf", ["docx", "doc", "pdf"], key="format_check_file")
    if upload is not None:
        result = call(api.format_check, upload.name, upload.getvalue())
        if result:
            st.markdown(findings_html(result.get("findings") or []), unsafe_allow_html=True)
            for note in result.get("notes") or []:
                st.caption(f"Không đánh giá: {note}")
