"""Tasks from running text: the per-unit sections of "Tổ chức thực hiện" ("1. Văn phòng UBND tỉnh" then its
duties as "- …" lines, or "1. Sở Y tế – Chủ trì …" on one line) and "giao <đơn vị> chủ trì, phối hợp với …
hoàn thành trước ngày …" sentences anywhere in a plan, decision, directive or official letter.

Why rules on lines: these documents follow the layout of Nghị định 30/2020 (numbered headings, "-" items), and
a duty's roles are said in a few fixed phrases: the unit of the heading leads unless the duty starts with
"Phối hợp với X", where X leads and the heading's unit supports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.units import UnitDirectory, UnitRef
from core.vietnamese import fold

_ROMAN = re.compile(r"^([IVXLC]+)\.\s+(.+)$")
_NUMBERED = re.compile(r"^(\d+)\.\s+(.+)$")
_ITEM = re.compile(r"^[-+•]\s*(.+)$")
_ARTICLE = re.compile(r"^Điều\s+(\d+)\.?\s*(.*)$")
_HEAD_REST = re.compile(r"^\s*(?:[–:\-]\s*)(.+)$")
_MARKER = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[a-zđ][.)]|[-+•])\s*")
_APPENDIX_HEAD = re.compile(r"^(?:PHỤ LỤC|Phụ lục\s+[IVX\d])")
_BY = re.compile(r"(?:hoàn thành\s+)?(?:trước|chậm nhất|trong\s+(?:thời\s+hạn|vòng|\d)|hết\s+tháng)", re.IGNORECASE)
# A closing formula asks nothing ("… thông báo để Sở Nội vụ biết, thực hiện", "Yêu cầu các đơn vị nghiêm túc thực
# hiện"): it names units but no work, so it is no task.
_CLOSING = re.compile(r"(?:\bthong bao de\b.{0,120}\bbiet\b|^(?:\S+\s+){0,12}?(?:yeu cau|de nghi)\b.{0,80}?"
                      r"(?:khan truong|nghiem tuc|quan tam)?\s*(?:to chuc\s+)?(?:trien khai\s+)?(?:phoi hop\s+)?"
                      r"(?:thuc hien|trien khai)(?:\s+nghiem tuc)?\W*$)")
_DUTY_START = re.compile(r"^\s*[:–\-]?\s*(?!(?:va|cung|cua|tai|theo|ve|voi|da|dang|vua|duoc)\b)[a-z]")
_STOP = re.compile(r"^(?:PHỤ LỤC|Nơi nhận|TM\.|KT\.|\|)")
_SEPARATOR = re.compile(r"^[\s,;]*(?:và\s+|cùng\s+)?(?:(?:giám đốc|thủ trưởng|chủ tịch|lãnh đạo)\s+)?$", re.IGNORECASE)
_DEADLINE = re.compile(
    r"(?:trong\s+(?:thời\s+hạn\s+|vòng\s+)?\d{1,3}\s+ngày(?:\s+làm\s+việc)?(?:\s*,?\s*(?:kể|tính)\s+từ\s+ngày\s+"
    r"(?:ký|ban\s+hành|nhận(?:\s+được)?(?:\s+(?:văn\s+bản|công\s+văn)(?:\s+này)?)?|\d{1,2}/\d{1,2}/\d{4}))?"
    r"|(?:hoàn thành\s+)?(?:trong|trước|hết|chậm nhất(?:\s+là)?)\s+tháng\s+\d{1,2}\s*(?:/|năm)\s*\d{4}"
    r"|(?:hoàn thành\s+)?(?:trước|chậm nhất(?:\s+là)?|trong)\s+(?:\d{1,2}\s*giờ(?:\s*\d{2})?\s*,?\s*)?"
    r"(?:ngày\s+)?\d{1,2}(?:\s*(?:/|tháng)\s*\d{1,2})"
    r"(?:\s*(?:/|năm)\s*\d{4})?(?:\s+hàng năm)?|(?:trong\s+)?quý\s+[IV1-4]+\s*(?:/|năm)\s*\d{4}"
    r"|\bhàng năm\b|\bthường xuyên\b|\bđịnh kỳ\b)", re.IGNORECASE)


@dataclass(frozen=True)
class SectionTask:
    citation: str
    text: str
    lead: tuple[UnitRef, ...]
    support: tuple[UnitRef, ...]
    deadline: str
    group: str


def units_at(units: UnitDirectory, text: str, start: int) -> tuple[list[UnitRef], int]:
    """The run of unit names that begins at ``start`` (only separators between them) and where it ends."""
    refs: list[UnitRef] = []
    at = start
    for s, e, ref in units.spans(text):
        if s < at:
            continue
        if not _SEPARATOR.match(text[at:s]):
            break
        if ref.name not in {r.name for r in refs}:
            refs.append(ref)
        at = e
    return refs, at


def _after(units: UnitDirectory, text: str, phrase: str) -> list[UnitRef]:
    """The units named right after ``phrase`` (mark-free, lower case) in ``text``; [] when absent."""
    i = fold(text).find(phrase)
    return units_at(units, text, i + len(phrase))[0] if i >= 0 else []


def deadline_in(text: str) -> str:
    """The deadline phrase of a sentence ("trước ngày 30/6/2026", "hàng năm"), or ""."""
    found = _DEADLINE.findall(text)
    # "trước ngày 22/6" is the deadline of "… họp báo quý II năm 2026, gửi trước ngày 22/6": a phrase that says
    # "by" beats a longer period that is only mentioned
    return max(found, key=lambda f: (bool(_BY.match(f.strip())), len(f))).strip() if found else ""


def duty(units: UnitDirectory, heading_units: list[UnitRef], text: str, citation: str, group: str) -> SectionTask:
    """A duty of the heading's units: they lead, unless it starts "Phối hợp với X" (X leads, they support)."""
    folded = fold(text)
    if folded.startswith("phoi hop voi") or folded.startswith("phoi hop cung"):
        lead = _after(units, text, "phoi hop voi") or _after(units, text, "phoi hop cung")
        support = [u for u in heading_units if u.name not in {r.name for r in lead}]
    else:
        lead = list(heading_units)
        support = [u for u in _after(units, text, "phoi hop voi") if u.name not in {r.name for r in lead}]
    return SectionTask(citation, text, tuple(lead), tuple(support), deadline_in(text), group)


def assignment(units: UnitDirectory, text: str, citation: str, group: str) -> SectionTask | None:
    """A "Giao <đơn vị> … (chủ trì, phối hợp với …)" or "Yêu cầu Giám đốc <sở> …" sentence, or None when no
    unit follows "giao" / "yêu cầu" / "đề nghị"; a line that opens with units and goes on in lower case ("Sở Y tế
    chủ trì, …", "Sở Tài chính: tham mưu …") is one too, as letters assign work that way outside a "Tổ chức thực
    hiện"."""
    folded = fold(text)
    if _CLOSING.search(folded) and len(folded) < 200:
        return None
    for m in re.finditer(r"\b(?:giao|yeu cau|de nghi)\s+", folded):
        lead, _ = units_at(units, text, m.end())
        if lead:
            support = [u for u in _after(units, text[m.end():], "phoi hop voi") if u not in lead]
            return SectionTask(citation, text, tuple(lead), tuple(support), deadline_in(text), group)
    marker = _MARKER.match(text)
    lead, end = units_at(units, text, marker.end() if marker else 0)
    # "Sở Y tế chủ trì, phối hợp với …", "Sở Tài chính: tham mưu …" (not a flattened table cell: no "|")
    rest = text[end:]
    if lead and "|" not in text and not text.rstrip().endswith(":") and len(rest.split()) >= 4 \
            and _DUTY_START.match(fold(rest)):
        found = duty(units, lead, rest.strip(" :–-"), citation, group)  # "X phối hợp với Y …": Y leads, as in a section
        return SectionTask(citation, text, found.lead, found.support, found.deadline, group)
    return None


def _heading_units(units: UnitDirectory, title: str) -> tuple[list[UnitRef], str]:
    """A numbered heading that names units ("Sở Tài chính", "Văn phòng UBND tỉnh – Chủ trì …"): the units
    and the duty written on the same line; ([], "") for a heading that names none at its start."""
    refs, end = units_at(units, title, 0)
    rest = title[end:]
    if not refs:
        return [], ""
    tail = _HEAD_REST.match(rest)
    if rest.strip() and not tail:
        return [], ""
    return refs, tail.group(1).strip() if tail else ""


def section_tasks(lines: list[str], units: UnitDirectory) -> Iterator[SectionTask]:
    """Per-unit duties under "Tổ chức thực hiện" and "giao …" sentences everywhere, in document order."""
    roman = article = ""
    heading: list[UnitRef] = []
    number = ""
    items = paragraphs = 0
    in_duties = closing = False
    seen: set[str] = set()
    for raw in lines:
        line = raw.strip()
        if not line or line in seen:  # a web copy repeats its heading block: read each line once
            continue
        seen.add(line)
        if _STOP.match(line):
            in_duties, heading = False, []
            closing = line.startswith("Nơi nhận") or (closing and not line.startswith("PHỤ LỤC"))
            continue
        if closing and not _APPENDIX_HEAD.match(line):  # the recipients and the signature assign nothing
            continue
        closing = False
        if m := _ROMAN.match(line):
            roman, article, heading, number, items, paragraphs = m.group(1), "", [], "", 0, 0
            in_duties = "to chuc thuc hien" in fold(m.group(2))
            continue
        if m := _ARTICLE.match(line):
            article, roman, heading, number, items, paragraphs = m.group(1), "", [], "", 0, 0
            in_duties = "to chuc thuc hien" in fold(m.group(2))
            line = m.group(2)
        place = f"Mục {roman}" if roman else (f"Điều {article}" if article else "")
        if (m := _NUMBERED.match(line)) and in_duties:
            refs, rest = _heading_units(units, m.group(2))
            if refs:
                heading, number, items = refs, m.group(1), 0
                if rest:
                    items += 1
                    yield duty(units, heading, rest, f"{place}.{number}", m.group(2))
                continue
        if (m := _ITEM.match(line)) and heading:
            items += 1
            yield duty(units, heading, m.group(1), f"{place}.{number}, ý {items}", _title(heading))
            continue
        if m := _NUMBERED.match(line):
            number, items = m.group(1), 0
            where = f"{place}.{number}" if place else f"điểm {number}"
        elif _ITEM.match(line):
            items += 1
            where = f"{place}.{number}, ý {items}" if number else f"{place}, ý {items}"
        else:
            heading = [] if in_duties else heading
            paragraphs += 1
            where = f"{place}, đoạn {paragraphs}" if place else f"đoạn {paragraphs}"
        task = assignment(units, line, where.lstrip(", "), place)
        if task is not None:
            yield task


def _title(refs: list[UnitRef]) -> str:
    return ", ".join(r.written for r in refs)
