"""Sidebar filters sent with every question: source kind, loại văn bản, lĩnh vực, cơ quan ban hành, in force."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.components.style import KIND_LABELS

LOAI_VAN_BAN = ["Luật", "Nghị định", "Thông tư", "Nghị quyết", "Quyết định", "Chỉ thị", "Kế hoạch", "Công văn",
                "Thông báo", "Báo cáo tổng hợp", "Thủ tục hành chính"]
LINH_VUC = ["Y tế", "Giáo dục", "Tài chính", "Đất đai", "Môi trường", "Tư pháp", "Nội vụ", "Công an",
            "Thông tin và truyền thông", "Khoa học và công nghệ"]
CO_QUAN = ["Quốc hội", "Chính phủ", "Thủ tướng Chính phủ", "Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh", "Sở Y tế",
           "Sở Tài chính", "Công an tỉnh"]


def render_filters() -> dict[str, Any]:
    """The filters block of ``/v1/ask`` (empty keys left out); ``{}`` when nothing is chosen."""
    with st.sidebar.expander("Bộ lọc nguồn", expanded=False, icon=":material/filter_alt:"):
        kinds = st.multiselect("Loại nguồn", options=list(KIND_LABELS), format_func=KIND_LABELS.get,
                               key="flt_kinds", placeholder="Tất cả nguồn")
        loai = st.multiselect("Loại văn bản", options=LOAI_VAN_BAN, key="flt_loai", accept_new_options=True,
                              placeholder="Tất cả")
        linh_vuc = st.multiselect("Lĩnh vực", options=LINH_VUC, key="flt_linh_vuc", accept_new_options=True,
                                  placeholder="Tất cả")
        co_quan = st.multiselect("Cơ quan ban hành", options=CO_QUAN, key="flt_co_quan", accept_new_options=True,
                                 placeholder="Tất cả")
        in_force = st.toggle("Chỉ văn bản còn hiệu lực", key="flt_in_force")
    filters: dict[str, Any] = {}
    if kinds:
        filters["kinds"] = list(kinds)
    if loai:
        filters["loai_van_ban"] = list(loai)
    if linh_vuc:
        filters["linh_vuc"] = list(linh_vuc)
    if co_quan:
        filters["co_quan_ban_hanh"] = list(co_quan)
    if in_force:
        filters["in_force_only"] = True
    return filters
