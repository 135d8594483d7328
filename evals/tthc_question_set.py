"""Build ``evals/data/tthc_questions.jsonl``: questions about the fields of real TTHC records, and about
procedures that are not indexed (docs/tthc-eval.md).

Why generated: the expected values must be exactly what the record says, so they are read from the
records (the corpus, not a benchmark); the wording comes from several phrasings per field written by
hand, the procedure is named by the shortest leading part of its title that no other title shares, and
every third question is typed without diacritics. ``python -m evals.tthc_question_set CORPUS_DIR OUT``.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from assistant.tthc import TthcFields, structured_fields
from core.vietnamese import fold, normalize_text

# {n}: how the asker names the procedure. Several phrasings per field; "channel" ones name a channel.
FRAMES: dict[str, list[str]] = {
    "time": ["Thủ tục {n} được giải quyết trong thời hạn bao lâu?", "{N} mất bao lâu thì có kết quả?",
             "Làm {n} thì mấy ngày xong?", "Thời gian giải quyết {n} là bao nhiêu ngày?",
             "Khi nào có kết quả {n}?", "Cho hỏi {n} trong bao lâu thì xong ạ?"],
    "fee": ["Lệ phí {n} là bao nhiêu?", "{N} có mất phí không?", "Làm thủ tục {n} tốn bao nhiêu tiền?",
            "Phí, lệ phí của thủ tục {n} thế nào?", "Tôi phải đóng bao nhiêu khi làm {n}?"],
    "documents": ["Hồ sơ {n} gồm những gì?", "Thủ tục {n} cần những giấy tờ gì?",
                  "Đi làm {n} thì cần mang theo gì?", "Thành phần hồ sơ của thủ tục {n}?",
                  "Cần chuẩn bị những gì để làm {n}?"],
    "agency": ["Cơ quan nào giải quyết thủ tục {n}?", "Nộp hồ sơ {n} ở đâu?", "Ai tiếp nhận hồ sơ {n}?",
               "Thủ tục {n} do cơ quan nào thực hiện?", "{N} thì nộp ở đâu, ai giải quyết?"],
    "result": ["Kết quả của thủ tục {n} là gì?", "Làm xong {n} thì nhận được gì?",
               "Thực hiện thủ tục {n} sẽ được cấp giấy gì?", "Kết quả thực hiện {n} là gì vậy?"],
    "subject": ["Đối tượng thực hiện thủ tục {n} là ai?", "Những ai được làm thủ tục {n}?",
                "Thủ tục {n} áp dụng cho những ai?", "Ai có thể thực hiện {n}?"],
    "channel": ["Thủ tục {n} có nộp trực tuyến được không?", "Có thể gửi hồ sơ {n} qua bưu điện không?",
                "Cách thức thực hiện thủ tục {n} như thế nào?", "{N} nộp bằng cách nào?",
                "Hồ sơ {n} nộp trực tiếp được không?"],
    "conditions": ["Điều kiện để thực hiện thủ tục {n} là gì?", "Thủ tục {n} có yêu cầu gì đối với người nộp?",
                   "Cần đáp ứng điều kiện gì khi làm {n}?"],
    "legal_basis": ["Căn cứ pháp lý của thủ tục {n} là gì?", "Thủ tục {n} được quy định tại văn bản nào?",
                    "Văn bản nào quy định về {n}?"],
}
MULTI = [(["time", "fee"], "Thủ tục {n} mất bao lâu và lệ phí bao nhiêu?"),
         (["documents", "agency"], "Nộp hồ sơ {n} ở đâu và cần giấy tờ gì?"),
         (["time", "agency"], "{N}: cơ quan nào giải quyết và trong thời hạn bao lâu?")]
_CHANNEL_OF = {"trực tuyến": "Trực tuyến", "bưu điện": "Dịch vụ bưu chính", "nộp trực tiếp": "Trực tiếp"}
# Procedures a province's officials ask about that the 207 records do not hold (checked against titles).
NOT_INDEXED = [
    "cấp hộ chiếu phổ thông lần đầu tại Công an tỉnh", "đăng ký kết hôn có yếu tố nước ngoài",
    "đăng ký khai sinh cho trẻ em", "cấp đổi giấy phép lái xe ô tô", "đăng ký thường trú",
    "cấp giấy chứng nhận quyền sử dụng đất lần đầu", "đăng ký thành lập doanh nghiệp tư nhân",
    "cấp căn cước cho công dân từ đủ 14 tuổi", "cấp giấy phép xây dựng nhà ở riêng lẻ", "đăng ký khai tử",
    "đăng ký hộ kinh doanh", "hưởng trợ cấp thất nghiệp", "cấp phiếu lý lịch tư pháp số 1",
    "chứng thực bản sao từ bản chính", "đăng ký xe máy lần đầu", "cấp giấy phép lao động cho người nước ngoài",
    "đăng ký tạm trú", "cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "hoàn thuế giá trị gia tăng",
    "cấp giấy phép hoạt động báo in", "công nhận trường tiểu học đạt chuẩn quốc gia",
    "cấp giấy phép khai thác khoáng sản", "đăng ký nhãn hiệu", "cấp chứng chỉ hành nghề dược",
    "thay đổi họ tên cho người dưới 18 tuổi", "cấp giấy phép kinh doanh karaoke",
    "đăng ký nuôi con nuôi trong nước", "cấp bản sao trích lục hộ tịch", "cấp giấy phép quảng cáo ngoài trời",
    "đổi thẻ căn cước công dân bị hỏng", "đăng ký giám hộ",
]
# Questions written by hand that name the procedure in other words (abbreviated, reordered, everyday terms).
HAND: list[tuple[str, list[str], str | None, str]] = [
    ("1.013137", ["time"], None, "Đăng ký nghĩa vụ quân sự khi chuyển đến nơi cư trú mới thì bao lâu xong?"),
    ("1.013137", ["channel"], "Trực tuyến", "dang ky nghia vu quan su chuyen den co lam truc tuyen duoc khong"),
    ("1.013569", ["time"], None, "Làm thủ tục biên phòng điện tử cho tàu thuyền xuất cảnh ở cảng dầu khí ngoài khơi "
                                 "mất mấy giờ?"),
    ("1.013621", ["fee"], None, "Gia hạn giấy phép hành nghề khám chữa bệnh có mất phí không?"),
    ("1.013128", ["agency"], None, "Cửa hàng xăng dầu muốn được phê duyệt kế hoạch ứng phó sự cố tràn dầu thì nộp hồ "
                                   "sơ ở đâu?"),
    ("1.013128", ["time"], None, "cay xang xin phe duyet ke hoach ung pho su co tran dau mat bao lau"),
    ("1.013270", ["documents"], None, "Doanh nghiệp bảo vệ muốn được cấp phép bảo vệ tàu quân sự nước ngoài vào sửa "
                                      "chữa cần giấy tờ gì?"),
    ("3.000422", ["fee"], None, "Đăng ký tuyển sinh đại học, cao đẳng quân sự hệ chính quy lệ phí bao nhiêu?"),
    ("1.013272", ["agency"], None, "Xin phép bay cho tàu bay không người lái (flycam) thì cơ quan nào cấp?"),
    ("1.013272", ["time"], None, "cap phep bay cho tau bay khong nguoi lai mat may ngay"),
    ("1.013554", ["time"], None, "Khiếu nại lần đầu lên Bộ Quốc phòng thì bao lâu được giải quyết?"),
    ("1.013534", ["agency"], None, "Ai giải quyết khiếu nại lần hai ở cấp Bộ Quốc phòng?"),
    ("1.014564", ["channel"], "Trực tuyến", "Việt kiều muốn vào Cảng quốc tế Cam Ranh có xin phép trực tuyến được "
                                            "không?"),
    ("1.014564", ["time"], None, "cap phep vao ra cang quoc te cam ranh cho nguoi viet o nuoc ngoai mat bao lau"),
    ("1.013624", ["documents"], None, "Xin cấp mới giấy phép hoạt động khám chữa bệnh cần chuẩn bị hồ sơ gì?"),
    ("1.013624", ["time"], None, "Cấp giấy phép hoạt động khám bệnh, chữa bệnh lần đầu mất bao lâu?"),
    ("1.013520", ["time"], None, "Tố cáo gửi Bộ Chỉ huy quân sự tỉnh thì trong bao lâu được giải quyết?"),
    ("2.002758", ["result"], None, "Xin xác nhận giải mã phiên hiệu đơn vị quân đội thì được cấp giấy gì?"),
    ("2.002758", ["agency"], None, "xin giay xac nhan giai ma phien hieu don vi quan doi o dau"),
    ("1.013161", ["subject"], None, "Trợ cấp hàng tháng cho quân nhân nhập ngũ sau 30/4/1975 tham gia chiến tranh bảo "
                                    "vệ Tổ quốc áp dụng cho ai?"),
    ("1.013177", ["time"], None, "Giám định lại vết thương tái phát cho thương binh đang tại ngũ mất bao nhiêu ngày?"),
    ("1.013580", ["fee"], None, "Tàu quân sự nước ngoài làm thủ tục xuất cảnh có phải đóng phí không?"),
    ("1.013130", ["legal_basis"], None, "Thẩm định thiết kế xe cơ giới lắp ráp trong nước mang nhãn hiệu nước ngoài "
                                        "theo văn bản nào?"),
    ("1.013125", ["fee"], None, "Kho xăng dầu trên 50.000m3 xin phê duyệt kế hoạch ứng phó tràn dầu có mất tiền "
                                "không?"),
]
NOT_INDEXED_FRAMES = ["Thủ tục {n} cần những giấy tờ gì?", "Lệ phí {n} là bao nhiêu?",
                      "{N} mất bao lâu?", "Nộp hồ sơ {n} ở đâu?", "Thủ tục {n} có nộp trực tuyến được không?"]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def short_name(title: str, others: list[str]) -> str:
    """The shortest leading part of the title (from 6 words) whose words no other title holds them all."""
    words = re.sub(r"^Thủ tục\s+", "", title).split()
    other_words = [_words(o) for o in others]
    for n in range(min(6, len(words)), len(words) + 1):
        name = " ".join(words[:n]).rstrip(",;:")
        if not any(_words(name) <= w for w in other_words):
            while n < len(words) and words[n - 1].strip(",;:").lower() in _CONNECT:
                n += 1  # "… lần" → "… lần đầu": end on a word that closes the phrase
            name = " ".join(words[:n]).rstrip(",;:")
            return name[0].lower() + name[1:] if not name[:2].isupper() else name
    return " ".join(words)


_CONNECT = set("lần của và đối với cho các đã xin trong tại theo do bị có không được người thuộc từ đến khi hoặc "
               "nhưng là ở về những một cơ sở dự án hồ sơ giấy chế độ".split())


def expected(field: str, f: TthcFields, channel: str | None) -> list[str] | None:
    """The values an answer must state, read from the record; None when the record has none."""
    rows = [c for c in f["channels"] if not channel or c["kenh"] == channel] or f["channels"]
    values: list[str]
    if field == "time":
        values = [c["thoi_han"] for c in rows if c["thoi_han"]]
    elif field == "fee":
        values = [c["phi_le_phi"] for c in rows if c["phi_le_phi"]]
    elif field == "documents":
        values = [p["ten"] for p in f["thanh_phan_ho_so"][:2]]
    elif field == "agency":
        values = [f["co_quan_thuc_hien"]]
    elif field == "result":
        values = [f["ket_qua"]]
    elif field == "subject":
        values = [f["doi_tuong"]]
    elif field == "channel":
        names = [c["kenh"] for c in f["channels"]]
        values = names + ([("Có" if channel in names else "Không") + ": thủ tục này"] if channel else [])
    elif field == "conditions":
        first = (f.get("yeu_cau_dieu_kien") or "").split("\n")[0]
        values = [first[:160].rsplit(" ", 1)[0]] if first else []
    else:
        values = [b.get("trich_yeu") or b.get("so_ky_hieu", "") for b in f["can_cu_phap_ly"][:1]]
    values = list(dict.fromkeys(v for v in values if v))
    return values or None


def phrase(frame: str, name: str) -> str:
    return frame.replace("{N}", name[0].upper() + name[1:]).replace("{n}", name)


def build(corpus: Path, seed: int = 15) -> list[dict[str, Any]]:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.json"))]
    fields = [structured_fields(r) for r in records]
    titles = [normalize_text(f["ten_thu_tuc"]) for f in fields]
    rng = random.Random(seed)
    chosen = rng.sample(range(len(fields)), 80)
    rows: list[dict[str, Any]] = []
    kinds = list(FRAMES)
    for i, idx in enumerate(chosen):
        f = fields[idx]
        name = short_name(titles[idx], titles[:idx] + titles[idx + 1:])
        asks = [kinds[(2 * i) % len(kinds)], kinds[(2 * i + 1) % len(kinds)]]
        plans: list[tuple[list[str], str]] = [([k], rng.choice(FRAMES[k])) for k in asks]
        if i % 4 == 0:
            plans.append(MULTI[i // 4 % len(MULTI)])
        for field_list, frame in plans:
            channel = next((c for word, c in _CHANNEL_OF.items() if word in frame), None)
            values = [expected(k, f, channel) for k in field_list]
            if any(v is None for v in values):
                continue
            rows.append({"text": phrase(frame, name), "tthc_fields": field_list, "channel": channel,
                         "ma_thu_tuc": f["ma_thu_tuc"], "values": [v for vs in values for v in vs or []]})
    by_code = {f["ma_thu_tuc"]: f for f in fields}
    for code, field_list, channel, text in HAND:
        values = [expected(k, by_code[code], channel) for k in field_list]
        rows.append({"text": text, "tthc_fields": field_list, "channel": channel, "ma_thu_tuc": code,
                     "values": [v for vs in values for v in vs or []], "hand_written": True})
    for i, name in enumerate(NOT_INDEXED):
        rows.append({"text": phrase(NOT_INDEXED_FRAMES[i % len(NOT_INDEXED_FRAMES)], name), "tthc_fields": [],
                     "channel": None, "ma_thu_tuc": None, "values": [], "answerable": False})
    plain = 0
    for n, row in enumerate(rows):
        row["_id"] = f"tthc-{n:03d}"
        if n % 3 == 2 and not row.get("hand_written") or plain < n // 3:  # a third typed without diacritics
            row["text"] = fold(row["text"])
        row["no_diacritics"] = fold(row["text"]) == normalize_text(row["text"]).lower()
        plain += row["no_diacritics"]
    return rows


def main(argv: list[str]) -> None:
    corpus, out = Path(argv[0]), Path(argv[1])
    rows = build(corpus)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{out}: {len(rows)} câu hỏi, {len({r['ma_thu_tuc'] for r in rows if r['ma_thu_tuc']})} thủ tục")


if __name__ == "__main__":
    main(sys.argv[1:])
