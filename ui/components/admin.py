"""The admin page (role ``admin``; the API enforces it too): upload, indexing status and rejections,
document removal, who may see each document (``access_editor``), and the audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.api_client import ApiClient, ApiError
from ui.components.access_editor import describe, render_access_editor
from ui.components.style import KIND_LABELS, channel_name, moment
from ui.components.upload_words import vietnamese_uploader

JOB_STATUS = {"queued": "đang chờ", "running": "đang lập chỉ mục", "done": "hoàn tất", "rejected": "bị từ chối",
              "failed": "lỗi"}
ACTIONS = {"ask": "hỏi đáp", "search": "tìm kiếm", "upload": "tải lên", "delete": "xoá", "login": "đăng nhập",
           "chat": "trò chuyện", "access": "đổi quyền truy cập", "hold": "giữ lại chờ duyệt (nghi có dấu mật)",
           "override": "cho phép lập chỉ mục tệp bị giữ", "incoming": "lập phiếu văn bản đến",
           "draft": "soạn thảo văn bản", "format_check": "kiểm tra thể thức", "erase": "xoá dữ liệu cá nhân"}
# The audit's outcome codes in words (the API writes codes, as its error codes; a code not named here is shown
# as written, so nothing is hidden).
OUTCOMES = {"ok": "thành công", "ok_oidc": "thành công (cổng định danh)", "answered": "đã trả lời",
            "refused": "từ chối (không đủ căn cứ)", "queued": "đã nhận, chờ lập chỉ mục", "relabelled": "đã đổi nhãn",
            "held": "bị giữ chờ duyệt", "indexed": "đã lập chỉ mục", "rejected": "bị từ chối",
            "aborted": "người dùng ngắt giữa chừng", "error": "lỗi", "bad_credentials": "sai tên hoặc mật khẩu",
            "locked_out": "sai mật khẩu, tài khoản bị khoá tạm", "login_locked": "đang bị khoá tạm",
            "directory_unavailable": "danh bạ không trả lời", "rate_limited": "vượt giới hạn số lần gọi",
            "document_not_found": "không tìm thấy văn bản", "forbidden": "không có quyền",
            "admin_only": "chỉ quản trị viên", "unsupported_file_type": "định dạng tệp không hỗ trợ",
            "empty_file": "tệp rỗng", "unreadable_file": "không đọc được tệp", "invalid_access": "nhãn truy cập sai"}
# Every format the API indexes (assistant.api.routes_documents.ACCEPTED_SUFFIXES; a test keeps them equal).
UPLOAD_TYPES = ["pdf", "docx", "doc", "html", "htm", "md", "txt", "png", "jpg", "jpeg", "tif", "tiff", "json",
                "jsonl"]


def _rejections(detail: Any) -> str:
    """The job's rejection reasons / error as one readable line."""
    if not isinstance(detail, dict):
        return "" if detail in (None, "") else str(detail)
    parts: list[str] = []
    rejected = detail.get("rejected") or detail.get("rejections") or []
    for r in rejected if isinstance(rejected, list) else [rejected]:
        if isinstance(r, dict):
            parts.append(str(r.get("reason") or r.get("detail") or json.dumps(r, ensure_ascii=False)))
        else:
            parts.append(str(r))
    for key in ("error", "reason", "message"):
        if detail.get(key):
            parts.append(str(detail[key]))
    if not parts:
        counts = [f"{label} {detail[k]}" for k, label in (("added", "thêm mới"), ("updated", "cập nhật"),
                                                          ("unchanged", "không đổi"), ("chunks", "đoạn"))
                  if k in detail]
        return " · ".join(counts)
    return "; ".join(parts)


def render_admin(client: ApiClient, call: Callable[..., Any]) -> None:
    st.header(":material/admin_panel_settings: Quản trị văn bản và nhật ký")
    tab_upload, tab_docs, tab_held, tab_users, tab_audit = st.tabs(
        ["Tải văn bản lên", "Văn bản và tiến trình lập chỉ mục", "Văn bản bị giữ chờ duyệt", "Người dùng",
         "Nhật ký truy cập"])
    with tab_upload:
        _upload(client, call)
    with tab_docs:
        _documents(client, call)
    with tab_held:
        _held(client, call)
    with tab_users:
        _users(client, call)
    with tab_audit:
        _audit(client)


def _held(client: ApiClient, call: Callable[..., Any]) -> None:
    """Files held for review (a possible secrecy stamp outside the header zone) and their release: the same
    file sent again with a stated reason; the file itself was never kept, so the administrator supplies it."""
    st.write("Tệp nghi có dấu độ mật ngoài vùng đầu văn bản bị giữ lại: hệ thống không lưu tệp, chỉ lưu tên (đã che "
             "dữ liệu cá nhân), mã băm sha256, người gửi, trang và lý do. Chỉ lập chỉ mục khi quản trị viên gửi lại "
             "đúng tệp đó kèm lý do; mọi lần giữ và cho phép đều ghi nhật ký.")
    held = call(client.held_documents) or []
    if not held:
        st.caption("Không có tệp nào đang bị giữ.")
    else:
        st.dataframe(
            [{"Tệp": h.get("filename", ""), "Giữ lúc": moment(h.get("held_at")), "Người gửi": h.get("uploader", ""),
              "Dấu": h.get("stamp", ""), "Trang": h.get("page") or "", "Lý do": h.get("reason", ""),
              "sha256": h.get("sha256", "")} for h in held],
            hide_index=True, key="admin_held_table",
        )
    with st.form("admin_override_form"):
        uploaded = vietnamese_uploader("Tệp bị giữ (đúng tệp đã gửi, cùng sha256)", UPLOAD_TYPES,
                                       key="admin_override_file")
        reason = st.text_area("Lý do cho phép lập chỉ mục (bắt buộc, ít nhất 10 ký tự, được ghi nhật ký)",
                              key="admin_override_reason")
        access = st.text_input('Nhãn truy cập (JSON, tuỳ chọn; để trống: chỉ quản trị viên xem được), ví dụ '
                               '{"level":"restricted","units":["Sở Y tế"]}', key="admin_override_access")
        send = st.form_submit_button("Cho phép lập chỉ mục", key="admin_override_send")
    if send:
        if uploaded is None or len(reason.strip()) < 10:
            st.warning("Hãy chọn tệp bị giữ và ghi lý do (ít nhất 10 ký tự).")
        else:
            result = call(client.upload_document, uploaded.name, uploaded.getvalue(), uploaded.type,
                          override_reason=reason.strip(), access=access.strip() or None)
            if result is not None:
                st.success(f"Đã nhận tệp «{result.get('filename', '')}» để lập chỉ mục theo lý do đã ghi. "
                           f"Mã tiến trình: {result.get('id', '')}")
    released = call(client.held_documents, "overridden") or []
    if released:
        st.subheader("Đã cho phép lập chỉ mục")
        st.dataframe(
            [{"Tệp": h.get("filename", ""), "Giữ lúc": moment(h.get("held_at")), "Người cho phép":
              h.get("override_by", ""), "Lúc": moment(h.get("overridden_at")), "Lý do cho phép":
              h.get("override_reason", ""), "sha256": h.get("sha256", "")} for h in released],
            hide_index=True, key="admin_released_table",
        )


SOURCES = {"file": "Tệp người dùng", "ldap": "Danh bạ LDAP", "oidc": "Cổng định danh (OIDC)"}


def _users(client: ApiClient, call: Callable[..., Any]) -> None:
    """Who may sign in and from where; a directory person's password and unit are changed in the directory."""
    data = call(client.users)
    if not data:
        return
    if data.get("directory") == "ldap":
        st.caption(f"Đăng nhập qua danh bạ LDAP của tỉnh. Người bị khoá hoặc chuyển đơn vị trong danh bạ mất quyền "
                   f"truy cập cũ trong vòng {data.get('recheck_minutes', 15):g} phút. Mật khẩu của họ được đổi trong "
                   "danh bạ; chỉ người trong tệp người dùng đổi mật khẩu bằng lệnh `assistant users set-password`.")
    if data.get("oidc"):
        st.caption("Cán bộ cũng đăng nhập qua cổng định danh của tỉnh (OpenID Connect): đơn vị và vai trò lấy từ "
                   "cổng định danh ở mỗi lần đăng nhập; mật khẩu của họ được đổi tại cổng định danh.")
    rows = data.get("users") or []
    if not rows:
        st.caption("Chưa có người dùng nào.")
        return
    st.dataframe(
        [{"Mã": r.get("id", ""), "Họ tên": r.get("name", ""),
          "Đơn vị": r.get("unit") or "(chưa có: chỉ đọc văn bản công khai)", "Vai trò": ", ".join(r.get("roles") or []),
          "Chức vụ": r.get("position", ""), "Nguồn": SOURCES.get(r.get("source", ""), r.get("source", "")),
          "Tình trạng tài khoản": "đã khoá" if r.get("disabled") else "đang dùng",
          "Đăng nhập gần nhất": moment(r.get("last_sign_in")) if r.get("last_sign_in") else "—"} for r in rows],
        hide_index=True, key="admin_users_table",
    )


def _upload(client: ApiClient, call: Callable[..., Any]) -> None:
    st.write("Tệp được gửi tới máy chủ và lập chỉ mục ở chế độ nền; theo dõi kết quả ở thẻ bên cạnh.")
    uploaded = vietnamese_uploader("Chọn văn bản: PDF (cả bản quét), Word (.docx, .doc), trang web (.html), văn "
                                   "bản (.txt, .md), ảnh quét (.png, .jpg, .tif), JSON thủ tục hành chính hoặc kho "
                                   "dữ liệu, JSONL điều luật", UPLOAD_TYPES, key="admin_upload")
    if st.button("Gửi lập chỉ mục", key="admin_upload_send", type="primary", disabled=uploaded is None):
        if uploaded is not None:
            result = call(client.upload_document, uploaded.name, uploaded.getvalue(), uploaded.type)
            if result is not None:
                job = result.get("job_id") or result.get("id") or ""
                st.success(f"Đã nhận tệp «{uploaded.name}». Mã tiến trình: {job}")


def dense_progress(dense: Any) -> tuple[float, str] | None:
    """(fraction done, line) while dense vectors are being filled after a first start; None when all are in."""
    if not isinstance(dense, dict) or not dense.get("pending_chunks"):
        return None
    total, pending = int(dense.get("chunks") or 0), int(dense["pending_chunks"])
    done = max(0, total - pending)
    line = (f"Đang bổ sung vector ngữ nghĩa: {done}/{total} đoạn ({dense.get('pending_documents', 0)} văn bản "
            "còn chờ). Trong lúc này, các văn bản đó vẫn tìm được theo từ khoá; kết quả theo nghĩa có dần.")
    if dense.get("error"):
        line += f" Lỗi gần nhất: {dense['error']}"
    return (done / total if total else 0.0), line


DENSE_REFRESH_S = 5  # the progress bar of a first start's dense vectors refreshes itself this often


@st.fragment(run_every=DENSE_REFRESH_S)
def _dense_status(client: ApiClient, call: Callable[..., Any]) -> None:
    """The dense-vector progress of a first start, re-read from /readyz every few seconds without a click (only
    this part of the page reruns); nothing shows once every vector is in."""
    ready = call(client.readiness)
    progress = dense_progress((ready or {}).get("dense"))
    if progress is not None:
        st.progress(progress[0], text=progress[1])


def _documents(client: ApiClient, call: Callable[..., Any]) -> None:
    st.button("Làm mới", key="admin_docs_refresh", icon=":material/refresh:")
    _dense_status(client, call)
    data = call(client.documents)
    if data is None:
        return
    jobs = data.get("jobs") or []
    st.subheader("Tiến trình lập chỉ mục")
    if jobs:
        st.dataframe(
            [{"Tệp": j.get("filename", ""), "Trạng thái": JOB_STATUS.get(j.get("status"), j.get("status")),
              "Người gửi": j.get("user_id", ""), "Gửi lúc": moment(j.get("created_at")),
              "Xong lúc": moment(j.get("finished_at")), "Chi tiết / lý do từ chối": _rejections(j.get("detail"))}
             for j in jobs],
            hide_index=True, key="admin_jobs_table",
        )
        for j in jobs:
            if j.get("status") in ("rejected", "failed"):
                st.error(f"«{j.get('filename')}» {JOB_STATUS.get(j.get('status'))}: "
                         f"{_rejections(j.get('detail')) or 'không rõ lý do'}")
    else:
        st.caption("Chưa có tiến trình nào.")
    docs = data.get("documents") or []
    st.subheader(f"Văn bản đã lập chỉ mục ({len(docs)})")
    if not docs:
        st.caption("Chưa có văn bản nào.")
        return
    st.dataframe(
        [{"Mã văn bản": d.get("doc_id", ""), "Loại nguồn": KIND_LABELS.get(d.get("kind"), d.get("kind", "")),
          "Tiêu đề": d.get("title", ""), "Tệp": d.get("file", ""), "Số đoạn": d.get("chunks", 0),
          "Quyền truy cập": describe(d.get("access")), "Cập nhật": d.get("updated_at", "")} for d in docs],
        hide_index=True, key="admin_docs_table",
    )
    with st.form("admin_delete_form"):
        titles = {d.get("doc_id"): d.get("title") or "" for d in docs}
        doc_id = st.selectbox("Gỡ văn bản khỏi chỉ mục", options=list(titles),
                              format_func=lambda x: f"{x} — {titles.get(x, '')}", key="admin_delete_doc")
        confirm = st.checkbox("Tôi xác nhận gỡ văn bản này", key="admin_delete_confirm")
        delete = st.form_submit_button("Gỡ văn bản")
    if delete:
        if not confirm:
            st.warning("Hãy đánh dấu ô xác nhận trước khi gỡ văn bản.")
        elif call(client.delete_document, doc_id):
            st.success(f"Đã gỡ văn bản {doc_id}.")
    render_access_editor(client, call, docs)


def _audit(client: ApiClient) -> None:
    cols = st.columns(3)
    user_id = cols[0].text_input("Người dùng", key="audit_user")
    action = cols[1].selectbox("Thao tác", options=["", *ACTIONS], format_func=lambda a: ACTIONS.get(a, "Tất cả"),
                               key="audit_action")
    limit = cols[2].number_input("Số dòng", min_value=10, max_value=1000, value=200, step=10, key="audit_limit")
    try:
        rows = client.audit(limit=int(limit), user_id=user_id.strip() or None, action=action or None)
    except ApiError as exc:
        if exc.status == 401:
            raise
        if exc.status in (404, 405):
            st.info("Máy chủ API chưa cung cấp chức năng xem nhật ký (GET /v1/audit). Nhật ký vẫn được ghi ở "
                    "máy chủ và có thể xuất bằng dòng lệnh.")
        else:
            st.error(exc.message)
        return
    if not rows:
        st.caption("Không có sự kiện nào.")
        return
    st.dataframe(
        [{"Thời điểm": moment(r.get("at")), "Người dùng": r.get("user_id", ""), "Đơn vị": r.get("unit", ""),
          "Qua": channel_name(r.get("via")), "Thao tác": ACTIONS.get(r.get("action"), r.get("action", "")),
          "Nội dung (đã che dữ liệu cá nhân)": r.get("question", ""),
          "Kết quả": OUTCOMES.get(r.get("outcome") or "", r.get("outcome") or ""),
          "Nguồn truy xuất": len(r.get("retrieved_ids") or []), "Nguồn trích dẫn": len(r.get("cited_ids") or []),
          "Thời gian (ms)": r.get("latency_ms", "")} for r in rows],
        hide_index=True, key="admin_audit_table",
    )
