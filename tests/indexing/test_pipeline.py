"""The indexing pipeline end to end on real small Vietnamese sources, on both vector-store engines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.access import Principal
from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
OUTSIDER = Principal(user_id="ca", unit="Công an tỉnh", roles=("chuyen_vien",))

LAW = """LUẬT THỬ NGHIỆM
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc tiếp nhận hồ sơ trực tuyến của cơ quan hành chính nhà nước.
Điều 2. Thời hạn giải quyết
1. Cơ quan tiếp nhận giải quyết hồ sơ trong thời hạn 05 ngày làm việc.
2. Trường hợp hồ sơ chưa hợp lệ, cơ quan thông báo cho người nộp trong 01 ngày làm việc.
"""


@pytest.fixture(params=["edge", "qdrant"])
def runtime(request: pytest.FixtureRequest, tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data", vector_store=request.param,
                        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    rt = Runtime(settings)
    yield rt
    rt.close()


def _sources(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    shutil.copytree(REPO / "data" / "warehouse", root / "kho")
    (root / "luat.txt").write_text(LAW, encoding="utf-8")
    return root


def _index(rt: Runtime, root: Path, prune: bool = False):
    return rt.indexer().index(iter_sources([root], kind="auto", max_bytes=rt.settings.max_file_bytes),
                              prune_roots=[root] if prune else None)


def test_reindexing_unchanged_input_writes_nothing(runtime: Runtime, tmp_path: Path) -> None:
    root = _sources(tmp_path)
    first = _index(runtime, root)
    assert first.added == 9 and first.rejected == [] and first.chunks > 8
    count = runtime.store.count()
    second = _index(runtime, root)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 9)
    assert runtime.store.count() == count


def test_changed_document_replaces_exactly_its_chunks(runtime: Runtime, tmp_path: Path) -> None:
    root = _sources(tmp_path)
    _index(runtime, root)
    before = runtime.store.count()
    law = root / "luat.txt"
    law.write_text(LAW.replace("2. Trường hợp hồ sơ chưa hợp lệ, cơ quan thông báo cho người nộp trong 01 ngày "
                               "làm việc.\n", "") + "Điều 3. Hiệu lực thi hành\nLuật này có hiệu lực từ ngày ký.\n",
                   encoding="utf-8")
    report = _index(runtime, root)
    assert (report.updated, report.unchanged) == (1, 8)
    assert runtime.store.count() == before + 1  # Điều 3 added; Điều 2 rewritten in place
    hits = runtime.retriever().search("thông báo cho người nộp trong 01 ngày làm việc", OUTSIDER, top_k=5,
                                      mode="sparse")
    assert all("01 ngày làm việc" not in h.payload["text"] for h in hits)


def test_prune_removes_deleted_files(runtime: Runtime, tmp_path: Path) -> None:
    root = _sources(tmp_path)
    _index(runtime, root)
    (root / "luat.txt").unlink()
    report = _index(runtime, root, prune=True)
    assert report.removed == 1
    hits = runtime.retriever().search("thời hạn giải quyết hồ sơ trực tuyến", OUTSIDER, top_k=10, mode="sparse")
    assert all(h.payload["doc_id"] != "file:luat.txt" for h in hits)


def test_crash_mid_run_is_finished_by_the_next_run(runtime: Runtime, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = _sources(tmp_path)
    store = runtime.store
    real_upsert = store.upsert
    calls = {"n": 0}

    def crashing_upsert(points):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("simulated crash")
        return real_upsert(points)

    monkeypatch.setattr(store, "upsert", crashing_upsert)
    with pytest.raises(RuntimeError):
        _index(runtime, root)
    monkeypatch.setattr(store, "upsert", real_upsert)
    report = _index(runtime, root)
    assert report.added + report.updated + report.unchanged == 9
    pending = [e for e in runtime.manifest.entries() if e.pending_hash]
    assert pending == []
    ids = {i for e in runtime.manifest.entries() for i in e.chunk_ids}
    assert runtime.store.count() == len(ids)


def test_bad_files_are_rejected_and_the_rest_indexed(runtime: Runtime, tmp_path: Path) -> None:
    root = _sources(tmp_path)
    (root / "rong.txt").write_text("   \n", encoding="utf-8")
    (root / "gia.pdf").write_bytes(b"\x89PNG\r\n\x1a\n not a pdf")
    (root / "mat.txt").write_text("ỦY BAN NHÂN DÂN TỈNH\nMẬT\nBÁO CÁO\nSố liệu nội bộ về quốc phòng.\n",
                                  encoding="utf-8")
    report = _index(runtime, root)
    rejected = {Path(r.path).name: r.reason for r in report.rejected}
    assert set(rejected) == {"rong.txt", "gia.pdf", "mat.txt"}
    assert "Mật" in rejected["mat.txt"]
    assert report.added == 9
    hits = runtime.retriever().search("số liệu nội bộ về quốc phòng", OUTSIDER, top_k=10, mode="sparse")
    assert all("quốc phòng" not in h.payload["text"] for h in hits)


def test_restricted_summary_hidden_from_other_units(runtime: Runtime, tmp_path: Path) -> None:
    root = _sources(tmp_path)
    _index(runtime, root)
    users = runtime.users()
    for user in users.values():
        principal = user.principal()
        for mode in ("sparse", "dense", "hybrid"):
            hits = runtime.retriever().search("số liệu báo cáo quý III năm 2026", principal, top_k=50, mode=mode)
            for h in hits:
                p = h.payload
                if p["access_level"] == "restricted":
                    assert principal.unit in p["access_units"] or set(principal.roles) & set(p["access_roles"])


def test_indexing_counts_syllables_so_unmarked_questions_get_their_marks_back(runtime: Runtime,
                                                                             tmp_path: Path) -> None:
    _index(runtime, _sources(tmp_path))
    retriever = runtime.retriever()
    assert retriever.dense_text("thoi han giai quyet ho so") == "thời hạn giải quyết hồ sơ"
    assert retriever.dense_text("Thời hạn giải quyết hồ sơ") == "Thời hạn giải quyết hồ sơ"  # typed with marks
    for mode in ("sparse", "hybrid"):
        hits = retriever.search("thoi han giai quyet ho so", OUTSIDER, top_k=3, mode=mode)  # type: ignore[arg-type]
        assert hits and hits[0].payload["fields"].get("dieu") == "2", mode
    runtime.indexer().reset()
    assert retriever.dense_text("thoi han") == "thoi han"  # a full re-index starts the counts over


class _Recorder:
    """An observer that keeps what it was told, as the task and relation stores do."""

    def __init__(self) -> None:
        self.indexed: dict[str, int] = {}
        self.removed: list[str] = []

    def document_indexed(self, doc, chunks) -> None:  # noqa: ANN001 - the Protocol's shapes
        self.indexed[doc.doc_id] = len(chunks)
        self.titles = [*getattr(self, "titles", []), doc.title]

    def document_removed(self, doc_id: str) -> None:
        self.removed.append(doc_id)


def test_observers_follow_written_changed_and_removed_documents(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedding_cache_path=REPO / "build" / "test-cache" /
                        "embeddings.sqlite")
    root = tmp_path / "src"
    root.mkdir()
    (root / "luat.txt").write_text(LAW, encoding="utf-8")
    rt = Runtime(settings)
    try:
        indexer = rt.indexer()
        recorder = _Recorder()
        indexer.observers.append(recorder)
        indexer.index(iter_sources([root], kind="auto", max_bytes=rt.settings.max_file_bytes), prune_roots=[root])
        (doc_id, n_chunks), = recorder.indexed.items()
        assert n_chunks >= 2 and recorder.titles == [rt.manifest.get(doc_id).title]
        recorder.indexed.clear()
        indexer.index(iter_sources([root], kind="auto", max_bytes=rt.settings.max_file_bytes), prune_roots=[root])
        assert recorder.indexed == {}  # unchanged: nothing to replace
        (root / "luat.txt").unlink()
        indexer.index(iter_sources([root], kind="auto", max_bytes=rt.settings.max_file_bytes), prune_roots=[root])
        assert recorder.removed == [doc_id]
    finally:
        rt.close()
