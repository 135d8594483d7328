"""A refusal says what the system covers, within what the asker may see (issue 26): counts by kind of the
indexed documents the person may read, in Vietnamese; a restricted document is not counted for an outsider.
Real manifest (SQLite) and the real answerer over a small generated corpus."""

from __future__ import annotations

from pathlib import Path

from assistant.documents import Coverage, coverage_text
from assistant.service.runtime import Runtime
from core.access import AccessLabel, Principal
from core.documents import Document
from core.settings import Settings

REPO = Path(__file__).resolve().parents[3]
HEALTH = Principal(user_id="syt.a", unit="Sở Y tế", roles=("chuyen_vien",))
POLICE = Principal(user_id="ca.b", unit="Công an tỉnh", roles=("chuyen_vien",))


def _docs() -> list[Document]:
    law = Document(doc_id="luat:thu", kind="legal", title="Luật Thử nghiệm",
                   text="Điều 1. Phạm vi điều chỉnh\nLuật này quy định việc thử nghiệm giống cây trồng.")
    report = Document(doc_id="kho:syt-1", kind="warehouse", title="Báo cáo dịch bệnh quý III",
                      text="Số ca sốt xuất huyết quý III là 412 ca.",
                      access=AccessLabel(level="restricted", units=("Sở Y tế",)))
    return [law, report]


def test_counts_by_kind_within_what_each_person_may_see(tmp_path: Path) -> None:
    rt = Runtime(Settings(data_dir=tmp_path, users_file=REPO / "data" / "users.yaml"))
    try:
        rt.indexer().index(iter(_docs()))
        coverage = Coverage(rt.manifest)
        health, police = coverage(HEALTH), coverage(POLICE)
        assert "1 văn bản pháp luật, văn bản hành chính" in health and "1 báo cáo số liệu" in health
        assert "1 văn bản pháp luật" in police and "báo cáo" not in police  # the restricted report is not counted
        refusal = rt.answerer(remember=False).ask("Giá vé máy bay đi Paris tháng sau là bao nhiêu?", POLICE)
        assert refusal.refused and "Trong phạm vi bạn được xem, hệ thống có: 1 văn bản pháp luật" in refusal.answer
        assert "báo cáo" not in refusal.answer
    finally:
        rt.close()


def test_the_sentence_names_kinds_in_order_with_grouped_numbers() -> None:
    text = coverage_text({"tthc": 809, "legal": 1234, "sample": 2})
    assert text.startswith("Trong phạm vi bạn được xem, hệ thống có: 1.234 văn bản pháp luật")
    assert "809 thủ tục hành chính" in text and "2 tài liệu khác" in text
    assert coverage_text({}) == "Trong phạm vi bạn được xem, hệ thống chưa có văn bản nào."
