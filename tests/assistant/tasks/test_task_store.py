"""Task records in the service's SQLite database: written by the indexer as its observer (changed document →
tasks replaced, removed → deleted), read back per unit, role, due date and access."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from assistant.tasks.store import TaskFilter
from connectors.files import FolderConnector
from core.access import Principal
from core.settings import Settings

REPO = Path(__file__).resolve().parents[3]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"
SYT = Principal(user_id="syt.lethicuc", unit="Sở Y tế", roles=("chuyen_vien",))
STC = Principal(user_id="stc.vuthihoa", unit="Sở Tài chính", roles=("chuyen_vien",))
PLAN = """KẾ HOẠCH
Tiêm chủng mở rộng năm 2026
I. MỤC ĐÍCH
Bảo vệ trẻ em khỏi bệnh truyền nhiễm.
II. TỔ CHỨC THỰC HIỆN
1. Sở Y tế
- Chủ trì, phối hợp với Sở Tài chính lập kế hoạch vắc xin trước ngày 31/3/2026.
- Tổ chức tiêm chủng tại các trạm y tế thường xuyên.
2. Sở Tài chính
- Phối hợp với Sở Y tế bố trí kinh phí trước ngày 30/6/2026.
3. Các sở, ban, ngành
- Tuyên truyền về tiêm chủng trong Quý III/2026.
"""


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = Runtime(Settings(data_dir=tmp_path / "data", embedding_cache_path=CACHE,
                          users_file=REPO / "data" / "users.yaml"))
    yield rt
    rt.close()


def _index(runtime: Runtime, folder: Path) -> None:
    runtime.indexer().index(FolderConnector([folder]).documents(), prune_roots=[folder])


def test_indexing_writes_replaces_and_removes_a_documents_tasks(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kh-tiem-chung.txt").write_text(PLAN, encoding="utf-8")
    _index(runtime, folder)
    store = runtime.task_store()
    today = date(2026, 3, 20)
    mine = store.find(SYT, TaskFilter(unit="Sở Y tế", today=today))
    assert [(v.task.citation, v.role, v.via) for v in mine] == [
        ("Mục II.1, ý 1", "lead", ""), ("Mục II.2, ý 1", "lead", ""),
        ("Mục II.3, ý 1", "lead", "Các sở, ban, ngành"), ("Mục II.1, ý 2", "lead", "")]
    assert mine[0].due == date(2026, 3, 31) and mine[0].status == "due_soon"
    assert [v.task.citation for v in store.find(SYT, TaskFilter(unit="so tai chinh", role="support",
                                                               today=today))] == ["Mục II.1, ý 1", "Mục II.2, ý 1"]
    assert [v.task.citation for v in store.find(SYT, TaskFilter(due_before=date(2026, 6, 30),
                                                               today=today))] == ["Mục II.1, ý 1", "Mục II.2, ý 1"]
    assert store.find(SYT, TaskFilter(today=date(2026, 7, 1)))[0].status == "overdue"

    (folder / "kh-tiem-chung.txt").write_text(PLAN.replace("trước ngày 31/3/2026", "trước ngày 15/4/2026"),
                                              encoding="utf-8")
    _index(runtime, folder)
    first = store.find(SYT, TaskFilter(unit="Sở Y tế", today=today))[0]
    assert first.task.citation == "Mục II.1, ý 1" and first.due == date(2026, 4, 15)
    assert len(store.find(SYT)) == 4  # replaced, not added beside the old ones

    (folder / "kh-tiem-chung.txt").unlink()
    _index(runtime, folder)
    assert store.find(SYT) == []


def test_a_restricted_documents_tasks_are_shown_only_to_its_readers(runtime: Runtime, tmp_path: Path) -> None:
    from assistant.tasks.extraction import extract_tasks
    from core.access import AccessLabel
    from core.documents import Document

    doc = Document(doc_id="file:kh-mat.txt", kind="legal", title="Kế hoạch nội bộ", text=PLAN,
                   access=AccessLabel(level="restricted", units=("Sở Y tế",)))
    store = runtime.task_store()
    store.replace(doc.doc_id, extract_tasks(doc, runtime.units()))
    assert len(store.find(SYT)) == 4
    assert store.find(STC) == [] and store.find(STC, TaskFilter(unit="Sở Tài chính")) == []
    anonymous = Principal(user_id="", authenticated=False)
    assert store.find(anonymous) == []
    with pytest.raises(ValueError, match="role must be one of"):
        TaskFilter(role="boss")
    with pytest.raises(ValueError, match="another document"):
        store.replace("file:other.txt", extract_tasks(doc, runtime.units()))
