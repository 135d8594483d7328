"""A document read for the format check: its lines in reading order, each with the zone it sits in (the
header's left or right column, the body, the closing block's left or right column), the font, size, bold,
italic and alignment it is printed in, and the page's paper size and margins.

Why per format: a .docx states what it asks for (run, style and default properties, table cells), so it is
read from its XML, the way Word resolves a run's properties; a PDF states what was printed (each word's
font, size and box), so it is read from pdfplumber's words and the zones come from x positions; a .doc is
converted to .docx first (``connectors.doc_convert``). A scanned PDF (no text layer) carries no fonts or
margins that can be measured, and its number and day are often handwritten: it is read as a scan, and the
checks judge only what a scan shows reliably (``ReadDocument.scan``).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.errors import RejectedInput
from core.vietnamese import normalize_text

EMU_PER_MM = 36000
PT_PER_MM = 72 / 25.4
Zone = str  # "header_left" | "header_right" | "body" | "body_table" | "closing_left" | "closing_right"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_COHOA = re.compile(r"C[ỘO]NG\s+H[ÒOÓ]A\s+X[ÃA]\s+H[ỘO]I", re.I)


@dataclass
class Line:
    """One printed line (a paragraph of a .docx, a run of words on one baseline of a PDF)."""

    text: str
    zone: Zone = "body"
    font: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    align: str | None = None
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    page: int = 1

    @property
    def center(self) -> float | None:
        return None if self.x0 is None or self.x1 is None else (self.x0 + self.x1) / 2


@dataclass
class ReadDocument:
    """``source``: docx | pdf | scan. ``margins_mm`` (top, bottom, left, right, as far as measured) and
    ``paper_mm``; ``area`` the text area's (x0, x1) in points on a PDF; ``notes`` what was not judged."""

    source: str
    lines: list[Line]
    margins_mm: dict[str, float] = field(default_factory=dict)
    paper_mm: tuple[float, float] | None = None
    area: tuple[float, float] | None = None
    notes: list[str] = field(default_factory=list)
    has_header_table: bool = False

    @property
    def scan(self) -> bool:
        return self.source == "scan"


READ_LIMITS_TIMEOUT_S = 120.0
READ_LIMITS_MEMORY = 2 * 1024 ** 3


def read_untrusted(name: str, data: bytes) -> ReadDocument:
    """``read_document`` in a child process under time and memory limits: an uploaded file that would hang or
    inflate costs that file (a one-line refusal), never the service."""
    from core.child_process import ChildProcessError, ChildTimeout, Limits
    from core.child_worker import call_in_child

    try:
        return call_in_child(read_document, name, data, name="format-check",
                             limits=Limits(timeout_s=READ_LIMITS_TIMEOUT_S, memory_bytes=READ_LIMITS_MEMORY))
    except ChildTimeout:
        raise RejectedInput(f"đọc tệp quá {READ_LIMITS_TIMEOUT_S:g} giây: đã dừng") from None
    except ChildProcessError as exc:
        raise RejectedInput(f"không đọc được tệp ({exc.summary[:120]})") from None


def read_document(name: str, data: bytes) -> ReadDocument:
    """Read a .docx, .doc or .pdf; anything else, or a file that is not what its name says or that cannot be
    read, is refused with a ``RejectedInput`` naming the reason."""
    try:
        return _read(name, data)
    except RejectedInput:
        raise
    except Exception as exc:  # a parser's own error on a malformed file is a refusal, not a server error
        raise RejectedInput(f"không đọc được tệp: {type(exc).__name__}") from None


def _read(name: str, data: bytes) -> ReadDocument:
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "docx":
        return read_docx(data)
    if suffix == "doc":
        from connectors.doc_convert import doc_to_docx

        return read_docx(doc_to_docx(data))
    if suffix == "pdf":
        return read_pdf(data)
    raise RejectedInput(f"{name}: chỉ kiểm tra được tệp .docx, .doc hoặc .pdf")


# --- .docx ---------------------------------------------------------------------------------------------------

class _Styles:
    """Word's property resolution for a run: run → character style → paragraph style chain → defaults
    (→ the theme's fonts when a font is given as a theme slot)."""

    def __init__(self, styles_xml: Any, theme_fonts: dict[str, str]) -> None:
        self.by_id: dict[str, Any] = {}
        self.default_para: str | None = None
        self.defaults = None
        self.theme = theme_fonts
        if styles_xml is None:
            return
        for style in styles_xml.iter(f"{_W}style"):
            sid = style.get(f"{_W}styleId")
            self.by_id[sid] = style
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
                self.default_para = sid
        self.defaults = styles_xml.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")

    def chain(self, style_id: str | None) -> list[Any]:
        out: list[Any] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style.find(f"{_W}rPr"))
            based = style.find(f"{_W}basedOn")
            style_id = based.get(f"{_W}val") if based is not None else None
        return out

    def font_of(self, rfonts: Any) -> str | None:
        if rfonts is None:
            return None
        for attr in ("ascii", "hAnsi"):
            if rfonts.get(f"{_W}{attr}"):
                return rfonts.get(f"{_W}{attr}")
        for attr in ("asciiTheme", "hAnsiTheme"):
            slot = rfonts.get(f"{_W}{attr}")
            if slot:
                return self.theme.get("major" if slot.startswith("major") else "minor")
        return None


def _toggle(rpr: Any, tag: str) -> bool | None:
    if rpr is None:
        return None
    el = rpr.find(f"{_W}{tag}")
    if el is None:
        return None
    return el.get(f"{_W}val") not in ("0", "false", "off")


def _run_props(run: Any, para_rprs: list[Any], styles: _Styles) -> tuple[str | None, float | None, bool, bool]:
    rpr = run.find(f"{_W}rPr")
    chain = [rpr]
    if rpr is not None and rpr.find(f"{_W}rStyle") is not None:
        chain += styles.chain(rpr.find(f"{_W}rStyle").get(f"{_W}val"))
    chain += para_rprs + [styles.defaults]
    font = size = bold = italic = None
    for props in chain:
        if props is None:
            continue
        if font is None:
            font = styles.font_of(props.find(f"{_W}rFonts"))
        if size is None and props.find(f"{_W}sz") is not None:
            size = int(props.find(f"{_W}sz").get(f"{_W}val")) / 2
        if bold is None:
            bold = _toggle(props, "b")
        if italic is None:
            italic = _toggle(props, "i")
    return font, size if size is not None else 10.0, bool(bold), bool(italic)


def _majority(values: list[tuple[Any, int]]) -> Any:
    counts: Counter[Any] = Counter()
    for value, weight in values:
        counts[value] += weight
    return counts.most_common(1)[0][0] if counts else None


def _paragraph_lines(p: Any, zone: Zone, styles: _Styles) -> list[Line]:
    ppr = p.find(f"{_W}pPr")
    style_id = None
    align = None
    if ppr is not None:
        ps = ppr.find(f"{_W}pStyle")
        style_id = ps.get(f"{_W}val") if ps is not None else None
        jc = ppr.find(f"{_W}jc")
        align = jc.get(f"{_W}val") if jc is not None else None
    style_id = style_id or styles.default_para
    if align is None:
        for sid in [style_id]:
            style = styles.by_id.get(sid) if sid else None
            jc = style.find(f"{_W}pPr/{_W}jc") if style is not None else None
            align = jc.get(f"{_W}val") if jc is not None else None
    align = {"both": "justify", "start": "left", "end": "right", None: "left"}.get(align, align)
    para_rprs = styles.chain(style_id)
    pieces: list[list[tuple[str, tuple]]] = [[]]
    for run in p.iter(f"{_W}r"):
        props = _run_props(run, para_rprs, styles)
        for child in run:
            if child.tag == f"{_W}t":
                pieces[-1].append((child.text or "", props))
            elif child.tag == f"{_W}tab":
                pieces[-1].append(("\t", props))
            elif child.tag in (f"{_W}br", f"{_W}cr"):
                pieces.append([])
    out: list[Line] = []
    for piece in pieces:
        text = normalize_text("".join(t for t, _ in piece)).strip()
        weights = [(props, len(t.strip())) for t, props in piece if t.strip()]
        if not text or not weights:
            continue
        out.append(Line(text=text, zone=zone, font=_majority([(w[0][0], w[1]) for w in weights]),
                        size=_majority([(w[0][1], w[1]) for w in weights]),
                        bold=_majority([(w[0][2], w[1]) for w in weights]),
                        italic=_majority([(w[0][3], w[1]) for w in weights]), align=align))
    return out


def _theme_fonts(data: bytes) -> dict[str, str]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        name = next((n for n in z.namelist() if n.startswith("word/theme/") and n.endswith(".xml")), None)
        if name is None:
            return {}
        root = etree.fromstring(z.read(name))
    out = {}
    for slot in ("major", "minor"):
        latin = root.find(f".//{_A}{slot}Font/{_A}latin")
        if latin is not None and latin.get("typeface"):
            out[slot] = latin.get("typeface")
    return out


def _cell_texts(tbl: Any) -> str:
    return " ".join(t.text or "" for t in tbl.iter(f"{_W}t"))


def read_docx(data: bytes) -> ReadDocument:
    """Lines of a .docx with zones from its header table (the first table holding the Quốc hiệu or "Số:") and
    its closing table (the last one holding "Nơi nhận")."""
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a damaged package
        raise RejectedInput(f"tệp .docx hỏng hoặc không phải Word: {type(exc).__name__}") from None
    styles = _Styles(document.styles.element, _theme_fonts(data))
    body = document.element.body
    tables = [c for c in body if c.tag == f"{_W}tbl"]
    header = next((t for t in tables[:2] if _COHOA.search(_cell_texts(t)) or re.search(r"\bSố\s*:", _cell_texts(t))),
                  None)
    closing = next((t for t in reversed(tables) if "Nơi nhận" in normalize_text(_cell_texts(t))), None)
    lines: list[Line] = []
    for child in body:
        if child.tag == f"{_W}p":
            lines += _paragraph_lines(child, "body", styles)
        elif child.tag == f"{_W}tbl":
            side = "header" if child is header else "closing" if child is closing else None
            for row in child.findall(f"{_W}tr"):
                cells = row.findall(f"{_W}tc")
                for i, cell in enumerate(cells):
                    zone = "body_table" if side is None else f"{side}_{'left' if i == 0 else 'right'}"
                    for p in cell.iter(f"{_W}p"):
                        lines += _paragraph_lines(p, zone, styles)
    section = document.sections[0]
    margins = {}
    for side in ("top", "bottom", "left", "right"):
        value = getattr(section, f"{side}_margin")
        if value is not None:
            margins[side] = round(value / EMU_PER_MM, 1)
    paper = None
    if section.page_width is not None and section.page_height is not None:
        paper = (round(section.page_width / EMU_PER_MM, 1), round(section.page_height / EMU_PER_MM, 1))
    return ReadDocument("docx", lines, margins, paper, has_header_table=header is not None)


# --- PDF -----------------------------------------------------------------------------------------------------

def font_family(fontname: str) -> str:
    """"ABCDEF+TimesNewRomanPS-BoldItalicMT" → "timesnewroman"; "LiberationSerif-Bold" → "liberationserif"."""
    name = fontname.split("+", 1)[-1]
    name = re.split(r"[-,]", name)[0]
    name = re.sub(r"(PS)?MT$|PS$", "", name)
    name = re.sub(r"(Bold|Italic|Oblique|Regular)+$", "", name)
    return name.replace(" ", "").lower()


def _rows(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into printed lines by their vertical middle (a capital with a tone mark may carry
    a taller box than its neighbours, so grouping by the box top splits "TỈNH" into "T NH" and "Ỉ")."""
    rows: list[tuple[float, float, list[dict[str, Any]]]] = []
    for c in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        mid = (c["top"] + c["bottom"]) / 2
        if rows and rows[-1][0] - 1 <= mid <= rows[-1][1] + 1 and abs(mid - (rows[-1][0] + rows[-1][1]) / 2) \
                < 0.45 * max(c["size"], 6):
            top, bottom, row = rows[-1]
            rows[-1] = (min(top, c["top"]), max(bottom, c["bottom"]), row + [c])
        else:
            rows.append((c["top"], c["bottom"], [c]))
    return [r for _, _, r in rows]


def _join_blanks(groups: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """A gap left for the number or the day ("Số:      /TB-UBND", "ngày      tháng 11") is a blank to fill
    by hand, not a column gap: the pieces around it stay one line."""
    out: list[list[dict[str, Any]]] = []
    for g in groups:
        text = "".join(c["text"] for c in out[-1]).strip() if out else ""
        if out and (text.endswith("Số:") or text.endswith("ngày") or text.endswith("tháng")):
            out[-1] = out[-1] + [{**g[0], "text": " "}] + g
        else:
            out.append(g)
    return out


def _segments(chars: list[dict[str, Any]], page_no: int) -> list[Line]:
    """Printed lines cut where a gap is wider than three spaces (two columns on one line)."""
    out: list[Line] = []
    for row in _rows([c for c in chars if c["text"].strip() or c["text"] == " "]):
        row.sort(key=lambda c: c["x0"])
        groups: list[list[dict[str, Any]]] = [[]]
        prev_end = None
        for c in row:
            if prev_end is not None and c["x0"] - prev_end > 1.5 * max(c["size"], 6) and groups[-1]:
                groups.append([])
            if c["text"].strip():
                groups[-1].append(c)
                prev_end = c["x1"]
            elif groups[-1]:
                groups[-1].append(c)
        groups = _join_blanks(groups)
        for g in groups:
            while g and not g[-1]["text"].strip():
                g.pop()
            glyphs = [c for c in g if c["text"].strip()]
            if not glyphs:
                continue
            text = ""
            last = None
            for c in g:
                if last is not None and c["text"].strip() and c["x0"] - last > 0.2 * c["size"] and \
                        not text.endswith(" "):
                    text += " "
                text += c["text"]
                if c["text"].strip():
                    last = c["x1"]
            out.append(Line(
                text=" ".join(normalize_text(text).split()),
                font=_majority([(font_family(c["fontname"]), 1) for c in glyphs]),
                size=round(_majority([(round(c["size"] * 2) / 2, 1) for c in glyphs]), 1),
                bold=_majority([("bold" in c["fontname"].lower(), 1) for c in glyphs]),
                italic=_majority([(any(k in c["fontname"].lower() for k in ("italic", "oblique")), 1)
                                  for c in glyphs]),
                x0=glyphs[0]["x0"], x1=glyphs[-1]["x1"], top=min(c["top"] for c in glyphs), page=page_no))
    return out


_STARTS = ("Số", "Độc lập", "V/v", "CỘNG", "Kính gửi")


def _join_wrapped(lines: list[Line]) -> list[Line]:
    """A header element wrapped in its narrow column ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" / "NAM", "…, ngày 15
    tháng 11" / "năm 2026") read as one line: the next line of the same zone, size and style just below."""
    out: list[Line] = []
    last: dict[str, Line] = {}
    for ln in lines:
        prev = last.get(ln.zone) if ln.zone.startswith("header") else None
        if (prev is not None and prev.top is not None and ln.top is not None and prev.size and ln.size == prev.size
                and (ln.bold, ln.italic) == (prev.bold, prev.italic) and 0 < ln.top - prev.top <= 1.6 * prev.size
                and not ln.text.startswith(_STARTS) and not _is_rule_text(prev.text) and not _is_rule_text(ln.text)
                and not prev.text.endswith(("VIỆT NAM", "Hạnh phúc"))):
            prev.text = f"{prev.text} {ln.text}"
            prev.x0, prev.x1 = min(prev.x0 or 0, ln.x0 or 0), max(prev.x1 or 0, ln.x1 or 0)
            prev.top = ln.top  # the next wrapped piece is measured from this one
            continue
        out.append(ln)
        last[ln.zone] = ln
    return out


def _is_rule_text(text: str) -> bool:
    return bool(re.fullmatch(r"[\s_\-–—=.*]+", text))


def read_pdf(data: bytes) -> ReadDocument:
    """Lines of a PDF with zones from their x positions: the header band (down to the date line) split at the
    middle of the text area, the closing block (from "Nơi nhận") likewise; a PDF without a text layer is a
    scan."""
    import pdfplumber

    from connectors.pdf_pages import is_garbage

    if not data.startswith(b"%PDF"):
        raise RejectedInput("tệp .pdf không phải PDF")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for a damaged file
        raise RejectedInput(f"tệp .pdf hỏng: {type(exc).__name__}") from None
    with pdf:
        if not pdf.pages:
            raise RejectedInput("tệp .pdf không có trang nào")
        first = pdf.pages[0]
        text = first.extract_text() or ""
        if is_garbage(text) or sum(ch.isalpha() for ch in text) < 200:
            return ReadDocument("scan", [], notes=["bản quét (không có lớp chữ): không đo được phông, cỡ chữ, lề và "
                                                   "vị trí; số và ngày thường viết tay"])
        width, height = float(first.width), float(first.height)
        lines: list[Line] = []
        for number, page in enumerate(pdf.pages[:8], 1):
            lines += _segments(page.chars, number)
    return _pdf_document(lines, width, height)


def _pdf_document(lines: list[Line], width: float, height: float) -> ReadDocument:
    page1 = [ln for ln in lines if ln.page == 1]
    long_lines = [ln for ln in lines if ln.x0 is not None and ln.x1 is not None and len(ln.text) > 60]
    lefts = [round(ln.x0) for ln in lines if ln.x0 is not None and len(ln.text) > 3]
    # The left edge is where wrapped lines and the Nơi nhận list start (a first line may be indented, a title
    # is centred): the leftmost x that two lines share; the right edge where three justified lines end.
    left_edge = next((x for x in sorted(set(lefts)) if sum(abs(y - x) <= 1 for y in lefts) >= 2), None)
    rights = [round(ln.x1) for ln in long_lines]
    right_edge = max(set(rights), key=rights.count) if rights else None
    if right_edge is not None and rights.count(right_edge) < 2:
        right_edge = None
    area = (float(left_edge) if left_edge is not None else 30 * PT_PER_MM,
            float(right_edge) if right_edge is not None else width - 15 * PT_PER_MM)
    middle = (area[0] + area[1]) / 2
    date_at = next((i for i, ln in enumerate(page1) if re.search(r"ngày\s+\S*\s*tháng", ln.text)
                    and ln.top is not None and ln.top < height * 0.4), None)
    # the band ends with the date line, or the "năm 2026" it wrapped onto in a narrow column
    band_end = page1[date_at].top + 1.3 * (page1[date_at].size or 13) if date_at is not None else None
    for ln in page1:
        if band_end is not None and ln.top is not None and ln.top <= band_end:
            ln.zone = "header_left" if (ln.center or 0) < middle else "header_right"
    lines = _join_wrapped(lines)
    label = next((ln for ln in reversed(lines) if ln.text.startswith("Nơi nhận")), None)
    if label is not None:
        for ln in lines:
            if ln.page == label.page and ln.top is not None and ln.top >= label.top - 1:
                ln.zone = "closing_left" if (ln.center or 0) < middle else "closing_right"
    margins: dict[str, float] = {}
    if left_edge is not None:
        margins["left"] = round(left_edge / PT_PER_MM, 1)
    if right_edge is not None:
        margins["right"] = round((width - right_edge) / PT_PER_MM, 1)
    tops = [ln.top for ln in page1 if ln.top is not None]
    if tops:
        margins["top"] = round(min(tops) / PT_PER_MM, 1)
    doc = ReadDocument("pdf", lines, margins, (round(width / PT_PER_MM, 1), round(height / PT_PER_MM, 1)), area,
                       has_header_table=band_end is not None)
    if "left" not in margins or "right" not in margins:
        doc.notes.append("lề trái/phải không đo được (không đủ dòng dài xuống dòng, canh đều)")
    doc.notes.append("lề dưới không đo trên PDF (trang cuối có thể không đầy)")
    return doc
