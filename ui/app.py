"""Trợ lý ảo — giao diện web cho cán bộ, công chức (Streamlit).

Run with ``assistant ui`` or ``streamlit run ui/app.py``. The page is an ordinary client of the HTTP API
(``ASSISTANT_API_URL``, default http://127.0.0.1:8000): it never imports the retrieval code, so it sees
exactly what any other client with the same sign-in would see.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # `streamlit run ui/app.py` puts ui/ on the path, not the repo root
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from ui.api_client import DEFAULT_API_URL, ApiClient, ApiError  # noqa: E402
from ui.components.admin import render_admin  # noqa: E402
from ui.components.citations import render_citation_buttons  # noqa: E402
from ui.components.drafting_page import render_drafting_page  # noqa: E402
from ui.components.feedback import render_feedback  # noqa: E402
from ui.components.filters import render_filters  # noqa: E402
from ui.components.history import render_history, reset_chat  # noqa: E402
from ui.components.incoming_page import render_incoming_page  # noqa: E402
from ui.components.oidc_signin import render_button as render_oidc_button  # noqa: E402
from ui.components.oidc_signin import take_return as take_oidc_return  # noqa: E402
from ui.components.refusal import render_refusal  # noqa: E402
from ui.components.style import answer_html, esc, inject_css, lines_html, roles_text  # noqa: E402
from ui.components.task_answer import render_task_table  # noqa: E402
from ui.components.tasks_page import render_tasks_page  # noqa: E402
from ui.components.tthc_card import render_tthc_card  # noqa: E402

PAGE_CHAT = "Hỏi đáp"
PAGE_ADMIN = "Quản trị"
PAGE_TASKS = "Nhiệm vụ của đơn vị"
PAGE_DRAFTING = "Soạn thảo văn bản"
PAGE_INCOMING = "Văn bản đến"
SESSION_KEYS = ("token", "user", "messages", "conversation_id", "open_source", "feedback_done", "feedback_pending",
                "doc_chunks_cache", "page", "last_draft", "last_incoming")
EXPIRED = "Phiên đăng nhập đã hết hạn hoặc không còn hợp lệ. Vui lòng đăng nhập lại."


def api_url() -> str:
    return (os.environ.get("ASSISTANT_API_URL") or DEFAULT_API_URL).rstrip("/")


def client() -> ApiClient:
    return ApiClient(api_url(), st.session_state.get("token"))


def flash(kind: str, text: str) -> None:
    st.session_state["flash"] = (kind, text)


def show_flash() -> None:
    item = st.session_state.pop("flash", None)
    if item:
        kind, text = item
        {"success": st.success, "warning": st.warning, "info": st.info}.get(kind, st.error)(text)


def sign_out(message: str | None = None, kind: str = "info") -> None:
    for key in SESSION_KEYS:
        st.session_state.pop(key, None)
    if message:
        flash(kind, message)


def call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one API call; a failure is shown as its Vietnamese message and ``None`` is returned."""
    try:
        return fn(*args, **kwargs)
    except ApiError as exc:
        if exc.status == 401 and st.session_state.get("token"):
            sign_out(EXPIRED, "warning")
            st.rerun()
        st.error(exc.message)
        return None


# -- sign-in -----------------------------------------------------------------------------------------------
def login_page() -> None:
    st.title(":material/account_balance: Trợ lý ảo cho cán bộ, công chức")
    st.caption("Hỏi đáp văn bản pháp luật, thủ tục hành chính và số liệu nội bộ, có trích dẫn nguồn.")
    show_flash()
    returned = take_oidc_return(api_url())
    if returned is not None:
        signed_in(returned, "")
        return
    with st.form("login_form", border=True):
        st.subheader("Đăng nhập")
        username = st.text_input("Tên đăng nhập", key="login_username")
        password = st.text_input("Mật khẩu", type="password", key="login_password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    render_oidc_button(api_url())
    if not submitted:
        return
    if not username.strip() or not password:
        st.error("Vui lòng nhập tên đăng nhập và mật khẩu.")
        return
    api = ApiClient(api_url())
    try:
        data = api.login(username.strip(), password)
    except ApiError as exc:
        st.error(f"Đăng nhập không thành công: {exc.message}")
        return
    signed_in(data, username.strip())


def signed_in(data: dict[str, Any], username: str) -> None:
    """Keep the token and the person (from the password form or the provider's one-time code) and start."""
    st.session_state["token"] = data["access_token"]
    st.session_state["user"] = data.get("user") or {"id": username, "name": username, "unit": "", "roles": []}
    reset_chat()
    st.rerun()


def user_card(user: dict[str, Any]) -> None:
    st.sidebar.markdown(
        '<div class="tla-user" data-testid="tla-user">'
        f"<b>{esc(user.get('name'))}</b><br>"
        f"Đơn vị: {esc(user.get('unit') or '—')}<br>"
        f"Vai trò: {esc(roles_text(user.get('roles')))}</div>",
        unsafe_allow_html=True,
    )
    if st.sidebar.button("Đăng xuất", key="logout", icon=":material/logout:"):
        sign_out("Bạn đã đăng xuất.")
        st.rerun()


# -- chat --------------------------------------------------------------------------------------------------
def message_from_final(final: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": final.get("answer") or "",
        "answer_id": final.get("answer_id") or "",
        "citations": final.get("citations") or [],
        "sources": final.get("sources") or [],
        "refused": bool(final.get("refused")),
        "warnings": final.get("warnings") or [],
        "table": final.get("table"),
    }


def render_message(message: dict[str, Any], api: ApiClient, carded: set[str] | None = None) -> None:
    """One chat message; ``carded`` holds the procedures whose card an earlier answer already showed."""
    if message.get("role") == "user":
        with st.chat_message("user"):
            st.markdown(lines_html(message.get("content") or ""), unsafe_allow_html=True)
        return
    with st.chat_message("assistant"):
        if message.get("error"):
            st.error(message.get("content") or "Không nhận được câu trả lời.")
            return
        if message.get("refused"):
            render_refusal(message)
        elif not render_task_table(message, open_tasks_page, lambda m: render_citation_buttons(m, api)):
            st.markdown(answer_html(message.get("content") or ""), unsafe_allow_html=True)
            for warning in message.get("warnings") or []:
                st.warning(f"Lưu ý: {warning}")
            render_tthc_card(message, api, carded)
            render_citation_buttons(message, api)
        render_feedback(message, api, call)


def open_tasks_page() -> None:
    """A task table's link: the next run shows the «Nhiệm vụ của đơn vị» page (set before the radio is drawn)."""
    st.session_state["page"] = PAGE_TASKS


def ask(question: str, api: ApiClient, filters: dict[str, Any]) -> None:
    messages: list[dict[str, Any]] = st.session_state.setdefault("messages", [])
    messages.append({"role": "user", "content": question})
    render_message(messages[-1], api)
    final: dict[str, Any] | None = None
    with st.chat_message("assistant"):
        placeholder = st.empty()
        placeholder.markdown("_Đang tìm căn cứ và soạn câu trả lời…_")
        text = ""
        try:
            for event in api.ask_stream(question, st.session_state.get("conversation_id"), filters or None):
                if event.event == "meta" and event.data.get("conversation_id"):
                    st.session_state["conversation_id"] = event.data["conversation_id"]
                elif event.event == "token":
                    text += str(event.data.get("text") or "")
                    placeholder.markdown(answer_html(text + " ▌"), unsafe_allow_html=True)
                elif event.event == "reset":
                    text = ""
                    placeholder.markdown("_Đang kiểm tra lại trích dẫn…_")
                elif event.event == "final":
                    final = event.data
        except ApiError as exc:
            if exc.status == 401:
                sign_out(EXPIRED, "warning")
                st.rerun()
            placeholder.empty()
            messages.append({"role": "assistant", "error": True, "content": exc.message})
            st.rerun()
    if final is not None:
        messages.append(message_from_final(final))
        if final.get("conversation_id"):
            st.session_state["conversation_id"] = final["conversation_id"]
    st.rerun()


def chat_page(api: ApiClient, filters: dict[str, Any]) -> None:
    st.title(":material/account_balance: Trợ lý ảo cho cán bộ, công chức")
    st.caption("Câu trả lời chỉ dựa trên văn bản, thủ tục và số liệu bạn được phép xem; mỗi ý đều có trích dẫn. "
               "Bấm vào số [n] dưới câu trả lời để xem nguyên văn căn cứ.")
    if filters:
        st.caption("Đang áp dụng bộ lọc nguồn ở thanh bên.")
    show_flash()
    carded: set[str] = set()  # a procedure's card is shown once per conversation, not on every follow-up
    for message in st.session_state.setdefault("messages", []):
        render_message(message, api, carded)
    question = st.chat_input("Nhập câu hỏi về văn bản, thủ tục hành chính, số liệu…", max_chars=2000)
    if question and question.strip():
        ask(question.strip(), api, filters)


# -- page --------------------------------------------------------------------------------------------------
def main() -> None:
    st.set_page_config(page_title="Trợ lý ảo", page_icon=":material/account_balance:", layout="wide")
    inject_css()
    user = st.session_state.get("user")
    if not st.session_state.get("token") or not user:
        login_page()
        return
    api = client()
    user_card(user)
    admin = [PAGE_ADMIN] if "admin" in (user.get("roles") or []) else []
    pages = [PAGE_CHAT, PAGE_TASKS, PAGE_INCOMING, PAGE_DRAFTING, *admin]
    page = st.sidebar.radio("Chức năng", pages, key="page")
    if page == PAGE_ADMIN:
        render_admin(api, call)
        return
    if page == PAGE_TASKS:
        render_tasks_page(api, user, call)
        return
    if page == PAGE_DRAFTING:
        render_drafting_page(api, call)
        return
    if page == PAGE_INCOMING:
        render_incoming_page(api, call)
        return
    filters = render_filters()
    render_history(api, call)
    chat_page(api, filters)


def run() -> None:
    try:
        main()
    except ApiError as exc:
        if exc.status == 401 and st.session_state.get("token"):
            sign_out(EXPIRED, "warning")
            st.rerun()
        st.error(exc.message)
    except Exception:  # a bug must not show a traceback to the user; the server log has it
        import logging

        logging.getLogger("ui").exception("unexpected error in the page")
        st.error("Đã xảy ra lỗi không mong muốn trong giao diện. Vui lòng tải lại trang hoặc thử lại sau.")


run()
