"""The task question set (``evals/data/task_questions.jsonl``, docs/tasks-eval.md): questions over the 731 plan
and two plans written here, each with the exact set of tasks a right answer returns.

Why generated: the expected sets come from the plans' own cells, by rules a reader can check (a row belongs
to "Công an tỉnh chủ trì" when its Đơn vị chủ trì cell names Công an tỉnh), never from the extractor under
test; the written plans come from the data below, so their answers are the data. Rebuild with
``python -m evals.task_question_set`` (needs ../shared for the 731 plan).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from core.tables import find_flattened_tables
from core.vietnamese import fold, normalize_text

DATA = Path(__file__).resolve().parent / "data"
PLANS = DATA / "task_plans"
OUT = DATA / "task_questions.jsonl"
PLAN_731 = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt"
DOC_731 = "731-KH-UBND-2025-ha-tinh.txt"
UNITS_731 = {"Công an tỉnh": ("công an tỉnh",), "Sở Khoa học và Công nghệ": ("sở khoa học và công nghệ",),
             "Văn phòng UBND tỉnh": ("văn phòng ubnd tỉnh",), "Sở Tài chính": ("sở tài chính",),
             "Sở Nội vụ": ("sở nội vụ",), "Sở Công thương": ("sở công thương",)}
# Written plans: (file, title, [(unit heading, [(duty, the unit that leads it, deadline)])]): the heading's unit
# leads its duties unless one starts "Phối hợp với X" (X leads).
WRITTEN = [
    ("kh-12-syt-2026.txt", "Kế hoạch 12/KH-SYT về phòng, chống dịch bệnh năm 2026", [
        ("Sở Y tế", [("Chủ trì giám sát dịch bệnh truyền nhiễm tại cộng đồng", "@", "trước ngày 31/3/2026"),
                     ("Chủ trì, phối hợp với Sở Tài chính lập dự toán mua vắc xin", "@", "trong Quý II/2026"),
                     ("Phối hợp với Sở Giáo dục và Đào tạo tuyên truyền phòng bệnh trong trường học",
                      "Sở Giáo dục và Đào tạo", "thường xuyên")]),
        ("Sở Tài chính", [("Chủ trì thẩm định dự toán kinh phí phòng, chống dịch", "@", "trước ngày 30/6/2026")]),
        ("Sở Giáo dục và Đào tạo", [("Chủ trì tổ chức vệ sinh trường lớp trước năm học mới", "@",
                                     "trước ngày 31/8/2026")]),
    ]),
    ("kh-45-snv-2026.txt", "Kế hoạch 45/KH-SNV về cải cách hành chính năm 2026", [
        ("Sở Nội vụ", [("Chủ trì rà soát vị trí việc làm của các cơ quan hành chính", "@", "trong Quý III/2026"),
                       ("Chủ trì tổng hợp báo cáo cải cách hành chính", "@", "trước ngày 15/12/2026")]),
        ("Sở Tư pháp", [("Chủ trì kiểm soát thủ tục hành chính", "@", "thường xuyên"),
                        ("Phối hợp với Sở Nội vụ rà soát văn bản quy phạm pháp luật", "Sở Nội vụ",
                         "trong Quý IV/2026")]),
    ]),
]


def _fold(text: str) -> str:
    return fold(text)


def write_plans() -> None:
    """The written plans as text files (the eval corpus with the 731 plan)."""
    PLANS.mkdir(parents=True, exist_ok=True)
    for name, title, sections in WRITTEN:
        lines = ["KẾ HOẠCH", title, "I. MỤC ĐÍCH", "Triển khai kịp thời, hiệu quả.", "II. TỔ CHỨC THỰC HIỆN"]
        for n, (unit, duties) in enumerate(sections, 1):
            lines.append(f"{n}. {unit}")
            lines += [f"- {duty}, hoàn thành {deadline}." if not deadline.startswith("thường") else
                      f"- {duty} {deadline}." for duty, _, deadline in duties]
        (PLANS / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _appendix() -> list[tuple[str, ...]]:
    text = normalize_text(PLAN_731.read_text(encoding="utf-8"))
    table = next(t for t in find_flattened_tables(text.splitlines()) if t.header[:2] == ("TT", "Nhiệm vụ"))
    return [r for r in table.rows if r[0][:1].isdigit()]


def _q(qid: str, text: str, expected: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
    return {"_id": qid, "text": text, "task_expected": [list(e) for e in expected], **extra}


def questions_731(rows: list[tuple[str, ...]]) -> list[dict[str, Any]]:
    out = []
    for unit, names in UNITS_731.items():
        lead = [(DOC_731, f"Phụ lục, dòng {r[0]}") for r in rows if any(n in r[2].lower() for n in names)]
        support = [(DOC_731, f"Phụ lục, dòng {r[0]}") for r in rows if any(n in r[3].lower() for n in names)]
        key = _fold(unit).replace(" ", "-")
        out.append(_q(f"731-lead-{key}", f"Theo Phụ lục Kế hoạch 731, {unit} chủ trì những nhiệm vụ nào?", lead))
        out.append(_q(f"731-support-{key}", f"Theo Phụ lục Kế hoạch 731, {unit} phối hợp thực hiện những nhiệm vụ "
                                            "nào?", support))
    out.append(_q("731-lead-cong-an-plain", "theo phu luc ke hoach 731, cong an tinh chu tri nhung nhiem vu nao?",
                  [(DOC_731, f"Phụ lục, dòng {r[0]}") for r in rows if "công an tỉnh" in r[2].lower()],
                  no_diacritics=True))
    for roman, quarter in (("I", 1), ("II", 2), ("III", 3), ("IV", 4)):
        due = [(DOC_731, f"Phụ lục, dòng {r[0]}") for r in rows if r[5].startswith(f"Quý {roman}/2026")]
        out.append(_q(f"731-quy-{quarter}", f"Nhiệm vụ nào trong Phụ lục Kế hoạch 731 phải hoàn thành trong Quý "
                                            f"{roman}/2026?", due))
    in_2026 = [(DOC_731, f"Phụ lục, dòng {r[0]}") for r in rows if re.search(r"(?<![\d-])2026", r[5])]
    out.append(_q("731-nam-2026", "Những nhiệm vụ nào trong Phụ lục Kế hoạch 731 có hạn trong năm 2026?", in_2026))
    late = [(DOC_731, f"Phụ lục, dòng {r[0]}") for r in rows if re.match(r"Quý I{1,2}/2026", r[5])]
    out.append(_q("731-qua-han", "Những nhiệm vụ nào trong Phụ lục Kế hoạch 731 đã quá hạn tính đến ngày "
                                 "1/7/2026?", late))
    for r in rows[::4]:
        topic = " ".join(r[1].split()[:9])
        out.append(_q(f"731-ai-chu-tri-{r[0]}", f"Ai chủ trì {topic[0].lower() + topic[1:]}?",
                      [(DOC_731, f"Phụ lục, dòng {r[0]}")]))
    out.append(_q("731-khong-co-ke-hoach", "Nhiệm vụ của Kế hoạch 999/KH-UBND là gì?", []))
    out.append(_q("731-khong-co-don-vi", "Sở Bịa Đặt chủ trì những nhiệm vụ nào?", []))
    return out


def questions_written() -> list[dict[str, Any]]:
    out = []
    every: list[tuple[str, str, str, str]] = []  # (file, citation, lead unit, deadline)
    for name, _, sections in WRITTEN:
        for n, (unit, duties) in enumerate(sections, 1):
            every += [(name, f"Mục II.{n}, ý {i}", unit if lead == "@" else lead, d)
                      for i, (_, lead, d) in enumerate(duties, 1)]
    for name, title, _ in WRITTEN:
        number = title.split()[2].split("/")[0]
        for unit in sorted({e[2] for e in every if e[0] == name}):
            mine = [(f, c) for f, c, lead, _ in every if lead == unit and f == name]
            out.append(_q(f"viet-{number}-lead-{_fold(unit).replace(' ', '-')}",
                          f"Trong Kế hoạch {number}, {unit} chủ trì những nhiệm vụ nào?", mine))
    spring = [(f, c) for f, c, _, d in every if f.startswith("kh-12") and d == "trước ngày 31/3/2026"]
    out.append(_q("viet-quy-1", "Nhiệm vụ nào có hạn trong Quý I/2026 theo Kế hoạch 12?", spring))
    q2 = [(f, c) for f, c, _, d in every if f.startswith("kh-12") and d in ("trong Quý II/2026",
                                                                            "trước ngày 30/6/2026")]
    out.append(_q("viet-quy-2", "nhiem vu nao trong ke hoach 12 co han trong quy II/2026?", q2, no_diacritics=True))
    return out


def build() -> list[dict[str, Any]]:
    write_plans()
    rows = [*questions_731(_appendix()), *questions_written()]
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


if __name__ == "__main__":
    print(f"{len(build())} câu hỏi → {OUT}")
