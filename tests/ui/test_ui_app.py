"""The Streamlit page's main flows with Streamlit's AppTest, against the real API started by the fixture."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
DENGUE = "Có bao nhiêu ca sốt xuất huyết trong quý III năm 2026?"
UNANSWERABLE = "Giá vé máy bay từ Hà Nội đi Paris vào tháng sau là bao nhiêu?"
TTHC_FEE = ("Lệ phí thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu của cơ sở dầu khí ngoài khơi "
            "là bao nhiêu?")


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def sign_in(at: AppTest, username: str, password: str = "demo123") -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Đăng nhập").click()
    at.run()
    assert not at.exception, at.exception
    return at


def signed_in(username: str) -> AppTest:
    at = sign_in(new_app(), username)
    assert at.session_state["token"], [e.value for e in at.error]
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def all_markdown(at: AppTest) -> str:
    """Every markdown block of the page except the style sheet."""
    return "\n".join(m.value for m in at.markdown if not m.value.startswith("<style>"))


def buttons(at: AppTest, prefix: str) -> list:
    return [b for b in at.button if (b.key or "").startswith(prefix)]


def table_with(at: AppTest, column: str):  # noqa: ANN201 - a pandas DataFrame
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_sign_in_failure_is_a_readable_message(ui_env: str) -> None:
    at = sign_in(new_app(), "syt.lethicuc", "sai-mat-khau")
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("Đăng nhập không thành công")
    assert not any("Traceback" in e or "/ " in e for e in errors)  # Vietnamese half only, no trace
    assert "token" not in at.session_state
    assert at.chat_input.len == 0


def test_empty_credentials_are_checked_before_calling_the_api(ui_env: str) -> None:
    at = new_app()
    next(b for b in at.button if b.label == "Đăng nhập").click()
    at.run()
    assert [e.value for e in at.error] == ["Vui lòng nhập tên đăng nhập và mật khẩu."]


def test_sign_in_shows_name_unit_roles_and_sign_out(ui_env: str) -> None:
    at = signed_in("syt.lethicuc")
    card = "\n".join(m.value for m in at.sidebar.markdown)
    assert "Lê Thị Cúc" in card and "Sở Y tế" in card and "Chuyên viên" in card
    assert at.chat_input.len == 1
    assert at.radio(key="page").options == ["Hỏi đáp", "Nhiệm vụ của đơn vị", "Văn bản đến",
                                           "Soạn thảo văn bản"]  # no admin page
    at.button(key="logout").click().run()
    assert "token" not in at.session_state
    assert any(b.label == "Đăng nhập" for b in at.button)
    assert "Bạn đã đăng xuất." in [i.value for i in at.info]


def test_ask_renders_answer_citations_and_highlighted_source(ui_env: str) -> None:
    at = ask(signed_in("syt.lethicuc"), DENGUE)
    page = all_markdown(at)
    assert 'class="tla-answer"' in page and "412" in page
    assert 'class="tla-cite">[1]</span>' in page
    assert "tla-refusal" not in page
    cites = buttons(at, "cite_")
    assert cites and cites[0].label.startswith("▸ [1]")
    cites[0].click().run()
    panel = next(m.value for m in at.markdown if 'class="tla-source-title"' in m.value)
    assert "Tình hình dịch bệnh truyền nhiễm quý III năm 2026" in panel
    assert "Cơ quan ban hành:</b> Sở Y tế" in panel
    assert "Ngày hiệu lực:" in panel and "tla-badge-unknown" in panel and "chưa xác minh hiệu lực" in panel
    marked = re.findall(r"<mark>(.*?)</mark>", panel)
    assert marked and any("412" in m for m in marked)
    # the whole document on demand
    at.toggle(key=next(t.key for t in at.toggle if (t.key or "").startswith("document_"))).set_value(True).run()
    full = all_markdown(at)
    assert "96 ca" in full and "tla-current" in full
    # clicking the marker again closes the panel
    buttons(at, "cite_")[0].click().run()
    assert "tla-source-title" not in all_markdown(at)


def test_refusal_looks_different_and_lists_nearest_visible_sources(ui_env: str) -> None:
    at = ask(signed_in("vp.nguyenvana"), UNANSWERABLE)
    page = all_markdown(at)
    assert 'class="tla-refusal"' in page and "Không đủ căn cứ để trả lời" in page
    assert 'class="tla-answer"' not in page
    assert not buttons(at, "cite_")
    assert "Nguồn gần nhất bạn được phép xem" in page or "Không có nguồn nào gần" in page


def test_restricted_figures_stay_hidden_from_another_unit(ui_env: str) -> None:
    at = ask(signed_in("ca.hoangminhduc"), DENGUE)
    for cite in buttons(at, "cite_"):
        cite.click().run()
    assert "412 ca sốt xuất huyết" not in all_markdown(at)


def test_tthc_answer_has_a_compact_card(ui_env: str) -> None:
    at = ask(signed_in("vp.nguyenvana"), TTHC_FEE)
    card = next((m.value for m in at.markdown if 'class="tla-tthc"' in m.value), "")
    assert card, all_markdown(at)[:2000]
    for label in ("Cơ quan thực hiện", "Thời hạn giải quyết", "Phí, lệ phí", "Thành phần hồ sơ"):
        assert f"<b>{label}:</b>" in card
    assert "1.013124" in card and "0 đồng" in card
    # The source panel of a procedure names its code and the agency that carries it out, not a "số hiệu" and
    # an issuing body.
    buttons(at, "cite_")[0].click().run()
    panel = next(m.value for m in at.markdown if 'class="tla-source-title"' in m.value)
    assert "Mã thủ tục:</b> 1.013124" in panel and "Cơ quan thực hiện:</b>" in panel
    assert "Số hiệu:" not in panel and "Cơ quan ban hành:" not in panel
    assert "Phí: Phí" not in panel and "phí, lệ phí: Phí:" not in panel  # the fee names its own kind once


def test_feedback_with_comment(ui_env: str) -> None:
    at = ask(signed_in("syt.lethicuc"), DENGUE)
    buttons(at, "fb_down_")[0].click().run()
    area = next(t for t in at.text_area if (t.key or "").startswith("fb_comment_"))
    area.input("Cần thêm số liệu theo từng huyện")
    next(b for b in at.button if b.label == "Gửi đánh giá").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Đã ghi nhận đánh giá" in c.value for c in at.caption)
    assert not buttons(at, "fb_down_")


def test_history_new_open_delete(ui_env: str) -> None:
    at = ask(signed_in("stc.vuthihoa"), "Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ quý III năm 2026 là bao nhiêu?")
    conversation_id = at.session_state["conversation_id"]
    assert conversation_id and at.button(key=f"conv_open_{conversation_id}")
    assert "Giao diện" in [c.value for c in at.sidebar.caption]  # the channel it came through (issue 31)
    at.button(key="conv_new").click().run()
    assert at.session_state["conversation_id"] is None
    assert "tla-answer" not in all_markdown(at)
    at.button(key=f"conv_open_{conversation_id}").click().run()
    assert at.session_state["conversation_id"] == conversation_id
    page = all_markdown(at)
    assert "tiêm chủng" in page and "tla-answer" in page
    at.button(key=f"conv_del_{conversation_id}").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["conversation_id"] is None
    assert not [b for b in at.button if b.key == f"conv_open_{conversation_id}"]
    assert "Đã xoá hội thoại." in [s.value for s in at.success]


def test_filters_are_sent_with_the_question(ui_env: str) -> None:
    at = signed_in("syt.lethicuc")
    at.multiselect(key="flt_kinds").select("legal").run()
    at = ask(at, DENGUE)
    # the summary is warehouse data: with only legal documents allowed it cannot be cited
    assert "412" not in "\n".join(b.label for b in buttons(at, "cite_"))
    assert "412 ca" not in all_markdown(at)


def test_admin_page_only_for_admins(ui_env: str) -> None:
    official = signed_in("vp.tranthibich")
    assert "Quản trị" not in official.radio(key="page").options
    assert all("Quản trị văn bản" not in h.value for h in official.header)

    at = signed_in("admin")
    at.radio(key="page").set_value("Quản trị").run()
    assert not at.exception
    assert any("Quản trị văn bản và nhật ký" in h.value for h in at.header)
    assert [t.label for t in at.tabs] == ["Tải văn bản lên", "Văn bản và tiến trình lập chỉ mục",
                                          "Văn bản bị giữ chờ duyệt", "Người dùng", "Nhật ký truy cập"]
    assert at.dataframe.len >= 1  # indexed documents (and audit rows when the API offers them)
    people = table_with(at, "Nguồn")  # who may sign in, and from where (issue 30)
    assert "admin" in list(people["Mã"]) and set(people["Nguồn"]) == {"Tệp người dùng"}
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="admin_delete_doc").options


def test_admin_upload_shows_indexing_status_and_rejections(ui_env: str) -> None:
    at = signed_in("admin")
    at.radio(key="page").set_value("Quản trị").run()
    good = "QUYẾT ĐỊNH VỀ THỬ NGHIỆM GIAO DIỆN\nĐiều 1. Phạm vi\nQuy định thử nghiệm tải văn bản qua giao diện.\n"
    at.file_uploader(key="admin_upload").set_value(("thu-nghiem-giao-dien.md", good.encode(), "text/markdown")).run()
    at.button(key="admin_upload_send").click().run()
    assert any("Đã nhận tệp «thu-nghiem-giao-dien.md»" in s.value for s in at.success), [e.value for e in at.error]
    at.file_uploader(key="admin_upload").set_value(("hong.docx", b"not a zip", "application/octet-stream")).run()
    at.button(key="admin_upload_send").click().run()
    deadline = time.monotonic() + 120
    while True:
        at.button(key="admin_docs_refresh").click().run()
        jobs = table_with(at, "Trạng thái")
        status = dict(zip(jobs["Tệp"], jobs["Trạng thái"], strict=True))
        if status.get("thu-nghiem-giao-dien.md") == "hoàn tất" and status.get("hong.docx") in ("bị từ chối", "lỗi"):
            break
        assert time.monotonic() < deadline, status
        time.sleep(1)
    assert any("hong.docx" in e.value for e in at.error)  # the rejection, with its reason
    docs = table_with(at, "Số đoạn")
    assert any("thu-nghiem-giao-dien" in str(f) for f in docs["Tệp"])


HELD = ("QUYẾT ĐỊNH\nVề việc bố trí kho lưu trữ giao diện\nĐiều 1. Bố trí kho lưu trữ tại khu vực núi Hồng Lĩnh.\n"
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.\nTỐI MẬT\n").encode()


def _held_rows(at: AppTest, column: str) -> list[dict]:
    """The rows of the table with this column (the held list: «Dấu»; the released one: «Người cho phép»)."""
    frame = next((d.value for d in at.dataframe if column in d.value.columns), None)
    return [] if frame is None else frame.to_dict("records")


def test_admin_sees_a_held_file_and_releases_it_with_a_reason(ui_env: str) -> None:
    """Issue 28 on the page: the held file is listed with its number masked, and sent again through the form
    with a reason it is released (listed under «Đã cho phép lập chỉ mục» with who and why)."""
    at = signed_in("admin")
    at.radio(key="page").set_value("Quản trị").run()
    name = "bo_tri_kho_CCCD_038090012345.txt"
    at.file_uploader(key="admin_upload").set_value((name, HELD, "text/plain")).run()
    at.button(key="admin_upload_send").click().run()
    deadline = time.monotonic() + 120
    while not any("038***345" in str(r.get("Tệp")) for r in _held_rows(at, "Dấu")):
        assert time.monotonic() < deadline, [e.value for e in at.error]
        time.sleep(1)
        at.run()
    assert not any("038090012345" in str(r) for r in _held_rows(at, "Dấu"))
    reason = "Dòng cuối là tên kho lưu trữ, đã đối chiếu bản gốc với văn thư"
    at.file_uploader(key="admin_override_file").set_value((name, HELD, "text/plain"))
    at.text_area(key="admin_override_reason").input(reason)
    at.button(key="admin_override_send").click().run()
    assert any("lập chỉ mục theo lý do đã ghi" in s.value for s in at.success), [e.value for e in at.error]
    deadline = time.monotonic() + 120
    while not any(r.get("Lý do cho phép") == reason for r in _held_rows(at, "Người cho phép")):
        assert time.monotonic() < deadline, [e.value for e in at.error]
        time.sleep(1)
        at.run()
    released = next(r for r in _held_rows(at, "Người cho phép") if r.get("Lý do cho phép") == reason)
    assert released["Người cho phép"] == "admin"


def test_unreachable_api_is_a_readable_message(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("ASSISTANT_API_URL", f"http://127.0.0.1:{port}")
    at = sign_in(new_app(), "syt.lethicuc")
    errors = [e.value for e in at.error]
    assert errors and "Không kết nối được tới máy chủ trợ lý ảo" in errors[0]
