"""The thể thức check: a ``ReadDocument`` against the rules of Nghị định 30/2020 (``rules``), each deviation a
``Finding`` with the rule it breaks, its place in the decree, a severity and the text it is about.

Why it only judges what it measured: a rule fires on evidence (a size read from a run or a printed word, a
margin measured on wrapped lines, a date as written), never on the absence of a measurement, so a scan or a
PDF whose margins cannot be measured gets no font or margin finding, and a correct document gets none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from assistant.correspondence.drafting.reading import Line, ReadDocument
from assistant.correspondence.drafting.rules import (
    A4_MM,
    ABBREVIATIONS,
    ELEMENT_NAMES,
    ELEMENT_STYLE,
    FONT,
    MARGINS_MM,
    PDF_FONT_EQUIVALENTS,
    RULES,
    abbreviation,
    element_rule_cite,
    kind_of_code,
)
from core.so_hieu import find_so_hieu
from core.vietnamese import fold

_SO = re.compile(r"^Số\s*(:?)\s*(.*?)\s*/\s*(\S.*)$")
_SO_LOOSE = re.compile(r"^Số\s*[:.]?\s*\S")
_DATE = re.compile(r"^(?P<place>[^,]*?)\s*(?P<comma>,?)\s*ngày\s+(?P<d>\S*?)\s*tháng\s+(?P<m>\S*?)\s*"
                   r"năm\s+(?P<y>\d{4})")
_NUMERIC_DATE = re.compile(r"(?P<place>[^\d,]+),?\s*(?:ngày\s*)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_CODE = re.compile(r"^[A-ZĐ0-9][A-ZĐa-z0-9&]*$")
_RULE_LINE = re.compile(r"^[\s_\-–—=.*]+$")
_LUU = re.compile(r"^L[Ưư]u\s*:\s*VT\b")
KIND_TITLES = {k.upper() for k in ABBREVIATIONS} | {"NGHỊ ĐỊNH", "LUẬT", "THÔNG TƯ", "CÔNG ĐIỆN"}


@dataclass(frozen=True)
class Finding:
    """A deviation: the rule (``code``, ``family``, ``cite``, ``quote``), ``severity``, what was found."""

    code: str
    family: str
    severity: str
    cite: str
    message: str
    text: str = ""
    quote: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class CitedFate:
    """What the index knows of a cited document on a day: its status (core.legal_status) and replacements."""

    so_hieu: str
    status: str
    replaced_by: tuple[str, ...] = ()
    effective: str | None = None


BasisLookup = Callable[[str, date], "CitedFate | None"]


def _finding(code: str, message: str, text: str = "", cite: str | None = None) -> Finding:
    rule = RULES[code]
    return Finding(code, rule.family, rule.severity, cite or rule.cite, message, text[:200], rule.quote)


@dataclass
class Elements:
    """Where each element of the layout was found (None: not found)."""

    quoc_hieu: Line | None = None
    tieu_ngu: Line | None = None
    co_quan: Line | None = None
    co_quan_chu_quan: Line | None = None
    so_ky_hieu: Line | None = None
    dia_danh_ngay: Line | None = None
    ten_loai: Line | None = None
    trich_yeu: Line | None = None
    trich_yeu_cong_van: Line | None = None
    kinh_gui: Line | None = None
    noi_nhan_label: Line | None = None
    nguoi_ky: Line | None = None
    can_cu: tuple[Line, ...] = ()
    noi_nhan_items: tuple[Line, ...] = ()
    quyen_han: tuple[Line, ...] = ()
    noi_dung: tuple[Line, ...] = ()


def _is_rule(text: str) -> bool:
    return bool(_RULE_LINE.match(text))


def locate(doc: ReadDocument) -> Elements:
    """Find each element by its wording, in reading order."""
    el = Elements()
    lines = doc.lines
    for i, ln in enumerate(lines):
        f = fold(ln.text)
        if el.quoc_hieu is None and "cong hoa xa hoi chu nghia" in f:
            el.quoc_hieu = ln
        elif el.tieu_ngu is None and "doc lap" in f and "hanh phuc" in f:
            el.tieu_ngu = ln
        elif el.so_ky_hieu is None and _SO_LOOSE.match(ln.text) and ln.zone != "closing_left":
            el.so_ky_hieu = ln
        elif el.dia_danh_ngay is None and el.ten_loai is None and ("ngày" in ln.text and "năm" in ln.text
                                                                    or _NUMERIC_DATE.fullmatch(ln.text.strip())):
            if ln.zone.startswith("header") or i < 12:
                el.dia_danh_ngay = ln
        elif el.trich_yeu_cong_van is None and ln.text.startswith("V/v"):
            el.trich_yeu_cong_van = ln
    header_end = max((lines.index(x) for x in (el.so_ky_hieu, el.dia_danh_ngay, el.tieu_ngu, el.quoc_hieu)
                      if x is not None), default=-1)
    issuer = [ln for ln in lines[:header_end + 1]
              if ln.zone in ("header_left", "body") and ln.text.isupper() and not _is_rule(ln.text)
              and ln is not el.quoc_hieu and not _SO_LOOSE.match(ln.text)
              and (el.so_ky_hieu is None or lines.index(ln) < lines.index(el.so_ky_hieu))]
    if issuer:
        el.co_quan = issuer[-1]
        el.co_quan_chu_quan = issuer[0] if len(issuer) > 1 else None
        if el.co_quan_chu_quan is not None and el.co_quan_chu_quan.bold and el.co_quan.bold:
            el.co_quan_chu_quan = None  # "ỦY BAN NHÂN DÂN / TỈNH QUẢNG NGÃI": one name on two bold lines
    label_at = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].text.startswith("Nơi nhận")), None)
    end = label_at if label_at is not None else len(lines)
    body = [ln for ln in lines[header_end + 1:end] if ln.zone in ("body", "body_table")]
    j = 0
    while j < len(body) and _is_rule(body[j].text):
        j += 1
    if j < len(body) and body[j].text.rstrip(":").strip() in KIND_TITLES and not body[j].text.endswith(":"):
        el.ten_loai = body[j]
        j += 1
        if j < len(body) and not body[j].text.startswith(("Căn cứ", "Kính gửi")) and not _is_rule(body[j].text):
            el.trich_yeu = body[j]
            j += 1
    rest = body[j:]
    el.kinh_gui = next((ln for ln in rest[:3] if ln.text.startswith("Kính gửi")), None)
    can_cu: list[Line] = []
    for ln in rest:
        if _is_rule(ln.text) or ln.text.startswith(("Kính gửi", "-")) or ln is el.kinh_gui:
            continue
        if ln.text.startswith("Căn cứ"):
            can_cu.append(ln)
            continue
        break
    el.can_cu = tuple(can_cu)
    el.noi_dung = tuple(ln for ln in rest if ln.zone == "body" and ln not in can_cu and ln is not el.kinh_gui
                        and not _is_rule(ln.text) and not ln.text.startswith("- ") and len(ln.text) > 1)
    if label_at is not None:
        el.noi_nhan_label = lines[label_at]
        zone = lines[label_at].zone
        el.noi_nhan_items = tuple(ln for ln in lines[label_at + 1:] if ln.zone == zone and ln.text[:1] in "-+•")
        sign = [ln for ln in lines[label_at:] if ln.zone == "closing_right"] if zone == "closing_left" else []
        if not sign:  # a signature above the "Nơi nhận" line, or no closing table
            sign = [ln for ln in lines[max(0, label_at - 8):] if ln.zone != zone and ln.zone != "body_table"]
        el.quyen_han = tuple(ln for ln in sign if ln.text.isupper())
        names = [ln for ln in sign if not ln.text.isupper() and not ln.text.startswith(("(", "["))]
        el.nguoi_ky = names[-1] if names else None
    return el


def _font_ok(doc: ReadDocument, font: str) -> bool:
    key = font.replace(" ", "").lower()
    return key == FONT.replace(" ", "").lower() if doc.source == "docx" else key in PDF_FONT_EQUIVALENTS


def check_fonts(doc: ReadDocument, el: Elements) -> list[Finding]:
    out: list[Finding] = []
    wrong = [ln for ln in doc.lines if ln.font and not _font_ok(doc, ln.font) and not _is_rule(ln.text)]
    if wrong:
        fonts = sorted({ln.font for ln in wrong if ln.font})
        out.append(_finding("font.name", f"{len(wrong)} dòng không dùng phông {FONT}: {', '.join(fonts)}",
                            wrong[0].text))
    singles = {k: getattr(el, k) for k in ("quoc_hieu", "tieu_ngu", "co_quan", "co_quan_chu_quan", "so_ky_hieu",
                                           "dia_danh_ngay", "ten_loai", "trich_yeu", "trich_yeu_cong_van",
                                           "kinh_gui", "noi_nhan_label", "nguoi_ky")}
    groups = {"can_cu": el.can_cu, "noi_nhan_item": el.noi_nhan_items, "quyen_han": el.quyen_han,
              "noi_dung": el.noi_dung}
    for key, line in singles.items():
        if line is not None:
            groups[key] = (line,)
    for key, lines in groups.items():
        lo, hi, bold, italic = ELEMENT_STYLE[key]
        sized = [ln for ln in lines if ln.size is not None]
        off = [ln for ln in sized if not lo - 0.01 <= ln.size <= hi + 0.01]  # type: ignore[operator]
        allowed = f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
        if off and (key != "noi_dung" or len(off) * 2 > len(sized)):
            sizes = ", ".join(sorted({f"{ln.size:g}" for ln in off}))
            out.append(_finding("font.size", f"{ELEMENT_NAMES[key]} cỡ {sizes} (NĐ 30: cỡ {allowed})", off[0].text,
                                element_rule_cite(key)))
        styled = []
        if bold is not None:
            styled += [("đậm" if bold else "không đậm", ln) for ln in lines if ln.bold is not None and ln.bold != bold]
        if italic is not None:
            styled += [("nghiêng" if italic else "đứng", ln) for ln in lines
                       if ln.italic is not None and ln.italic != italic]
        if styled and (key != "noi_dung"):
            out.append(_finding("font.style", f"{ELEMENT_NAMES[key]} phải {styled[0][0]}", styled[0][1].text,
                                element_rule_cite(key)))
    return out


def check_margins(doc: ReadDocument) -> list[Finding]:
    out: list[Finding] = []
    tolerance = 0.5 if doc.source == "docx" else 1.5
    off = []
    for side, value in doc.margins_mm.items():
        lo, hi = MARGINS_MM[side]
        if doc.source == "pdf" and side == "top":
            hi += 4.0  # the first printed glyph sits a little below the margin line
        if not lo - tolerance <= value <= hi + tolerance:
            off.append(f"{ {'top': 'trên', 'bottom': 'dưới', 'left': 'trái', 'right': 'phải'}[side]} {value:g} mm "
                       f"(NĐ 30: {lo:g}–{MARGINS_MM[side][1]:g} mm)")
    if off:
        out.append(_finding("margins.page", "lề " + "; ".join(x.strip() for x in off)))
    if doc.paper_mm is not None:
        w, h = doc.paper_mm
        if not (abs(w - A4_MM[0]) <= 1.5 and abs(h - A4_MM[1]) <= 1.5
                or abs(h - A4_MM[0]) <= 1.5 and abs(w - A4_MM[1]) <= 1.5):
            out.append(_finding("margins.paper", f"khổ giấy {w:g} x {h:g} mm, không phải A4 (210 x 297 mm)"))
    return out


def check_so_ky_hieu(el: Elements, kind: str | None) -> list[Finding]:
    line = el.so_ky_hieu
    if line is None:
        return []
    out: list[Finding] = []
    m = _SO.match(line.text)
    if m is None:
        return [_finding("so_ky_hieu.form", "số, ký hiệu không có dạng «Số: 05/QĐ-UBND»", line.text)]
    colon, number, code = m.group(1), m.group(2).strip(), m.group(3).strip()
    parts = code.split("/")
    groups_text = parts[-1]
    year_ok = len(parts) == 1 or (len(parts) == 2 and re.fullmatch(r"(19|20)\d\d", parts[0]) is not None)
    groups = groups_text.split("-")
    if not colon:
        out.append(_finding("so_ky_hieu.form", "thiếu dấu hai chấm sau từ «Số»", line.text))
    elif number and not number.isdigit():
        out.append(_finding("so_ky_hieu.form", f"số {number!r} không phải chữ số Ả Rập", line.text))
    elif not year_ok or " " in groups_text or any(not _CODE.match(g) for g in groups):
        out.append(_finding("so_ky_hieu.form", f"ký hiệu {code!r}: các nhóm chữ viết tắt nối bằng gạch nối (-), "
                                               "không cách chữ", line.text))
    if number.isdigit() and int(number) < 10 and not number.startswith("0"):
        out.append(_finding("so_ky_hieu.zero", f"số {number} nhỏ hơn 10 phải viết {int(number):02d}", line.text))
    first = groups[0] if groups else ""
    if kind:
        expected = abbreviation(kind)
        if expected and first != expected and kind_of_code(first) is not None:
            out.append(_finding("so_ky_hieu.abbreviation",
                                f"ký hiệu {first} không phải chữ viết tắt của {kind} ({expected})", line.text))
        elif expected and first != expected and len(parts) == 1 and fold(first) == fold(expected):
            out.append(_finding("so_ky_hieu.abbreviation", f"chữ viết tắt {first} phải viết {expected}", line.text))
    elif el.trich_yeu_cong_van is not None and (first == "CV" or kind_of_code(first) is not None):
        out.append(_finding("so_ky_hieu.abbreviation",
                            f"công văn không có chữ viết tắt tên loại ({first}): ký hiệu gồm chữ viết tắt tên cơ "
                            "quan và đơn vị soạn thảo", line.text, "Phụ lục I, Phần I, Mục II, khoản 3, điểm b"))
    return out


def issue_date(el: Elements) -> date | None:
    """The date of issue as written (None while it is left blank in a draft)."""
    if el.dia_danh_ngay is None:
        return None
    m = _DATE.search(el.dia_danh_ngay.text)
    if m and m.group("d").isdigit() and m.group("m").isdigit():
        try:
            return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
    return None


def check_date(el: Elements) -> list[Finding]:
    line = el.dia_danh_ngay
    if line is None:
        return []
    m = _DATE.search(line.text)
    if m is None:
        return [_finding("date.form", "ngày tháng không viết đầy đủ «ngày … tháng … năm …»", line.text)]
    out: list[Finding] = []
    place = m.group("place").strip()
    if not place:
        out.append(_finding("date.form", "thiếu địa danh trước ngày tháng", line.text))
    elif not m.group("comma"):
        out.append(_finding("date.form", "sau địa danh phải có dấu phẩy (,)", line.text))
    elif not all(w[:1].isupper() for w in place.split() if w[:1].isalpha()):
        out.append(_finding("date.form", "các chữ cái đầu của địa danh phải viết hoa", line.text,
                            "Phụ lục I, Phần I, Mục II, khoản 4, điểm c"))
    day, month = m.group("d"), m.group("m")
    wrong = []
    if day.isdigit() and int(day) < 10 and len(day) == 1:
        wrong.append(f"ngày {day} → {int(day):02d}")
    if month.isdigit() and int(month) in (1, 2) and len(month) == 1:
        wrong.append(f"tháng {month} → {int(month):02d}")
    if wrong:
        out.append(_finding("date.zero", "thiếu số 0: " + ", ".join(wrong), line.text))
    return out


def _side(doc: ReadDocument, line: Line) -> str | None:
    """"left" / "right" / "center" of a line: its zone, or on a PDF its centre against the text area."""
    if line.zone.endswith("_left"):
        return "left"
    if line.zone.endswith("_right"):
        return "right"
    if doc.area is not None and line.center is not None:
        x0, x1 = doc.area
        share = (line.center - x0) / (x1 - x0)
        return "left" if share < 0.42 else "right" if share > 0.58 else "center"
    return "center" if line.align == "center" else None


def check_elements(doc: ReadDocument, el: Elements) -> list[Finding]:
    out: list[Finding] = []
    missing = [name for name, value in (
        ("Quốc hiệu", el.quoc_hieu), ("Tiêu ngữ", el.tieu_ngu), ("tên cơ quan ban hành", el.co_quan),
        ("số, ký hiệu", el.so_ky_hieu), ("địa danh và thời gian ban hành", el.dia_danh_ngay),
        ("tên loại và trích yếu (hoặc «V/v» của công văn)", el.ten_loai or el.trich_yeu_cong_van),
        ("Nơi nhận", el.noi_nhan_label), ("chức vụ, họ tên người ký", el.nguoi_ky if el.quyen_han else None),
    ) if value is None]
    if el.ten_loai is not None and el.trich_yeu is None:
        missing.append("trích yếu nội dung")
    if missing:
        out.append(_finding("elements.missing", "thiếu thành phần thể thức: " + ", ".join(missing)))
    expected = (("quoc_hieu", "right", "ô số 1"), ("tieu_ngu", "right", "ô số 1"), ("co_quan", "left", "ô số 2"),
                ("so_ky_hieu", "left", "ô số 3"), ("dia_danh_ngay", "right", "ô số 4"),
                ("trich_yeu_cong_van", "left", "ô số 5b"), ("ten_loai", "center", "ô số 5a"),
                ("noi_nhan_label", "left", "ô số 9b"), ("nguoi_ky", "right", "ô số 7b"))
    wrong = []
    for key, side, box in expected:
        line = getattr(el, key)
        if line is None:
            continue
        found = _side(doc, line)
        if found is not None and found != side:
            where = {"left": "bên trái", "right": "bên phải", "center": "giữa"}
            wrong.append(f"{ELEMENT_NAMES[key]} ở {where[found]}, phải ở {where[side]} ({box})")
        elif key in ("quoc_hieu", "dia_danh_ngay", "ten_loai", "co_quan") and line.align not in (None, "center"):
            wrong.append(f"{ELEMENT_NAMES[key]} không canh giữa ({box})")
    if el.quoc_hieu is not None and el.ten_loai is not None and doc.lines.index(el.ten_loai) < doc.lines.index(
            el.quoc_hieu):
        wrong.append("tên loại đứng trên Quốc hiệu")
    if wrong:
        out.append(_finding("elements.position", "; ".join(wrong), cite="Phụ lục I, Phần I, Mục IV"))
    return out


def check_noi_nhan(el: Elements) -> list[Finding]:
    if el.noi_nhan_label is None:
        return []
    items = [ln.text.lstrip("-+• ").strip() for ln in el.noi_nhan_items]
    if not items or not _LUU.match(items[-1]):
        luu = next((i for i in items if i.lower().startswith(("lưu", "luu"))), None)
        what = f"dòng lưu «{luu}» thiếu «VT»" if luu else "không có dòng «Lưu: VT, …» cuối nơi nhận"
        return [_finding("noi_nhan.luu_vt", what, (el.noi_nhan_items[-1].text if el.noi_nhan_items else
                                                   el.noi_nhan_label.text))]
    return []


def check_can_cu(el: Elements, lookup: BasisLookup | None, on: date) -> list[Finding]:
    if lookup is None:
        return []
    out: list[Finding] = []
    for line in el.can_cu:
        for found in find_so_hieu(line.text):
            sh = found.so_hieu
            if sh.year is None or (sh.type_code is None and sh.issuer is None):
                continue
            fate = lookup(sh.canonical, on)
            if fate is None:
                continue
            if fate.status == "het_hieu_luc":
                if fate.replaced_by:
                    out.append(_finding("can_cu.replaced", f"căn cứ {sh.canonical} đã được thay thế bởi "
                                        f"{', '.join(fate.replaced_by)}", line.text))
                else:
                    out.append(_finding("can_cu.expired", f"căn cứ {sh.canonical} đã hết hiệu lực", line.text))
            elif fate.status == "chua_co_hieu_luc":
                since = f" (có hiệu lực từ {fate.effective})" if fate.effective else ""
                out.append(_finding("can_cu.not_yet", f"căn cứ {sh.canonical} chưa có hiệu lực{since}", line.text))
    return out


def kind_of(el: Elements) -> str | None:
    return el.ten_loai.text.rstrip(":").strip().lower() if el.ten_loai is not None else None


def check_format(doc: ReadDocument, lookup: BasisLookup | None = None, today: date | None = None) -> list[Finding]:
    """Every deviation found; a scan is judged on the printed text it was read from only (none here: its
    number and day are often handwritten), so it gets no finding and a note saying so."""
    if doc.scan:
        return []
    el = locate(doc)
    on = issue_date(el) or today or date.today()
    findings = check_fonts(doc, el) + check_margins(doc) + check_so_ky_hieu(el, kind_of(el)) + check_date(el)
    findings += check_elements(doc, el) + check_noi_nhan(el) + check_can_cu(el, lookup, on)
    return findings
