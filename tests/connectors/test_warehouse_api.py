"""WarehouseApiConnector against a real local HTTP server (http.server in a thread) that serves pages of
records in the warehouse format: cursor and page paging, the auth header, incremental pulls by updated_at,
retries on 5xx / timeouts, no retry on 401, and ``assistant pull-warehouse`` indexing end to end."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.base import Rejection
from connectors.warehouse_api import WarehouseApiConnector, WatermarkState
from core.documents import Document
from core.settings import Settings

TOKEN = "kho-token-123"
REPO = Path(__file__).resolve().parents[2]


def rec(i: int, updated_at: str, **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"API-{i:03d}",
        "title": f"Báo cáo số liệu thử nghiệm số {i}",
        "owner_unit": "Sở Thông tin và Truyền thông",
        "period": "Quý III/2026",
        "access": "internal",
        "summary": f"Số liệu minh họa số {i}: tiếp nhận {100 + i} hồ sơ trực tuyến trong kỳ.",
        "figures": [{"name": "Hồ sơ tiếp nhận", "value": 100 + i, "unit": "hồ sơ"}],
        "updated_at": updated_at,
    }
    record.update(changes)
    return record


class Warehouse:
    """What the fake API serves and what it saw."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.paging = "cursor"  # or "page"
        self.failures: list[Any] = []  # consumed one per request: an int status, or ("sleep", seconds)
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def page(self, query: dict[str, str]) -> dict[str, Any]:
        since = query.get("updated_since")
        rows = sorted(self.records, key=lambda r: r["updated_at"])
        if since:  # inclusive, as documented
            rows = [r for r in rows if r["updated_at"] >= since]
        size = int(query.get("page_size", "100"))
        if self.paging == "cursor":
            start = int(query.get("cursor", "0"))
            nxt = start + size
            return {"records": rows[start:nxt], "next_cursor": str(nxt) if nxt < len(rows) else None}
        page = int(query.get("page", "1"))
        total = max(1, -(-len(rows) // size))
        return {"records": rows[(page - 1) * size: page * size], "page": page, "total_pages": total}


def make_handler(wh: Warehouse) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            with wh.lock:
                wh.requests.append({"path": parts.path, "query": query,
                                    "auth": self.headers.get("Authorization")})
                failure = wh.failures.pop(0) if wh.failures else None
            if parts.path != "/api/v1/summaries":
                return self._send(404, {"error": "not found"})
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._send(401, {"error": "unauthorized"})
            if isinstance(failure, int):
                return self._send(failure, {"error": "temporarily unavailable"})
            if isinstance(failure, tuple) and failure[0] == "sleep":
                time.sleep(failure[1])
            self._send(200, wh.page(query))

    return Handler


@pytest.fixture()
def warehouse() -> Iterator[tuple[Warehouse, str]]:
    wh = Warehouse()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(wh))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield wh, f"http://127.0.0.1:{server.server_address[1]}/api/v1/summaries"
    finally:
        server.shutdown()
        server.server_close()


def connector(url: str, tmp_path: Path, **kwargs: Any) -> WarehouseApiConnector:
    values: dict[str, Any] = {"token": TOKEN, "page_size": 2, "timeout_s": 2.0, "max_retries": 3,
                              "backoff_s": 0.01, "state": WatermarkState(tmp_path / "state.json"), **kwargs}
    return WarehouseApiConnector(url, **values)


def docs_of(items: list[Document | Rejection]) -> list[str]:
    return [d.doc_id for d in items if isinstance(d, Document)]


def test_cursor_paging_auth_and_incremental_pull(warehouse: tuple[Warehouse, str], tmp_path: Path) -> None:
    wh, url = warehouse
    wh.records = [rec(i, f"2026-10-0{i}T08:00:00+07:00") for i in range(1, 6)]
    first = connector(url, tmp_path)
    items = list(first.documents())
    assert docs_of(items) == [f"kho:API-{i:03d}" for i in range(1, 6)]
    assert first.complete and first.pages == 3 and first.records == 5
    assert all(r["auth"] == f"Bearer {TOKEN}" for r in wh.requests)
    assert [r["query"].get("cursor") for r in wh.requests] == [None, "2", "4"]
    assert "updated_since" not in wh.requests[0]["query"]
    doc = next(d for d in items if isinstance(d, Document))
    assert doc.kind == "warehouse" and doc.source == url + "#API-001" and doc.access.level == "internal"
    # Nothing is remembered until the caller says the documents are indexed.
    assert WatermarkState(tmp_path / "state.json").get(url) is None
    assert first.commit()
    assert WatermarkState(tmp_path / "state.json").get(url) == "2026-10-05T08:00:00+07:00"
    first.close()

    # Second run: only what changed since the watermark (inclusive bound: the last record comes again).
    wh.requests.clear()
    wh.records.append(rec(6, "2026-10-07T09:30:00+07:00"))
    wh.records[1] = rec(2, "2026-10-08T10:00:00+07:00", summary="Số liệu đã sửa: tiếp nhận 250 hồ sơ.")
    second = connector(url, tmp_path)
    items = list(second.documents())
    assert wh.requests[0]["query"]["updated_since"] == "2026-10-05T08:00:00+07:00"
    assert docs_of(items) == ["kho:API-005", "kho:API-006", "kho:API-002"]
    assert second.commit()
    assert WatermarkState(tmp_path / "state.json").get(url) == "2026-10-08T10:00:00+07:00"
    # --full ignores the watermark.
    full = connector(url, tmp_path, full=True)
    assert len(docs_of(list(full.documents()))) == 6


def test_page_number_paging(warehouse: tuple[Warehouse, str], tmp_path: Path) -> None:
    wh, url = warehouse
    wh.paging = "page"
    wh.records = [rec(i, f"2026-09-{10 + i}T00:00:00+07:00") for i in range(1, 6)]
    c = connector(url, tmp_path)
    assert len(docs_of(list(c.documents()))) == 5
    assert [r["query"].get("page") for r in wh.requests] == [None, "2", "3"]
    assert c.complete


def test_retries_5xx_and_timeouts_then_succeeds(warehouse: tuple[Warehouse, str], tmp_path: Path) -> None:
    wh, url = warehouse
    wh.records = [rec(i, f"2026-10-0{i}T08:00:00+07:00") for i in range(1, 4)]
    wh.failures = [503, ("sleep", 1.5), 502]
    slept: list[float] = []
    c = connector(url, tmp_path, timeout_s=0.5, sleep=slept.append)
    items = list(c.documents())
    assert len(docs_of(items)) == 3 and c.complete
    assert slept == [0.01, 0.02, 0.04]  # exponential backoff over three consecutive failures
    assert len(wh.requests) == 5  # 3 failed tries of page 1, then pages 1 and 2


def test_gives_up_after_retries_and_keeps_the_watermark(warehouse: tuple[Warehouse, str], tmp_path: Path) -> None:
    wh, url = warehouse
    wh.records = [rec(i, f"2026-10-0{i}T08:00:00+07:00") for i in range(1, 6)]
    WatermarkState(tmp_path / "state.json").set(url, "2026-10-01T00:00:00+07:00")
    wh.failures = [None, 500, 500, 500, 500]  # page 1 fine, page 2 fails on every try
    c = connector(url, tmp_path, max_retries=3)
    items = list(c.documents())
    assert len(docs_of(items)) == 2
    rejection = items[-1]
    assert isinstance(rejection, Rejection) and "HTTP 500 sau 4 lần thử" in rejection.reason
    assert not c.complete and not c.commit()
    assert WatermarkState(tmp_path / "state.json").get(url) == "2026-10-01T00:00:00+07:00"


def test_wrong_token_fails_at_once(warehouse: tuple[Warehouse, str], tmp_path: Path) -> None:
    wh, url = warehouse
    wh.records = [rec(1, "2026-10-01T08:00:00+07:00")]
    slept: list[float] = []
    c = connector(url, tmp_path, token="wrong", sleep=slept.append)
    items = list(c.documents())
    assert len(items) == 1 and isinstance(items[0], Rejection) and "HTTP 401" in items[0].reason
    assert TOKEN not in items[0].reason and "wrong" not in items[0].reason
    assert slept == [] and len(wh.requests) == 1


def test_bad_and_secret_records_are_rejected_one_by_one(warehouse: tuple[Warehouse, str], tmp_path: Path) -> None:
    wh, url = warehouse
    bad = rec(2, "2026-10-02T08:00:00+07:00")
    del bad["summary"]
    wh.records = [rec(1, "2026-10-01T08:00:00+07:00"), bad, rec(3, "2026-10-03T08:00:00+07:00", do_mat="Mật")]
    c = connector(url, tmp_path)
    items = list(c.documents())
    assert docs_of(items) == ["kho:API-001"]
    reasons = [i.reason for i in items if isinstance(i, Rejection)]
    assert any("API-002" in r and "summary" in r for r in reasons)
    assert any("API-003" in r for r in reasons)
    # The run was complete: the watermark moves past the rejected records (a fix bumps their updated_at).
    assert c.complete and c.commit()
    assert WatermarkState(tmp_path / "state.json").get(url) == "2026-10-03T08:00:00+07:00"


def test_settings_and_the_token_stays_secret(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, warehouse_api_url="https://kho.example.gov.vn/api/v1/summaries",
                        warehouse_api_token=TOKEN, warehouse_api_auth_header="X-Api-Key", warehouse_api_page_size=7)
    assert TOKEN not in repr(settings)
    c = WarehouseApiConnector.from_settings(settings)
    assert c._client.headers["X-Api-Key"] == TOKEN and "Authorization" not in c._client.headers
    assert c.page_size == 7 and c.state is not None and c.state.path == tmp_path / "warehouse_api_state.json"
    c.close()


@pytest.mark.slow
def test_pull_warehouse_command_indexes_and_is_incremental(warehouse: tuple[Warehouse, str], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from assistant.cli import app

    wh, url = warehouse
    wh.records = [rec(i, f"2026-10-0{i}T08:00:00+07:00") for i in range(1, 4)]
    for key, value in {"DATA_DIR": tmp_path / "data", "WAREHOUSE_API_URL": url, "WAREHOUSE_API_TOKEN": TOKEN,
                       "WAREHOUSE_API_PAGE_SIZE": 2, "SEGMENTER": "syllable",
                       "EMBEDDING_CACHE_PATH": REPO / "build" / "test-cache" / "embeddings.sqlite"}.items():
        monkeypatch.setenv(f"ASSISTANT_{key}", str(value))
    runner = CliRunner()
    first = runner.invoke(app, ["pull-warehouse", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["added"] == 3 and report["pages"] == 2 and report["watermark"] == "2026-10-03T08:00:00+07:00"
    second = runner.invoke(app, ["pull-warehouse", "--json"])
    report = json.loads(second.output)
    assert report["updated_since"] == "2026-10-03T08:00:00+07:00"
    assert report["unchanged"] == 1 and report["added"] == 0 and report["records"] == 1
    found = runner.invoke(app, ["search", "hồ sơ trực tuyến số liệu minh họa số 2", "--user", "vp.nguyenvana",
                                "--json"])
    assert found.exit_code == 0, found.output
    assert "kho:API-002" in {h["doc_id"] for h in json.loads(found.output)["hits"]}
