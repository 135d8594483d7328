"""👍 / 👎 on each answer, with an optional comment, sent to ``POST /v1/feedback``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.api_client import ApiClient

DONE_KEY = "feedback_done"
PENDING_KEY = "feedback_pending"
UP, DOWN = ":material/thumb_up:", ":material/thumb_down:"
RATING_TEXT = {"up": f"{UP} hữu ích", "down": f"{DOWN} chưa hữu ích"}


def render_feedback(message: dict[str, Any], client: ApiClient, call: Callable[..., Any]) -> None:
    answer_id = message.get("answer_id")
    if not answer_id:
        return
    done: dict[str, str] = st.session_state.setdefault(DONE_KEY, {})
    pending: dict[str, str] = st.session_state.setdefault(PENDING_KEY, {})
    if answer_id in done:
        st.caption(f"Đã ghi nhận đánh giá {RATING_TEXT[done[answer_id]]}. Cảm ơn bạn!")
        return
    cols = st.columns([1, 1, 3])
    if cols[0].button("Hữu ích", key=f"fb_up_{answer_id}", icon=UP, help="👍 Câu trả lời hữu ích"):
        pending[answer_id] = "up"
    if cols[1].button("Chưa hữu ích", key=f"fb_down_{answer_id}", icon=DOWN, help="👎 Câu trả lời chưa đúng"):
        pending[answer_id] = "down"
    rating = pending.get(answer_id)
    if not rating:
        return
    with st.form(key=f"fb_form_{answer_id}", border=True):
        st.markdown(f"Đánh giá: {RATING_TEXT[rating]}")
        comment = st.text_area("Góp ý thêm (không bắt buộc)", key=f"fb_comment_{answer_id}", max_chars=2000)
        sent = st.form_submit_button("Gửi đánh giá")
    if sent:
        ok = call(client.feedback, answer_id, rating, comment.strip())
        if ok is not None:
            done[answer_id] = rating
            pending.pop(answer_id, None)
            st.rerun()
