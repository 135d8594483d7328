"""Personal data masking (issue 12, item 10): every listed form, and nothing that is not personal data."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service.conversations import ConversationStore, Turn
from assistant.service.db import open_sessions
from assistant.service.pii import mask_and_cut, mask_pii


@pytest.mark.parametrize(("text", "secret"), [
    ("Số CCCD 001 203 004 567 của ông An", "203 004"),
    ("CCCD: 001.203.004.567", "203.004"),
    ("CCCD 001203004567", "203004"),
    ("CMND 123 456 789", "456"),
    ("gọi (+84) 912 345 678", "345"),
    ("văn phòng (024) 3823 4567", "3823"),
    ("di động 0912.345.678", "345"),
    ("STK: 0123456789012 tại Vietcombank", "456789"),
    ("số tài khoản 1903-4567-8901-23", "4567-8901"),
    ("Số tài khoản 190345678901", "45678"),
    ("thư nguyễn.văn.an@sở-y-tế.vn", "văn.an"),
    ("thư an.nguyen@example.com", "nguyen"),
])
def test_each_form_is_masked(text: str, secret: str) -> None:
    masked = mask_pii(text)
    assert secret not in masked and "***" in masked, masked


def test_amounts_document_numbers_and_years_stay() -> None:
    text = ("Kinh phí 9.850.000.000 đồng, lệ phí 100.000 đồng/lần, Nghị định 13/2023/NĐ-CP, "
            "năm 2026, 412 ca, thủ tục 1.013124")
    assert mask_pii(text) == text


def test_mask_and_cut_never_leaves_a_split_number() -> None:
    text = "a" * 95 + " 0912 345 678"
    assert "345" not in mask_and_cut(text, 100) and len(mask_and_cut(text, 100)) <= 100


def test_stored_conversation_messages_are_masked(tmp_path: Path) -> None:
    store = ConversationStore(open_sessions(f"sqlite:///{tmp_path / 'c.sqlite'}"))
    conv = store.ensure("vp.nguyenvana", None, title="Hồ sơ")
    store.append(conv, Turn("user", "CCCD của tôi 001 203 004 567, gọi 0912 345 678",
                            data={"standalone": "CCCD 001 203 004 567"}))
    [turn] = store.history("vp.nguyenvana", conv)
    assert "203" not in turn.content and "345" not in turn.content and "001***567" in turn.content
    assert turn.data == {"standalone": "CCCD 001***567"}
