"""Conversation history in the sidebar: new, open, delete (all through the API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.api_client import ApiClient


def message_from_api(row: dict[str, Any]) -> dict[str, Any]:
    """A stored message (``GET /v1/conversations/{id}``) in the page's own shape."""
    data = row.get("data") if isinstance(row.get("data"), dict) else {}
    merged = {**data, **{k: v for k, v in row.items() if k != "data"}}
    role = "assistant" if merged.get("role") in ("assistant", "ai", "bot") else "user"
    content = merged.get("content") or merged.get("answer") or merged.get("text") or ""
    message: dict[str, Any] = {"role": role, "content": content}
    if role == "assistant":
        message.update({
            "answer_id": merged.get("answer_id") or "",
            "citations": merged.get("citations") or [],
            "sources": merged.get("sources") or [],
            "refused": bool(merged.get("refused")),
            "warnings": merged.get("warnings") or [],
            "table": merged.get("table"),
            "from_history": True,  # stored answers keep citations, not the sources the model saw
        })
    return message


def reset_chat() -> None:
    st.session_state["messages"] = []
    st.session_state["conversation_id"] = None
    st.session_state["open_source"] = {}


def render_history(client: ApiClient, call: Callable[..., Any]) -> None:
    sidebar = st.sidebar
    sidebar.markdown("### :material/forum: Hội thoại")
    if sidebar.button("Hội thoại mới", key="conv_new", width="stretch", icon=":material/add:"):
        reset_chat()
        st.rerun()
    conversations = call(client.conversations)
    if conversations is None:
        return
    if not conversations:
        sidebar.caption("Chưa có hội thoại nào.")
        return
    current = st.session_state.get("conversation_id")
    for conv in conversations[:30]:
        conv_id = str(conv.get("id") or conv.get("conversation_id") or "")
        if not conv_id:
            continue
        title = " ".join(str(conv.get("title") or "Hội thoại không tên").split())
        title = title if len(title) <= 48 else title[:47] + "…"
        cols = sidebar.columns([5, 1], gap="small", vertical_alignment="center")
        icon = ":material/chevron_right:" if conv_id == current else ":material/chat_bubble_outline:"
        if cols[0].button(title, key=f"conv_open_{conv_id}", width="stretch", help="Mở hội thoại", icon=icon):
            data = call(client.conversation, conv_id)
            if data is not None:
                rows = data.get("messages") if isinstance(data, dict) else data
                st.session_state["messages"] = [message_from_api(r) for r in rows or [] if isinstance(r, dict)]
                st.session_state["conversation_id"] = conv_id
                st.session_state["open_source"] = {}
                st.rerun()
        if cols[1].button(":material/delete:", key=f"conv_del_{conv_id}", help="Xoá hội thoại",
                          type="tertiary"):
            if call(client.delete_conversation, conv_id):
                if conv_id == current:
                    reset_chat()
                st.session_state["flash"] = ("success", "Đã xoá hội thoại.")
                st.rerun()
