"""The indexer's secrecy gate: a stamp is refused wherever it stands and whatever the format, after invisible
characters and letter spacing are removed; mentions and a "Mật" line deep in the body are not stamps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx_builders import BODY, build_docx, with_custom_property, write

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from connectors.extractors import extract_parts
from core.documents import Document
from core.secrecy import detect_secrecy_stamp, document_stamp
from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
TTHC = REPO.parent / "shared" / "corpus" / "tthc" / "1.013124.json"


def _doc(path: Path) -> Document:
    (item,) = list(iter_sources([path]))
    assert isinstance(item, Document), item
    return item


@pytest.mark.parametrize(
    ("extras", "stamp"),
    [
        ({"header": "MẬT"}, "Mật"),
        ({"even_header": "TỐI MẬT"}, "Tối mật"),
        ({"footer": "Tuyệt mật"}, "Tuyệt mật"),
        ({"header_cells": ["SỞ Y TẾ\nSố: 12/SYT\nMẬT", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]}, "Mật"),
        ({"text_box": "TỐI MẬT"}, "Tối mật"),
        ({"content_control": "Độ mật: Mật"}, "Mật"),
        ({"keywords": "TUYỆT MẬT"}, "Tuyệt mật"),
        # The header table in the body, before the tên loại: the cell under "Số: …" holds the stamp.
        ({"body": [], "body_table": [["Số: 12/SYT\nMẬT", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]]}, "Mật"),
    ],
)
def test_docx_stamp_in_any_part(tmp_path: Path, extras: dict, stamp: str) -> None:
    doc = _doc(write(tmp_path / "qd.docx", build_docx(**extras)))
    assert document_stamp(doc) == stamp


def test_docx_custom_property_do_mat(tmp_path: Path) -> None:
    data = with_custom_property(build_docx(), "Độ mật", "Tối mật")
    assert document_stamp(_doc(write(tmp_path / "qd.docx", data))) == "Tối mật"


def test_docx_parts_are_structured() -> None:
    parts = extract_parts(".docx", build_docx(even_header="Trang chẵn", footer="Trang 1", text_box="Ô chữ",
                                              header_cells=["Số: 12/SYT\nMẬT", "CỘNG HÒA"], keywords="y tế"))
    assert parts.headers["even"][0].text == "Trang chẵn"
    row = next(b for b in parts.headers["default"] if b.cells)
    assert row.cells == ("Số: 12/SYT\nMẬT", "CỘNG HÒA") and row.text == "Số: 12/SYT MẬT | CỘNG HÒA"
    assert parts.footers["default"][0].text == "Trang 1"
    assert [b.text for b in parts.text_boxes] == ["Ô chữ"]
    assert parts.metadata["keywords"] == "y tế"
    assert parts.body_text().splitlines()[2] == "QUYẾT ĐỊNH"


@pytest.mark.parametrize("line", ["M\u200bẬT", "TỐI\u00adMẬT", "M Ậ T", "T U Y Ệ T   M Ậ T", "\ufeffMẬT",
                                  "M\u2060Ậ\u200dT", "[ T Ố I  M Ậ T ]", "Độ mật: M Ậ T"])
def test_invisible_characters_and_letter_spacing(line: str) -> None:
    assert detect_secrecy_stamp(f"UBND TỈNH\n{line}\nQUYẾT ĐỊNH\nĐiều 1. Nội dung.") is not None


def test_html_page_header_outside_main(tmp_path: Path) -> None:
    page = ("<html><head><title>Quyết định</title></head><body><header><p>TỐI MẬT</p></header><main>"
            "<h1>QUYẾT ĐỊNH</h1><p>Điều 1. Nội dung.</p></main></body></html>")
    doc = _doc(write(tmp_path / "qd.html", page.encode()))
    assert "MẬT" not in doc.text and document_stamp(doc) == "Tối mật"


def test_html_header_table_cell(tmp_path: Path) -> None:
    page = ("<table><tr><td>SỞ Y TẾ<br>Số: 12/SYT<br>MẬT</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr>"
            "</table><h1>QUYẾT ĐỊNH</h1><p>Điều 1. Nội dung.</p>")
    doc = _doc(write(tmp_path / "qd.html", page.encode()))
    assert "SỞ Y TẾ Số: 12/SYT MẬT | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in doc.text.splitlines()
    assert document_stamp(doc) == "Mật"


def test_long_opening_block_still_counts() -> None:
    opening = "\n".join(f"Nơi gửi số {i}" for i in range(60))
    assert detect_secrecy_stamp(f"{opening}\nMẬT\nBÁO CÁO\nNội dung.") == "Mật"


@pytest.mark.parametrize(
    "text",
    [
        "UBND TỈNH\nQUYẾT ĐỊNH\nMục lục\nMật\nCông khai\nĐiều 1. Nội dung.",  # a list after the tên loại
        "LUẬT BẢO VỆ BÍ MẬT NHÀ NƯỚC\nĐiều 1. Bí mật nhà nước gồm Tuyệt mật, Tối mật, Mật.",
        "UBND TỈNH\nTài liệu tối mật phải được cất trong két.\nQUY CHẾ\nNội dung.",
    ],
)
def test_mentions_and_deep_lines_are_not_stamps(text: str) -> None:
    assert detect_secrecy_stamp(text) is None


def test_docx_toc_line_in_body_is_not_a_stamp(tmp_path: Path) -> None:
    body = [*BODY, "Phụ lục: phân loại", "Mật", "Công khai"]
    assert document_stamp(_doc(write(tmp_path / "qd.docx", build_docx(body=body)))) is None


@pytest.fixture
def runtime(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data", embedding_cache_path=REPO / "build" / "test-cache" /
                        "embeddings.sqlite")
    rt = Runtime(settings)
    yield rt
    rt.close()


def _stamped_sources(root: Path) -> None:
    write(root / "a.docx", build_docx(header_cells=["Số: 12/SYT\nMẬT", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]))
    write(root / "b.html", "<header>M\u200bẬT</header><main><h1>BÁO CÁO</h1><p>Nội dung.</p></main>".encode())
    rows = [{"_id": "1", "law_id": "Luật Thử", "article_id": "1", "text": "Độ mật: Tối mật\n\nNội dung điều."}]
    write(root / "c.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode())
    if TTHC.exists():
        record = json.loads(TTHC.read_text(encoding="utf-8"))
        record["metadata"]["độ_mật"] = "Mật"
        write(root / "d.json", json.dumps(record, ensure_ascii=False).encode())
    warehouse = {"id": "BC-1", "title": "Báo cáo", "owner_unit": "Sở Y tế", "summary": "TỐI\u00adMẬT\nSố liệu.",
                 "updated_at": "2026-10-01T08:00:00+07:00", "access": {"level": "restricted", "units": ["Sở Y tế"]}}
    write(root / "e.json", json.dumps(warehouse, ensure_ascii=False).encode())


def test_indexer_refuses_stamped_documents_of_every_connector(runtime: Runtime, tmp_path: Path) -> None:
    root = tmp_path / "src"
    _stamped_sources(root)
    report = runtime.indexer().index(iter_sources([root]))
    rejected = {Path(r.path).name: r.reason for r in report.rejected}
    expected = {"a.docx", "b.html", "c.jsonl", "e.json"} | ({"d.json"} if TTHC.exists() else set())
    assert set(rejected) == expected and all("độ mật" in r for r in rejected.values()), rejected
    assert report.added == 0 and runtime.store.count() == 0 and runtime.manifest.entries() == []


def test_a_document_that_becomes_stamped_is_removed(runtime: Runtime, tmp_path: Path) -> None:
    path = write(tmp_path / "src" / "qd.docx", build_docx())
    assert runtime.indexer().index(iter_sources([path])).added == 1 and runtime.store.count() > 0
    write(path, build_docx(even_header="TỐI MẬT"))
    report = runtime.indexer().index(iter_sources([path]))
    assert report.removed == 1 and "«Tối mật»" in report.rejected[0].reason
    assert runtime.store.count() == 0 and runtime.manifest.entries() == []
