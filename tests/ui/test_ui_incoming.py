"""The "Văn bản đến" page: a card rendered for an official (no server: the card as built from a written letter),
and the page opened in the app against the real API."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.correspondence.incoming import build_card, read_incoming
from core.units import unit_directory
from tests.assistant.correspondence.incoming.letter import LETTER
from ui.components.incoming_page import card_html

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def test_the_card_is_rendered_escaped_with_places() -> None:
    doc = read_incoming("cv-77.txt", LETTER.encode("utf-8"), 1 << 20)
    card = build_card(doc, unit_directory(), file="cv-77.txt").to_dict()
    card["requests"][0]["text"] = "<b>" + card["requests"][0]["text"]
    html = card_html(card)
    assert "&lt;b&gt;Giao Sở Y tế" in html and "<b>Giao" not in html
    assert "20/01/2026" in html and "dòng 13" in html and "Chủ trì: Sở Y tế" in html
    assert "99/2025/QĐ-UBND: chưa tìm thấy trong kho" in html
    assert "Ngày văn bản</th><td>05/01/2026" in html


@pytest.mark.slow
def test_the_page_opens_for_an_official(ui_env: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.text_input(key="login_username").input("syt.lethicuc")
    at.text_input(key="login_password").input("demo123")
    next(b for b in at.button if b.label == "Đăng nhập").click()
    at.run()
    at.sidebar.radio(key="page").set_value("Văn bản đến").run()
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["Văn bản đến"]
