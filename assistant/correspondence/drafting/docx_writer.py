"""A ``Draft`` as a .docx in the layout of Phụ lục I of Nghị định 30/2020: A4, margins 20/20/30/15 mm, Times
New Roman, each element at its size and style (Mục V) and in its place (Mục IV): a two-column header table
(ô 2–3 left: cơ quan, số ký hiệu, V/v; ô 1 and 4 right: Quốc hiệu, Tiêu ngữ, địa danh và ngày), tên loại and
trích yếu centred (ô 5a), the body (ô 6), and a two-column closing table (ô 9b Nơi nhận left, ô 7 signature
right).

Why tables and explicit run properties: Word and LibreOffice both keep a borderless table's columns where
they are (tab stops and text boxes move between the two), and a size, bold or italic written on every run
does not depend on the styles of the program that opens the file; the format check reads the same
properties back.
"""

from __future__ import annotations

import io

from assistant.correspondence.drafting.draft import Draft, basis_intro
from assistant.correspondence.drafting.rules import FONT

LEFT_COL_CM = 6.0
RIGHT_COL_CM = 10.5
CLOSING_LEFT_CM = 7.0
CLOSING_RIGHT_CM = 9.5
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


def rule_line(text: str, share: float = 0.4) -> str:
    """A line of underscores about ``share`` of the width of ``text`` set in upper case bold (an underscore
    is half an em; a capital about 0.7 em): the line under the cơ quan and the trích yếu (1/3 to 1/2)."""
    return "_" * max(4, round(len(text) * 0.7 * share / 0.5))


def _set_fonts(element, name: str) -> None:  # noqa: ANN001 - an lxml rPr parent
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _para(container, text: str, size: float, *, bold: bool = False, italic: bool = False,  # noqa: ANN001
          align: str = "center", before: float = 0, after: float = 0, indent_cm: float = 0.0,
          left_cm: float = 0.0, underline: bool = False):  # noqa: ANN202 - a python-docx Paragraph
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    first = container.paragraphs[0] if container.paragraphs else None
    # a new cell holds one empty paragraph (a cell may not be empty): write into it rather than below it
    fresh = first is not None and not first.runs and len(container.paragraphs) == 1
    paragraph = first if fresh else container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                     "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.0
    if indent_cm:
        fmt.first_line_indent = Cm(indent_cm)
    if left_cm:
        fmt.left_indent = Cm(left_cm)
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.font.bold, run.font.italic = FONT, Pt(size), bold, italic
    run.font.underline = underline
    _set_fonts(run.element, FONT)
    return paragraph


def _table(doc, widths_cm: tuple[float, float]):  # noqa: ANN001,ANN202 - python-docx objects
    from docx.shared import Cm

    table = doc.add_table(rows=0, cols=2)
    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/> in its schema place
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    return table, [Cm(w) for w in widths_cm]


def _row(table, widths) -> tuple:  # noqa: ANN001 - python-docx objects
    cells = table.add_row().cells
    for cell, width in zip(cells, widths, strict=True):
        cell.width = width
    return cells


def render_docx(draft: Draft) -> bytes:
    """The .docx bytes of ``draft``."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    _set_fonts(normal.element, FONT)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            for attr in list(fonts.attrib):
                del fonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attr), FONT)

    header, widths = _table(doc, (LEFT_COL_CM, RIGHT_COL_CM))
    left, right = _row(header, widths)
    if draft.co_quan_chu_quan:
        _para(left, draft.co_quan_chu_quan, 13)
    _para(left, draft.co_quan, 13, bold=True)
    _para(left, rule_line(draft.co_quan), 13)
    _para(right, QUOC_HIEU, 12, bold=True)
    _para(right, TIEU_NGU, 13, bold=True, underline=True)
    left, right = _row(header, widths)
    _para(left, draft.so_line(), 13, before=6)
    if draft.is_cong_van:
        _para(left, f"V/v {draft.trich_yeu}", 12, before=6)
    _para(right, draft.date_line(), 14, italic=True, before=6)

    _para(doc, "", 14)
    if not draft.is_cong_van:
        _para(doc, draft.loai.upper(), 14, bold=True, before=6)
        _para(doc, draft.trich_yeu, 14, bold=True)
        _para(doc, rule_line(draft.trich_yeu, 0.3), 14, after=6)
    if draft.kinh_gui:
        if len(draft.kinh_gui) == 1:
            _para(doc, f"Kính gửi: {draft.kinh_gui[0]}.", 14, before=6, after=6)
        else:
            _para(doc, "Kính gửi:", 14, align="left", left_cm=3.0, before=6)
            for i, name in enumerate(draft.kinh_gui):
                end = "." if i == len(draft.kinh_gui) - 1 else ";"
                _para(doc, f"- {name}{end}", 14, align="left", left_cm=5.2)
            _para(doc, "", 6)
    for line in basis_intro(draft):
        _para(doc, line, 14, italic=True, align="justify", indent_cm=1.0, after=6)
    for sec in draft.sections:
        if sec.heading:
            centred = sec.heading.endswith(":")
            _para(doc, sec.heading, 14, bold=True, align="center" if centred else "justify",
                  indent_cm=0 if centred else 1.0, before=6, after=6)
        for text in sec.paragraphs:
            _para(doc, text, 14, align="justify", indent_cm=1.0, after=6)
        if sec.cites:
            _para(doc, "(Căn cứ để viết: " + "; ".join(sec.cites) + ")", 14, italic=True, align="justify",
                  indent_cm=1.0, after=6)

    closing, widths = _table(doc, (CLOSING_LEFT_CM, CLOSING_RIGHT_CM))
    left, right = _row(closing, widths)
    _para(left, "Nơi nhận:", 12, bold=True, italic=True, align="left", before=12)
    for line in draft.noi_nhan_lines():
        _para(left, line, 11, align="left")
    for line in draft.signer.lines():
        _para(right, line, 14, bold=True, before=12 if line == draft.signer.lines()[0] else 0)
    for _ in range(3):
        _para(right, "", 14)
    _para(right, draft.signer.nguoi_ky, 14, bold=True)
    _para(doc, "", 11)  # Word wants a paragraph between the last table and the section properties
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
