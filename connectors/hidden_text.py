"""Text a file holds outside its reading flow, read for the secrecy gate only (``ExtractedText.hidden``).

Why: an adversary puts the stamp where the body reader does not look: a Word watermark (VML ``v:textpath``),
a footnote, a comment, an altChunk, a form value, a picture of any size; an HTML ``::before`` rule, SVG text, an
input's value; a PDF sticky note, a form field, rotated text, a small stamp image; red ink on a scan (the OCR
removes red before reading). These lines are never indexed; a stamp among them holds the file for review
(``core.secrecy.gate_decision``). Each reader is bounded: the package was size-checked before, pictures and
pages are capped, and OCR runs only on pictures and red ink that can carry a word.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from core.extracted_text import ExtractedText, TextBlock

MAX_PICTURES = 24  # pictures OCR'd for the gate per file (a stamp is one picture, not a photo album)
MIN_PICTURE = (40, 16)  # pixels: smaller cannot carry a readable word
MIN_RED_PIXELS = 400
# The body reader OCRs docx pictures from this size (``docx_images.MIN_SIZE``) and PDF images from this share of
# the page (``pdf_pages.IMAGE_SHARE``) with red removed: the gate reads the rest's ink and every picture's red.
MIN_DOCX_PICTURE = (300, 120)  # red pixels on a page under which there is no red word to read
_ATTRS = ("string", "descr", "title", "alt", "aria-label", "placeholder", "value", "content", "label")
_CSS_CONTENT = re.compile(r"content\s*:\s*(['\"])(.*?)\1", re.S)


def _blocks(lines: list[str], page: int = 0) -> list[TextBlock]:
    return [TextBlock(" ".join(line.split()), page=page) for line in lines if line.strip()]


# ---------------------------------------------------------------- docx


def docx_hidden(data: bytes) -> list[TextBlock]:
    """Every XML part's paragraphs and text-bearing attributes (watermark strings, alt text, form defaults and
    list entries), altChunk HTML, and the OCR of every picture (small ones too)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    lines: list[str] = []
    pictures: list[bytes] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            low = name.lower()
            if low.endswith(".xml"):
                try:
                    root = etree.fromstring(package.read(name), parser=parser)
                except etree.XMLSyntaxError:
                    continue
                lines.extend(_xml_lines(root))
            elif low.endswith((".htm", ".html", ".mht", ".xhtml")):
                from connectors.text_decoding import decode_text

                lines.extend(b.text for b in html_hidden_parts(decode_text(package.read(name))))
            elif low.endswith((".txt", ".rtf")):
                lines.extend(package.read(name).decode("utf-8", "replace").splitlines())
            elif low.startswith("word/media/") and len(pictures) < MAX_PICTURES:
                pictures.append(package.read(name))
    return _blocks(lines) + picture_blocks(pictures, read_ink_below=MIN_DOCX_PICTURE)


def _xml_lines(root: Any) -> list[str]:
    lines = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag == "p":
            lines.append("".join(t.text or "" if not t.tag.endswith("}tab") else "\t"
                                 for t in el.iter() if isinstance(t.tag, str) and t.tag.endswith(("}t", "}tab"))))
        for key, value in el.attrib.items():
            local = key.rsplit("}", 1)[-1]
            if local in _ATTRS or (local == "val" and tag in ("default", "listEntry", "result")):
                lines.append(value)
    return lines


# ---------------------------------------------------------------- html


def html_hidden_parts(markup: str) -> list[TextBlock]:
    """CSS ``content:`` strings, SVG text, form values and options, text-bearing attributes, and every line of
    the page (the page's own body included, so an embedded page is read whole)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    lines: list[str] = []
    for style in soup.find_all("style"):
        lines.extend(m.group(2) for m in _CSS_CONTENT.finditer(style.get_text()))
    for tag in soup.find_all(True):
        for key, value in tag.attrs.items():
            if key == "style":
                lines.extend(m.group(2) for m in _CSS_CONTENT.finditer(str(value)))
            elif key in _ATTRS and isinstance(value, str):
                lines.append(value)
    for tag in soup.find_all(["svg", "textarea", "option", "select"]):
        lines.extend(tag.get_text("\n").splitlines())
    lines.extend(soup.get_text("\n").splitlines())
    return _blocks(lines)


# ---------------------------------------------------------------- pdf


def pdf_hidden(data: bytes, max_pages: int, red_ink: dict[int, tuple[int, Any, Any]] | None = None) -> list[TextBlock]:
    """Annotations and form values (pypdf), runs of rotated characters, small images OCR'd, and the red ink of
    pages that are pictures; one page at a time, at most ``max_pages``. ``red_ink``: the red ink of scanned
    pages the page OCR already rendered at this resolution (``ExtractedText.red_ink``), used for a page whose
    one picture covers it and that has no annotation (which this render would draw and the OCR's does not)."""
    import pdfplumber

    out: list[TextBlock] = []
    out += _pdf_annotations(data)
    pictures: list[tuple[int, Any, bool]] = []
    known = red_ink or {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[:max_pages]:
            out += _rotated_runs(page)
            whole = page.page_number in known and not page.page_obj.annots and len(page.images) == 1
            for im in page.images:
                if len(pictures) < MAX_PICTURES:
                    box = (max(0, im["x0"]), max(0, im["top"]),
                           min(page.width, im["x1"]), min(page.height, im["bottom"]))
                    if box[2] - box[0] >= 8 and box[3] - box[1] >= 4:
                        large = (box[2] - box[0]) * (box[3] - box[1]) >= 0.05 * float(page.width * page.height)
                        if whole and _covers(box, page):
                            pictures.append((page.page_number, None, False))
                        else:
                            pictures.append((page.page_number, box, not large))
    if pictures:
        out += _pdf_pictures(data, pictures, known)
    return out


def _covers(box: tuple[float, ...], page: Any) -> bool:
    """The picture's box is the whole page (to a point), so the page's render is the picture's crop."""
    return max(abs(box[0]), abs(box[1]), abs(box[2] - float(page.width)), abs(box[3] - float(page.height))) <= 1.0


def _pdf_annotations(data: bytes) -> list[TextBlock]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    lines: list[TextBlock] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        for number, page in enumerate(reader.pages, 1):
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                for key in ("/Contents", "/V", "/TU", "/T", "/RC"):
                    value = annot.get(key)
                    if isinstance(value, str):
                        lines += _blocks(value.splitlines(), number)
        for field in (reader.get_fields() or {}).values():
            value = field.get("/V")
            if isinstance(value, str):
                lines += _blocks([value])
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        pass
    return lines


def _rotated_runs(page: Any) -> list[TextBlock]:
    """Characters drawn under a rotation (a diagonal or vertical stamp), joined run by run in drawing order."""
    runs: list[str] = []
    current: list[str] = []
    for char in page.chars:
        a, b, c, d = (round(v, 2) for v in char["matrix"][:4])
        if b or c:
            current.append(char["text"])
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return _blocks(runs, page.page_number)


def _pdf_pictures(data: bytes, pictures: list[tuple[int, Any, bool]],
                  known: dict[int, tuple[int, Any, Any]]) -> list[TextBlock]:
    """Each picture cut from its page rendered at 300 dpi; a picture without a box is a whole scanned page
    whose red ink the page OCR already took (``known``: ``pdf_hidden``)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        images = []
        scale = 300 / 72
        rendered: dict[int, Any] = {}
        for number, box, read_ink in pictures:
            if box is None:
                images.append((number, known[number], False))
                continue
            if number not in rendered:
                rendered = {number: doc[number - 1].render(scale=scale).to_pil()}  # one page held at a time
            img = rendered[number]
            images.append((number, img.crop(tuple(round(v * scale) for v in box)), read_ink))
    finally:
        doc.close()
    return picture_blocks_of(images)


def picture_blocks(pictures: list[bytes], read_ink_below: tuple[int, int]) -> list[TextBlock]:
    """The OCR of pictures given as file bytes (unreadable ones skipped): the ink of those smaller than
    ``read_ink_below`` (the body reader skips them), the red ink of all."""
    from PIL import Image, UnidentifiedImageError

    images = []
    for raw in pictures:
        try:
            img = Image.open(io.BytesIO(raw))
            if img.width * img.height <= 40_000_000:
                img.load()
                small = img.width < read_ink_below[0] or img.height < read_ink_below[1]
                images.append((0, img, small))
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            continue
    return picture_blocks_of(images)


def picture_blocks_of(images: list[tuple[int, Any, bool]]) -> list[TextBlock]:
    """Each picture's ink (dark or red: a stamp may be either) OCR'd, small ones enlarged; red ink of a
    full page read on its own, since the page's OCR drops red before reading."""
    from connectors.ocr import ocr_missing, ocr_pages
    from connectors.stamp_images import ink_view, red_view

    if ocr_missing() is not None:
        return []
    views: list[tuple[int, Any]] = []
    done: dict[int, list[TextBlock]] = {}  # views the page OCR already read, by their place in ``views``
    for page, img, read_ink in images[:MAX_PICTURES]:
        if isinstance(img, tuple):  # a scanned page's red ink, taken by the page OCR: (red pixels, view, blocks)
            count, view, blocks = img
            if count >= MIN_RED_PIXELS and view is not None:
                if blocks is not None:
                    done[len(views)] = blocks
                views.append((page, view))
            continue
        if img.width < MIN_PICTURE[0] or img.height < MIN_PICTURE[1]:
            continue
        if read_ink:
            views.append((page, ink_view(img)))
        red = red_view(img, MIN_RED_PIXELS)
        if red is not None:
            views.append((page, red))
    todo = [v for i, v in enumerate(views) if i not in done]
    reads = iter(ocr_pages(todo, [0]) if todo else [])
    out: list[TextBlock] = []
    for i in range(len(views)):
        if i in done:
            out += done[i]
        else:
            read = next(reads)
            out += [TextBlock(b.text, b.cells, 0, read.page) for _, b in read.blocks]
    return out


def add_hidden(parts: ExtractedText, suffix: str, data: bytes, max_pages: int) -> ExtractedText:
    """``parts`` with the hidden text of the file added (the one call ``connectors.extractors`` makes)."""
    if suffix in (".docx", ".doc"):
        parts.hidden += docx_hidden(data)
    elif suffix in (".html", ".htm"):
        from connectors.text_decoding import decode_text

        parts.hidden += html_hidden_parts(decode_text(data))
    elif suffix == ".pdf":
        parts.hidden += pdf_hidden(data, max_pages, parts.red_ink)
    elif suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
        parts.hidden += _scan_red_ink(data, max_pages)
    parts.red_ink = {}  # the pages' red ink served the gate only: it does not go back with the text
    return parts


def _scan_red_ink(data: bytes, max_pages: int) -> list[TextBlock]:
    from PIL import Image, ImageSequence

    from connectors.image_pages import MAX_PIXELS

    img = Image.open(io.BytesIO(data))  # already checked and decoded once by ``image_pages``
    if img.width * img.height > MAX_PIXELS:
        return []
    from connectors.stamp_images import red_view

    views = []
    for n, frame in enumerate(ImageSequence.Iterator(img), 1):
        if n > max_pages:
            break
        red = red_view(frame.copy(), MIN_RED_PIXELS)
        if red is not None:
            views.append((n, red))
    if not views:
        return []
    from connectors.ocr import ocr_pages

    return [TextBlock(b.text, b.cells, 0, read.page) for read in ocr_pages(views, [0]) for _, b in read.blocks]
