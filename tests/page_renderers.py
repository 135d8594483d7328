"""Renderers of a ``tests.scanned_documents.Layout``: a text PDF, 300-dpi page images (clean or degraded, with a
red seal, rotated), a scanned PDF of those images, a PDF mixing text pages and scanned ones, and a .docx."""

from __future__ import annotations

import io
import math
import random

from tests.scanned_documents import DPI, FONT, FONT_BOLD, PAGE_H, PAGE_W, Layout, Official, Rule, Text, seal_box

_FONTS: dict[tuple[bool, int], object] = {}


def _font(bold: bool, px: int):  # noqa: ANN202 - a PIL font
    from PIL import ImageFont

    if (bold, px) not in _FONTS:
        _FONTS[(bold, px)] = ImageFont.truetype(str(FONT_BOLD if bold else FONT), px)
    return _FONTS[(bold, px)]


def page_image(lay: Layout, page: int, dpi: int = DPI):  # noqa: ANN201 - a PIL image
    """The page drawn in black on white at ``dpi`` (greyscale)."""
    from PIL import Image, ImageDraw

    k = dpi / 72
    img = Image.new("L", (round(PAGE_W * k), round(PAGE_H * k)), 255)
    draw = ImageDraw.Draw(img)
    for item in lay.items:
        if item.page != page:
            continue
        if isinstance(item, Text):
            draw.text((item.x * k, item.y * k), item.text, fill=0, font=_font(item.bold, round(item.size * k)),
                      anchor="ls")
        elif isinstance(item, Rule):
            draw.line([(item.x0 * k, item.y0 * k), (item.x1 * k, item.y1 * k)], fill=0, width=max(1, round(k)))
    return img


def degrade(img, *, skew: float = 1.2, blur: float = 0.8, noise: float = 0.02, seed: int = 0):  # noqa: ANN001,ANN201
    """A photocopy: rotated by ``skew`` degrees, blurred, with salt-and-pepper ``noise`` (share of pixels)."""
    import numpy as np
    from PIL import Image, ImageFilter

    out = img.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        arr = np.array(out)
        rng = np.random.default_rng(seed)
        mask = rng.random(arr.shape)
        arr[mask < noise / 2] = 0
        arr[mask > 1 - noise / 2] = 255
        out = Image.fromarray(arr)
    return out


def with_red_seal(img, lay: Layout, signer: str, dpi: int = DPI):  # noqa: ANN001,ANN201
    """The page in colour with a red round seal stamped half over the signer's name; the ink multiplies with
    the page as a real stamp does (text under it stays dark)."""
    from PIL import Image, ImageChops, ImageDraw

    page, x, y = seal_box(lay, signer)
    k = dpi / 72
    page_rgb = img.convert("RGB")
    out = Image.new("RGB", page_rgb.size, (255, 255, 255))
    draw = ImageDraw.Draw(out)
    cx, cy, r = (x - 10) * k, (y - 30) * k, 48 * k
    for w in range(round(3 * k)):
        draw.ellipse([cx - r + w, cy - r + w, cx + r - w, cy + r - w], outline=(215, 30, 35))
    draw.ellipse([cx - r * 0.72, cy - r * 0.72, cx + r * 0.72, cy + r * 0.72], outline=(215, 30, 35),
                 width=round(1.5 * k))
    star = [(cx + r * 0.3 * math.cos(math.pi / 2 + i * 4 * math.pi / 5),
             cy - r * 0.3 * math.sin(math.pi / 2 + i * 4 * math.pi / 5)) for i in range(5)]
    draw.polygon(star, fill=(215, 30, 35))
    draw.text((cx - r * 0.6, cy + r * 0.35), "HÀ TĨNH", fill=(220, 40, 40), font=_font(True, round(9 * k)))
    del page
    return ImageChops.multiply(page_rgb, out)


def png_bytes(img, fmt: str = "PNG") -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    img.save(out, format=fmt, dpi=(DPI, DPI), **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def tiff_bytes(images: list) -> bytes:
    out = io.BytesIO()
    images[0].save(out, format="TIFF", save_all=True, append_images=images[1:], dpi=(DPI, DPI),
                   compression="tiff_deflate")
    return out.getvalue()


def scan_pdf(images: list) -> bytes:
    """A PDF of page images only, as a scanner writes it: no text layer."""
    out = io.BytesIO()
    rgb = [im.convert("RGB") for im in images]
    rgb[0].save(out, format="PDF", save_all=True, append_images=rgb[1:], resolution=DPI)
    return out.getvalue()


def text_pdf(lay: Layout, scanned: dict[int, object] | None = None) -> bytes:
    """The layout as a PDF with a text layer; pages in ``scanned`` are drawn as that image instead (no text)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_BOLD)))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H))
    for page in range(1, lay.pages + 1):
        if scanned and page in scanned:
            c.drawImage(ImageReader(scanned[page]), 0, 0, PAGE_W, PAGE_H)
        for item in (i for i in lay.items if i.page == page and not (scanned and page in scanned)):
            if isinstance(item, Text):
                c.setFont("DejaVuSans-Bold" if item.bold else "DejaVuSans", item.size)
                c.drawString(item.x, PAGE_H - item.y, item.text)
            elif isinstance(item, Rule):
                c.line(item.x0, PAGE_H - item.y0, item.x1, PAGE_H - item.y1)
        c.showPage()
    c.save()
    return out.getvalue()


def docx_bytes(doc: Official, image: bytes | None = None) -> bytes:
    """The document in Word: header and closing blocks as two-column tables, the appendix as a table;
    ``image`` (a PNG) is placed after the articles, as a pasted scan of an attachment would be."""
    import docx
    from docx.shared import Inches

    d, m, y = doc.ngay
    out = docx.Document()

    def two_columns(left: list[str], right: list[str]) -> None:
        table = out.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)

    two_columns(([doc.chu_quan] if doc.chu_quan else []) + [doc.ban_hanh, f"Số: {doc.so_hieu}"],
                ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 f"{doc.dia_danh}, ngày {d:02d} tháng {m:02d} năm {y}"])
    for line in [doc.loai, doc.trich_yeu, *doc.can_cu, "QUYẾT ĐỊNH:", *doc.articles]:
        out.add_paragraph(line)
    if image:
        out.add_picture(io.BytesIO(image), width=Inches(6))
    two_columns(["Nơi nhận:", *doc.noi_nhan], [doc.quyen_han, doc.chuc_vu, doc.nguoi_ky])
    if doc.table:
        out.add_paragraph("PHỤ LỤC")
        table = out.add_table(rows=len(doc.table), cols=len(doc.table[0]))
        for r, row in enumerate(doc.table):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        out.add_paragraph("")  # Word always ends a body with a paragraph; a .doc export loses a last table
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def noise_seed(name: str) -> int:
    return random.Random(name).randint(0, 10_000)
