"""``documents show`` of a signed scan: the ký số in words, the incoming stamp, the printed part of a number
left unread and which fields could not be read; the source panel's payload carries the ký số summaries."""

from __future__ import annotations

from assistant.documents import record_lines
from core.documents import Chunk, Document
from indexing.payload import build_payload

SIGNED = {"signer": "Ủy ban nhân dân tỉnh Quảng Ngãi", "role": "issuing body", "changed_after_signing": False,
          "signing_time": "2020-04-16T07:37:07+07:00", "trusted": None,
          "summary": "Ký số: Ủy ban nhân dân tỉnh Quảng Ngãi, 16/04/2020 07:37 — nội dung chưa bị sửa sau khi ký; "
                     "chứng thư chưa được xác minh"}
META = {"loai_van_ban": "Quyết định", "ky_hieu": "QĐ-UBND", "unreadable_fields": ["so_hieu", "ngay_ban_hanh"],
        "so_den": "2352", "ngay_den": "21/3/18", "ky_so": [SIGNED]}


def test_a_signed_scan_shows_its_signature_stamp_and_unread_fields_in_words() -> None:
    lines = record_lines({"doc_id": "file:a.pdf", "title": "Quyết định", "file": "a.pdf", "metadata": META,
                          "chunks": 1, "access": {"level": "public"}, "updated_at": "2026-12-07T00:00:00Z"})
    assert "Ký số: Ủy ban nhân dân tỉnh Quảng Ngãi, 16/04/2020 07:37 — nội dung chưa bị sửa sau khi ký; " \
           "chứng thư chưa được xác minh" in lines
    assert "Trường chưa đọc được: Số, ký hiệu, Ngày ban hành" in lines
    assert "Số đến (dấu công văn đến): 2352" in lines and "Ngày đến: 21/3/18" in lines
    assert any(line.startswith("Ký hiệu") and line.endswith(": QĐ-UBND") for line in lines)


def test_the_printed_part_is_not_repeated_when_the_number_was_read() -> None:
    meta = {**META, "so_hieu": "89/QĐ-UBND", "unreadable_fields": []}
    lines = record_lines({"doc_id": "file:a.pdf", "title": "Quyết định", "file": "a.pdf", "metadata": meta,
                          "chunks": 1, "access": {"level": "public"}, "updated_at": "2026-12-07T00:00:00Z"})
    assert "Số, ký hiệu: 89/QĐ-UBND" in lines and not any(line.startswith("Ký hiệu") for line in lines)


def test_the_payload_carries_the_signature_summaries_for_the_source_panel() -> None:
    doc = Document("file:a.pdf", "legal", "Quyết định", "Điều 1.", source="a.pdf", metadata=META)
    payload = build_payload(doc, Chunk("file:a.pdf", ["Điều 1"], "Điều 1", "Điều 1."), 0, "h")
    assert payload["ky_so"] == [SIGNED["summary"]]
