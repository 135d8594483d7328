"""Fast checks of the UI's pieces that need no server: the HTTP client, escaping and highlighting, imports."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import httpx
import pytest

from ui.api_client import ApiClient, ApiError, parse_sse, vietnamese_part
from ui.components.history import UNRECORDED_CHANNEL, by_channel
from ui.components.sources import article_chunks, effective_of, issuer_of
from ui.components.style import answer_html, find_span, highlighted_html, validity_badge
from ui.components.tthc_card import card_html, procedure_fields

UI = Path(__file__).resolve().parents[2] / "ui"


def client_for(handler) -> ApiClient:  # noqa: ANN001
    return ApiClient("http://api.test", token="t", transport=httpx.MockTransport(handler))


def test_ui_is_an_http_client_only() -> None:
    """No module under ui/ imports the product's retrieval, indexing or answering code."""
    forbidden = ("assistant", "core", "indexing", "connectors", "evals")
    for path in UI.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


def test_sse_parsing() -> None:
    lines = ["event: meta", 'data: {"answer_id": "a1", "conversation_id": "c1"}', "", ": keep-alive", "",
             "event: token", 'data: {"text": "Xin "}', "", "event: token", 'data: {"text": "chào"}', "",
             "event: final", 'data: {"answer": "Xin chào", "refused": false}', ""]
    events = list(parse_sse(iter(lines)))
    assert [e.event for e in events] == ["meta", "token", "token", "final"]
    assert "".join(e.data["text"] for e in events if e.event == "token") == "Xin chào"
    assert events[-1].data["answer"] == "Xin chào"


def test_ask_stream_error_event_becomes_api_error() -> None:
    body = ('event: meta\ndata: {"answer_id": "a"}\n\n'
            'event: error\ndata: {"detail": "Lỗi hệ thống, vui lòng thử lại sau / internal error", '
            '"code": "internal_error"}\n\n')

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer t"
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    stream = client_for(handler).ask_stream("câu hỏi")
    assert next(stream).event == "meta"
    with pytest.raises(ApiError) as info:
        next(stream)
    assert info.value.message == "Lỗi hệ thống, vui lòng thử lại sau"


def test_ask_stream_falls_back_to_plain_ask() -> None:
    answer = {"answer": "Trả lời [1]", "citations": [], "refused": False, "answer_id": "a", "conversation_id": "c"}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/ask/stream":
            return httpx.Response(404, json={"detail": "Không tìm thấy / not found", "code": "not_found"})
        assert json.loads(request.content) == {"question": "q", "filters": {"in_force_only": True}}
        return httpx.Response(200, json=answer)

    events = list(client_for(handler).ask_stream("q", filters={"in_force_only": True}))
    assert [e.event for e in events] == ["meta", "token", "final"] and events[-1].data == answer


@pytest.mark.parametrize(("status", "body", "expected"), [
    (401, {"detail": "Sai tên đăng nhập hoặc mật khẩu / invalid credentials", "code": "bad_credentials"},
     "Sai tên đăng nhập hoặc mật khẩu"),
    (403, {"detail": "Không có quyền / forbidden", "code": "forbidden"}, "Không có quyền"),
    (500, "<html>Internal Server Error</html>", "Máy chủ gặp lỗi. Vui lòng thử lại sau."),
    (422, {"detail": [{"msg": "x"}]}, "Dữ liệu gửi lên không hợp lệ."),
])
def test_error_bodies_become_readable_vietnamese(status: int, body: object, expected: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body)
        return httpx.Response(status, json=body)

    with pytest.raises(ApiError) as info:
        client_for(handler).conversations()
    assert info.value.message == expected and info.value.status == status


def test_network_errors_are_readable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(ApiError, match="Không kết nối được tới máy chủ trợ lý ảo"):
        client_for(refuse).login("a", "b")
    with pytest.raises(ApiError, match="phản hồi quá lâu"):
        list(client_for(slow).ask_stream("q"))
    assert vietnamese_part("Chỉ tiếng Việt") == "Chỉ tiếng Việt"


def test_everything_inserted_into_html_is_escaped() -> None:
    evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    html = answer_html(evil + " [1]")
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert '<span class="tla-cite">[1]</span>' in html
    marked = highlighted_html("Điều 1.\n" + evil, "<script>alert")
    assert "<mark>&lt;script&gt;alert</mark>" in marked and "<img" not in marked
    assert "Điều 1.<br>" in marked


def test_span_found_despite_whitespace_and_case() -> None:
    text = "1. Cán bộ  tiếp nhận\nhồ sơ có trách nhiệm số hóa."
    start, end = find_span(text, "cán bộ tiếp nhận hồ sơ")
    assert text[start:end] == "Cán bộ  tiếp nhận\nhồ sơ"
    assert find_span(text, "không có trong văn bản") is None
    assert "tla-badge-expired" in validity_badge("het_hieu_luc") and "hết hiệu lực" in validity_badge("het_hieu_luc")
    assert "chưa xác minh hiệu lực" in validity_badge("gì đó")  # never a guessed status


def test_header_fields_and_article_from_chunk_texts() -> None:
    chunks = [
        {"chunk_id": "a", "citation": "Điều 1 — Quyết định 1/QĐ-UBND", "text": "Điều 1. Phạm vi"},
        {"chunk_id": "b", "citation": "Điều 2, Khoản 1 — Quyết định 1/QĐ-UBND", "text": "1. Khoản một"},
        {"chunk_id": "c", "citation": "Điều 2, Khoản 2 — Quyết định 1/QĐ-UBND",
         "text": "2. Quyết định này có hiệu lực kể từ ngày 01 tháng 7 năm 2026."},
        {"chunk_id": "d", "citation": "Báo cáo", "text": "Tiêu đề\nĐơn vị: Sở Y tế\nKỳ báo cáo: Quý III"},
    ]
    assert [c["chunk_id"] for c in article_chunks(chunks, chunks[1])] == ["b", "c"]
    assert effective_of(chunks, None) == "kể từ ngày 01 tháng 7 năm 2026"
    assert issuer_of(chunks, None) == "Sở Y tế"
    assert issuer_of(chunks, {"co_quan_ban_hanh": "UBND tỉnh"}) == "UBND tỉnh"


TTHC_FIELDS = {  # the shape /v1/ask puts on a TTHC citation (TthcOut), values from procedure 1.013124
    "ma_thu_tuc": "1.013124",
    "ten_thu_tuc": "Thủ tục thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu của các cơ sở, dự án dầu khí "
                   "ngoài khơi",
    "co_quan_thuc_hien": "Văn phòng Ủy ban Quốc gia Ứng phó sự cố, thiên tai và Tìm kiếm cứu nạn",
    "co_quan_co_tham_quyen": "Ủy ban Quốc gia Ứng phó sự cố, thiên tai và Tìm kiếm cứu nạn",
    "channels": [
        {"kenh": "Trực tiếp", "thoi_han": "30 Ngày làm việc", "phi_le_phi": "Phí: 0 đồng", "mo_ta": ""},
        {"kenh": "Dịch vụ bưu chính", "thoi_han": "", "phi_le_phi": "", "mo_ta": ""},
    ],
    "thanh_phan_ho_so": [
        {"ten": "Văn bản đề nghị thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu.", "ban_chinh": 1,
         "ban_sao": 0, "mau_don": None},
        {"ten": "Kế hoạch ứng phó sự cố tràn dầu <bản chính>", "ban_chinh": None, "ban_sao": None,
         "mau_don": "5-PHLCII.doc"},
    ],
    "can_cu_phap_ly": [],
}


def test_tthc_card_renders_from_fields() -> None:
    card = card_html(TTHC_FIELDS)
    assert card.startswith('<div class="tla-tthc"')
    assert "Thủ tục 1.013124 — Thủ tục thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu" in card
    for label in ("Cơ quan thực hiện", "Thời hạn giải quyết", "Phí, lệ phí", "Thành phần hồ sơ"):
        assert f"<b>{label}:</b>" in card
    assert "<li>Văn phòng Ủy ban Quốc gia Ứng phó sự cố, thiên tai và Tìm kiếm cứu nạn</li>" in card
    assert "<li>Ủy ban Quốc gia Ứng phó sự cố, thiên tai và Tìm kiếm cứu nạn</li>" in card
    assert "<li>Trực tiếp: 30 Ngày làm việc</li>" in card and "Dịch vụ bưu chính: </li>" not in card
    assert "<li>Trực tiếp: Phí: 0 đồng</li>" in card
    assert "<li>Dịch vụ bưu chính: không có thông tin</li>" in card
    assert "<li>Kế hoạch ứng phó sự cố tràn dầu &lt;bản chính&gt;</li>" in card  # escaped, not markup
    assert card_html({"ma_thu_tuc": "1.0", "channels": [], "thanh_phan_ho_so": []}) == ""


def test_tthc_card_takes_fields_from_the_citation_then_the_chunks() -> None:
    citation = {"doc_id": "tthc:1.013124", "chunk_id": "c1", "tthc": TTHC_FIELDS}
    assert procedure_fields(citation, [], None) is TTHC_FIELDS
    # An answer reloaded from history has no "tthc": the chunks route's "fields" or a search hit's "tthc".
    bare = {"doc_id": "tthc:1.013124", "chunk_id": "c1", "tthc": None}
    from_route = [{"chunk_id": "c0", "fields": {"group": "Tổng quan"}}, {"chunk_id": "c1", "fields": TTHC_FIELDS}]
    assert procedure_fields(bare, from_route, from_route[1]) is TTHC_FIELDS
    assert procedure_fields(bare, [{"chunk_id": "c1", "tthc": TTHC_FIELDS}], None) is TTHC_FIELDS
    # Text alone is never parsed back into fields.
    text_only = [{"chunk_id": "c1", "text": "Trực tiếp: thời hạn giải quyết 15 ngày; Lệ phí: 0 đồng"}]
    assert procedure_fields(bare, text_only, text_only[0]) is None


def test_task_rows_export_to_csv_and_xlsx_and_filter_by_period() -> None:
    import csv
    import io
    from datetime import date

    from openpyxl import load_workbook

    from ui.components.task_export import COLUMNS, in_period, task_rows, to_csv, to_xlsx

    def task(citation: str, due: str | None, status: str, role: str, via: str = "") -> dict:
        return {"doc_id": "file:kh.txt", "so_hieu": "12/KH-SYT", "doc_title": "", "citation": citation,
                "nhiem_vu": f"Nhiệm vụ {citation} <b>", "lead_text": "Sở Y tế", "support_text": "Sở Tài chính",
                "san_pham": "Báo cáo", "deadline": {"text": due or "Thường xuyên"}, "due": due, "status": status,
                "role": role, "via": via}

    tasks = [task("Mục II.1, ý 1", "2026-03-01", "overdue", "lead"),
             task("Mục II.2, ý 1", "2026-04-10", "due_soon", "support", "Các sở, ban, ngành"),
             task("Mục II.3, ý 1", None, "", "lead")]
    today = date(2026, 4, 1)
    assert [in_period(t, "Quá hạn", today) for t in tasks] == [True, False, False]
    assert [in_period(t, "Trong 30 ngày tới", today) for t in tasks] == [False, True, False]
    assert [in_period(t, "Thường xuyên / không ghi hạn", today) for t in tasks] == [False, False, True]
    rows = task_rows(tasks)
    assert rows[1]["Vai trò"] == "Phối hợp (qua «Các sở, ban, ngành»)" and rows[0]["Trạng thái"] == "Quá hạn"
    read = list(csv.DictReader(io.StringIO(to_csv(rows).decode("utf-8-sig"))))
    assert read == rows
    sheet = load_workbook(io.BytesIO(to_xlsx(rows))).active
    values = list(sheet.values)
    assert values[0] == COLUMNS and values[1][4] == "Nhiệm vụ Mục II.1, ý 1 <b>" and len(values) == 4
    assert sheet["A2"].fill.fgColor.rgb.endswith("FEE2E2")


def test_history_keeps_conversations_apart_by_channel_in_the_apis_words() -> None:
    rows = [{"id": "a", "channel": "api", "channel_label": "Qua API"},
            {"id": "b", "channel": "ui", "channel_label": "Giao diện"},
            {"id": "c", "channel": None, "channel_label": ""},
            {"id": "d", "channel": "cli", "channel_label": "Qua dòng lệnh"},
            {"id": "e", "channel": "api", "channel_label": "Qua API"}]
    groups = [(heading, [c["id"] for c in group]) for heading, group in by_channel(rows)]
    assert groups == [("Giao diện", ["b"]), ("Qua API", ["a", "e"]), ("Qua dòng lệnh", ["d"]),
                      (UNRECORDED_CHANNEL, ["c"])]


def test_the_uploaders_format_line_is_vietnamese_and_per_widget() -> None:
    from ui.components.upload_words import limit_line, page_css, page_script, uploader_css

    assert limit_line(["pdf", ".docx", "doc", "pdf"], 200) == "Tối đa 200MB mỗi tệp • PDF, DOCX, DOC"
    css = uploader_css("admin_upload", ["pdf", "png"], 50)
    assert '.st-key-admin_upload [data-testid="stFileUploaderDropzoneInstructions"] span::after' in css
    assert 'content: "Tối đa 50MB mỗi tệp • PDF, PNG"' in css
    page = page_css(50)  # on every page: the button, the drag overlay, a size line for an uploader without one
    assert 'content: "Chọn tệp"' in page and 'content: "Thả tệp vào đây"' in page
    assert 'content: "Tối đa 50MB mỗi tệp"' in page
    script = page_script()
    assert "files are not allowed" in script and "Không nhận loại tệp này" in script and "%(" not in script
