"""parse_warehouse: a summary chunk and a figures chunk with the numbers written the Vietnamese way."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.warehouse.parser import format_value, parse_warehouse
from connectors.warehouse import WarehouseConnector
from core.documents import Document

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "warehouse"


def load(tmp_path: Path, record: dict) -> Document:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    (doc,) = WarehouseConnector([path]).documents()
    assert isinstance(doc, Document)
    return doc


def test_summary_and_figures(tmp_path: Path) -> None:
    doc = load(
        tmp_path,
        {
            "id": "VP-01",
            "title": "Hồ sơ TTHC trực tuyến",
            "owner_unit": "Văn phòng UBND tỉnh",
            "period": "Quý III/2026",
            "access": "public",
            "summary": "Số liệu minh họa. Tỷ lệ nộp trực tuyến tăng.",
            "figures": [
                {"name": "Tổng số hồ sơ", "value": 64318, "unit": "hồ sơ"},
                {"name": "Tỷ lệ nộp trực tuyến", "value": 71.5, "unit": "%"},
                {"name": "Xếp hạng", "value": "khá"},
            ],
            "updated_at": "2026-10-06T08:00:00+07:00",
        },
    )
    summary, figures = parse_warehouse(doc)
    assert summary.path == ["Tóm tắt"] and figures.path == ["Số liệu"]
    assert summary.citation == "Báo cáo VP-01 — Hồ sơ TTHC trực tuyến (Quý III/2026)"
    assert figures.citation == "Báo cáo VP-01 — Hồ sơ TTHC trực tuyến (Quý III/2026) — Số liệu"
    assert summary.text.splitlines()[:3] == [
        "Hồ sơ TTHC trực tuyến",
        "Đơn vị: Văn phòng UBND tỉnh",
        "Kỳ báo cáo: Quý III/2026",
    ]
    assert summary.text.endswith("Số liệu minh họa. Tỷ lệ nộp trực tuyến tăng.")
    assert figures.text.splitlines()[1:] == [
        "- Tổng số hồ sơ: 64.318 hồ sơ",
        "- Tỷ lệ nộp trực tuyến: 71,5%",
        "- Xếp hạng: khá",
    ]
    for chunk, order in ((summary, 0), (figures, 1)):
        assert chunk.fields["order"] == order
        assert chunk.fields["owner_unit"] == "Văn phòng UBND tỉnh"
        assert chunk.fields["period"] == "Quý III/2026"
        assert chunk.fields["updated_at"] == "2026-10-06T08:00:00+07:00"
        assert chunk.fields["figures"][0] == {"name": "Tổng số hồ sơ", "value": 64318, "unit": "hồ sơ"}
        assert "Văn phòng UBND tỉnh" in chunk.context
    assert summary.chunk_id != figures.chunk_id


def test_no_figures_no_period(tmp_path: Path) -> None:
    doc = load(
        tmp_path,
        {
            "id": "X",
            "title": "Ghi chú",
            "owner_unit": "Sở Y tế",
            "access": "internal",
            "summary": "Nội dung.",
            "updated_at": "2026-10-01",
        },
    )
    (only,) = parse_warehouse(doc)
    assert only.citation == "Báo cáo X — Ghi chú"
    assert only.fields["figures"] == [] and only.fields["period"] == ""


def test_every_sample_parses() -> None:
    docs = [d for d in WarehouseConnector([SAMPLES]).documents() if isinstance(d, Document)]
    assert docs
    for doc in docs:
        chunks = parse_warehouse(doc)
        assert [c.path for c in chunks] == [["Tóm tắt"], ["Số liệu"]]


def test_format_value() -> None:
    assert format_value(1234567) == "1.234.567"
    assert format_value(96.4) == "96,4"
    assert format_value(3.25) == "3,25"
    assert format_value(12.0) == "12"
    assert format_value(0) == "0"
    assert format_value("khá") == "khá"
