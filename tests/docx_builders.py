"""Small .docx files built in the tests, with the parts python-docx cannot add by its API (text boxes, content
controls, custom properties) written as the XML Word writes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HEAD = ["UBND TỈNH HÀ TĨNH", "SỞ Y TẾ"]
BODY = ["QUYẾT ĐỊNH", "Về việc ban hành quy chế làm việc", "Điều 1. Ban hành kèm theo Quyết định này quy chế.",
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký."]
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_V = 'xmlns:v="urn:schemas-microsoft-com:vml"'


def _xml(markup: str):  # noqa: ANN202 - an lxml element
    from docx.oxml import parse_xml

    return parse_xml(markup)


def build_docx(body: list[str] | None = None, *, header: str = "", even_header: str = "", footer: str = "",
               header_cells: list[str] | None = None, text_box: str = "", content_control: str = "",
               keywords: str = "", body_table: list[list[str]] | None = None) -> bytes:
    """A Vietnamese decision with the given extras; ``header_cells`` is a one-row table in the page header
    whose cells may hold several lines ("Số: 12/SYT\\nMẬT")."""
    import docx

    doc = docx.Document()
    section = doc.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if even_header:
        doc.settings.odd_and_even_pages_header_footer = True
        section.even_page_header.paragraphs[0].text = even_header
    if footer:
        section.footer.paragraphs[0].text = footer
    if header_cells:
        table = section.header.add_table(1, len(header_cells), doc.sections[0].page_width)
        for i, text in enumerate(header_cells):
            lines = text.split("\n")
            cell = table.cell(0, i)
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    for line in HEAD + (body if body is not None else BODY):
        doc.add_paragraph(line)
    if body_table:
        table = doc.add_table(rows=len(body_table), cols=len(body_table[0]))
        for r, row in enumerate(body_table):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    if text_box:
        doc.paragraphs[0]._p.append(_xml(  # noqa: SLF001 - test builder writes the XML Word writes
            f'<w:r {_W} {_V}><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{text_box}</w:t></w:r>'
            "</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"))
    if content_control:
        doc.element.body.insert(0, _xml(
            f"<w:sdt {_W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>{content_control}</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"))
    if keywords:
        doc.core_properties.keywords = keywords
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def with_custom_property(data: bytes, name: str, value: str) -> bytes:
    """The same package with ``docProps/custom.xml`` holding one string property."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("docProps/custom.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
            'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" '
            f'name="{name}"><vt:lpwstr>{value}</vt:lpwstr></property></Properties>'))
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
