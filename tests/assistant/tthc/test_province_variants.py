"""The province's procedures (../shared/corpus/tthc-province): a family asked by its everyday name gets the
first-time member with its siblings named; the same name in two sets is asked back with what tells them apart;
cases with their own times and papers sorted by case are explained; the province export's paper layout is read.
Titles are the real ones; the records are small generated ones."""

from __future__ import annotations

from typing import Any

from assistant.answer.types import Source
from assistant.search.question import Naming
from assistant.tthc.answers import tthc_reply
from assistant.tthc.fields import TthcFields, structured_fields
from assistant.tthc.match import decide, match_score

NEW = "1.013225"
FAMILY = {
    NEW: "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV (Công trình không theo tuyến/Theo tuyến "
         "trong đô thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng) và nhà ở riêng lẻ",
    "1.013229": "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình cấp III, cấp IV (công trình Không theo "
                "tuyến/Theo tuyến trong đô thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng) và nhà ở riêng lẻ",
    "1.013226": "Cấp điều chỉnh giấy phép xây dựng đối với công trình cấp III, cấp IV (công trình Không theo tuyến/"
                "Theo tuyến trong đô thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng) và nhà ở riêng lẻ",
}


def _decide(question: str, titles: dict[str, str]) -> Naming:
    fields = [TthcFields(ma_thu_tuc=c, ten_thu_tuc=t) for c, t in titles.items()]  # type: ignore[typeddict-item]
    return decide(question, [(f, match_score(question, f)) for f in fields])


def test_a_family_asked_by_its_everyday_name_is_the_first_time_member_with_its_siblings() -> None:
    naming = _decide("Cấp giấy phép xây dựng nhà ở riêng lẻ mất bao lâu?", FAMILY)
    assert naming.status == "named" and naming.codes[0] == NEW and "1.013229" in naming.codes[1:]
    naming = _decide("xin giay phep xay dung nha o rieng le can giay to gi", FAMILY)
    assert naming.status == "named" and naming.codes[0] == NEW


def test_a_variant_the_question_names_is_not_replaced_by_the_default() -> None:
    naming = _decide("Cấp giấy phép xây dựng sửa chữa, cải tạo nhà ở riêng lẻ mất bao lâu?", FAMILY)
    assert naming.codes[:1] == ("1.013229",)


def test_the_same_name_in_two_sets_is_asked_back() -> None:
    titles = {"1.013620": "Thủ tục cấp lại giấy phép hoạt động khám bệnh, chữa bệnh .",
              "1.012279": "Cấp lại giấy phép hoạt động khám bệnh, chữa bệnh"}
    naming = _decide("Cấp lại giấy phép hoạt động khám bệnh, chữa bệnh mất bao lâu?", titles)
    assert naming.status == "ambiguous" and set(naming.codes) == set(titles)


def _record(code: str, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "thu_tuc_id": code,
        "metadata": {"mã_thủ_tục": code, "tên_thủ_tục": title, "cấp_thực_hiện": extra.get("cap", "Cấp xã"),
                     "số_quyết_định": extra.get("qd", "1077/QĐ-BXD"), "lĩnh_vực": "Hoạt động xây dựng"},
        "content": {"cơ_quan_thực_hiện": "Ủy ban nhân dân cấp xã", "kết_quả_thực_hiện": "Giấy phép xây dựng",
                    "trường_hợp_giải_quyết": extra.get("cases", "")},
        "tables": {
            "hinh_thuc_nop": [{"hinh_thuc": "Trực tiếp", "thoi_han_giai_quyet": "10 Ngày làm việc",
                               "phi_le_phi": "Miễn phí", "mo_ta": ""}],
            "thanh_phan_ho_so": [
                {"ten_giay_to": "Đơn đề nghị cấp giấy phép", "so_luong": "Bản chính: 1\nBản sao: 0",
                 "ghi_chu": "Thuộc nhóm: (1.1) Đối với công trình không theo tuyến:",
                 "mau_don_to_khai": ["Mau01.docx"]},
                {"ten_giay_to": "Bản vẽ thiết kế nhà ở", "so_luong": "Bản chính: 2\nBản sao: 0",
                 "ghi_chu": "Thuộc nhóm: (1.2) Đối với nhà ở riêng lẻ:", "mau_don_to_khai": []},
            ],
            "can_cu_phap_ly": [{"so_ky_hieu": "50/2014/QH13", "trich_yeu": "Luật Xây dựng"}],
        },
    }


def _source(record: dict[str, Any], marker: int) -> Source:
    fields = structured_fields(record)
    payload = {"kind": "tthc", "fields": {**fields, "group": "Tổng quan"}, "text": fields["ten_thu_tuc"]}
    return Source(marker=marker, chunk_id=f"c{marker}", doc_id=f"tthc:{fields['ma_thu_tuc']}",
                  citation=fields["ten_thu_tuc"], title=fields["ten_thu_tuc"], text=fields["ten_thu_tuc"],
                  score=1.0, payload=payload)


def test_the_province_paper_layout_is_read_with_counts_forms_and_cases() -> None:
    fields = structured_fields(_record(NEW, FAMILY[NEW], cases="1.013225.01 - Cấp mới - thời hạn: 20 Ngày\n"
                                                                "1.013225.02 - Nhà ở riêng lẻ - thời hạn: 7 Ngày"))
    first = fields["thanh_phan_ho_so"][0]
    assert (first["ban_chinh"], first["ban_sao"], first.get("mau_don"), first.get("nhom")) == (
        1, 0, "Mau01.docx", "(1.1) Đối với công trình không theo tuyến:")
    assert [c["thoi_han"] for c in fields.get("truong_hop", [])] == ["20 Ngày", "7 Ngày"]


def test_the_default_answer_names_the_variant_and_explains_cases() -> None:
    cases = "1.013225.01 - Công trình - thời hạn: 20 Ngày\n1.013225.02 - Nhà ở riêng lẻ - thời hạn: 7 Ngày"
    sources = [_source(_record(NEW, FAMILY[NEW], cases=cases), 1),
               _source(_record("1.013229", FAMILY["1.013229"]), 2)]
    reply = tthc_reply("Cấp giấy phép xây dựng nhà ở riêng lẻ mất bao lâu?", sources,
                       naming=Naming("named", (NEW, "1.013229")))
    assert reply is not None and reply.source is not None and reply.source.doc_id == f"tthc:{NEW}"
    assert "cấp mới" in reply.text and "1.013229" in reply.text and reply.facts["variants"] == ["1.013229"]
    assert "Nhà ở riêng lẻ: 7 Ngày" in reply.text and "Công trình: 20 Ngày" in reply.text
    docs = tthc_reply("Cấp giấy phép xây dựng nhà ở riêng lẻ cần giấy tờ gì?", sources,
                      naming=Naming("named", (NEW, "1.013229")))
    assert docs is not None and "Trường hợp (1.2) Đối với nhà ở riêng lẻ:" in docs.text


def test_a_default_that_is_not_among_the_sources_is_never_replaced_by_a_sibling() -> None:
    sources = [_source(_record("1.013229", FAMILY["1.013229"]), 1)]
    reply = tthc_reply("Cấp giấy phép xây dựng nhà ở riêng lẻ mất bao lâu?", sources,
                       naming=Naming("named", (NEW, "1.013229")))
    assert reply is not None and reply.source is None


def test_an_ask_back_lists_the_exact_names_with_what_tells_them_apart() -> None:
    title = "Cấp lại giấy phép hoạt động khám bệnh, chữa bệnh"
    # one set writes the name with "Thủ tục" and a full stop: the same name, asked back, not answered by case
    sources = [_source(_record("1.013620", f"Thủ tục {title.lower()}.", cap="Cấp bộ", qd="1/QĐ-BQP"), 1),
               _source(_record("1.012279", title, cap="Cấp tỉnh", qd="2/QĐ-BYT"), 2)]
    reply = tthc_reply(f"{title} mất bao lâu?", sources, naming=Naming("ambiguous", ("1.013620", "1.012279")))
    assert reply is not None and reply.source is None
    assert "(Cấp bộ, QĐ 1/QĐ-BQP)" in reply.text and "(Cấp tỉnh, QĐ 2/QĐ-BYT)" in reply.text
