"""TthcConnector on the real portal exports, and on exports that are broken in the ways files break."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from connectors.auto import iter_sources
from connectors.base import Rejection
from connectors.tthc import TthcConnector, clean_value
from core.documents import Document


@pytest.fixture(scope="module")
def tthc_dir(shared_dir: Path) -> Path:
    folder = shared_dir / "corpus" / "tthc"
    if not folder.is_dir():
        pytest.skip(f"TTHC exports not found at {folder}")
    return folder


def test_reads_every_real_export(tthc_dir: Path) -> None:
    items = list(TthcConnector([tthc_dir]).documents())
    assert len(items) == len(list(tthc_dir.glob("*.json"))) == 207
    assert all(isinstance(i, Document) for i in items)
    ids = [i.doc_id for i in items]  # type: ignore[union-attr]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_document_fields(tthc_dir: Path) -> None:
    doc = next(iter(TthcConnector([tthc_dir / "1.013124.json"]).documents()))
    assert isinstance(doc, Document)
    assert doc.doc_id == "tthc:1.013124"
    assert doc.kind == "tthc"
    assert doc.title.startswith("Thủ tục thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu")
    assert doc.access.level == "public"
    assert doc.metadata == {
        "so_hieu": "1.013124",
        "loai_van_ban": "Thủ tục hành chính",
        "linh_vuc": "Ứng phó sự cố tràn dầu",
        "co_quan_ban_hanh": "Ủy ban Quốc gia Ứng phó sự cố, thiên tai và Tìm kiếm cứu nạn",
        "quyet_dinh": "Quyết định số 6225/QĐ-BQP",
        "cap_thuc_hien": "Cấp Bộ",
    }
    assert doc.record is not None
    assert doc.record["tables"]["hinh_thuc_nop"][0]["thoi_han_giai_quyet"] == "30 Ngày làm việc"
    assert "1.013124" in doc.text and len(doc.text) < 600


def test_record_strings_are_normalised(tmp_path: Path, tthc_dir: Path) -> None:
    raw = (tthc_dir / "1.013124.json").read_text(encoding="utf-8")
    path = tmp_path / "nfd.json"
    path.write_text(unicodedata.normalize("NFD", raw), encoding="utf-8")
    doc = next(iter(TthcConnector([path]).documents()))
    assert isinstance(doc, Document) and doc.doc_id == "tthc:1.013124"
    assert doc.record is not None
    text = json.dumps(doc.record, ensure_ascii=False)
    assert unicodedata.is_normalized("NFC", text)
    assert doc.record["metadata"]["lĩnh_vực"] == "Ứng phó sự cố tràn dầu"


def test_agency_falls_back_to_executing_office(tmp_path: Path) -> None:
    record = {
        "metadata": {"mã_thủ_tục": "9.000001", "tên_thủ_tục": "Thủ tục thử"},
        "content": {
            "cơ_quan_có_thẩm_quyền": "Không có thông tin",
            "cơ_quan_thực_hiện": "Ủy ban nhân dân cấp xã",
        },
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    doc = next(iter(TthcConnector([path]).documents()))
    assert isinstance(doc, Document)
    assert doc.metadata["co_quan_ban_hanh"] == "Ủy ban nhân dân cấp xã"
    assert "quyet_dinh" not in doc.metadata  # absent, not an empty string


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"metadata": {"tên_thủ_tục": "Thủ tục A"}}, "thiếu metadata.mã_thủ_tục"),
        (
            {"metadata": {"mã_thủ_tục": "1.0", "tên_thủ_tục": "Không có thông tin"}},
            "thiếu metadata.tên_thủ_tục",
        ),
        (
            {"metadata": {"mã_thủ_tục": "1.0", "tên_thủ_tục": "A"}, "tables": {"hinh_thuc_nop": "Trực tiếp"}},
            "tables.hinh_thuc_nop",
        ),
        ({"thu_tuc_id": "1.0"}, "thiếu metadata"),
        ([1, 2], "cần một đối tượng JSON"),
    ],
)
def test_wrong_shape(tmp_path: Path, data: object, words: str) -> None:
    path = tmp_path / "sai.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (item,) = TthcConnector([path]).documents()
    assert isinstance(item, Rejection)
    assert item.reason.startswith("JSON không đúng định dạng TTHC") and words in item.reason


def test_malformed_json_does_not_stop_the_folder(tmp_path: Path, tthc_dir: Path) -> None:
    (tmp_path / "1.013124.json").write_bytes((tthc_dir / "1.013124.json").read_bytes())
    (tmp_path / "2.hong.json").write_text('{"metadata": {"mã_thủ_tục": ', encoding="utf-8")
    (tmp_path / "3.rong.json").write_text("", encoding="utf-8")
    (tmp_path / "4.utf16-khong-bom.json").write_bytes('{"metadata": {"tên": "Thủ tục"}}'.encode("utf-16-le"))
    items = list(TthcConnector([tmp_path]).documents())
    assert isinstance(items[0], Document)
    reasons = [i.reason for i in items[1:] if isinstance(i, Rejection)]
    assert len(reasons) == 3
    assert "JSON hỏng (dòng 1" in reasons[0]
    assert "rỗng" in reasons[1]
    assert "UTF-8" in reasons[2]


def test_auto_dispatch_picks_tthc(tthc_dir: Path) -> None:
    (doc,) = iter_sources([tthc_dir / "1.013125.json"])
    assert isinstance(doc, Document) and doc.kind == "tthc" and doc.doc_id == "tthc:1.013125"


@pytest.mark.parametrize("value", ["Không có thông tin", "Không", "không.", "", "  ", "N/A", None])
def test_placeholders_are_empty(value: object) -> None:
    assert clean_value(value) == ""


def test_real_values_are_kept() -> None:
    assert clean_value(" Không quy định ") == "Không quy định"  # a real answer for a time limit
    assert clean_value("Không thu phí") == "Không thu phí"
