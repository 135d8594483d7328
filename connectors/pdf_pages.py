"""A PDF page by page (pdfplumber): the text layer as lines, ruled tables as rows of cells, the header and
closing blocks as two-column rows (``connectors.page_layout``), each block with its page; a page whose text
layer is empty or garbage is rendered (pypdfium2, 300 dpi) and OCR'd alone, and a large image on a text page
(a pasted scan of an attachment) is OCR'd into the page at its place.

Why pdfplumber and pypdfium2: pdfplumber gives each word's box and finds ruled tables (pypdf gives only a text
stream, columns mixed); pypdfium2 comes with it and renders a page in-process in ~0.2 s, where ``pdftoppm``
costs a program start per page. Both run inside the extraction child (``connectors.extraction_child``).
"""

from __future__ import annotations

import io
import re
import threading

from connectors.extraction_limits import ExtractionLimits
from connectors.hidden_text import MIN_RED_PIXELS
from connectors.ocr import BODY_DPI, OCR_DPI, OcrPage, ocr_missing, ocr_pages, read_halves, require_ocr, reread_lines
from connectors.official_layout import read_header, typed_digits
from connectors.page_layout import Word, layout_blocks
from connectors.pdf_signatures import field_words, read_signatures
from connectors.signature_layout import signature_block
from connectors.sniffing import is_pdf, sniff
from core.errors import RejectedInput
from core.extracted_text import ExtractedText, TextBlock

MIN_TEXT_CHARS = 20  # fewer letters than this on a page under a large picture: a scan (a stamp or page number)
IMAGE_SHARE = 0.05  # an image covering this share of a text page is OCR'd for the text it may carry
_CID = re.compile(r"\(cid:\d+\)")


def is_garbage(text: str) -> bool:
    """A text layer that cannot be read: none at all, or mostly unmapped glyphs ``(cid:12)``, replacement or
    private-use characters."""
    letters = sum(ch.isalpha() for ch in _CID.sub("", text))
    bad = len(_CID.findall(text)) + sum(ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" for ch in text)
    return letters == 0 or bad > 0.2 * letters


def needs_ocr(page) -> bool:  # noqa: ANN001 - a pdfplumber page
    """No usable text layer, or a few letters (a stamp, a page number) over a picture covering half the page."""
    text = page.extract_text() or ""
    if is_garbage(text):
        return True
    if sum(ch.isalpha() for ch in text) >= MIN_TEXT_CHARS:
        return False
    area = float(page.width * page.height)
    return any((im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) >= 0.5 * area for im in page.images)


def _render(doc, number: int, bbox: tuple[float, float, float, float] | None = None,  # noqa: ANN001,ANN202
            dpi: int = OCR_DPI):
    """Page ``number`` of a pypdfium2 document (or a region of it, in PDF points from the top) as an image at
    ``dpi`` (recorded in its ``info``)."""
    # in colour (a red seal is dropped by its colour), without annotations: a digital signature's text overlay
    # ("Ký bởi: …") is read from the signature itself, never as page text
    img = doc[number - 1].render(scale=dpi / 72, draw_annots=False, may_draw_forms=False).to_pil()
    if bbox:
        k = dpi / 72
        img = img.crop(tuple(round(v * k) for v in bbox))
    img.info["dpi"] = (dpi, dpi)
    return img


def _text_blocks(page, table_ids: list[int], filled: list[Word]) -> tuple[list[tuple[float, TextBlock]], list]:  # noqa: ANN001
    """Blocks of a page's text layer (ruled tables as rows, ``filled`` words of signature fields put in), and the
    large images standing on it."""
    tables = page.find_tables()
    inside = [t.bbox for t in tables]

    def outside(w: dict) -> bool:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        return not any(x0 <= cx <= x1 and t <= cy <= b for x0, t, x1, b in inside)

    words = [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], 100.0) for w in page.extract_words()
             if outside(w)] + filled
    blocks = layout_blocks(words, page=page.page_number, table_ids=table_ids)
    for table in tables:
        table_ids[0] += 1
        for row in table.extract():
            cells = [c or "" for c in row]
            if any(c.strip() for c in cells):
                blocks.append((table.bbox[1], TextBlock.row(cells, table=table_ids[0], page=page.page_number)))
    area = float(page.width * page.height)
    images = [im for im in page.images if (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) >= IMAGE_SHARE * area]
    return sorted(blocks, key=lambda b: b[0]), images


def pdf_parts(data: bytes, limits: ExtractionLimits) -> ExtractedText:
    """Every page's blocks in order, with ``page`` set; scanned pages OCR'd. ``ExtractedText.ocr_pages`` holds
    each OCR'd page's confidence. Refused past ``limits.max_pages``, encrypted, damaged, or a scan with no OCR."""
    if not is_pdf(data):
        raise RejectedInput(f"tệp .pdf không phải PDF: nội dung thực là {sniff(data)}")
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            count = len(pdf.pages)
            if count == 0:
                raise RejectedInput("tệp PDF hỏng: không đọc được trang nào")
            if count > limits.max_pages:
                raise RejectedInput(f"PDF có {count} trang, vượt giới hạn {limits.max_pages} trang")
            return _read_pages(pdf, data, count)
    except RejectedInput:
        raise
    except (PdfminerException, PDFPasswordIncorrect) as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower():
            raise RejectedInput("PDF được bảo vệ bằng mật khẩu: không đọc được") from None
        raise RejectedInput(f"tệp PDF hỏng hoặc bị cắt cụt ({type(cause).__name__})") from None
    except (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise RejectedInput(f"tệp PDF hỏng hoặc bị cắt cụt ({type(exc).__name__})") from None


def _read_pages(pdf, data: bytes, count: int) -> ExtractedText:  # noqa: ANN001
    from concurrent.futures import ThreadPoolExecutor

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the signatures are checked while Tesseract reads
        signatures = pool.submit(read_signatures, data)
        try:
            out = _pages(pdf, doc, count, field_words(data))
        finally:
            doc.close()
        out.signatures = signatures.result()
    return out


def _pages(pdf, doc, count: int, filled: dict[int, list[Word]]) -> ExtractedText:  # noqa: ANN001
    table_ids = [0]
    by_page: dict[int, list[tuple[float, TextBlock]]] = {}
    scans: list[int] = []
    pictures: list[tuple[int, dict]] = []
    texts: dict[int, tuple[list[Word], float, float]] = {}
    for page in pdf.pages:
        if needs_ocr(page):
            scans.append(page.page_number)
            continue
        extra = filled.get(page.page_number, [])
        by_page[page.page_number], images = _text_blocks(page, table_ids, extra)
        texts[page.page_number] = (_words(page) + extra, float(page.width), float(page.height))
        pictures += [(page.page_number, im) for im in images]
    if scans:
        require_ocr(f"PDF có {len(scans)}/{count} trang là bản quét (không có lớp văn bản)")
    # the header page, the next one and the last (where the signer's name sits under the seal: an attached draft
    # can follow the document's own signature page) at full resolution, the body between at BODY_DPI
    full = [n for n in scans if n in (1, 2, count)]
    lock = threading.Lock()  # pdfium is not thread-safe: one page renders at a time, beside the other's OCR

    def render(n: int):  # noqa: ANN202
        def make():  # noqa: ANN202
            with lock:
                return _render(doc, n, dpi=OCR_DPI if n in full else BODY_DPI)
        return make

    done: list[OcrPage] = ocr_pages([(n, render(n)) for n in scans], table_ids, header_page=1,
                                    keep_images=(1, 2, count), keep_red=full, read_red_from=MIN_RED_PIXELS)
    for p in done:
        by_page[p.page] = [(top * 72 / p.dpi, b) for top, b in p.blocks]
        texts[p.page] = (p.words, float(p.size[0]), float(p.size[1]))
    layout = _layout(texts, done)
    skipped = 0
    if pictures and ocr_missing() is None:
        crops = [(n, _render(doc, n, (im["x0"], im["top"], im["x1"], im["bottom"]))) for n, im in pictures]
        for (n, im), read in zip(pictures, ocr_pages(crops, table_ids), strict=True):
            if read.blocks and read.confidence >= 50:
                by_page[n] = sorted(by_page[n] + [(im["top"] + top * 72 / OCR_DPI, b)
                                                  for top, b in read.blocks], key=lambda x: x[0])
                done.append(read)
    else:
        skipped = len(pictures)
    body = [b for n in sorted(by_page) for _, b in by_page[n]]
    if not any(b.text.strip() for b in body):
        raise RejectedInput("PDF không có chữ nào đọc được (kể cả sau khi nhận dạng chữ, OCR)")
    meta = {k.casefold(): str(v) for k, v in (pdf.metadata or {}).items()
            if isinstance(v, str) and k in ("Title", "Subject", "Keywords")}
    return ExtractedText(body=body, metadata=meta, page_count=count,
                         ocr_pages={p.page: p.confidence for p in done if p.page in scans},
                         ocr_images=len(done) - len(scans), ocr_skipped_images=skipped, layout=layout,
                         red_ink={p.page: p.red for p in done if p.page in scans and p.red is not None})


def _has_list(page: tuple[list[Word], float, float]) -> bool:
    """Three or more lines in the lower part of the page open with "-" at the left margin (a "Nơi nhận" list)."""
    from connectors.official_layout import lines_of

    words, width, height = page
    return sum(ln.top > 0.3 * height and ln.x0 < 0.3 * width and ln.text.startswith(("-", "–", "+"))
               for ln in lines_of(words)) >= 3


def _words(page) -> list[Word]:  # noqa: ANN001 - a pdfplumber page
    return [Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], 100.0) for w in page.extract_words()]


def _layout(texts: dict[int, tuple[list[Word], float, float]], done: list[OcrPage]) -> dict:
    """Page 1's header and the document's signature block read by position (``official_layout``)."""
    if 1 not in texts:
        return {}
    ocr_first = next((p for p in done if p.page == 1), None)
    if ocr_first is not None:
        layout = dict(ocr_first.header)
        layout["source"] = "ocr"
    else:
        words, width, height = texts[1]
        layout = read_header(words, width, height, typed_digits)
        layout["source"] = "text layer"
    images = {p.page: p for p in done if p.image is not None}

    def again(number: int):  # noqa: ANN202
        page = images.get(sorted(texts)[number - 1])
        return (lambda boxes: reread_lines(page.image, boxes, page.dpi)) if page else None

    order = sorted(texts)
    block = signature_block([texts[n] for n in order], again)
    for n in [max(images)] if images and not block and _has_list(texts[max(images)]) else []:
        # the closing lost in the last page's read, beside a "Nơi nhận" list: the page read again as two columns
        retry = dict(texts)
        retry[n] = (read_halves(images[n].image, images[n].dpi), *texts[n][1:])
        if block := signature_block([retry[k] for k in order], again):
            block["signature_reread"] = "columns"
            break
    layout.update(block)
    return layout
