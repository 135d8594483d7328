"""A malformed-input corpus generated here: every bomb and trick of issue #12, broken encodings, wrong JSON
shapes and huge fields. Each file goes through the real connectors and indexer and must be rejected with a
clear one-line reason, leaving the store's point count and the manifest exactly as they were."""

from __future__ import annotations

import io
import json
import os
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx_builders import build_docx

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from connectors.extraction_limits import ExtractionLimits
from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
HEAD = "UBND TỈNH HÀ TĨNH\nSỞ Y TẾ\n"
BODY = "QUYẾT ĐỊNH\nVề việc phân công nhiệm vụ\nĐiều 1. Phân công nhiệm vụ cho các phòng.\n"
GOOD_LAW = "LUẬT MẪU\nĐiều 1. Phạm vi điều chỉnh\nLuật này quy định về việc tiếp nhận hồ sơ trực tuyến.\n"
WAREHOUSE = {"id": "BC-9", "title": "Báo cáo số liệu", "owner_unit": "Sở Y tế", "summary": "Số liệu tháng.",
             "updated_at": "2026-10-01T08:00:00+07:00", "access": {"level": "restricted", "units": ["Sở Y tế"]}}
TTHC = {"metadata": {"mã_thủ_tục": "1.000001", "tên_thủ_tục": "Cấp giấy phép thử"}, "content": {}, "tables": {}}


def _zip_with(data: bytes, name: str, content: bytes, drop: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename not in (drop, name):
                dst.writestr(item, src.read(item.filename))
        if content:
            dst.writestr(name, content)
    return out.getvalue()


def _many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(5001):
            z.writestr(f"word/p{i}.xml", b"")
    return out.getvalue()


def _pdf(pages: int, text: bool = True, password: str | None = None) -> bytes:
    from pypdf import PdfWriter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for i in range(pages):
        if text:
            c.drawString(72, 800, f"Dieu {i + 1}. Noi dung trang {i + 1}")
        c.showPage()
    c.save()
    if password is None:
        return buffer.getvalue()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _warehouse(**changes: object) -> bytes:
    return _json({**WAREHOUSE, **changes})


def _jsonl(*rows: dict) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


KINDS: dict[str, tuple[str, Callable[[], bytes]]] = {
    # bombs and limits
    "docx-zip-bomb-ratio": (".docx", lambda: _zip_with(build_docx(), "word/media/a.bin", b"\0" * (5 << 18))),
    "docx-unpacked-total": (".docx", lambda: _zip_with(build_docx(), "word/media/a.bin", os.urandom(7 << 19))),
    "docx-too-many-members": (".docx", _many_members),
    "pdf-page-bomb": (".pdf", lambda: _pdf(30)),
    "file-over-max-bytes": (".txt", lambda: (HEAD + BODY).encode() * 40000),
    # broken containers
    "docx-truncated": (".docx", lambda: build_docx()[:3000]),
    "docx-no-main-part": (".docx", lambda: _zip_with(build_docx(), "x", b"", drop="word/document.xml")),
    "docx-bad-xml": (".docx", lambda: _zip_with(build_docx(), "word/document.xml", b"<w:document><w:body>")),
    "docx-is-text": (".docx", lambda: BODY.encode()),
    "pdf-broken": (".pdf", lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog"),
    "pdf-is-png": (".pdf", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    "pdf-no-text-layer": (".pdf", lambda: _pdf(2, text=False)),
    "pdf-encrypted": (".pdf", lambda: _pdf(1, password="mat-khau")),
    "doc-word97": (".doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),
    # encodings and empties
    "txt-latin1": (".txt", lambda: "Le présent arrêté entre en vigueur à la date de sa signature.".encode("latin-1")),
    "txt-garbage-bytes": (".txt", lambda: bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 40),
    "txt-empty": (".txt", lambda: b""),
    "md-whitespace-only": (".md", lambda: "\u00a0 \n\t\n".encode()),
    "json-utf16": (".json", lambda: _warehouse().decode().encode("utf-16")),
    # secrecy stamps, every trick
    "docx-stamp-header-table-cell": (".docx", lambda: build_docx(header_cells=["Số: 12/SYT\nMẬT", "CỘNG HÒA"])),
    "docx-stamp-even-header": (".docx", lambda: build_docx(even_header="TỐI MẬT")),
    "docx-stamp-footer": (".docx", lambda: build_docx(footer="TUYỆT MẬT")),
    "docx-stamp-text-box": (".docx", lambda: build_docx(text_box="MẬT")),
    "docx-stamp-content-control": (".docx", lambda: build_docx(content_control="Độ mật: Tối mật")),
    "docx-stamp-keywords": (".docx", lambda: build_docx(keywords="Mật")),
    "html-stamp-page-header": (".html", lambda: b"<header>MAT</header><main><h1>QUYET DINH</h1><p>x</p></main>"),
    "txt-stamp-zero-width": (".txt", lambda: (HEAD + "M\u200bẬT\n" + BODY).encode()),
    "txt-stamp-soft-hyphen": (".txt", lambda: (HEAD + "TỐI\u00adMẬT\n" + BODY).encode()),
    "txt-stamp-letter-spaced": (".txt", lambda: (HEAD + "T U Y Ệ T   M Ậ T\n" + BODY).encode()),
    "md-stamp-decomposed": (".md", lambda: unicodedata.normalize("NFD", "**TỐI MẬT**\n" + HEAD + BODY).encode()),
    "jsonl-stamp-field": (".jsonl", lambda: _jsonl({"law_id": "Luật Mẫu", "article_id": "1",
                                                    "text": "Độ mật: Tuyệt mật\n\nNội dung."})),
    "tthc-stamp-field": (".json", lambda: _json({**TTHC, "metadata": {**TTHC["metadata"], "độ_mật": "Mật"}})),
    "warehouse-do-mat": (".json", lambda: _warehouse(do_mat="Tối mật")),
    "warehouse-stamp-in-summary": (".json", lambda: _warehouse(summary="M Ậ T\nSố liệu tháng.")),
    # wrong JSON shapes and access labels
    "json-broken": (".json", lambda: b'{"records": ['),
    "json-list": (".json", lambda: b"[1, 2, 3]"),
    "json-unknown-shape": (".json", lambda: _json({"ten": "Báo cáo", "so_lieu": [1, 2]})),
    "json-too-deep": (".json", lambda: b"[" * 100_000 + b"]" * 100_000),
    "json-deep-but-parsable": (".json", lambda: _json({"records": [{"x": json.loads("[" * 50 + "]" * 50)}]})),
    "warehouse-access-missing": (".json", lambda: _json({k: v for k, v in WAREHOUSE.items() if k != "access"})),
    "warehouse-access-no-level": (".json", lambda: _warehouse(access={"units": ["Sở Y tế"]})),
    "warehouse-access-units-string": (".json", lambda: _warehouse(access={"level": "restricted", "units": "Sở Y tế"})),
    "warehouse-records-not-list": (".json", lambda: _json({"records": {"id": "x"}})),
    "warehouse-bad-date": (".json", lambda: _warehouse(updated_at="tháng 10")),
    "tthc-tables-wrong-type": (".json", lambda: _json({**TTHC, "tables": {"thanh_phan_ho_so": "giấy tờ"}})),
    "jsonl-all-lines-broken": (".jsonl", lambda: b'{"law_id": 1}\n[1]\n{"law_id": "x", "article_id": true}\n'),
    # huge fields
    "warehouse-huge-title": (".json", lambda: _warehouse(title="Báo cáo " * 2000)),
    "tthc-huge-code": (".json", lambda: _json({**TTHC, "metadata": {**TTHC["metadata"], "mã_thủ_tục": "1" * 500}})),
    "jsonl-huge-law-id": (".jsonl", lambda: _jsonl({"law_id": "L" * 1000, "article_id": "1", "text": "Nội dung"})),
}


STAMP = "dấu độ mật"
# What each rejection must say (the class of problem, in the words the person reads).
WHY = {
    "docx-zip-bomb-ratio": "nén 1", "docx-unpacked-total": "bung ra", "docx-too-many-members": "5001 thành phần",
    "pdf-page-bomb": "30 trang", "file-over-max-bytes": "tệp quá lớn", "docx-truncated": "bị cắt cụt",
    "docx-no-main-part": "hỏng", "docx-bad-xml": "hỏng", "docx-is-text": "không phải tài liệu Word",
    "pdf-broken": "PDF hỏng", "pdf-is-png": "ảnh PNG", "pdf-no-text-layer": "OCR", "pdf-encrypted": "mật khẩu",
    "doc-word97": "Word 97-2003", "txt-latin1": "UTF-8", "txt-garbage-bytes": "UTF-8", "txt-empty": "rỗng",
    "md-whitespace-only": "không có nội dung", "json-utf16": "UTF-8", "json-broken": "JSON hỏng",
    "json-list": "không khớp định dạng", "json-unknown-shape": "không khớp định dạng", "json-too-deep": "quá sâu",
    "json-deep-but-parsable": "quá sâu", "warehouse-access-missing": "'access'",
    "warehouse-access-no-level": "needs 'level'", "warehouse-access-units-string": "list of names",
    "warehouse-records-not-list": "'records' phải là danh sách", "warehouse-bad-date": "ISO 8601",
    "tthc-tables-wrong-type": "tables.thanh_phan_ho_so", "jsonl-all-lines-broken": "không có điều luật hợp lệ",
    "warehouse-huge-title": "vượt giới hạn 500", "tthc-huge-code": "vượt giới hạn 64", "jsonl-huge-law-id": "quá dài",
} | {kind: STAMP for kind in KINDS if "stamp" in kind or kind == "warehouse-do-mat"}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Runtime, ExtractionLimits, Path]:
    root = tmp_path_factory.mktemp("corpus")
    settings = Settings(data_dir=root / "data", embedding_cache_path=REPO / "build" / "test-cache" /
                        "embeddings.sqlite", max_file_bytes=4 << 20, extract_max_unpacked_bytes=3 << 20,
                        extract_max_pdf_pages=20)
    runtime = Runtime(settings)
    (root / "good.txt").write_text(GOOD_LAW, encoding="utf-8")
    assert runtime.indexer().index(iter_sources([root / "good.txt"])).added == 1
    yield runtime, ExtractionLimits.from_settings(settings), root
    runtime.close()


def _state(runtime: Runtime) -> tuple[int, list[tuple[str, str, tuple[str, ...]]]]:
    entries = sorted((e.doc_id, e.content_hash, tuple(e.chunk_ids)) for e in runtime.manifest.entries())
    return runtime.store.count(), entries


def test_the_corpus_has_at_least_thirty_kinds() -> None:
    assert len(KINDS) >= 30 and set(WHY) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_malformed_input_is_rejected_in_one_line_and_changes_nothing(indexed, kind: str) -> None:  # noqa: ANN001
    runtime, limits, root = indexed
    suffix, make = KINDS[kind]
    path = root / "in" / f"{kind}{suffix}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(make())
    before = _state(runtime)
    report = runtime.indexer().index(iter_sources([path], max_bytes=runtime.settings.max_file_bytes,
                                                  limits=limits))
    assert report.rejected, f"{kind}: not rejected ({report.as_dict()})"
    assert report.added == report.updated == report.unchanged == 0, report.as_dict()
    assert WHY[kind] in " ".join(r.reason for r in report.rejected), report.as_dict()
    for rejection in report.rejected:
        assert rejection.path == str(path)
        reason = rejection.reason
        assert reason.strip() and "\n" not in reason and len(reason) < 300 and "Traceback" not in reason, reason
    assert _state(runtime) == before
