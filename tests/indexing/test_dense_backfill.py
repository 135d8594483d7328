"""A first start: the index is written sparse-only, keyword search and answers work at once, and the owner's
backfill fills the dense vectors afterwards (hybrid once a document's vectors are in). Both engines, real
model, real stores; the race with a document re-indexed or removed meanwhile is played out for real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.access import Principal
from core.settings import Settings
from indexing.dense_backfill import DenseBackfill

REPO = Path(__file__).resolve().parents[2]
READER = Principal(user_id="cv", unit="Sở Nội vụ", roles=("chuyen_vien",))
LAW = """LUẬT THỬ NGHIỆM
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc tiếp nhận hồ sơ trực tuyến của cơ quan hành chính nhà nước.
Điều 2. Thời hạn giải quyết
Cơ quan tiếp nhận giải quyết hồ sơ trong thời hạn 05 ngày làm việc.
"""
PLAN = """KẾ HOẠCH CHUYỂN ĐỔI SỐ
Điều 1. Mục tiêu
Đến năm 2025, 100% cơ quan nhà nước cấp tỉnh kết nối mạng truyền số liệu chuyên dùng.
Điều 2. Nhiệm vụ
Sở Thông tin và Truyền thông chủ trì xây dựng nền tảng chia sẻ dữ liệu của tỉnh.
"""


@pytest.fixture(params=["edge", "qdrant"])
def runtime(request: pytest.FixtureRequest, tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data", vector_store=request.param, dense_backfill=True,
                        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    rt = Runtime(settings)
    yield rt
    rt.close()


def _everything():  # noqa: ANN202
    from indexing.store import SearchFilter

    return SearchFilter(principal=READER)


def _sources(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    root.mkdir(exist_ok=True)
    (root / "luat.txt").write_text(LAW, encoding="utf-8")
    (root / "kehoach.txt").write_text(PLAN, encoding="utf-8")
    return root


def _index(rt: Runtime, root: Path):  # noqa: ANN202
    return rt.indexer().index(iter_sources([root]))


def test_sparse_answers_first_then_hybrid_once_the_vectors_are_in(runtime: Runtime, tmp_path: Path) -> None:
    report = _index(runtime, _sources(tmp_path))
    assert report.added == 2 and runtime.store.count() == report.chunks
    assert runtime.backlog.count() == report.chunks and runtime.backlog.documents() == 2

    retriever = runtime.retriever()
    assert retriever.search("thời hạn giải quyết hồ sơ", READER, mode="dense") == []  # no vector yet
    hybrid = retriever.search("thời hạn giải quyết hồ sơ", READER)
    assert "05 ngày" in hybrid[0].payload["text"]  # keywords carry the hybrid query meanwhile
    answer = runtime.answerer(remember=False).ask("Thời hạn giải quyết hồ sơ là bao lâu?", READER)
    assert not answer.refused and "05 ngày" in answer.answer
    assert all(c.doc_id == "file:luat.txt" for c in answer.citations)

    one_at_a_time = DenseBackfill(runtime.backlog, runtime.store, runtime.embedder, batch=1)
    assert one_at_a_time.run_batch() == 1
    first = runtime.store.search(flt=_everything(), dense=runtime.embedder.embed_query("hồ sơ").tolist(),
                                 mode="dense", limit=20)
    assert len(first) == 1  # a chunk is searchable by meaning as soon as its vector is in
    backfill = runtime.dense_backfill()
    assert backfill.drain() == report.chunks - 1
    assert runtime.backlog.count() == 0 and runtime.store.count() == report.chunks
    dense = retriever.search("thời hạn giải quyết hồ sơ", READER, mode="dense")
    assert dense and "05 ngày" in dense[0].payload["text"]
    assert "nền tảng chia sẻ dữ liệu" in retriever.search("xây dựng nền tảng dữ liệu dùng chung", READER,
                                                             mode="dense")[0].payload["text"]


def test_a_document_rewritten_while_its_vectors_are_computed_gets_the_new_ones(runtime: Runtime,
                                                                               tmp_path: Path) -> None:
    root = _sources(tmp_path)
    _index(runtime, root)
    new_law = LAW.replace("05 ngày làm việc", "10 ngày làm việc kể từ ngày nhận đủ hồ sơ")

    class RewritingEmbedder:
        """The real embedder; while the backfill's first batch is being embedded, the law is re-indexed."""

        def __init__(self) -> None:
            self.inner, self.name, self.dim, self.fired = runtime.embedder, runtime.embedder.name, 384, False
            self.rewritten: dict[str, str] = {}

        def embed_documents(self, texts):  # noqa: ANN001, ANN202
            if not self.fired:
                self.fired = True
                (root / "luat.txt").write_text(new_law, encoding="utf-8")
                assert _index(runtime, root).updated == 1
                self.rewritten = {c.chunk_id: c.text for c in runtime.backlog.take(100)}
            return self.inner.embed_documents(texts)

    embedder = RewritingEmbedder()
    backfill = DenseBackfill(runtime.backlog, runtime.store, embedder, batch=64)
    backfill.drain()
    assert runtime.backlog.count() == 0
    hits = runtime.retriever().search("thời hạn giải quyết hồ sơ", READER, mode="dense", top_k=10)
    article = next(h for h in hits if "Thời hạn giải quyết" in h.payload["text"])
    assert "10 ngày" in article.payload["text"]
    # Its vector is the new text's: the one computed for "05 ngày" during the rewrite was not kept.
    query = runtime.embedder.embed_query("thời hạn giải quyết hồ sơ")
    new_vector, old_vector = runtime.embedder.embed_documents(
        [embedder.rewritten[article.chunk_id], next(t for t in _old_texts(runtime, tmp_path) if "05 ngày" in t)])
    assert article.score == pytest.approx(float(new_vector @ query), abs=1e-3)
    assert abs(float(old_vector @ query) - float(new_vector @ query)) > 1e-3


def _old_texts(runtime: Runtime, tmp_path: Path) -> list[str]:
    """The embedding texts of the original law, from a scratch sparse-first index of it."""
    scratch = tmp_path / "old"
    scratch.mkdir()
    (scratch / "luat.txt").write_text(LAW, encoding="utf-8")
    rt = Runtime(Settings(data_dir=tmp_path / "old-data", dense_backfill=True,
                          embedding_cache_path=runtime.settings.embedding_cache_path))
    _index(rt, scratch)
    texts = [c.text for c in rt.backlog.take(100)]
    rt.close()
    return texts


def test_a_removed_document_is_not_filled_and_reset_empties_the_backlog(runtime: Runtime, tmp_path: Path) -> None:
    root = _sources(tmp_path)
    _index(runtime, root)
    waiting = runtime.backlog.take(100)
    law_ids = [c.chunk_id for c in waiting if c.doc_id == "file:luat.txt"]
    assert runtime.indexer().remove_document("file:luat.txt")
    assert all(c.doc_id != "file:luat.txt" for c in runtime.backlog.take(100))
    vector = np.zeros(384, dtype=np.float32)
    vector[0] = 1.0
    assert runtime.store.set_dense({law_ids[0]: vector.tolist()}) == [law_ids[0]]  # gone: skipped, no error
    assert runtime.dense_backfill().drain() == runtime.store.count()
    _index(runtime, root)
    assert runtime.backlog.count() > 0
    runtime.indexer().reset()
    assert runtime.backlog.count() == 0 and runtime.store.count() == 0


def test_without_the_setting_vectors_are_written_at_once(tmp_path: Path) -> None:
    rt = Runtime(Settings(data_dir=tmp_path / "data",
                          embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite"))
    report = _index(rt, _sources(tmp_path))
    assert rt.backlog.count() == 0
    assert len(rt.retriever().search("thời hạn giải quyết hồ sơ", READER, mode="dense", top_k=20)) == report.chunks
    rt.close()


def test_the_filler_reports_progress_and_answers_say_when_vectors_are_missing(runtime: Runtime,
                                                                              tmp_path: Path) -> None:
    from types import SimpleNamespace

    from assistant.answer.types import AnswerResult
    from assistant.api.routes_ask import note_dense_backlog

    report = _index(runtime, _sources(tmp_path))
    lines: list[str] = []
    backfill = DenseBackfill(runtime.backlog, runtime.store, runtime.embedder, batch=1, report=lines.append)
    answer = AnswerResult(answer="…", citations=[], refused=False)
    note_dense_backlog(answer, SimpleNamespace(backfill=backfill))  # what the API does with each answer
    assert answer.warnings and f"{report.chunks} đoạn chưa xong" in answer.warnings[0]
    from assistant.api.routes_chat import completion

    chat = completion(answer, "tro-ly-ao", 10)["choices"][0]["message"]["content"]  # an OpenAI client says it too
    assert f"{report.chunks} đoạn chưa xong" in chat
    assert backfill.drain() == report.chunks
    assert lines[0].startswith(f"Vector ngữ nghĩa: 1/{report.chunks} đoạn")
    assert lines[-1] == f"Vector ngữ nghĩa: đã xong {report.chunks} đoạn; tìm kiếm ngữ nghĩa đầy đủ."
    assert backfill.pending() == 0
    later = AnswerResult(answer="…", citations=[], refused=False)
    note_dense_backlog(later, SimpleNamespace(backfill=backfill))
    assert later.warnings == []


def test_the_cli_says_an_answer_was_made_before_the_vectors_were_in(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An index whose filling was cut short (a service stopped mid-way): ``assistant ask`` in-process says so, as
    the API does (issue 31)."""
    from typer.testing import CliRunner

    from assistant.cli import app

    cache = REPO / "build" / "test-cache" / "embeddings.sqlite"
    rt = Runtime(Settings(data_dir=tmp_path / "data", dense_backfill=True, embedding_cache_path=cache))
    report = _index(rt, _sources(tmp_path))
    assert rt.backlog.count() == report.chunks
    rt.close()
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CACHE_PATH", str(cache))
    asked = CliRunner().invoke(app, ["ask", "Thời hạn giải quyết hồ sơ là bao nhiêu ngày?", "--user", "vp.nguyenvana"])
    assert asked.exit_code == 0, asked.output
    assert f"hệ thống đang bổ sung vector ngữ nghĩa ({report.chunks} đoạn chưa xong)" in asked.stdout
