"""A target named by title and date, with no số hiệu ("Pháp lệnh cán bộ, công chức ngày 26 tháng 02 năm 1998"):
kept unresolved ("chưa có trong hệ thống") until a legal document with that title and ngày ban hành is indexed,
which then expires like any replaced text; the same title on another date is another document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.service.runtime import Runtime
from assistant.validity.view import document_relations
from core.access import ANONYMOUS, AccessLabel
from core.documents import Document
from core.settings import Settings
from core.so_hieu import name_key
from indexing.store import SearchFilter
from tests.assistant.validity.validity_fixtures import VERIFIED

REPO = Path(__file__).resolve().parents[3]
LAW = """LUẬT
QUẢN LÝ HỒ SƠ TRỰC TUYẾN
Điều 1. Phạm vi điều chỉnh
Luật này quy định việc tiếp nhận và lưu trữ hồ sơ trực tuyến.
Điều 2. Hiệu lực thi hành
1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2025.
2. Pháp lệnh lưu trữ hồ sơ ngày 26 tháng 02 năm 1998; Pháp lệnh sửa đổi, bổ sung một số điều của Pháp lệnh \
lưu trữ hồ sơ ngày 28 tháng 4 năm 2000 hết hiệu lực kể từ ngày Luật này có hiệu lực.
"""
ORDINANCE = """PHÁP LỆNH
LƯU TRỮ HỒ SƠ
Điều 1. Phạm vi
Pháp lệnh này quy định việc lưu trữ hồ sơ giấy tại cơ quan nhà nước.
"""


def law() -> Document:
    return Document(doc_id="luat-ho-so", kind="legal", title="Luật Quản lý hồ sơ trực tuyến", text=LAW,
                    source="luat-ho-so.txt", access=AccessLabel(),
                    metadata={"so_hieu": "99/2024/QH15", "loai_van_ban": "Luật", "ngay_hieu_luc": "2025-01-01"})


def ordinance(doc_id: str, issued: str) -> Document:
    return Document(doc_id=doc_id, kind="legal", title="Lưu trữ hồ sơ", text=ORDINANCE, source=f"{doc_id}.txt",
                    access=AccessLabel(), metadata={"loai_van_ban": "Pháp lệnh", "ngay_ban_hanh": issued,
                                                    "ngay_hieu_luc": issued})


def validity(rt: Runtime, doc_id: str) -> str:
    return str(rt.store.doc_chunks(doc_id, SearchFilter(principal=ANONYMOUS))[0].payload["validity"])


def test_the_name_key_reads_title_and_date() -> None:
    assert name_key("Pháp lệnh cán bộ, công chức ngày 26 tháng 02 năm 1998") == \
        "ten:phap lenh can bo cong chuc@1998-02-26"
    assert name_key("Pháp lệnh cán bộ, công chức") == ""  # a title alone is too loose to resolve


def test_a_target_named_by_title_and_date_resolves_when_that_document_is_indexed(tmp_path: Path) -> None:
    rt = Runtime(Settings(validity_verified_through=VERIFIED, data_dir=tmp_path / "data",
                          embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite"))
    try:
        rt.indexer().index([law()])
        view = document_relations(rt.relations, "luat-ho-so", ANONYMOUS, date(2026, 1, 1))
        assert view is not None
        named = [(r["kind"], r["target_so_hieu"], r["target_name"], r["target_indexed"]) for r in view["relations"]
                 if r["direction"] == "outgoing"]
        assert named == [
            ("replaces", "", "Pháp lệnh lưu trữ hồ sơ ngày 26 tháng 02 năm 1998", False),
            ("replaces", "", "Pháp lệnh sửa đổi, bổ sung một số điều của Pháp lệnh lưu trữ hồ sơ ngày 28 tháng 4 "
                             "năm 2000", False)]
        rt.indexer().index([ordinance("pl-1998", "1998-02-26"), ordinance("pl-1999", "1999-03-01")])
        assert validity(rt, "pl-1998") == "het_hieu_luc"  # named by title and date in the law's khoản 2 Điều 2
        assert validity(rt, "pl-1999") == "con_hieu_luc"  # the same title, another date: not named
        old = document_relations(rt.relations, "pl-1998", ANONYMOUS, date(2026, 1, 1))
        assert old is not None and old["expired_from"] == "2025-01-01"
        assert old["history"] == ["có hiệu lực 1998-02-26", "thay thế bởi 99/2024/QH15 (2025-01-01)"]
        view = document_relations(rt.relations, "luat-ho-so", ANONYMOUS, date(2026, 1, 1))
        assert view is not None
        assert [r["target_doc_id"] for r in view["relations"] if r["direction"] == "outgoing"] == ["pl-1998", None]
    finally:
        rt.close()
