"""The "Soạn thảo văn bản" page: findings and căn cứ rendered for an official (no server), and the form → draft
→ .docx flow with AppTest against the real API."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.components.drafting_page import basis_html, findings_html

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def test_findings_and_basis_are_rendered_escaped() -> None:
    html = findings_html([{"severity": "error", "message": "thiếu số 0: ngày 6 → 06", "text": "<Hà Tĩnh>",
                           "cite": "Phụ lục I, Phần I, Mục II, khoản 4, điểm b", "code": "date.zero"}])
    assert "Lỗi:" in html and "khoản 4, điểm b" in html and "&lt;Hà Tĩnh&gt;" in html
    assert "Đúng thể thức" in findings_html([])
    assert "còn hiệu lực" in basis_html([{"text": "Căn cứ Nghị định số 30/2020/NĐ-CP", "validity_label": "còn hiệu lực",
                                          "provisions": ["Điều 8"]}])


@pytest.mark.slow
def test_a_draft_from_the_form(ui_env: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.text_input(key="login_username").input("syt.lethicuc")
    at.text_input(key="login_password").input("demo123")
    next(b for b in at.button if b.label == "Đăng nhập").click()
    at.run()
    at.sidebar.radio(key="page").set_value("Soạn thảo văn bản").run()
    assert not at.exception, at.exception
    at.selectbox[0].set_value("kế hoạch")
    form = {t.label: t for t in at.text_input}
    form["Trích yếu"].input("Về việc kiểm tra an toàn thực phẩm")
    form["Họ tên người ký"].input("Nguyễn Văn An")
    at.selectbox[1].set_value("KT.")
    next(b for b in at.button if b.label == "Soạn dự thảo").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    text = " ".join(m.value for m in at.markdown)
    assert "Đúng thể thức" in text and "Căn cứ gợi ý" in text
    made = at.session_state["last_draft"]
    assert made["draft"]["so_ky_hieu"].endswith("/KH-SYT") and made["findings"] == []
    assert made["draft"]["chu_ky"] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]
