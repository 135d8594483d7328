"""The log check of ``assistant eval access``: the probe client's own request line (httpx logging the URL the
asker typed, e.g. a restricted DMS id carrying a year) is not the product leaking, so its URL is masked, and only
there; a server-side line echoing the same path, or a request line of a client the eval did not send, still
counts as a leak."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from core.access import AccessLabel
from evals.access_channels import ASKER_URL, AskerRequests, captured_logs
from evals.access_eval import ChunkText, run_access

DMS_ID = "ext:dms:QLVB-2027-8852"
CHUNKS = [
    ChunkText("kho:public", AccessLabel("public"), "Báo cáo công khai về kho dữ liệu dùng chung năm 2026."),
    ChunkText(DMS_ID, AccessLabel.from_record({"level": "restricted", "units": ["Sở Tài chính"]}),
              "Giao Sở Tài chính thẩm định dự toán chi tiết trước ngày 20 tháng 02 năm 2027."),
]


def _app() -> FastAPI:
    app = FastAPI()
    server_log = logging.getLogger("assistant.api.test_echo")

    @app.get("/v1/documents/{doc_id:path}")
    def show(doc_id: str, echo: bool = False) -> dict[str, str]:
        if echo:  # a product that logs the path it was asked for
            server_log.info("không tìm thấy văn bản %s", doc_id)
        raise HTTPException(404, "Không tìm thấy văn bản")

    return app


def _log_leaks(logs) -> list[dict[str, str]]:  # noqa: ANN001 - a LogRecords
    return [x for x in run_access(None, [], [], CHUNKS, logs=logs)["leak_details"] if x["user"] == "logs"]


def test_the_asker_s_own_request_line_is_masked_and_the_rest_of_it_still_read() -> None:
    asked = AskerRequests()
    with TestClient(_app()) as client, captured_logs(asked) as logs:
        asked.watch(client)
        assert client.get(f"/v1/documents/{DMS_ID}").status_code == 404
    own = [line for line in logs.lines if line.startswith("HTTP Request:")]
    assert own == [f'HTTP Request: GET {ASKER_URL} "HTTP/1.1 404 Not Found"'], logs.lines
    assert logs.asker_request_lines == 1
    assert _log_leaks(logs) == []
    assert run_access(None, [], [], CHUNKS, logs=logs)["log_lines_asker_url"] == 1


def test_a_server_line_echoing_the_same_path_is_still_a_leak() -> None:
    asked = AskerRequests()
    with TestClient(_app()) as client, captured_logs(asked) as logs:
        asked.watch(client)
        client.get(f"/v1/documents/{DMS_ID}", params={"echo": "true"})
    assert logs.asker_request_lines == 1
    leaks = _log_leaks(logs)
    assert [x["evidence"] for x in leaks] == ["2027"], leaks  # the server's own line, not the client's
    assert any(DMS_ID in line and "không tìm thấy" in line for line in logs.lines)


def test_a_request_line_of_a_client_the_eval_did_not_watch_is_still_a_leak() -> None:
    with TestClient(_app()) as client, captured_logs(AskerRequests()) as logs:
        client.get(f"/v1/documents/{DMS_ID}")
    assert logs.asker_request_lines == 0
    assert [x["evidence"] for x in _log_leaks(logs)] == ["2027"]


def test_without_asker_requests_every_line_is_scanned_as_written() -> None:
    with TestClient(_app()) as client, captured_logs() as logs:
        client.get(f"/v1/documents/{DMS_ID}")
    assert [x["evidence"] for x in _log_leaks(logs)] == ["2027"]
