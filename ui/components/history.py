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
    for heading, group in by_channel(conversations[:30]):
        sidebar.caption(heading)
        for conv in group:
            render_conversation(client, call, conv, current)


# The channel groups in the order the history shows them; a conversation from before channels were kept
# goes last, said to be so (its channel was never recorded: not guessed).
CHANNEL_ORDER = ("ui", "api", "cli", None)
UNRECORDED_CHANNEL = "Chưa ghi kênh (hội thoại cũ)"


def by_channel(conversations: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The conversations kept apart by the channel they came through, each group under its words from the
    API (``channel_label``: Giao diện / Qua API / Qua dòng lệnh), most recent first within a group."""
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for channel in CHANNEL_ORDER:
        group = [c for c in conversations if (c.get("channel") or None) == channel]
        if group:
            groups.append((str(group[0].get("channel_label") or "") or UNRECORDED_CHANNEL, group))
    others = [c for c in conversations if (c.get("channel") or None) not in CHANNEL_ORDER]
    if others:  # a channel this page does not know yet: its own words from the API, or the code
        groups.append((str(others[0].get("channel_label") or others[0].get("channel")), others))
    return groups


def render_conversation(client: ApiClient, call: Callable[..., Any], conv: dict[str, Any],
                        current: str | None) -> None:
    """One conversation's open and delete buttons."""
    sidebar = st.sidebar
    conv_id = str(conv.get("id") or conv.get("conversation_id") or "")
    if not conv_id:
        return
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
