"""The issue's own example: a fee question typed without diacritics is answered, not refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.settings import Settings

REPO = Path(__file__).resolve().parents[3]
SHARED = (REPO.parent / "shared").resolve()


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory):
    if not SHARED.is_dir():
        pytest.skip("shared corpus not found")
    root = tmp_path_factory.mktemp("src")
    shutil.copytree(REPO / "data" / "warehouse", root / "kho")
    (root / "tthc").mkdir()
    shutil.copy(SHARED / "corpus" / "tthc" / "1.013124.json", root / "tthc" / "1.013124.json")
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"),
                        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    rt = Runtime(settings)
    rt.indexer().index(iter_sources([root], max_bytes=settings.max_file_bytes))
    yield rt
    rt.close()


@pytest.mark.parametrize("question", [
    "le phi tham dinh ke hoach ung pho su co tran dau ngoai khoi la bao nhieu",
    "Lệ phí thẩm định kế hoạch ứng phó sự cố tràn dầu ngoài khơi là bao nhiêu",
])
def test_fee_question_with_or_without_marks_is_answered(runtime: Runtime, question: str) -> None:
    result = runtime.answerer().ask(question, runtime.principal("vp.nguyenvana"))
    assert not result.refused
    assert result.citations and result.citations[0].doc_id == "tthc:1.013124"


def test_evidence_of_an_unmarked_question_is_read_on_the_fold(runtime: Runtime) -> None:
    # whatever marks the restorer gives "ngay" or "ke", the coverage is that of the question typed with marks
    principal = runtime.principal("vp.nguyenvana")
    answerer = runtime.answerer()
    unmarked = answerer.prepare("le phi tham dinh ke hoach ung pho su co tran dau ngoai khoi", principal)
    marked = answerer.prepare("Lệ phí thẩm định kế hoạch ứng phó sự cố tràn dầu ngoài khơi", principal)
    assert [s.chunk_id for s in unmarked.sources[:3]] == [s.chunk_id for s in marked.sources[:3]]
    assert unmarked.evidence["coverage"] == marked.evidence["coverage"] == 1.0
