"""The legal parser on real data: the scraped 731 plan, the 17 ALQAC laws, a small law, plain text."""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from pathlib import Path

import pytest

from connectors.articles import ArticlesConnector
from core.documents import Document
from core.vietnamese import normalize_text
from indexing.legal_parser import parse_header, parse_legal

SHARED = (Path(__file__).parents[2] / ".." / "shared").resolve()
PLAN = SHARED / "corpus/legal/731-KH-UBND-2025-ha-tinh.txt"
ALQAC = SHARED / "benchmarks/alqac24_25/corpus.jsonl"
SENTENCE_END = re.compile(r"[.!?;:…)”\"|]$")
HEADING = re.compile(r"^(?:[IVX]+\.|\d+\.|[a-zđ]\)|Điều \d+|Chương|Mục|PHỤ LỤC)\s*\S")


def ends_cleanly(text: str) -> bool:
    """Ends a sentence, a table row or a list item, or is a heading line (a section with no body)."""
    last = text.rstrip().split("\n")[-1].strip()
    return bool(SENTENCE_END.search(last)) or (len(last) < 200 and bool(HEADING.match(last)))


@pytest.fixture(scope="module")
def plan_text() -> str:
    if not PLAN.is_file():
        pytest.skip(f"shared plan not found at {PLAN}")
    return normalize_text(PLAN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan(plan_text: str):
    doc = Document(doc_id="kh-731", kind="legal", title=plan_text.split("\n")[0], text=plan_text)
    return parse_legal(doc)


def test_plan_header_fields(plan_text: str) -> None:
    meta = parse_header(plan_text)
    assert meta["so_hieu"] == "731/KH-UBND"
    assert meta["ngay_ban_hanh"] == "2025-12-30"
    assert meta["ngay_hieu_luc"] == "2025-12-30"
    assert meta["loai_van_ban"] == "Kế hoạch"
    # The text's heading block says "ỦY BAN NHÂN DÂN" (the page lost "TỈNH HÀ TĨNH"); the metadata table's
    # "Tỉnh Hà Tĩnh" completes it: the two agree, so no conflict is reported.
    assert meta["co_quan_ban_hanh"] == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    assert "metadata_conflicts" not in meta
    assert meta["dia_danh"] == "Hà Tĩnh" and meta["quyen_han_ky"] == "TM."
    assert meta["nguoi_ky"] == "Trần Báu Hà"
    assert meta["linh_vuc"] == "Công nghệ thông tin"


def test_plan_title_sections_and_citations(plan) -> None:
    assert plan.title == (
        "Kế hoạch triển khai thực hiện Chiến lược dữ liệu đến năm 2030 trên địa bàn tỉnh Hà Tĩnh")
    tops = {c.path[0] for c in plan.chunks}
    assert {f"Mục {r}" for r in ("I", "II", "III", "IV", "V", "VI")} <= tops
    by_path = {tuple(c.path): c for c in plan.chunks}
    first = by_path[("Mục II", "Điểm 2")]
    assert first.citation == "Mục II.2 — Kế hoạch 731/KH-UBND"
    assert first.text.startswith("2. Phát triển, khai thác sử dụng dữ liệu phục vụ chính quyền số")
    assert "II. MỤC TIÊU ĐẾN NĂM 2030" in first.context and plan.title in first.context
    assert first.fields["muc"] == "II" and first.fields["tieu_muc"] == "2"
    assert [c.fields["order"] for c in plan.chunks] == list(range(len(plan.chunks)))


def test_plan_heading_block_kept_once_and_noise_dropped(plan) -> None:
    texts = [c.text for c in plan.chunks]
    for needle in ("Thực hiện Nghị quyết số 57-NQ/TW", "- Tổ chức triển khai kịp thời, đồng bộ, hiệu quả",
                   "- Cung cấp nền tảng trợ lý ảo thông minh"):
        assert sum(needle in t for t in texts) == 1, needle
    everything = "\n".join(c.text + "\n" + c.context for c in plan.chunks)
    for noise in ("Đăng xuất", "Việc làm Hồ Chí Minh", "CỘNG HÒA XÃ HỘI", "| Số hiệu |", "TM. ỦY BAN"):
        assert noise not in everything, noise


def test_plan_appendix_rows(plan) -> None:
    appendix = [c for c in plan.chunks if c.path[0] == "Phụ lục"]
    assert {c.path[1].split(" (")[0] for c in appendix} == {f"Mục {r}" for r in ("I", "II", "III", "IV", "V")}
    rows = "\n".join(c.text for c in appendix)
    assert "1.1 | Tham mưu UBND tỉnh thành lập Ban chỉ đạo về dữ liệu của tỉnh" in rows
    assert "5.4 | Phối hợp các đơn vị thuộc Bộ Công an" in rows and rows.rstrip().endswith("Quý III/2026 |")
    assert all("Nhiệm vụ | Đơn vị chủ trì" in c.context for c in appendix)


def test_plan_chunks_are_unique_bounded_and_whole_sentences(plan) -> None:
    paths = [tuple(c.path) for c in plan.chunks]
    assert len(paths) == len(set(paths))
    assert len({c.chunk_id for c in plan.chunks}) == len(plan.chunks)
    for c in plan.chunks:
        assert c.text.strip() and c.doc_id == "kh-731"
        assert len(c.text) <= 2400, c.path
        assert ends_cleanly(c.text), (c.path, c.text[-80:])


def _alqac_expected() -> dict[str, list[str]]:
    """Article numbers per law, in corpus order. The corpus folds three real articles into the record
    before them (Luật Trồng trọt 64 inside 63; Hiến pháp 115 and 116 inside 114): their headings stand
    alone on a line, so the parser rightly returns them, and they are added here from the text."""
    expected: dict[str, list[str]] = defaultdict(list)
    for line in ALQAC.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        law, text = normalize_text(row["law_id"]), normalize_text(row["text"])
        expected[law].append(row["article_id"])
        for m in re.finditer(r"(?m)^Điều (\d+)(?:\.\s.*)?$", text):
            expected[law].append(m.group(1))
    return expected


def test_alqac_laws_give_back_their_articles() -> None:
    if not ALQAC.is_file():
        pytest.skip(f"ALQAC corpus not found at {ALQAC}")
    expected = _alqac_expected()
    docs = [d for d in ArticlesConnector(ALQAC).documents() if isinstance(d, Document)]
    assert len(docs) == 17
    started = time.perf_counter()
    parses = {d.title: parse_legal(d) for d in docs}
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"parsing the 17 laws took {elapsed:.1f}s"
    for law, parse in parses.items():
        numbers = list(dict.fromkeys(c.fields["dieu"] for c in parse.chunks if "dieu" in c.fields))
        assert numbers == expected[law], law
        paths = [tuple(c.path) for c in parse.chunks]
        assert len(paths) == len(set(paths)), law
        assert all(c.text.strip() and c.citation.endswith(f" — {law}") for c in parse.chunks)
    assert sum(len(v) for v in expected.values()) == 2249 + 3


def test_alqac_long_article_is_cited_by_khoan() -> None:
    if not ALQAC.is_file():
        pytest.skip(f"ALQAC corpus not found at {ALQAC}")
    doc = next(d for d in ArticlesConnector(ALQAC).documents() if d.title == "Luật Viên chức")
    chunks = [c for c in parse_legal(doc).chunks if c.fields.get("dieu") == "29"]
    assert [c.fields.get("khoan") for c in chunks] == ["1", "2", "3", "4", "5", "6"]
    for c in chunks:
        assert c.path == ["Điều 29", f"Khoản {c.fields['khoan']}"]
        assert c.citation == f"Điều 29 Khoản {c.fields['khoan']} — Luật Viên chức"
        assert "Điều 29. Đơn phương chấm dứt hợp đồng làm việc" in c.context
        assert "Điều 29." not in c.text and c.text.startswith(f"{c.fields['khoan']}. ")
    meta = parse_legal(doc).metadata
    assert meta["nguoi_ky"] == "Nguyễn Phú Trọng" and meta["ngay_hieu_luc"] == "2012-01-01"


LAW = """QUỐC HỘI
--------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Luật số: 58/2010/QH12
Hà Nội, ngày 15 tháng 11 năm 2010
LUẬT
VIÊN CHỨC
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 1992 đã được sửa đổi, bổ sung một số điều.
Quốc hội ban hành Luật viên chức.
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về viên chức; quyền, nghĩa vụ của viên chức.
Điều 2: Viên chức
Viên chức là công dân Việt Nam được tuyển dụng theo vị trí việc làm, làm việc tại đơn vị sự nghiệp công lập.
Quy định tại Điều 5 của Luật này được áp dụng đối với viên chức.
Điều 5 của Luật này không áp dụng đối với người làm việc theo hợp đồng.
CHƯƠNG II. QUYỀN, NGHĨA VỤ CỦA VIÊN CHỨC
Mục 1
QUYỀN CỦA VIÊN CHỨC
Điều 11 . Quyền của viên chức về hoạt động nghề nghiệp
1. Được pháp luật bảo vệ trong hoạt động nghề nghiệp.
2. Được hưởng các chế độ sau đây:
a) Được đào tạo, bồi dưỡng nâng cao trình độ chính trị, chuyên môn, nghiệp vụ theo quy định của pháp luật.
b) Được bảo đảm trang bị, thiết bị và các điều kiện làm việc theo quy định của pháp luật.
c) Được cung cấp thông tin liên quan đến công việc hoặc nhiệm vụ được giao theo quy định của pháp luật.
d) Được quyền chủ động trong hoạt động nghề nghiệp được giao.
đ) Được quyết định vấn đề mang tính chuyên môn gắn với công việc hoặc nhiệm vụ được giao.
3. Được hưởng các quyền khác theo quy định của pháp luật.
Điều 12. Quyền của viên chức về tiền lương
Viên chức được trả lương tương xứng với vị trí việc làm, chức danh nghề nghiệp, chức vụ quản lý.
Chương III
HIỆU LỰC THI HÀNH
Điều 62. Hiệu lực thi hành
Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2012.
Luật này đã được Quốc hội khóa XII, kỳ họp thứ 8 thông qua ngày 15 tháng 11 năm 2010.
CHỦ TỊCH QUỐC HỘI
(Đã ký)
Nguyễn Phú Trọng
"""


def test_small_law_structure_paths_and_citations() -> None:
    parse = parse_legal(Document(doc_id="luat-vc", kind="legal", title="luat_vien_chuc.docx", text=LAW),
                        max_chunk_chars=300)
    assert parse.title == "Luật Viên chức"
    basis = parse.metadata.pop("can_cu")
    assert basis == [{"text": "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 1992 đã được sửa đổi, "
                              "bổ sung một số điều", "so_hieu": None, "loai_van_ban": "Hiến pháp"}]
    assert parse.metadata == {"so_hieu": "58/2010/QH12", "ngay_ban_hanh": "2010-11-15",
                              "co_quan_ban_hanh": "Quốc hội", "loai_van_ban": "Luật", "dia_danh": "Hà Nội",
                              "trich_yeu": "Viên chức", "ngay_hieu_luc": "2012-01-01", "nguoi_ky": "Nguyễn Phú Trọng",
                              "chuc_vu": "Chủ tịch Quốc hội"}
    by_path = {tuple(c.path): c for c in parse.chunks}
    assert [c.fields.get("dieu") for c in parse.chunks if c.fields.get("dieu")][:2] == ["1", "2"]
    assert list(by_path)[0] == ("Mở đầu",)
    dieu2 = by_path[("Chương I", "Điều 2")]  # the "Điều 5 của Luật này" lines are references
    assert dieu2.citation == "Điều 2 — Luật Viên chức" and "Điều 5 của Luật này không" in dieu2.text
    assert dieu2.context == "Luật Viên chức\nChương I. NHỮNG QUY ĐỊNH CHUNG"
    k1 = by_path[("Chương II", "Mục 1", "Điều 11", "Khoản 1")]
    assert k1.citation == "Điều 11 Khoản 1 — Luật Viên chức"
    assert k1.fields == {"dieu": "11", "khoan": "1", "chuong": "II", "muc": "1", "order": k1.fields["order"]}
    assert k1.context.split("\n") == ["Luật Viên chức", "Chương II. QUYỀN, NGHĨA VỤ CỦA VIÊN CHỨC",
                                      "Mục 1. QUYỀN CỦA VIÊN CHỨC",
                                      "Điều 11 . Quyền của viên chức về hoạt động nghề nghiệp"]
    parts = [c for c in parse.chunks if c.path[-1].startswith("Khoản 2 (phần")]
    assert len(parts) >= 2 and parts[0].path[-1] == "Khoản 2 (phần 1)"
    assert parts[0].text.startswith("2. Được hưởng các chế độ sau đây:\na)")
    assert any(c.citation.startswith("Điều 11 Khoản 2 Điểm c") for c in parts[1:])
    assert all("2. Được hưởng các chế độ sau đây:" in c.context for c in parts[1:])
    assert all(f"\n{x}) " in "\n" + "\n".join(c.text for c in parts) for x in "abcdđ")
    assert by_path[("Chương III", "Điều 62")].text.endswith("ngày 15 tháng 11 năm 2010.")
    assert not any("Nguyễn Phú Trọng" in c.text for c in parse.chunks)
    assert all(len(c.text) <= 300 and ends_cleanly(c.text) for c in parse.chunks)


def test_duplicate_article_number_gets_a_unique_path() -> None:
    text = "Điều 1. Một\nNội dung một.\nĐiều 2. Hai\nNội dung hai.\nĐiều 1. Quy chế\nNội dung quy chế."
    parse = parse_legal(Document(doc_id="qd", kind="legal", title="Quyết định 1", text=text))
    assert [c.path for c in parse.chunks] == [["Điều 1"], ["Điều 2"], ["Điều 1 #2"]]


def test_unstructured_text_falls_back_to_sentence_aware_splitting() -> None:
    sentence = "Người dân có thể gửi phản ánh qua cổng dịch vụ công trực tuyến của tỉnh để được hướng dẫn."
    text = "\n\n".join(" ".join([sentence] * 9) for _ in range(6))
    parse = parse_legal(Document(doc_id="note", kind="text", title="Ghi chú", text=text), max_chunk_chars=500)
    assert parse.title is None and len(parse.chunks) > 6
    assert [c.path for c in parse.chunks] == [[f"Đoạn {k}"] for k in range(1, len(parse.chunks) + 1)]
    for c in parse.chunks:
        assert 0 < len(c.text) <= 500 and c.text.endswith(".") and c.text.startswith("Người dân")
        assert c.citation == f"{c.path[0]} — Ghi chú" and c.context == "Ghi chú"
