"""WarehouseConnector: the sample data reads; each bad record is its own Rejection naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectors.auto import iter_sources
from connectors.base import Rejection
from connectors.warehouse import WarehouseConnector
from core.documents import Document

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "warehouse"


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "TEST-01",
        "title": "Tình hình tiếp nhận hồ sơ tháng 9/2026",
        "owner_unit": "Văn phòng UBND tỉnh",
        "period": "2026-09",
        "access": "internal",
        "summary": "Số liệu minh họa. Tiếp nhận 1.200 hồ sơ.",
        "figures": [{"name": "Hồ sơ tiếp nhận", "value": 1200, "unit": "hồ sơ"}],
        "updated_at": "2026-10-01T08:00:00+07:00",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_sample_data_reads_cleanly() -> None:
    items = list(WarehouseConnector([SAMPLES]).documents())
    rejected = [i for i in items if isinstance(i, Rejection)]
    assert not rejected, rejected
    docs = {d.doc_id: d for d in items if isinstance(d, Document)}
    assert 6 <= len(docs) <= 10
    levels = {d.access.level for d in docs.values()}
    assert levels == {"public", "internal", "restricted"}
    assert any(d.access.roles == ("lanh_dao",) for d in docs.values())
    assert any(d.access.units == ("Sở Tài chính",) for d in docs.values())
    assert {d.metadata["co_quan_ban_hanh"] for d in docs.values()} == {
        "Văn phòng UBND tỉnh",
        "Sở Y tế",
        "Công an tỉnh",
        "Sở Tài chính",
    }
    for doc in docs.values():  # the figures are made up and say so
        assert "minh họa" in doc.text and "không phải số liệu thật" in doc.text


def test_document_fields(tmp_path: Path) -> None:
    access = {"level": "restricted", "units": ["Sở Y tế"], "roles": ["lanh_dao"]}
    (doc,) = WarehouseConnector([write(tmp_path / "a.json", record(access=access))]).documents()
    assert isinstance(doc, Document)
    assert doc.doc_id == "kho:TEST-01" and doc.kind == "warehouse"
    assert (
        doc.access.level == "restricted"
        and doc.access.units == ("Sở Y tế",)
        and doc.access.roles == ("lanh_dao",)
    )
    assert doc.metadata == {
        "co_quan_ban_hanh": "Văn phòng UBND tỉnh",
        "loai_van_ban": "Báo cáo tổng hợp",
        "ky_bao_cao": "2026-09",
        "updated_at": "2026-10-01T08:00:00+07:00",
    }
    assert doc.record is not None and doc.record["figures"][0] == {
        "name": "Hồ sơ tiếp nhận",
        "value": 1200,
        "unit": "hồ sơ",
    }
    assert doc.text == "Số liệu minh họa. Tiếp nhận 1.200 hồ sơ."


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"id": ...}, "'id'"),
        ({"title": "  "}, "'title'"),
        ({"owner_unit": ...}, "'owner_unit'"),
        ({"summary": ...}, "'summary'"),
        ({"access": ...}, "'access'"),
        ({"access": "secret"}, "'access' không hợp lệ"),
        ({"access": {"level": "restricted"}}, "'access' không hợp lệ"),
        # Fail closed: a label that cannot be read is never public.
        ({"access": {"units": ["Sở Y tế"]}}, "needs 'level'"),
        ({"access": {"level": "restricted", "units": "Sở Y tế"}}, "must be a list of names"),
        ({"access": {"level": "restricted", "unit": ["Sở Y tế"]}}, "unknown access keys"),
        ({"access": {"level": "restricted", "units": [3]}}, "must be a list of names"),
        ({"access": {"level": None, "units": ["Sở Y tế"]}}, "must be a string"),
        ({"access": {}}, "needs 'level'"),
        ({"access": None}, "'access' không hợp lệ"),
        ({"access": ["Sở Y tế"]}, "'access' không hợp lệ"),
        ({"updated_at": ...}, "'updated_at'"),
        ({"updated_at": "tháng 10/2026"}, "'updated_at' không phải thời điểm ISO 8601"),
        ({"figures": {"a": 1}}, "'figures' phải là danh sách"),
        ({"figures": [{"value": 3}]}, "'figures' mục 1: thiếu 'name'"),
        ({"figures": [{"name": "Số ca", "value": None}]}, "'value' phải là số hoặc chuỗi"),
        ({"title": 42}, "'title' phải là chuỗi"),
        ({"do_mat": "bí mật lắm"}, "'do_mat' không hợp lệ"),
    ],
)
def test_invalid_record(tmp_path: Path, changes: dict[str, Any], words: str) -> None:
    path = write(tmp_path / "bad.json", record(**changes))
    (item,) = WarehouseConnector([path]).documents()
    assert isinstance(item, Rejection), item
    assert item.path == str(path)
    assert words in item.reason
    label = "bản ghi thứ 1" if changes.get("id", "") is ... else "bản ghi «TEST-01»"
    assert item.reason.startswith(label)


@pytest.mark.parametrize("level", ["Mật", "TỐI MẬT", "tuyệt mật"])
def test_secret_record_is_refused(tmp_path: Path, level: str) -> None:
    (item,) = WarehouseConnector([write(tmp_path / "m.json", record(do_mat=level))]).documents()
    assert isinstance(item, Rejection) and "độ mật" in item.reason and "không được lưu" in item.reason


@pytest.mark.parametrize("level", ["", "Không", None])
def test_unclassified_do_mat_is_fine(tmp_path: Path, level: str | None) -> None:
    (item,) = WarehouseConnector([write(tmp_path / "m.json", record(do_mat=level))]).documents()
    assert isinstance(item, Document)


def test_records_file_keeps_good_records(tmp_path: Path) -> None:
    data = {
        "records": [
            record(id="A"),
            record(id="B", summary=...),
            record(id="C", do_mat="Tối mật"),
            "không phải bản ghi",
            record(id="A", title="Trùng id"),
            record(id="D", access="public"),
        ]
    }
    items = list(WarehouseConnector([write(tmp_path / "nhieu.json", data)]).documents())
    assert [i.doc_id for i in items if isinstance(i, Document)] == ["kho:A", "kho:D"]
    reasons = [i.reason for i in items if isinstance(i, Rejection)]
    assert len(reasons) == 4
    assert reasons[0].startswith("bản ghi «B»") and "'summary'" in reasons[0]
    assert reasons[1].startswith("bản ghi «C»") and "«Tối mật»" in reasons[1]
    assert reasons[2].startswith("bản ghi thứ 4")
    assert reasons[3].startswith("bản ghi «A»") and "trùng id" in reasons[3]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"records": [', "JSON hỏng"),
        ('{"records": {"id": "A"}}', "'records' phải là danh sách"),
        ('{"records": []}', "không có bản ghi nào"),
        ("[]", "JSON không đúng định dạng kho dữ liệu"),
    ],
)
def test_bad_files(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    (item,) = WarehouseConnector([path]).documents()
    assert isinstance(item, Rejection) and words in item.reason


def test_auto_dispatch(tmp_path: Path) -> None:
    single = write(tmp_path / "a.json", record(id="S"))
    many = write(tmp_path / "b.json", {"records": [record(id="M1"), record(id="M2")]})
    items = list(iter_sources([single, many]))
    assert [i.doc_id for i in items if isinstance(i, Document)] == ["kho:S", "kho:M1", "kho:M2"]
    assert all(i.kind == "warehouse" for i in items if isinstance(i, Document))
