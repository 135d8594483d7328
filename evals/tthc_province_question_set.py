"""Build ``evals/data/tthc_province_questions.jsonl``: questions that name the province's procedures
(``../shared/corpus/tthc-province``), asked with both TTHC sets indexed (docs/tthc-eval.md).

Why a second set: the must-match thresholds were chosen on the 207 defence records, whose titles are long and
specific; the province's are short and come in families ("Thủ tục đăng ký kết hôn", "… có yếu tố nước ngoài",
"… lưu động", "đăng ký lại …") where the exact name must win over its neighbours. The expected values are read
from the records (as ``evals.tthc_question_set`` does); the procedure is named two ways: by its whole title as
the portal writes it (the exact name) and by the shortest leading part of it that no other title of either set
holds. A few hand-written rows ask with a family's everyday name ("giấy phép xây dựng nhà ở riêng lẻ") where
the default variant (cấp mới) is expected, and some name procedures neither set holds. A third is typed without
marks. ``python -m evals.tthc_province_question_set PROVINCE_DIR DEFENCE_DIR OUT``; dev = ``sha1(_id) % 5 == 0``
(the CLI's ``--split dev``) is held out: thresholds are chosen on train only.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from assistant.tthc import structured_fields
from core.vietnamese import fold, normalize_text
from evals.tthc_question_set import FRAMES, expected, phrase, short_name

# Everyday names of a family whose default variant is the first-time one (cấp mới / đăng ký lần đầu).
VARIANT_ASKS: list[tuple[str, list[str], str]] = [
    ("1.013225", ["time"], "Cấp giấy phép xây dựng nhà ở riêng lẻ mất bao lâu?"),
    ("1.013225", ["documents"], "xin giay phep xay dung nha o rieng le can giay to gi"),
]
# Procedures a commune's officials ask about that neither set holds (checked against all titles; two names first
# listed here, «đăng ký thành lập doanh nghiệp tư nhân» and «cấp giấy phép lao động cho người nước ngoài», are held
# by the province set and were replaced after the first full run showed it).
NOT_INDEXED = [
    "cấp giấy phép kinh doanh dịch vụ lữ hành quốc tế", "hoàn thuế giá trị gia tăng",
    "cấp giấy phép kinh doanh karaoke",
    "cấp giấy phép hoạt động báo in", "đăng ký nhãn hiệu", "đăng ký tờ khai hải quan hàng xuất khẩu",
    "cấp giấy phép quảng cáo ngoài trời", "cấp visa du lịch cho người nước ngoài", "đăng ký bản quyền tác giả",
    "cấp giấy phép bán lẻ rượu", "cấp giấy phép sử dụng tần số vô tuyến điện", "đăng ký thuế thu nhập cá nhân",
]
NOT_INDEXED_FRAMES = ["Thủ tục {n} cần những giấy tờ gì?", "Lệ phí {n} là bao nhiêu?", "{N} mất bao lâu?",
                      "Nộp hồ sơ {n} ở đâu?"]
SAMPLED = 120


def _exact_name(title: str) -> str:
    """The title as an asker quotes it: whole, a leading "Thủ tục" kept, first letter lowered."""
    return title[0].lower() + title[1:] if not title[:2].isupper() else title


def build(province: Path, defence: Path, seed: int = 26) -> list[dict[str, Any]]:
    fields = [structured_fields(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(province.glob("*.json"))]
    others = [normalize_text(structured_fields(json.loads(p.read_text(encoding="utf-8")))["ten_thu_tuc"])
              for p in sorted(defence.glob("*.json"))]
    titles = [normalize_text(f["ten_thu_tuc"]) for f in fields]
    rng = random.Random(seed)
    chosen = [i for i in rng.sample(range(len(fields)), SAMPLED) if len(titles[i].split()) <= 24]
    kinds = list(FRAMES)
    rows: list[dict[str, Any]] = []
    for i, idx in enumerate(chosen):
        f = fields[idx]
        names = [("exact", _exact_name(re.sub(r"\s+", " ", titles[idx]).rstrip(". "))),
                 ("short", short_name(titles[idx], titles[:idx] + titles[idx + 1:] + others))]
        for j, (how, name) in enumerate(names):
            kind = kinds[(2 * i + j) % len(kinds)]
            frame = rng.choice([fr for fr in FRAMES[kind] if "{n}" in fr or "{N}" in fr])
            channel = next((c for w, c in {"trực tuyến": "Trực tuyến", "bưu điện": "Dịch vụ bưu chính",
                                           "nộp trực tiếp": "Trực tiếp"}.items() if w in frame), None)
            values = expected(kind, f, channel)
            if values is None:
                continue
            rows.append({"text": phrase(frame, name), "tthc_fields": [kind], "channel": channel,
                         "ma_thu_tuc": f["ma_thu_tuc"], "values": values, "named_by": how})
    by_code = {f["ma_thu_tuc"]: f for f in fields}
    for code, kinds_asked, text in VARIANT_ASKS:
        values = [v for k in kinds_asked for v in expected(k, by_code[code], None) or []]
        rows.append({"text": text, "tthc_fields": kinds_asked, "channel": None, "ma_thu_tuc": code,
                     "values": values, "named_by": "family", "hand_written": True})
    for i, name in enumerate(NOT_INDEXED):
        rows.append({"text": phrase(NOT_INDEXED_FRAMES[i % len(NOT_INDEXED_FRAMES)], name), "tthc_fields": [],
                     "channel": None, "ma_thu_tuc": None, "values": [], "answerable": False})
    for n, row in enumerate(rows):
        row["_id"] = f"tthcp-{n:03d}"
        if n % 3 == 2 and not row.get("hand_written"):  # a third typed without diacritics
            row["text"] = fold(row["text"])
        row["no_diacritics"] = fold(row["text"]) == normalize_text(row["text"]).lower()
    return rows


def main(argv: list[str]) -> None:
    province, defence, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    rows = build(province, defence)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{out}: {len(rows)} câu hỏi, {len({r['ma_thu_tuc'] for r in rows if r['ma_thu_tuc']})} thủ tục")


if __name__ == "__main__":
    main(sys.argv[1:])
