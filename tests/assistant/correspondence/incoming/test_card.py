"""The incoming-document card built from a written letter: its requests read by the tasks reader with the
deadlines dated against the letter (and the day it arrived), the units suggested with the sentence naming them,
cited documents as the lookup knows them (or "chưa tìm thấy trong kho"), the summary, every item placed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assistant.correspondence.incoming import build_card, needs_ocr, read_incoming, render_card
from core.errors import RejectedInput
from core.units import unit_directory
from tests.assistant.correspondence.incoming.letter import LETTER

MB = 1024 * 1024


def _card(received: date | None = None, lookup: Any = None) -> dict[str, Any]:
    doc = read_incoming("cong-van-77.txt", LETTER.encode("utf-8"), MB)
    return build_card(doc, unit_directory(), received=received, lookup=lookup, file="cong-van-77.txt").to_dict()


def test_header_fields_with_their_lines() -> None:
    header = _card()["header"]
    assert header["so_hieu"]["value"] == "77/UBND-KT" and header["so_hieu"]["place"]["line"] == 4
    assert header["ngay_ban_hanh"]["value"] == "2026-01-05" and header["ngay_ban_hanh"]["place"]["line"] == 8
    assert header["do_khan"]["value"] == "Khẩn"
    assert header["do_mat"]["value"] is None


def test_requests_units_and_deadlines_dated_against_the_letter() -> None:
    card = _card()
    requests = card["requests"]
    assert [r["place"]["line"] for r in requests] == [13, 14, 15]  # the closing formula and Nơi nhận ask nothing
    first, second, third = requests
    assert [u["name"] for u in first["lead"]] == ["Sở Y tế"] and [u["name"] for u in first["support"]] == [
        "Sở Tài chính"]
    assert first["deadline"]["due"] == "2026-01-20"  # 15 days from the day it was signed
    assert second["deadline"]["due"] == "2026-01-25"  # "trước ngày 25/01": the letter's year
    assert [u["name"] for u in third["lead"]] == ["Sở Tài chính"]
    assert third["deadline"]["due"] is None and "nhận" in third["deadline"]["text"]  # the arrival day is unknown
    assert any("ngày đến" in n for n in card["notes"])
    arrived = _card(received=date(2026, 1, 7))["requests"][2]
    assert arrived["deadline"]["due"] == "2026-01-17"


def test_lead_and_supporting_units_with_the_sentence_naming_them() -> None:
    card = _card()
    assert card["lead"]["unit"] == "Sở Y tế" and card["lead"]["reason"].startswith("Giao Sở Y tế chủ trì")
    assert card["lead"]["place"]["line"] == 13
    assert [s["unit"] for s in card["support"]] == ["Sở Tài chính"]  # the office it reports to is no worker
    assert "Công an tỉnh" not in {s["unit"] for s in card["support"]}  # named only in Nơi nhận


def test_cited_documents_found_or_said_not_found() -> None:
    def lookup(so_hieu: str) -> dict[str, Any] | None:
        if so_hieu == "45/2023/QĐ-UBND":
            return {"doc_id": "qd-45", "so_hieu": so_hieu, "title": "Quyết định 45", "validity": "het_hieu_luc",
                    "validity_words": "đã hết hiệu lực", "replaced_by": ["12/2025/QĐ-UBND"]}
        return None

    cited = {c["so_hieu"]: c for c in _card(lookup=lookup)["cited"]}
    assert set(cited) == {"45/2023/QĐ-UBND", "99/2025/QĐ-UBND"}  # its own number is not a citation
    assert cited["45/2023/QĐ-UBND"]["found"] and cited["45/2023/QĐ-UBND"]["replaced_by"] == ["12/2025/QĐ-UBND"]
    assert not cited["99/2025/QĐ-UBND"]["found"] and cited["99/2025/QĐ-UBND"]["place"]["line"] == 12
    text = render_card(_card(lookup=lookup))
    assert "99/2025/QĐ-UBND: chưa tìm thấy trong kho" in text and "bị thay thế bởi 12/2025/QĐ-UBND" in text
    assert "chưa tra trong kho" in render_card(_card())  # no reader: not looked up, and said so


def test_summary_is_extractive_and_placed() -> None:
    summary = _card()["summary"]
    assert summary["method"] == "extractive"
    assert summary["sentences"][0]["text"].startswith("Công văn: V/v rà soát")
    assert all(s["place"]["line"] for s in summary["sentences"])


def test_rendered_card_is_vietnamese_and_says_what_is_unread() -> None:
    text = render_card(_card())
    assert text.startswith("PHIẾU XỬ LÝ VĂN BẢN ĐẾN")
    assert "Hạn: 20/01/2026" in text and "Chủ trì: Sở Y tế" in text
    assert "Cơ quan ban hành: chưa đọc được" in text or "Cơ quan ban hành: Ủy ban nhân dân tỉnh Hà Tĩnh" in text


def test_secret_empty_and_unknown_files_are_refused() -> None:
    with pytest.raises(RejectedInput, match="độ mật"):
        read_incoming("mat.txt", ("MẬT\n" + LETTER).encode("utf-8"), MB)
    with pytest.raises(RejectedInput, match="rỗng"):
        read_incoming("rong.txt", b"", MB)
    with pytest.raises(RejectedInput, match=r"\.xyz"):
        read_incoming("a.xyz", b"abc", MB)


def test_which_files_need_ocr() -> None:
    assert not needs_ocr("a.txt", b"abc") and needs_ocr("a.png", b"\x89PNG")


def test_the_unit_list_is_a_setting(tmp_path) -> None:  # noqa: ANN001
    from core.settings import Settings
    from core.units import unit_directory

    assert Settings().unit_list.name == "unit-list-ha-tinh.tsv"  # Hà Tĩnh's by default
    own = tmp_path / "units.tsv"
    own.write_text("Sở Y tế\tso\nSở Chuyển đổi số\tso\n", encoding="utf-8")
    text = LETTER.replace("phối hợp với Sở Tài chính", "phối hợp với Sở Chuyển đổi số")
    doc = read_incoming("cv.txt", text.encode("utf-8"), MB)
    card = build_card(doc, unit_directory(unit_list=own)).to_dict()
    assert card["lead"]["unit"] == "Sở Y tế"
    assert "Sở Chuyển đổi số" in {s["unit"] for s in card["support"]}
    assert "Sở Tài chính" not in {s["unit"] for s in card["support"]}  # not a unit of this list


def test_a_deadline_line_after_a_list_applies_to_its_items() -> None:
    text = LETTER.replace(
        "1. Giao Sở Y tế", "- Sở Y tế: chủ trì báo cáo tình hình khám chữa bệnh 6 tháng.\n"
        "- Sở Tài chính: chủ trì báo cáo tình hình thu chi ngân sách 6 tháng.\n"
        "Các báo cáo gửi Văn phòng UBND tỉnh trước ngày 12/01/2026.\n1. Giao Sở Y tế")
    doc = read_incoming("cv.txt", text.encode("utf-8"), MB)
    requests = build_card(doc, unit_directory()).to_dict()["requests"]
    assert [r["deadline"]["due"] for r in requests[:2]] == ["2026-01-12", "2026-01-12"]
    assert "hạn chung, dòng 15" in requests[0]["deadline"]["text"]
    assert requests[2]["deadline"]["due"] == "2026-01-20"  # an item with its own deadline keeps it


def test_a_born_digital_pdf_is_carded_at_once_and_a_scan_needs_ocr(shared_dir) -> None:  # noqa: ANN001
    import json

    folder = shared_dir / "data" / "official-docs-dev"
    truth = {r["file"]: r for r in map(json.loads, (folder / "truth.jsonl").read_text("utf-8").splitlines())}
    assert needs_ocr("dev_01.pdf", (folder / "dev_01.pdf").read_bytes())  # a scan: the API makes it a job
    data = (folder / "dev_15.pdf").read_bytes()
    assert not needs_ocr("dev_15.pdf", data)
    card = build_card(read_incoming("dev_15.pdf", data, 64 * MB), unit_directory()).to_dict()
    assert card["header"]["so_hieu"]["value"] == truth["dev_15.pdf"]["so_hieu"]
    assert card["header"]["so_hieu"]["place"]["page"] == 1
    assert card["ky_so"]  # the issuing body's digital signature
