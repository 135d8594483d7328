"""The admin page's line for a first start: dense vectors being filled, read from /v1/readyz's ``dense``."""

from __future__ import annotations

from ui.components.admin import dense_progress


def test_progress_while_filling_and_nothing_once_done() -> None:
    fraction, line = dense_progress({"chunks": 1215, "pending_chunks": 415, "pending_documents": 37,
                                     "filled_chunks": 800, "error": None}) or (None, "")
    assert fraction == 800 / 1215
    assert "800/1215 đoạn" in line and "37 văn bản" in line and "theo từ khoá" in line
    _, failing = dense_progress({"chunks": 10, "pending_chunks": 10, "pending_documents": 1,
                                 "error": "EmbeddingServiceError: dịch vụ embedding tei:80 lỗi"}) or (0, "")
    assert "Lỗi gần nhất: EmbeddingServiceError" in failing
    assert dense_progress({"chunks": 10, "pending_chunks": 0, "pending_documents": 0}) is None
    assert dense_progress(None) is None

