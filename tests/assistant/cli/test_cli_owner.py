"""One owner per index, end to end: a real `assistant serve` holds the data dir and the CLI in a "second
terminal" (a subprocess) asks, searches and indexes through it, with the output it gives without a service."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[3]
SEARCH = ["search", "tỷ lệ tiêm chủng trẻ dưới 1 tuổi", "--user", "syt.lethicuc", "--top-k", "3", "--json"]
ASK = ["ask", "Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ quý III năm 2026 là bao nhiêu?", "--user",
       "syt.lethicuc", "--json"]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
            "ASSISTANT_USERS_FILE": str(REPO / "data" / "users.yaml"), "ASSISTANT_DEMO": "1",
            "ASSISTANT_EMBEDDING_CACHE_PATH": str(REPO / "build" / "test-cache" / "embeddings.sqlite")}


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def answer_view(data: dict) -> dict:
    """What must not differ between local and served answers (ids are new each time)."""
    return {k: data[k] for k in ("answer", "citations", "refused", "standalone_question", "backend", "warnings",
                                 "sources", "invalid_markers_removed")}


class Service:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(self.port)],
                                         env=env, stdout=out, stderr=subprocess.STDOUT)
        self.owner_file = Path(env["ASSISTANT_DATA_DIR"]) / "owner.json"
        deadline = time.monotonic() + 120
        while not self.owner_file.exists():  # written once the service is ready
            assert self.proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def service(env: dict[str, str], tmp_path: Path) -> Iterator[Service]:
    indexed = cli(env, "index", str(REPO / "data" / "warehouse"), "--json")
    assert indexed.returncode == 0, indexed.stderr
    running = Service(env, tmp_path / "serve.log")
    yield running
    running.stop()


def test_the_cli_works_through_the_running_service_with_the_same_output(env: dict[str, str], tmp_path: Path):
    data_dir = Path(env["ASSISTANT_DATA_DIR"])
    first = cli(env, "index", str(REPO / "data" / "warehouse"), "--json")
    assert first.returncode == 0, first.stderr
    local_hits = json.loads(cli(env, *SEARCH).stdout)
    local_answer = json.loads(cli(env, *ASK).stdout)
    local_documents = json.loads(cli(env, "documents", "list", "--json").stdout)
    assert any(d["doc_id"] == "kho:SYT-DB-2026Q3" for d in local_documents)

    service = Service(env, tmp_path / "serve.log")
    try:
        key_file = data_dir / "owner.key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by the service's user only
        owner = json.loads(service.owner_file.read_text())
        assert owner["pid"] == service.proc.pid and owner["url"] == service.url

        served = cli(env, *SEARCH)  # the embedded index is held by the service: this must go through it
        assert served.returncode == 0, served.stderr
        assert json.loads(served.stdout) == local_hits
        served = cli(env, *ASK)
        assert served.returncode == 0, served.stderr
        assert answer_view(json.loads(served.stdout)) == answer_view(local_answer)
        served = cli(env, "documents", "list", "--json")
        assert served.returncode == 0, served.stderr
        assert json.loads(served.stdout) == local_documents
        outsider = cli(env, "documents", "show", "kho:SYT-DB-2026Q3", "--user", "ca.hoangminhduc")
        assert outsider.returncode == 2 and "không tìm thấy văn bản 'kho:SYT-DB-2026Q3'" in outsider.stderr
        shown = cli(env, "documents", "show", "kho:SYT-DB-2026Q3", "--user", "syt.lethicuc", "--json")
        allowed = json.loads(shown.stdout)
        assert allowed["access"]["level"] == "restricted"

        again = cli(env, "index", str(REPO / "data" / "warehouse"), "--json")
        assert again.returncode == 0, again.stderr
        report = json.loads(again.stdout)
        assert report["added"] == 0 and report["unchanged"] == json.loads(first.stdout)["added"]
        new_doc = tmp_path / "quyet-dinh-moi.md"
        new_doc.write_text("# QUYẾT ĐỊNH về thí điểm trợ lý ảo\n\nĐiều 1. Thí điểm trợ lý ảo tại Sở Nội vụ "
                           "từ quý IV năm 2026.\n", encoding="utf-8")
        (tmp_path / "trong.md").write_text("", encoding="utf-8")
        added = cli(env, "index", str(new_doc), str(tmp_path / "trong.md"))
        assert added.returncode == 3, added.stderr  # one file rejected: the same exit code as without a service
        assert "thêm mới 1" in added.stdout and "từ chối:" in added.stderr and "trong.md" in added.stderr
        found = json.loads(cli(env, "search", "thí điểm trợ lý ảo Sở Nội vụ", "--user", "vp.nguyenvana",
                               "--json").stdout)["hits"]
        assert found and "Thí điểm trợ lý ảo" in found[0]["text"]

        unknown = cli(env, "ask", "Lệ phí là bao nhiêu?", "--user", "khong.co.ai")
        assert unknown.returncode == 2 and "không có người dùng 'khong.co.ai'" in unknown.stderr
        second = cli(env, "serve", "--port", str(_free_port()))
        assert second.returncode == 2 and "đã có dịch vụ giữ" in second.stderr
    finally:
        service.stop()
    assert not service.owner_file.exists()  # a clean shutdown leaves no lock behind
    # The service is gone: the CLI opens the index itself again, and sees what was indexed through the service.
    found = json.loads(cli(env, "search", "thí điểm trợ lý ảo Sở Nội vụ", "--user", "vp.nguyenvana",
                           "--json").stdout)["hits"]
    assert found and "Thí điểm trợ lý ảo" in found[0]["text"]
    # Both questions `ask --user syt.lethicuc` asked, in-process and through the service's local key, are in
    # that official's history as asked on the command line (issue 31), not mixed with the page's.
    with sqlite3.connect(data_dir / "assistant.sqlite") as db:
        channels = db.execute("SELECT channel FROM conversations WHERE user_id = 'syt.lethicuc'").fetchall()
    assert channels == [("cli",), ("cli",)]


def test_a_crashed_services_stale_lock_is_recovered(env: dict[str, str], service: Service):
    key = (Path(env["ASSISTANT_DATA_DIR"]) / "owner.key").read_text().strip()
    service.proc.send_signal(signal.SIGKILL)  # no shutdown: owner.json stays behind
    service.proc.wait()
    assert service.owner_file.exists()
    result = cli(env, *SEARCH)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hits"]
    assert not service.owner_file.exists()
    restarted = Service(env, service.log.with_name("serve2.log"))
    try:
        r = httpx.get(f"{restarted.url}/v1/me", headers={"X-API-Key": key}, timeout=30)
        assert r.status_code == 401  # the dead owner's local key was revoked when the next owner took over
    finally:
        restarted.stop()


def test_an_owner_that_does_not_answer_is_a_one_line_error(env: dict[str, str], tmp_path: Path):
    data_dir = Path(env["ASSISTANT_DATA_DIR"])
    data_dir.mkdir(parents=True)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        start = Path(f"/proc/{sleeper.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        (data_dir / "owner.json").write_text(json.dumps({"pid": sleeper.pid, "pid_start": start, "started_at": "",
                                                         "url": f"http://127.0.0.1:{_free_port()}"}))
        (data_dir / "owner.key").write_text("tla_x")
        result = cli(env, *SEARCH)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "không trả lời" in result.stderr and str(sleeper.pid) in result.stderr
    finally:
        sleeper.kill()
        sleeper.wait()
