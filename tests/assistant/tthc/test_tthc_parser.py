"""parse_tthc on real portal exports: field-group chunks, readable text, exact structured fields."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.tthc.fields import clean_fee, tthc_fields_of
from assistant.tthc.parser import parse_tthc
from connectors.tthc import TthcConnector
from core.documents import Chunk, Document
from indexing.payload import build_payload

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
TTHC = SHARED / "corpus" / "tthc"
pytestmark = pytest.mark.skipif(not TTHC.is_dir(), reason=f"TTHC exports not found at {TTHC}")


def load(code: str) -> Document:
    (doc,) = TthcConnector([TTHC / f"{code}.json"]).documents()
    assert isinstance(doc, Document)
    return doc


def by_group(code: str) -> dict[str, list]:
    groups: dict[str, list] = {}
    for chunk in parse_tthc(load(code)):
        groups.setdefault(chunk.path[0], []).append(chunk)
    return groups


def test_groups_citations_and_placeholders() -> None:
    chunks = parse_tthc(load("1.013124"))
    assert [c.path for c in chunks] == [
        ["Tổng quan"],
        ["Trình tự thực hiện"],
        ["Thành phần hồ sơ"],
        ["Thời hạn và phí, lệ phí"],
        ["Căn cứ pháp lý"],
    ]
    assert chunks[2].citation == (
        "Thủ tục 1.013124 — Thành phần hồ sơ — Thủ tục thẩm định và phê duyệt kế hoạch ứng phó sự cố "
        "tràn dầu "
        "của các cơ sở, dự án dầu khí ngoài khơi"
    )
    assert all(c.doc_id == "tthc:1.013124" and "1.013124" in c.context for c in chunks)
    assert [c.fields["order"] for c in chunks] == [0, 1, 2, 3, 4]
    assert len({c.chunk_id for c in chunks}) == 5
    overview = chunks[0].text
    assert "Cơ quan có thẩm quyền: Ủy ban Quốc gia Ứng phó sự cố, thiên tai và Tìm kiếm cứu nạn" in overview
    # "Không có thông tin" (cơ quan phối hợp, địa chỉ) and "Không" (yêu cầu, điều kiện) mean no data.
    assert "Không có thông tin" not in overview
    assert "Cơ quan phối hợp" not in overview and "Yêu cầu, điều kiện" not in overview
    steps = chunks[1].text.splitlines()
    assert [s[:7] for s in steps] == ["Bước 1:", "Bước 2:", "Bước 3:"]


def test_structured_fields_answer_exact_questions() -> None:
    chunks = parse_tthc(load("1.013124"))
    fields = chunks[-1].fields  # any chunk carries the whole summary
    assert fields["ma_thu_tuc"] == "1.013124"
    assert fields["linh_vuc"] == "Ứng phó sự cố tràn dầu"
    assert fields["cap_thuc_hien"] == "Cấp Bộ"
    assert (
        fields["co_quan_thuc_hien"]
        == "Văn phòng Ủy ban Quốc gia Ứng phó sự cố, thiên tai và Tìm kiếm cứu nạn"
    )
    assert fields["channels"] == [
        {"kenh": "Trực tiếp", "thoi_han": "30 Ngày làm việc", "phi_le_phi": "Phí: 0 đồng", "mo_ta": ""},
        {
            "kenh": "Trực tuyến",
            "thoi_han": "30 Ngày làm việc",
            "phi_le_phi": "Phí: 0 đồng",
            "mo_ta": "hoặc bằng các hình thức phù hợp khác",
        },
        {
            "kenh": "Dịch vụ bưu chính",
            "thoi_han": "30 Ngày làm việc",
            "phi_le_phi": "Phí: 0 đồng",
            "mo_ta": "",
        },
    ]
    papers = fields["thanh_phan_ho_so"]
    assert papers[0] == {
        "ten": "Văn bản đề nghị thẩm định và phê duyệt kế hoạch ứng phó sự cố tràn dầu.",
        "ban_chinh": 1,
        "ban_sao": 0,
    }
    assert papers[1]["mau_don"] == "5-PHLCII.doc"
    assert fields["can_cu_phap_ly"] == [
        {
            "so_ky_hieu": "12",
            "trich_yeu": "Quyết định số 12/2021/QĐ-TTg ngày 24/3/2021 của Thủ tướng Chính phủ ban hành "
            "Quy chế hoạt động "
            "ứng phó với sự cố tràn dầu",
            "ngay_ban_hanh": "24-03-2021",
            "co_quan_ban_hanh": "Thủ tướng Chính phủ",
        }
    ]
    assert all(c.fields["channels"] == fields["channels"] for c in chunks)


def test_procedure_with_fees() -> None:
    groups = by_group("1.013539")  # industrial explosives licence: four fee levels
    fees = groups["Thời hạn và phí, lệ phí"][0]
    channels = fees.fields["channels"]
    assert [c["kenh"] for c in channels] == ["Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"]
    assert [c["thoi_han"] for c in channels] == ["15 Ngày", "15 Ngày", "15 Ngày làm việc"]
    assert channels[0]["phi_le_phi"].startswith("Phí: 2.000.000 đồng (Thẩm định cấp phép sử dụng vật liệu nổ")
    assert "Phí: 5.000.000 đồng" in channels[0]["phi_le_phi"]
    # the cleaned fee names its own kind, under the words people search with, not "phí, lệ phí: Phí: …" (issue 31)
    assert "Dịch vụ bưu chính: thời hạn giải quyết 15 Ngày làm việc; phí, lệ phí: Phí 2.000.000 đồng" in fees.text
    assert "phí, lệ phí: Phí:" not in fees.text
    assert "Ghi chú: 05 (năm) ngày làm việc" in fees.text
    assert len(fees.fields["thanh_phan_ho_so"]) == 13
    assert fees.fields["thanh_phan_ho_so"][0] == {
        "ten": "Giấy đề nghị cấp Giấy phép sử dụng vật liệu nổ công nghiệp.",
        "ban_chinh": 1,
        "ban_sao": 0,
        "mau_don": "Mau1.docx",
    }
    basis = groups["Căn cứ pháp lý"][0]
    assert (
        "- Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ (42/2024/QH15, ngày 29-06-2024)"
        in basis.text
    )


def test_fee_in_usd_and_inline_steps() -> None:
    groups = by_group("1.013563")
    (channel,) = groups["Tổng quan"][0].fields["channels"]
    assert channel["phi_le_phi"].startswith("Lệ phí: 05 USD (Đối với thuyền viên nghỉ qua đêm trên bờ")
    assert "; Lệ phí: 1.5 USD" in channel["phi_le_phi"]
    steps = groups["Trình tự thực hiện"][0].text.splitlines()
    assert steps[0] == "Trình tự thực hiện" and steps[1].startswith("Bước 1: Người làm thủ tục nộp")
    assert groups["Tổng quan"][0].fields["co_quan_co_tham_quyen"] == "Biên phòng cửa khẩu cảng"


def test_empty_group_is_skipped() -> None:
    groups = by_group("1.013555")  # the export has no legal basis table
    assert "Căn cứ pháp lý" not in groups
    assert groups["Tổng quan"][0].fields["can_cu_phap_ly"] == []
    overview = groups["Tổng quan"][0].text
    assert "Địa chỉ tiếp nhận hồ sơ: Cục Tác chiến - Bộ Tổng Tham mưu, Số 1" in overview
    # Short conditions stay in the overview.
    assert "Yêu cầu, điều kiện thực hiện:\n- Phải đầy đủ hồ sơ, tài liệu pháp lý" in overview
    assert "Yêu cầu, điều kiện thực hiện" not in groups


def test_long_conditions_get_their_own_group() -> None:
    groups = by_group("1.013539")
    (overview,) = groups["Tổng quan"]
    assert overview.path == ["Tổng quan"] and "Yêu cầu, điều kiện" not in overview.text
    conditions = groups["Yêu cầu, điều kiện thực hiện"]
    assert conditions[0].text.startswith(
        "- Tổ chức, doanh nghiệp sử dụng vật liệu nổ công nghiệp phải bảo đảm"
    )


def test_long_groups_are_split_into_parts() -> None:
    chunks = parse_tthc(load("1.013520"), max_chars=2400)  # a procedure whose steps run to ~8,000 characters
    steps = [c for c in chunks if c.path[0] == "Trình tự thực hiện"]
    assert len(steps) >= 4
    assert all(len(c.text) <= 2400 for c in chunks)
    assert steps[0].path == ["Trình tự thực hiện", "Phần 1"]
    assert "(phần 1/" in steps[0].citation
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    # Nothing is lost in the split.
    joined = " ".join(" ".join(c.text.split()) for c in steps)
    assert "Bước 1: Thụ lý tố cáo" in joined
    assert [c.fields["order"] for c in chunks] == list(range(len(chunks)))


def test_every_real_procedure_parses() -> None:
    for doc in TthcConnector([TTHC]).documents():
        assert isinstance(doc, Document)
        chunks = parse_tthc(doc)
        assert chunks[0].path == ["Tổng quan"]
        assert all(c.text.strip() and len(c.text) <= 2400 for c in chunks)
        assert "Không có thông tin" not in "\n".join(c.text for c in chunks)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Phí : 0 Đồng", "Phí: 0 đồng"),
        ("Phí : Không Đồng", "Phí: 0 đồng"),
        ("Lệ phí :  Đồng", ""),
        ("", ""),
        (
            "Phí :  Đồng (Theo quy định của Bộ Tài chính)\nFile đính kèm: 62-btc.signed.pdf",
            "Phí: Theo quy định của Bộ Tài chính",
        ),
        ("Lệ phí : 1.5 USD", "Lệ phí: 1.5 USD"),
    ],
)
def test_clean_fee(raw: str, clean: str) -> None:
    assert clean_fee(raw) == clean


def test_payload_carries_the_fields_as_data() -> None:
    """What the store keeps for a TTHC chunk: the whole summary as JSON data, read back by tthc_fields_of."""
    doc = load("1.013539")
    chunks = parse_tthc(doc)
    fees = next(c for c in chunks if c.path == ["Thời hạn và phí, lệ phí"])
    payload = json.loads(json.dumps(build_payload(doc, fees, fees.fields["order"], "h"), ensure_ascii=False))
    fields = tthc_fields_of(payload)
    assert fields is not None
    assert set(fields) >= {"ma_thu_tuc", "ten_thu_tuc", "co_quan_thuc_hien", "co_quan_co_tham_quyen",
                           "channels", "thanh_phan_ho_so", "can_cu_phap_ly"}
    assert fields["ma_thu_tuc"] == "1.013539"
    assert all(set(ch) == {"kenh", "thoi_han", "phi_le_phi", "mo_ta"} for ch in fields["channels"])
    post = fields["channels"][2]
    assert (post["kenh"], post["thoi_han"]) == ("Dịch vụ bưu chính", "15 Ngày làm việc")
    assert post["phi_le_phi"].startswith("Phí: 2.000.000 đồng")
    assert all(isinstance(p["ten"], str) and p["ten"] for p in fields["thanh_phan_ho_so"])
    assert fields["can_cu_phap_ly"][0]["so_ky_hieu"] == "42/2024/QH15"
    # The readable text is still what gets embedded and quoted; it is written from the same fields.
    for ch in fields["channels"]:
        fee = re.sub(r"^(Phí|Lệ phí)\s*:\s*", r"\1 ", ch["phi_le_phi"])
        assert f"{ch['kenh']}: thời hạn giải quyết {ch['thoi_han']}; phí, lệ phí: {fee}" in fees.text


def test_fields_of_other_kinds_are_none() -> None:
    law = Document(doc_id="file:luat.txt", kind="legal", title="Luật", text="Điều 1. Phạm vi điều chỉnh")
    chunk = Chunk(law.doc_id, ["Điều 1"], "Điều 1 — Luật", law.text, fields={"dieu": "1", "order": 0})
    assert tthc_fields_of(build_payload(law, chunk, 0, "h")) is None
    assert tthc_fields_of({"kind": "tthc", "fields": {"order": 0}}) is None  # indexed without a summary
