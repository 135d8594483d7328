"""``assistant index`` of a folder of NĐ30-layout files, then ``assistant documents list/show``, through typer's
runner against a real embedded index; and a manifest written before the metadata columns existed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.service.runtime import Runtime
from core.settings import Settings
from core.so_hieu import parse_so_hieu
from indexing.manifest import Manifest
from tests.nd30_documents import DECISION, DOCUMENTS, render, to_txt

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CACHE_PATH", str(REPO / "build" / "test-cache" / "embeddings.sqlite"))
    return tmp_path


def test_index_a_folder_then_show_every_field(env: Path) -> None:
    folder = env / "van-ban"
    folder.mkdir()
    for doc in DOCUMENTS:
        (folder / f"{doc.name}.docx").write_bytes(render(doc, "docx"))
    # The same decision as a website copy whose metadata table has another number: the text wins, reported.
    scraped = "| Số hiệu | 1243/QĐ-UBND |\n| Lĩnh vực | Chuyển đổi số |\n"
    (folder / "trang-web.txt").write_text(scraped + to_txt(DECISION), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["index", str(folder)])
    assert result.exit_code == 0, result.output
    assert "thêm mới 4" in result.output
    assert "mâu thuẫn:" in result.output and "trang-web.txt: so_hieu" in result.output
    assert "«1234/QĐ-UBND»" in result.output and "«1243/QĐ-UBND»" in result.output

    listed = runner.invoke(app, ["documents", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    records = {r["doc_id"]: r for r in json.loads(listed.stdout)}
    assert len(records) == 4
    decision = records["file:quyet-dinh-1234-QD-UBND.docx"]
    for key, value in DECISION.expected.items():
        assert decision["metadata"][key] == value, key
    assert decision["source_format"] == "docx" and decision["chunks"] == 4
    assert decision["access"] == {"level": "public", "units": [], "roles": [], "roles_in_units": None, "groups": None,
                                  "units_and_below": None}
    web = records["file:trang-web.txt"]
    assert web["metadata"]["so_hieu"] == "1234/QĐ-UBND" and web["metadata"]["linh_vuc"] == "Chuyển đổi số"
    assert web["metadata"]["metadata_conflicts"][0]["source"] == "1243/QĐ-UBND"

    shown = runner.invoke(app, ["documents", "show", "file:ke-hoach-56-KH-SYT.docx"])
    assert shown.exit_code == 0, shown.output
    for line in ("Loại văn bản: Kế hoạch", "Số, ký hiệu: 56/KH-SYT", "Cơ quan chủ quản: Ủy ban nhân dân tỉnh Hà Tĩnh",
                 "Cơ quan ban hành: Sở Y tế", "Ngày ban hành: 02/04/2026", "Độ khẩn: Thượng khẩn",
                 "Chức vụ người ký: Giám đốc", "Người ký: Lê Thị Cúc", "Định dạng tệp: docx",
                 "Quyền truy cập: công khai"):
        assert line in shown.stdout, line
    as_json = json.loads(runner.invoke(app, ["documents", "show", "file:trang-web.txt", "--json"]).stdout)
    relations = as_json.pop("relations")  # show adds the relations and computed validity to the list's record
    assert as_json == web and relations["so_hieu"] == "1234/QĐ-UBND" and relations["validity"]

    missing = runner.invoke(app, ["documents", "show", "file:khong-co.docx"])
    assert missing.exit_code == 2 and "file:khong-co.docx" in missing.output

    found = runner.invoke(app, ["search", "hiệu lực thi hành quy chế trợ lý ảo", "--user", "vp.nguyenvana", "--json"])
    citations = [h["citation"] for h in json.loads(found.stdout)["hits"]]
    assert "Điều 2 — Quyết định 1234/QĐ-UBND" in citations
    assert not any("|" in c or "ngày" in c for c in citations)

    # A reference by number only: the manifest's số hiệu index resolves it (no title or id carries the number).
    found = runner.invoke(app, ["search", "khoản nào của Điều 2 QĐ 1234/QĐ-UBND", "--user", "vp.nguyenvana", "--json"])
    first = json.loads(found.stdout)["hits"][0]
    assert first["citation"] == "Điều 2 — Quyết định 1234/QĐ-UBND", first
    runtime = Runtime(Settings())
    try:
        match = runtime.retriever().reference("Điều 2 QĐ 1234/QĐ-UBND", runtime.principal("vp.nguyenvana"))
        assert match is not None and match.doc_id == "file:quyet-dinh-1234-QD-UBND.docx"
        assert [h.payload["citation"] for h in match.hits] == ["Điều 2 — Quyết định 1234/QĐ-UBND"]
    finally:
        runtime.close()


def test_an_old_manifest_gets_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "manifest.sqlite"
    db = sqlite3.connect(path)
    db.execute("""CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL,
                  title TEXT NOT NULL, content_hash TEXT, chunk_ids TEXT NOT NULL DEFAULT '[]', pending_hash TEXT,
                  pending_chunk_ids TEXT NOT NULL DEFAULT '[]', updated_at TEXT NOT NULL)""")
    db.execute("INSERT INTO documents VALUES ('cu', 'a.txt', 'legal', 'Cũ', 'h', '[\"1\"]', NULL, '[]', 'x')")
    db.commit()
    db.close()
    manifest = Manifest(path)
    old = manifest.get("cu")
    assert old is not None and old.metadata == {} and old.access is None and old.chunk_ids == ["1"]
    manifest.mark_pending("moi", "b.docx", "legal", "Mới", "h2", ["2", "3"],
                          metadata={"so_hieu": "1234/QĐ-UBND", "can_cu": [{"text": "Căn cứ …", "so_hieu": None}]},
                          access={"access_level": "public", "access_units": [], "access_roles": []})
    manifest.mark_done("moi")
    new = manifest.get("moi")
    assert new is not None and new.metadata["so_hieu"] == "1234/QĐ-UBND" and new.so_hieu_key == "1234/QD-UBND"
    assert [e.doc_id for e in manifest.by_so_hieu("1234/QD-UBND")] == ["moi"]
    assert manifest.numbered(parse_so_hieu("QĐ 1234/QĐ-UBND")) == [("moi", "Mới")]  # type: ignore[arg-type]
    assert manifest.numbered(parse_so_hieu("QĐ 1234/QĐ-SYT")) == []  # type: ignore[arg-type]
    manifest.close()
