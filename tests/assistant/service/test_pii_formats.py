"""Personal data in the ten formats the attack pass stored raw (issue 28), masked by the one function and in
the SQL stores: conversation titles and messages (here, through the store on SQLite), feedback, audit and job
records (which store ``mask_pii`` / ``mask_and_cut`` of what they were given)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.service.conversations import ConversationStore, Turn
from assistant.service.db import Conversation, Message, Sessions, make_engine
from assistant.service.pii import mask_and_cut, mask_pii

FORMATS = {
    "phone spaced dashes": ("0912 - 345 - 678", "0912345678"),
    "cccd 6+6": ("038090 012345", "038090012345"),
    "cccd mixed separators": ("038-090.012 345", "038090012345"),
    "phone slashes": ("0912/345/678", "0912345678"),
    "phone tabs": ("0912\t345\t678", "0912345678"),
    "phone nbsp": ("0912\u00a0345\u00a0678", "0912345678"),
    "full-width digits": ("０９１２３４５６７８", "0912345678"),
    "zero-width spaces": ("09\u200b12\u200b345\u200b678", "0912345678"),
    "cccd full-width": ("０３８０９００１２３４５", "038090012345"),
    "spaced e-mail": ("nguyenvana @ gmail.com", "nguyenvana@gmail.com"),
}


def _digits_or_text(text: str) -> str:
    kept = "".join(ch for ch in text if ch.isdigit() or ch.isalpha() or ch == "@")
    return kept


def _leaks(stored: str, raw: str) -> bool:
    return raw in _digits_or_text(mask_pii(stored)) or raw in _digits_or_text(stored)


@pytest.fixture()
def conversations(tmp_path: Path) -> tuple[ConversationStore, Sessions]:
    sessions = Sessions(make_engine(f"sqlite:///{tmp_path / 'pii.db'}"))
    return ConversationStore(sessions), sessions


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_format_is_masked_by_the_one_function(name: str) -> None:
    written, raw = FORMATS[name]
    masked = mask_pii(f"Tôi là A, liên hệ {written} giúp tôi")
    assert raw not in _digits_or_text(masked) and "***" in masked
    assert raw not in _digits_or_text(mask_and_cut(f"hỏi: {written}", 4000))


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_format_is_masked_in_titles_and_messages(name: str, conversations) -> None:  # noqa: ANN001
    store, sessions = conversations
    written, raw = FORMATS[name]
    question = f"CCCD/điện thoại của tôi {written}, thủ tục cấp lại thế nào?"
    conv_id, new = store.reserve("u1", None)
    store.append_exchange("u1", conv_id, [Turn("user", question), Turn("assistant", f"Đã nhận {written}")],
                          new=new, title=question)
    with sessions.begin() as s:
        title = s.scalars(select(Conversation.title).where(Conversation.id == conv_id)).one()
        contents = s.scalars(select(Message.content).where(Message.conversation_id == conv_id)).all()
    assert raw not in _digits_or_text(title) and "***" in title
    assert contents and all(raw not in _digits_or_text(c) for c in contents)


def test_ordinary_numbers_are_left_alone() -> None:
    text = "Nghị định 100/2019/NĐ-CP ngày 30/12/2019, mức phạt 1.000.000.000 đồng, Điều 5 khoản 2"
    assert mask_pii(text) == text
