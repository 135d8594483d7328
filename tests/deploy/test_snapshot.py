"""``assistant snapshot create|restore`` on both embedded engines (real index, real archive), the blue/green
alias swap (``assistant collection alias``) through qdrant-client's local mode, and the Qdrant-server snapshot
path against a stand-in HTTP server that answers the few REST calls it makes (no Qdrant server runs here)."""

from __future__ import annotations

import json
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.errors import ConfigurationError
from core.settings import Settings
from indexing.stores.snapshots import create_snapshot, read_info, restore_snapshot

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"
WAREHOUSE = REPO / "data" / "warehouse"
SAMPLES = REPO / "data" / "samples"


def env_for(monkeypatch: pytest.MonkeyPatch, **values: Any) -> Settings:
    for key in [k for k in __import__("os").environ if k.startswith("ASSISTANT_")]:
        monkeypatch.delenv(key)
    for key, value in {"EMBEDDING_CACHE_PATH": CACHE, **values}.items():
        monkeypatch.setenv(f"ASSISTANT_{key.upper()}", str(value))
    return Settings()


def build_index(settings: Settings, paths: list[Path]) -> int:
    runtime = Runtime(settings)
    try:
        report = runtime.indexer().index(iter_sources(paths))
        assert not report.rejected
        return runtime.store.count()
    finally:
        runtime.close()


def top_doc(settings: Settings, query: str) -> str | None:
    runtime = Runtime(settings)
    try:
        hits = runtime.retriever().search(query, runtime.principal("vp.nguyenvana"), top_k=1)
        return hits[0].payload["doc_id"] if hits else None
    finally:
        runtime.close()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["edge", "qdrant"])
def test_snapshot_create_and_restore_round_trip(engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    settings = env_for(monkeypatch, data_dir=tmp_path / "data", vector_store=engine)
    points = build_index(settings, [WAREHOUSE])
    runner = CliRunner()
    archive = tmp_path / "backup.tar.gz"
    created = runner.invoke(app, ["snapshot", "create", "--out", str(archive), "--json"])
    assert created.exit_code == 0, created.output
    info = json.loads(created.output)
    expected_engine = "edge" if engine == "edge" else "qdrant-local"
    assert info["engine"] == expected_engine and info["points"] == points > 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "snapshot.json" in names and "manifest.sqlite" in names
    assert any(n.startswith(f"index/{expected_engine}/") for n in names)
    assert read_info(archive).points == points
    assert "manifest.sqlite" in read_info(archive).checksums and names[-1] == "snapshot.json"

    # Something changes after the backup; restoring brings the backed-up state back.
    build_index(settings, [SAMPLES])
    refused = runner.invoke(app, ["snapshot", "restore", str(archive)])
    assert refused.exit_code == 2 and "--force" in refused.output
    restored = runner.invoke(app, ["snapshot", "restore", str(archive), "--force", "--json"])
    assert restored.exit_code == 0, restored.output
    result = json.loads(restored.output)
    assert result["points"] == points and Path(result["previous_index"]).is_dir()
    assert top_doc(settings, "hồ sơ thủ tục hành chính trực tuyến quý III") == "kho:VP-TTHC-2026Q3"
    # The manifest came back too: the samples are "new" again for the next incremental run.
    runtime = Runtime(settings)
    try:
        report = runtime.indexer().index(iter_sources([SAMPLES]))
        assert report.added == 2 and report.unchanged == 0
    finally:
        runtime.close()


def test_restore_refuses_another_engine_and_a_bad_archive(tmp_path: Path):
    bogus = tmp_path / "x.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        meta = tmp_path / "snapshot.json"
        meta.write_text(json.dumps({"format": 2, "engine": "edge", "collection": "c", "points": 1,
                                    "created_at": "2026-01-01T00:00:00+00:00", "checksums": {}}))
        tar.add(meta, arcname="snapshot.json")
    with pytest.raises(ConfigurationError, match="engine edge"):
        restore_snapshot(Settings(data_dir=tmp_path / "d", vector_store="qdrant"), bogus)
    with pytest.raises(ConfigurationError, match="index/edge"):
        restore_snapshot(Settings(data_dir=tmp_path / "d", vector_store="edge"), bogus)
    not_ours = tmp_path / "y.tar.gz"
    with tarfile.open(not_ours, "w:gz") as tar:
        tar.add(meta, arcname="other.json")
    with pytest.raises(ConfigurationError):
        read_info(not_ours)


def _archive(path: Path, tmp: Path, meta: dict[str, Any], members: list[tarfile.TarInfo | tuple[str, bytes]]) -> Path:
    import io

    base = {"format": 2, "engine": "edge", "collection": "c", "points": 1, "created_at": "2026-01-01T00:00:00+00:00",
            "checksums": {}}
    with tarfile.open(path, "w:gz") as tar:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                tar.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                tar.addfile(info, io.BytesIO(member[1]))
        data = json.dumps({**base, **meta}).encode()
        info = tarfile.TarInfo("snapshot.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_restore_refuses_link_members(tmp_path: Path, kind: bytes) -> None:
    link = tarfile.TarInfo("index/edge")
    link.type, link.linkname = kind, ".."
    archive = _archive(tmp_path / "link.tar.gz", tmp_path, {}, [link])
    with pytest.raises(ConfigurationError, match="liên kết"):
        restore_snapshot(Settings(data_dir=tmp_path / "d", vector_store="edge"), archive)
    assert not (tmp_path / "d" / "index" / "edge").exists() and not (tmp_path / "d" / "manifest.sqlite").exists()


@pytest.mark.parametrize("name", ["../x.snapshot", "a/b.snapshot", "..", "/etc/passwd", "", 3])
def test_server_snapshot_must_be_a_bare_name(tmp_path: Path, name: object) -> None:
    archive = _archive(tmp_path / "s.tar.gz", tmp_path, {"engine": "qdrant-server", "server_snapshot": name}, [])
    with pytest.raises(ConfigurationError, match="server_snapshot"):
        read_info(archive)


def test_restore_verifies_checksums(tmp_path: Path) -> None:
    import hashlib

    good = b"segment data"
    sums = {"index/edge/segment.bin": hashlib.sha256(good).hexdigest()}
    tampered = _archive(tmp_path / "t.tar.gz", tmp_path, {"checksums": sums}, [("index/edge/segment.bin", b"evil")])
    with pytest.raises(ConfigurationError, match="checksum sai"):
        restore_snapshot(Settings(data_dir=tmp_path / "d", vector_store="edge"), tampered)
    added = _archive(tmp_path / "a.tar.gz", tmp_path, {"checksums": sums},
                     [("index/edge/segment.bin", good), ("index/edge/extra.bin", b"x")])
    with pytest.raises(ConfigurationError, match="không khớp"):
        restore_snapshot(Settings(data_dir=tmp_path / "d", vector_store="edge"), added)
    old = _archive(tmp_path / "o.tar.gz", tmp_path, {"format": 1}, [])
    with pytest.raises(ConfigurationError, match="checksum"):
        read_info(old)
    assert not (tmp_path / "d" / "index" / "edge").exists() and not (tmp_path / "d" / "manifest.sqlite").exists()


@pytest.mark.slow
def test_blue_green_reindex_by_alias_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two physical collections in one Qdrant, each built with its own manifest; the API reads the alias."""
    qdrant = tmp_path / "qdrant"
    blue = env_for(monkeypatch, data_dir=tmp_path / "blue", vector_store="qdrant", qdrant_path=qdrant,
                   collection="tro_ly_ao_v1")
    build_index(blue, [WAREHOUSE])
    green = env_for(monkeypatch, data_dir=tmp_path / "green", vector_store="qdrant", qdrant_path=qdrant,
                    collection="tro_ly_ao_v2")
    build_index(green, [SAMPLES])

    serving = env_for(monkeypatch, data_dir=tmp_path / "api", vector_store="qdrant", qdrant_path=qdrant,
                      collection="tro_ly_ao")
    runner = CliRunner()
    first = runner.invoke(app, ["collection", "alias", "tro_ly_ao_v1"])
    assert first.exit_code == 0 and "tro_ly_ao -> tro_ly_ao_v1" in first.output, first.output
    query = "hồ sơ thủ tục hành chính trực tuyến quý III"
    assert top_doc(serving, query) == "kho:VP-TTHC-2026Q3"

    swap = runner.invoke(app, ["collection", "alias", "tro_ly_ao_v2"])
    assert swap.exit_code == 0 and "trước: tro_ly_ao_v1" in swap.output, swap.output
    assert top_doc(serving, query) != "kho:VP-TTHC-2026Q3"  # the green collection has no warehouse data
    listed = json.loads(runner.invoke(app, ["collection", "list", "--json"]).output)
    assert listed == {"collections": ["tro_ly_ao_v1", "tro_ly_ao_v2"], "aliases": {"tro_ly_ao": "tro_ly_ao_v2"}}

    # An alias may not take a real collection's name, and must point at an existing collection.
    clash = runner.invoke(app, ["collection", "alias", "tro_ly_ao_v2", "--alias", "tro_ly_ao_v1"])
    assert clash.exit_code == 2 and "không phải bí danh" in clash.output
    missing = runner.invoke(app, ["collection", "alias", "tro_ly_ao_v9"])
    assert missing.exit_code == 2 and "tro_ly_ao_v9" in missing.output
    edge = env_for(monkeypatch, data_dir=tmp_path / "e", vector_store="edge")
    assert edge.vector_store == "edge"
    assert runner.invoke(app, ["collection", "list"]).exit_code == 2


# --- Qdrant server path, against a stand-in for the REST endpoints it uses -------------------------------


class FakeQdrant:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []
        self.snapshot = b"QDRANT-SNAPSHOT-BYTES" * 1000
        self.uploaded: bytes | None = None
        self.deleted: list[str] = []


def fake_handler(q: FakeQdrant) -> type[BaseHTTPRequestHandler]:
    def ok(result: Any) -> dict[str, Any]:
        return {"result": result, "status": "ok", "time": 0.001}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, body: Any, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            path = urlsplit(self.path).path
            if method == "GET" and path == "/":  # the client's version check
                return self._json({"title": "qdrant", "version": "1.20.0"})
            q.calls.append((method, path, self.headers.get("api-key")))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.headers.get("api-key") != "qk-secret":
                return self._json({"status": {"error": "unauthorized"}}, 401)
            if method == "GET" and path == "/aliases":
                return self._json(ok({"aliases": [{"alias_name": "tro_ly_ao", "collection_name": "tro_ly_ao_v3"}]}))
            if method == "GET" and path == "/collections/tro_ly_ao_v3/exists":
                return self._json(ok({"exists": True}))
            if method == "POST" and path == "/collections/tro_ly_ao_v3/points/count":
                return self._json(ok({"count": 42}))
            if method == "POST" and path == "/collections/tro_ly_ao_v3/snapshots":
                return self._json(ok({"name": "tro_ly_ao_v3-1.snapshot", "creation_time": "2026-11-30T00:00:00",
                                      "size": len(q.snapshot), "checksum": None}))
            if method == "GET" and path == "/collections/tro_ly_ao_v3/snapshots/tro_ly_ao_v3-1.snapshot":
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(q.snapshot)))
                self.end_headers()
                self.wfile.write(q.snapshot)
                return None
            if method == "DELETE" and path.startswith("/collections/tro_ly_ao_v3/snapshots/"):
                q.deleted.append(path.rsplit("/", 1)[1])
                return self._json(ok(True))
            if method == "POST" and path == "/collections/tro_ly_ao_v3/snapshots/upload":
                assert parse_qs(urlsplit(self.path).query)["priority"] == ["snapshot"]
                q.uploaded = body
                return self._json(ok(True))
            return self._json({"status": {"error": f"unexpected {method} {path}"}}, 404)

        def do_GET(self) -> None:  # noqa: N802
            self._route("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._route("POST")

        def do_DELETE(self) -> None:  # noqa: N802
            self._route("DELETE")

    return Handler


@pytest.fixture()
def fake_qdrant() -> Iterator[tuple[FakeQdrant, str]]:
    q = FakeQdrant()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake_handler(q))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield q, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.filterwarnings("ignore:Api key is used with an insecure connection")
def test_server_snapshot_downloads_resolves_the_alias_and_uploads_back(fake_qdrant, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch):
    q, url = fake_qdrant
    # The client checks the server's version in a background thread that can outlive the stand-in server.
    from qdrant_client.qdrant_remote import QdrantRemote

    monkeypatch.setattr(QdrantRemote, "_check_compatibility", staticmethod(lambda *args, **kwargs: None))
    settings = Settings(data_dir=tmp_path / "data", vector_store="qdrant", qdrant_url=url, qdrant_api_key="qk-secret",
                        collection="tro_ly_ao")
    info = create_snapshot(settings, tmp_path / "server.tar.gz")
    assert (info.engine, info.collection, info.points) == ("qdrant-server", "tro_ly_ao_v3", 42)
    assert q.deleted == ["tro_ly_ao_v3-1.snapshot"]  # the server's copy is removed once downloaded
    with tarfile.open(info.path) as tar:
        data = tar.extractfile("qdrant/tro_ly_ao_v3-1.snapshot").read()  # type: ignore[union-attr]
    assert data == q.snapshot
    assert all(key == "qk-secret" for _, _, key in q.calls)

    result = restore_snapshot(settings, Path(info.path))
    assert result == {"engine": "qdrant-server", "collection": "tro_ly_ao_v3", "points": 42,
                      "previous_manifest": None}
    assert q.uploaded is not None and q.snapshot in q.uploaded  # multipart body carries the file
