"""A generated set of files bearing a secrecy stamp the way an adversary hides it (issue 28), for
``benchmarks/stamp_gate.py``: every form the attack pass used, each in two or more variants.

    python benchmarks/stamped_files.py OUT_DIR      # writes the files and OUT_DIR/cases.jsonl

Why generated and committed before the gate changes: the gate is tuned on one half (``half`` = "tune") and
reported on the other ("held-out") as well, so the set must not be shaped after the gate. Everything is
deterministic (no randomness): the same commit writes the same files. Forms:
red-ink box on a scan; Word watermark (VML textpath); a picture of the stamp in the body, the header, or a small
one; a small stamp image on a PDF page; "MẬT   KHẨN", MẬT + tab + KHẨN, "Độ mật: Mật    Độ khẩn: Thượng khẩn";
MẬT on the line of "Số:"; MẬT after the tên loại, at the end, after a first line "Điều 1."; footnote, comment,
altChunk, PDF sticky note, rotated text, CSS ``::before``, SVG text, form values; look-alikes (Cyrillic, Greek,
full-width, math bold), U+3164, U+FE0F, combining overline; the same through .doc; a stamp line in an article
JSONL record; "TỐI\\u00adMẬT" on the line of "Số:".
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
LEVELS = ("MẬT", "TỐI MẬT", "TUYỆT MẬT")
HEAD = ["UBND TỈNH HÀ TĨNH", "SỞ Y TẾ", "Số: 12/QĐ-SYT"]
TITLE = ["QUYẾT ĐỊNH", "Về việc ban hành quy chế phối hợp kiểm tra an toàn thực phẩm"]
ARTICLES = [
    "Điều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp kiểm tra an toàn thực phẩm trên địa bàn tỉnh.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    "Điều 3. Chánh Văn phòng Sở, Trưởng các phòng và các đơn vị có liên quan chịu trách nhiệm thi hành.",
]
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = f'xmlns:w="{_W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Case:
    """One generated file: its name, the form of hiding, the stamp it bears and which half it belongs to."""

    name: str
    form: str
    stamp: str
    half: str


def lines_doc(stamp_line: str | None = None, where: str = "head") -> list[str]:
    """A decision's lines with ``stamp_line`` placed: "head" (under Số), "so" (on the Số line), "after_title"
    (after the trích yếu), "end" (after the last article), "dieu1" (the file starts "Điều 1.")."""
    head, title, arts = list(HEAD), list(TITLE), list(ARTICLES)
    if where == "dieu1":
        return [arts[0], stamp_line or "", *arts[1:]]
    if where == "so":
        head[-1] = f"{head[-1]}{stamp_line}"
        return head + title + arts
    if where == "head":
        head.append(stamp_line or "")
    elif where == "after_title":
        title.append(stamp_line or "")
    elif where == "end":
        arts.append(stamp_line or "")
    return head + title + arts


# ---------------------------------------------------------------- writers of plain formats


def txt(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def html(lines: list[str], extra_head: str = "", header_html: str = "") -> bytes:
    body = "".join(f"<p>{line}</p>" for line in lines)
    return (f"<html><head><meta charset='utf-8'>{extra_head}</head><body>{header_html}<main>{body}</main>"
            "</body></html>").encode()


def docx(lines: list[str], *, header: str = "") -> bytes:
    import docx as pydocx

    doc = pydocx.Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    for line in lines:
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _font(px: int, bold: bool = True):  # noqa: ANN202 - a PIL font
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_BOLD if bold else FONT), px)


def stamp_png(text: str, *, size: tuple[int, int] = (600, 220), color: tuple[int, int, int] = (0, 0, 0)) -> bytes:
    """A picture of a stamp: the word in a box, as a văn thư's rubber stamp prints it."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle([6, 6, w - 7, h - 7], outline=color, width=max(2, h // 40))
    font = _font(int(h * 0.45))
    draw.text((w / 2, h / 2), text, fill=color, font=font, anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def scan_page(lines: list[str], stamp: str, *, red: bool = True):  # noqa: ANN201 - a PIL image
    """An A4 page at 300 dpi: the decision in black, a boxed stamp under the Số line in red (or black) ink."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (2480, 3508), "white")
    draw = ImageDraw.Draw(img)
    y = 260
    for i, line in enumerate(lines):
        draw.text((250, y), line, fill=(0, 0, 0), font=_font(50, bold=i < 2))
        y += 90
        if line.startswith("Số:"):
            color = (205, 20, 30) if red else (0, 0, 0)
            box_w = 120 + 62 * len(stamp)
            draw.rectangle([250, y, 250 + box_w, y + 130], outline=color, width=9)
            draw.text((250 + box_w / 2, y + 65), stamp, fill=color, font=_font(80), anchor="mm")
            y += 190
    return img


def png(img) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _pdf_canvas():  # noqa: ANN202
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    out = io.BytesIO()
    return canvas.Canvas(out, pagesize=(595, 842)), out


def pdf(lines: list[str], extra: Callable[[object], None] | None = None) -> bytes:
    """A text PDF of the lines (DejaVu, 12 pt); ``extra`` draws more on the page (an image, an annotation)."""
    c, out = _pdf_canvas()
    y = 780
    for line in lines:
        c.setFont("DejaVuSans", 12)
        parts = line.split("\t")
        for k, part in enumerate(parts):  # a tab is a jump to the next column, as in Word's PDF export
            c.drawString(60 + 250 * k, y, part)
        y -= 22
    if extra:
        extra(c)
    c.showPage()
    c.save()
    return out.getvalue()


def scan_pdf(img) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    img.save(out, format="PDF", resolution=300)
    return out.getvalue()


# ---------------------------------------------------------------- docx parts python-docx does not write


def patch_docx(data: bytes, *, files: dict[str, str | bytes] | None = None, rels: list[tuple[str, str, str]] = (),
               types: list[tuple[str, str]] = (), body_xml: str = "", header_xml: str = "") -> bytes:
    """The package with parts added: ``rels`` (id, type, target) on the main part, ``types`` (part, content
    type) overrides, ``body_xml`` inserted as the body's first child, ``header_xml`` as a default header."""
    out = io.BytesIO()
    files = dict(files or {})
    rels = list(rels)
    if header_xml:
        files["word/header9.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {_NS} {_VNS}>{header_xml}</w:hdr>'
        rels.append(("rIdH9", f"{_REL}/header", "header9.xml"))
        types = [*types, ("/word/header9.xml",
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml")]
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                extra = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in rels)
                content = content.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                extra = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in types)
                content = content.replace(b"</Types>", extra.encode() + b"</Types>")
            elif item.filename == "word/document.xml":
                text = content.decode()
                if body_xml:
                    start = text.index("<w:body>") + len("<w:body>")
                    text = text[:start] + body_xml + text[start:]
                if header_xml:
                    at = text.index(">", text.index("<w:sectPr")) + 1
                    text = text[:at] + '<w:headerReference w:type="default" r:id="rIdH9"/>' + text[at:]
                content = text.encode()
            dst.writestr(item, content)
        for name, value in files.items():
            dst.writestr(name, value if isinstance(value, bytes) else value.encode())
    return out.getvalue()


_VNS = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def docx_watermark(stamp: str) -> bytes:
    """A watermark as Word writes it: a WordArt shape (type 136) whose ``v:textpath`` carries the word."""
    shape = ('<w:p><w:r><w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
             'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
             '<v:textpath on="t" fitshape="t"/></v:shapetype>'
             f'<v:shape id="PowerPlusWaterMarkObject" o:spid="_x0000_s2049" type="#_x0000_t136" '
             f'style="position:absolute;rotation:315;width:400pt;height:120pt" fillcolor="silver" stroked="f">'
             f'<v:textpath style="font-family:&quot;Times New Roman&quot;;font-size:1pt" string="{stamp}"/>'
             '</v:shape></w:r></w:p>')
    return patch_docx(docx(lines_doc()), header_xml=shape.replace("</v:shape></w:r>", "</v:shape></w:pict></w:r>"))


def docx_footnote(stamp: str) -> bytes:
    notes = (f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes {_NS}><w:footnote w:id="1"><w:p><w:r>'
             f'<w:t>{stamp}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    body = '<w:p><w:r><w:t>Văn bản này</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
    return patch_docx(docx(lines_doc()), files={"word/footnotes.xml": notes},
                      rels=[("rIdF1", f"{_REL}/footnotes", "footnotes.xml")],
                      types=[("/word/footnotes.xml", "application/vnd.openxmlformats-officedocument."
                              "wordprocessingml.footnotes+xml")], body_xml=body)


def docx_comment(stamp: str) -> bytes:
    comments = (f'<?xml version="1.0" encoding="UTF-8"?><w:comments {_NS}><w:comment w:id="0" w:author="VT">'
                f'<w:p><w:r><w:t>{stamp}</w:t></w:r></w:p></w:comment></w:comments>')
    body = '<w:p><w:r><w:t>Ghi chú</w:t></w:r><w:r><w:commentReference w:id="0"/></w:r></w:p>'
    return patch_docx(docx(lines_doc()), files={"word/comments.xml": comments},
                      rels=[("rIdC1", f"{_REL}/comments", "comments.xml")],
                      types=[("/word/comments.xml", "application/vnd.openxmlformats-officedocument."
                              "wordprocessingml.comments+xml")], body_xml=body)


def docx_altchunk(stamp: str) -> bytes:
    chunk = f"<html><body><p>{stamp}</p><p>Phụ lục kèm theo</p></body></html>"
    return patch_docx(docx(lines_doc()), files={"word/afchunk.htm": chunk},
                      rels=[("rIdA1", f"{_REL}/aFChunk", "afchunk.htm")],
                      types=[("/word/afchunk.htm", "text/html")], body_xml='<w:altChunk r:id="rIdA1"/>')


def docx_picture(stamp: str, where: str, size: tuple[int, int] = (600, 220)) -> bytes:
    import docx as pydocx
    from docx.shared import Inches

    doc = pydocx.Document()
    picture = io.BytesIO(stamp_png(stamp, size=size))
    if where == "header":
        doc.sections[0].header.paragraphs[0].add_run().add_picture(picture, width=Inches(size[0] / 300))
    for i, line in enumerate(lines_doc()):
        doc.add_paragraph(line)
        if where == "body" and i == 2:
            doc.add_paragraph().add_run().add_picture(picture, width=Inches(size[0] / 300))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- PDFs with a stamp off the text layer


def pdf_small_image(stamp: str) -> bytes:
    from reportlab.lib.utils import ImageReader

    image = ImageReader(io.BytesIO(stamp_png(stamp, size=(360, 130))))
    return pdf(lines_doc(), lambda c: c.drawImage(image, 60, 660, 90, 32))


def pdf_sticky_note(stamp: str) -> bytes:
    return pdf(lines_doc(), lambda c: c.textAnnotation(stamp, Rect=(400, 760, 420, 780), addtopage=1))


def pdf_rotated(stamp: str, angle: int) -> bytes:
    def draw(c) -> None:  # noqa: ANN001
        c.saveState()
        c.translate(420, 700)
        c.rotate(angle)
        c.setFont("DejaVuSans", 28)
        c.drawString(0, 0, stamp)
        c.restoreState()

    return pdf(lines_doc(), draw)


def pdf_form_value(stamp: str) -> bytes:
    def draw(c) -> None:  # noqa: ANN001
        c.acroForm.textfield(name="do_mat", value=stamp, x=400, y=740, width=120, height=24, fontName="Helvetica")

    return pdf(lines_doc(), draw)


# ---------------------------------------------------------------- HTML


def html_css_before(stamp: str) -> bytes:
    style = f"<style>.dm::before {{ content: \"{stamp}\"; color: red; }}</style>"
    return html(lines_doc(), extra_head=style, header_html='<header><div class="dm"></div></header>')


def html_svg(stamp: str) -> bytes:
    svg = f'<svg width="200" height="60"><text x="10" y="40">{stamp}</text></svg>'
    return html(lines_doc(), header_html=f"<header>{svg}</header>")


def html_form(stamp: str, kind: int) -> bytes:
    field = (f'<input type="text" name="do_mat" value="{stamp}" readonly>' if kind == 0 else
             f'<select name="do_mat"><option>Thường</option><option selected value="{stamp}">{stamp}</option></select>')
    return html(lines_doc(), header_html=f"<header><form>{field}</form></header>")


# ---------------------------------------------------------------- the set


LOOKALIKES = {
    "cyrillic": ("\u041cẬ\u0422", "\u041c\u0410\u0323\u0302\u0422", "Т\u041eI \u041cẬ\u0422"),
    "greek": ("\u039cẬ\u03a4", "\u039c\u0391\u0323\u0302\u03a4", "TUYỆ\u03a4 \u039cẬ\u03a4"),
    "fullwidth": ("\uff2dẬ\uff34", "\uff34\uff2fI \uff2dẬ\uff34", "\uff2d\uff21\u0323\u0302\uff34"),
    "math_bold": ("\U0001d40c\U0001d400\u0323\u0302\U0001d413", "\U0001d413\U0001d40e\U0001d408 \U0001d40cẬ\U0001d413",
                  "\U0001d40cẬ\U0001d413"),
    "hangul_filler": ("M\u3164Ậ\u3164T", "\u3164MẬT\u3164", "TỐI\u3164MẬT"),
    "variation_selector": ("M\ufe0fẬ\ufe0fT", "MẬT\ufe0f", "TỐI M\ufe0fẬT"),
    "combining_overline": ("M\u0305Ậ\u0305T\u0305", "MẬ\u0305T", "T\u0305Ố\u0305I\u0305 M\u0305Ậ\u0305T\u0305"),
}


def builders() -> list[tuple[str, str, str, Callable[[], bytes]]]:
    """(form, stamp, file suffix, builder) for every generated file, in a fixed order."""
    out: list[tuple[str, str, str, Callable[[], bytes]]] = []

    def add(form: str, stamp: str, suffix: str, build: Callable[[], bytes]) -> None:
        out.append((form, stamp, suffix, build))

    for lv, (fmt, wrap) in zip(LEVELS, [("png", png), ("png", png), ("pdf", scan_pdf)], strict=True):
        add("scan_red_box", lv, fmt, lambda lv=lv, wrap=wrap: wrap(scan_page(lines_doc(), lv)))
    for lv in LEVELS:
        add("docx_watermark", lv, "docx", lambda lv=lv: docx_watermark(lv))
        add("docx_picture_body", lv, "docx", lambda lv=lv: docx_picture(lv, "body"))
        add("docx_picture_header", lv, "docx", lambda lv=lv: docx_picture(lv, "header"))
        add("pdf_small_image", lv, "pdf", lambda lv=lv: pdf_small_image(lv))
    add("docx_picture_small", "MẬT", "docx", lambda: docx_picture("MẬT", "body", (240, 90)))
    add("docx_picture_small", "TỐI MẬT", "docx", lambda: docx_picture("TỐI MẬT", "header", (260, 90)))
    line_forms: list[tuple[str, str, str]] = [
        ("line_spaced_khan", "{lv}   KHẨN", "head"),
        ("line_tab_khan", "{lv}\tKHẨN", "head"),
        ("line_do_mat_do_khan", "Độ mật: {lvc}    Độ khẩn: Thượng khẩn", "head"),
        ("so_line", "      {lv}", "so"),
        ("after_ten_loai", "{lv}", "after_title"),
        ("at_end", "{lv}", "end"),
        ("after_dieu1", "{lv}", "dieu1"),
    ]
    writers = {"txt": lambda ls: txt(ls), "docx": lambda ls: docx(ls), "pdf": lambda ls: pdf(ls),
               "html": lambda ls: html(ls)}
    for form, pattern, where in line_forms:
        for lv, fmt in zip(LEVELS, ("txt", "docx", "pdf" if form != "after_ten_loai" else "html"), strict=True):
            line = pattern.format(lv=lv, lvc=lv.capitalize())
            add(form, lv, fmt, lambda line=line, where=where, fmt=fmt: writers[fmt](lines_doc(line, where)))
    for k, lv in enumerate(LEVELS[:2]):
        add("docx_footnote", lv, "docx", lambda lv=lv: docx_footnote(lv))
        add("docx_comment", lv, "docx", lambda lv=lv: docx_comment(lv))
        add("docx_altchunk", lv, "docx", lambda lv=lv: docx_altchunk(lv))
        add("pdf_sticky_note", lv, "pdf", lambda lv=lv: pdf_sticky_note(lv))
        add("html_css_before", lv, "html", lambda lv=lv: html_css_before(lv))
        add("html_svg_text", lv, "html", lambda lv=lv: html_svg(lv))
        add("html_form_value", lv, "html", lambda lv=lv, k=k: html_form(lv, k))
    add("pdf_rotated", "MẬT", "pdf", lambda: pdf_rotated("MẬT", 45))
    add("pdf_rotated", "TỐI MẬT", "pdf", lambda: pdf_rotated("TỐI MẬT", 90))
    add("pdf_form_value", "MAT", "pdf", lambda: pdf_form_value("MAT"))
    for kind, forms in LOOKALIKES.items():
        for stamp, fmt in zip(forms, ("txt", "docx", "html"), strict=True):
            add(f"lookalike_{kind}", stamp, fmt, lambda stamp=stamp, fmt=fmt: writers[fmt](lines_doc(stamp)))
    add("so_line_soft_hyphen", "TỐI MẬT", "txt", lambda: txt(lines_doc("    TỐI\u00adMẬT", "so")))
    add("so_line_soft_hyphen", "TỐI MẬT", "docx", lambda: docx(lines_doc("\tTỐI\u00adMẬT", "so")))
    for i, lv in enumerate(LEVELS[:2]):
        add("jsonl_article", lv, "jsonl", lambda lv=lv, i=i: articles_jsonl(lv, i))
    for form, build in (("doc_watermark", lambda: docx_watermark("MẬT")),
                        ("doc_lookalike", lambda: docx(lines_doc("\u041cẬ\u0422"))),
                        ("doc_spaced_khan", lambda: docx(lines_doc("TỐI MẬT   KHẨN")))):
        add(form, "MẬT", "doc", build)  # converted below, all in one LibreOffice run
    return out


def articles_jsonl(stamp: str, i: int) -> bytes:
    law = f"Quy chế nội bộ số {7 + i}"
    rows = [{"_id": f"{law}||1", "law_id": law, "article_id": "1", "text": "Phạm vi điều chỉnh\n\nQuy chế này quy định"
             " việc quản lý hồ sơ."},
            {"_id": f"{law}||2", "law_id": law, "article_id": "2",
             "text": f"Đối tượng áp dụng\n\n{stamp}\nQuy chế áp dụng với cán bộ của Sở."}]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def _to_doc(docx_files: list[Path], out_dir: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("stamped_files: LibreOffice (soffice) is needed for the .doc cases")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "doc",
                        "--outdir", str(out_dir), *map(str, docx_files)], check=True, capture_output=True,
                       timeout=300)


def generate(out_dir: Path) -> list[Case]:
    """Write every case into ``out_dir`` and ``cases.jsonl``; halves alternate within each form."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    seen: dict[str, int] = {}
    pending_doc: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (form, stamp, suffix, build) in enumerate(builders(), 1):
            k = seen[form] = seen.get(form, -1) + 1
            name = f"{n:03d}_{form}_{k}.{suffix}"
            if suffix == "doc":
                src = Path(tmp) / name.replace(".doc", ".docx")
                src.write_bytes(build())
                pending_doc.append(src)
            else:
                (out_dir / name).write_bytes(build())
            cases.append(Case(name, form, stamp, "tune" if (k + len(form)) % 2 == 0 else "held-out"))
        if pending_doc:
            _to_doc(pending_doc, out_dir)
    (out_dir / "cases.jsonl").write_text("".join(json.dumps(asdict(c), ensure_ascii=False) + "\n" for c in cases),
                                         encoding="utf-8")
    return cases


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python benchmarks/stamped_files.py OUT_DIR")
    made = generate(Path(sys.argv[1]))
    print(f"{len(made)} stamped files in {sys.argv[1]} "
          f"({sum(c.half == 'tune' for c in made)} tune, {sum(c.half == 'held-out' for c in made)} held-out, "
          f"{len({c.form for c in made})} forms)")
