"""The admin page's access editor: pick an indexed document, read who may see it now, give it a new label.

The label is the one shape used everywhere (docs/access.md): ``public``, ``internal`` or ``{"level": "restricted",
"units", "roles", "roles_in_units", "groups", "units_and_below"}``. The page builds it from one field per clause
and sends it with ``PUT /v1/documents/access/{doc_id}``; the API checks it (an unknown group is its 422) and
relabels every chunk in place, so the change holds from the very next request. The pure helpers below (reading
a label into words and into form values, and form values back into a label) are what the tests check without a
server; names are one per line because unit and group names contain commas ("Các sở, ban, ngành")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.api_client import ApiClient
from ui.components.style import ROLE_LABELS

LEVELS = {"public": "Công khai — mọi người, kể cả khách chưa đăng nhập",
          "internal": "Nội bộ — mọi cán bộ đã đăng nhập",
          "restricted": "Hạn chế — chỉ những người được nêu dưới đây"}
LEVEL_NAMES = {"public": "Công khai", "internal": "Nội bộ", "restricted": "Hạn chế"}
# session keys of the form's fields, one per clause of a restricted label
FIELDS = ("units", "units_and_below", "roles", "groups", "roles_in_units")
KEY = "admin_access_"


class LabelError(ValueError):
    """A label the form cannot send; the message is Vietnamese, shown as it is."""


def _names(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _roles(roles: list[str]) -> str:
    """Roles in words ("Lãnh đạo"), the code kept for one this page does not know."""
    return ", ".join(ROLE_LABELS.get(r, r) for r in roles)


def describe(access: Any) -> str:
    """A label in words, e.g. "Hạn chế: đơn vị Sở Y tế; vai trò lanh_dao (mọi đơn vị)"."""
    label = {"level": access} if isinstance(access, str) else dict(access or {})
    level = str(label.get("level") or "unknown")
    if level != "restricted":
        return LEVEL_NAMES.get(level, f"không đọc được ({level})")
    parts = []
    if label.get("units"):
        parts.append("đơn vị " + ", ".join(label["units"]))
    if label.get("units_and_below"):
        parts.append("đơn vị và cấp dưới " + ", ".join(label["units_and_below"]))
    if label.get("roles"):
        parts.append("vai trò " + _roles(label["roles"]) + " (mọi đơn vị)")
    for unit, roles in (label.get("roles_in_units") or {}).items():
        parts.append(f"{_roles(roles)} của {unit}")
    if label.get("groups"):
        parts.append("nhóm " + "; ".join(label["groups"]))
    return "Hạn chế: " + ("; ".join(parts) if parts else "không ai ngoài quản trị viên")


def form_values(access: Any) -> dict[str, str]:
    """A label as the form's values: the level and one text per clause (a name per line; ``roles_in_units``
    as "Đơn vị: vai_trò, vai_trò" lines)."""
    label = {"level": access} if isinstance(access, str) else dict(access or {})
    level = label.get("level")
    values = {"level": level if level in LEVELS else "restricted"}
    for key in ("units", "units_and_below", "roles", "groups"):
        values[key] = "\n".join(label.get(key) or [])
    values["roles_in_units"] = "\n".join(f"{unit}: {', '.join(roles)}"
                                         for unit, roles in (label.get("roles_in_units") or {}).items())
    return values


def label_from(values: dict[str, str]) -> dict[str, Any] | str:
    """The form's values as the label the API reads. A restricted label naming nobody, or a
    ``roles_in_units`` line that is not "Đơn vị: vai_trò, …", raises :class:`LabelError` before any request."""
    level = values.get("level") or ""
    if level not in LEVELS:
        raise LabelError("Hãy chọn mức truy cập.")
    if level != "restricted":
        return level
    label: dict[str, Any] = {"level": "restricted"}
    for key in ("units", "units_and_below", "roles", "groups"):
        names = _names(values.get(key, ""))
        if names:
            label[key] = names
    pairs: dict[str, list[str]] = {}
    for line in _names(values.get("roles_in_units", "")):
        unit, sep, roles = line.partition(":")
        role_list = [r.strip() for r in roles.split(",") if r.strip()]
        if not sep or not unit.strip() or not role_list:
            raise LabelError(f"Dòng «{line}» phải có dạng «Tên đơn vị: vai_trò, vai_trò».")
        pairs.setdefault(unit.strip(), []).extend(role_list)
    if pairs:
        label["roles_in_units"] = pairs
    if len(label) == 1:
        raise LabelError("Văn bản hạn chế phải nêu ít nhất một đơn vị, vai trò hoặc nhóm được xem.")
    return label


def _load(doc_id: str, access: Any) -> None:
    """Put the document's current label into the form, once per chosen document (and after a save)."""
    if st.session_state.get(f"{KEY}loaded") == doc_id:
        return
    for field, value in form_values(access).items():
        st.session_state[f"{KEY}{field}"] = value
    st.session_state[f"{KEY}loaded"] = doc_id


def render_access_editor(client: ApiClient, call: Callable[..., Any], docs: list[dict[str, Any]]) -> None:
    """The "Quyền truy cập của văn bản" section of the documents tab."""
    st.subheader("Quyền truy cập của văn bản")
    st.caption("Đổi ai được xem một văn bản đã lập chỉ mục. Thay đổi có hiệu lực ngay từ yêu cầu tiếp theo, "
               "không phải lập chỉ mục lại; được ghi vào nhật ký.")
    by_id = {d.get("doc_id"): d for d in docs if d.get("doc_id")}
    doc_id = st.selectbox("Văn bản", options=list(by_id), key=f"{KEY}doc",
                          format_func=lambda x: f"{x} — {by_id[x].get('title') or ''}")
    if doc_id is None:
        return
    current = by_id[doc_id].get("access")  # the list is read again on every run, so after a save it is the new one
    _load(doc_id, current)
    shown = st.empty()
    shown.info(f"Quyền truy cập hiện tại: {describe(current)}")
    with st.form("admin_access_form"):
        level = st.radio("Mức truy cập mới", options=list(LEVELS), format_func=LEVELS.get, key=f"{KEY}level")
        st.caption("Với mức «Hạn chế»: mỗi dòng một tên; người được xem khi thỏa ít nhất một ô dưới đây.")
        left, right = st.columns(2)
        units = left.text_area("Đơn vị (đúng đơn vị đó)", key=f"{KEY}units")
        below = right.text_area("Đơn vị và mọi đơn vị trực thuộc", key=f"{KEY}units_and_below")
        roles = left.text_area("Vai trò, ở mọi đơn vị (ví dụ lanh_dao)", key=f"{KEY}roles")
        groups = right.text_area("Nhóm đơn vị (ví dụ Các sở, ban, ngành)", key=f"{KEY}groups")
        pairs = st.text_area("Vai trò trong một đơn vị: «Tên đơn vị: vai_trò, vai_trò» mỗi dòng",
                             key=f"{KEY}roles_in_units")
        save = st.form_submit_button("Lưu quyền truy cập", type="primary")
    if not save:
        return
    try:
        label = label_from({"level": level, "units": units, "units_and_below": below, "roles": roles,
                            "groups": groups, "roles_in_units": pairs})
    except LabelError as exc:
        st.warning(str(exc))
        return
    result = call(client.set_document_access, doc_id, label)
    if result is None:
        return
    st.session_state.pop(f"{KEY}loaded", None)  # the next run fills the form from the list, which has the new label
    shown.info(f"Quyền truy cập hiện tại: {describe(result.get('after'))}")
    st.success(f"Đã đổi quyền truy cập của văn bản {doc_id}: {describe(result.get('before'))} → "
               f"{describe(result.get('after'))}. Có hiệu lực từ yêu cầu tiếp theo "
               f"({result.get('chunks', 0)} đoạn được cập nhật, không lập chỉ mục lại).")
