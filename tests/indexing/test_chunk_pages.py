"""Pages reach the chunks: a two-page text PDF and a scanned PNG read by the real connector, parsed by the legal
parser and written by the real Indexer; every chunk's payload says its first page (and, scanned, its OCR
confidence), so a citation can say "trang 2"."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from connectors.files import FolderConnector
from connectors.ocr import ocr_missing
from core.access import Principal
from core.documents import Chunk, Document
from core.settings import Settings
from indexing.chunk_pages import assign_pages
from indexing.chunking import chunk_document
from indexing.store import SearchFilter
from tests.page_renderers import page_image, png_bytes, text_pdf
from tests.scanned_documents import FONT, lay_out, official

REPO = Path(__file__).resolve().parents[2]
READER = Principal(user_id="cv", unit="Sở Nội vụ", roles=("chuyen_vien",))
DOC = official(2, table=True)
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf not installed (fonts-dejavu-core)")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trang")
    lay = lay_out(DOC, table_on_new_page=True)
    (root / "qd.pdf").write_bytes(text_pdf(lay))
    if ocr_missing() is None:
        (root / "quet.png").write_bytes(png_bytes(page_image(lay, 1)))
    return root


def test_assign_pages_follows_document_order() -> None:
    text = "Điều 1. Phạm vi\nnội dung một\nĐiều 2. Hiệu lực\nnội dung hai\nPHỤ LỤC\nSTT | Nội dung"
    chunks = [Chunk("d", ["Điều 1"], "Điều 1", "Điều 1. Phạm vi\nnội dung một"),
              Chunk("d", ["Điều 2"], "Điều 2", "Điều 2. Hiệu lực\nnội dung hai"),
              Chunk("d", ["Phụ lục"], "Phụ lục", "STT | Nội dung |")]
    assign_pages(chunks, text, [1, 1, 1, 2, 3, 3], [{"page": 3, "confidence": 91.5}])
    assert [c.fields.get("page") for c in chunks] == [1, 1, 3]
    assert chunks[2].fields["ocr_confidence"] == 91.5 and "ocr_confidence" not in chunks[0].fields


def test_text_pdf_chunks_know_their_page(folder: Path) -> None:
    (doc,) = [d for d in FolderConnector([folder / "qd.pdf"]).documents() if isinstance(d, Document)]
    _, chunks = chunk_document(doc, max_chunk_chars=2400)
    pages = {c.citation.split(" — ")[0]: c.fields.get("page") for c in chunks}
    assert pages["Điều 1"] == 1 and pages["Điều 3"] == 1
    assert any(k.startswith("Phụ lục") and v == 2 for k, v in pages.items()), pages


@pytest.mark.slow
def test_indexed_payload_carries_page_and_ocr_confidence(folder: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data",
                        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    rt = Runtime(settings)
    try:
        report = rt.indexer().index(FolderConnector([folder]).documents())
        assert report.rejected == []
        hits = rt.store.doc_chunks("file:qd.pdf", SearchFilter(principal=READER))
        assert hits and all(h.payload["fields"].get("page") in (1, 2) for h in hits)
        assert {h.payload["fields"]["page"] for h in hits} == {1, 2}
        if ocr_missing() is None:
            scanned = rt.store.doc_chunks("file:quet.png", SearchFilter(principal=READER))
            assert scanned and all(h.payload["fields"]["page"] == 1 for h in scanned)
            assert all(h.payload["fields"]["ocr_confidence"] > 80 for h in scanned)
    finally:
        rt.close()
