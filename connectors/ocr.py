"""Text out of page images with Tesseract (Debian's ``tesseract-ocr`` + ``tesseract-ocr-vie``), page by page.

Why this shape: a province's archive is mostly scans of signed paper. Before OCR each page loses its red seal
(strongly red pixels become paper, so the signer's name under the stamp is read), is turned upright (Tesseract's
OSD: 90°/180°/270°, asked only of landscape pages and of pages read with low confidence, as it costs
1.4 s a page) and deskewed (the angle that makes text rows sharpest); Tesseract then runs as a program
under ``core.child_process.run_command`` limits, one single-threaded process per page with two pages at a time
(faster on 2 cores than one process using both: measured 1.6 s vs 5.6 s wall per 300-dpi page), and its words
with boxes go through ``connectors.page_layout`` so header and closing blocks come out as the docx's cells.
A missing Tesseract or language pack is a rejection naming the Debian package to install.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from connectors.handwriting import read_digits
from connectors.official_layout import read_header
from connectors.page_layout import Word, layout_blocks
from connectors.scan_cleanup import LEVEL_FROM, drop_rules, level, median3, split_red
from core.child_process import ChildProcessError, Limits, run_command
from core.errors import RejectedInput
from core.extracted_text import TextBlock

OCR_LANGUAGE = "vie"
OCR_DPI = 300
BODY_DPI = 200  # pages between the first and the last: body text reads as well, Tesseract takes ~1/2 the time
PAGE_LIMITS = Limits(timeout_s=90.0, memory_bytes=1024 * 1024 * 1024)
PARALLEL_PAGES = 2
# psm 4 (one column of lines of varying size): the words' boxes are regrouped by ``page_layout`` anyway, and
# unlike the automatic psm 3 it keeps a table's lone row numbers ("1", "2", "3"), which psm 3 drops as noise.
PAGE_SEGMENTATION = "4"
WIDE_CROP = 0.8  # line heights either side of a handwritten number's box that the digit recogniser also sees
RETRY_BELOW = 70.0  # mean confidence under which a page is checked for rotation (OSD) and read again
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd"


@dataclass
class OcrPage:
    """One page's text blocks (each with ``page`` set), mean word confidence 0–100, and what was corrected."""

    page: int
    blocks: list[tuple[float, TextBlock]] = field(default_factory=list)
    confidence: float = 0.0
    rotated: int = 0
    skew: float = 0.0
    words: list[Word] = field(default_factory=list)  # in pixels of the upright, levelled page
    size: tuple[int, int] = (0, 0)
    header: dict = field(default_factory=dict)  # page 1 of an official document read by position
    dpi: int = OCR_DPI
    image: object = None  # the cleaned page (seal and rules gone) of a full-resolution page: its lines re-read
    # (red pixels, their view for the secrecy gate: ``stamp_images.red_view_of``, the view's text blocks when
    # it was read here) of a page asked for it
    red: tuple[int, object, list[TextBlock] | None] | None = None


@functools.lru_cache(maxsize=8)
def _missing(path_env: str, tessdata: str) -> str | None:
    del path_env, tessdata  # cache keys: a changed PATH or TESSDATA_PREFIX is looked at again
    if shutil.which("tesseract") is None:
        return f"cần cài tesseract-ocr và tesseract-ocr-vie để nhận dạng chữ (OCR) bản quét ({INSTALL_HINT})"
    try:
        out = run_command(["tesseract", "--list-langs"], limits=Limits(timeout_s=30.0)).stdout.decode()
    except ChildProcessError:
        out = ""
    if OCR_LANGUAGE not in out.split():
        return f"cần cài tesseract-ocr-vie (gói tiếng Việt của Tesseract) để nhận dạng chữ bản quét ({INSTALL_HINT})"
    return None


def ocr_missing() -> str | None:
    """What must be installed for OCR, as a message; None when Tesseract with Vietnamese is there."""
    return _missing(os.environ.get("PATH", ""), os.environ.get("TESSDATA_PREFIX", ""))


def require_ocr(what: str) -> None:
    if (missing := ocr_missing()) is not None:
        raise RejectedInput(f"{what}: {missing}")


def _tesseract(png: bytes, *args: str, dpi: int = OCR_DPI) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    argv = ["tesseract", "stdin", "stdout", "--dpi", str(dpi), *args]
    try:
        return run_command(argv, input=png, limits=PAGE_LIMITS, env=env).stdout.decode("utf-8", "replace")
    except ChildProcessError as exc:
        raise RejectedInput(f"nhận dạng chữ thất bại ({exc.summary[:120]})") from None


def _pgm(img) -> bytes:  # noqa: ANN001 - a PIL image
    """Uncompressed greyscale for Tesseract's stdin: no PNG encoding to pay for."""
    import io

    out = io.BytesIO()
    img.convert("L").save(out, format="PPM")
    return out.getvalue()


def upright(img) -> tuple[object, int]:  # noqa: ANN001
    """The page turned so text reads left to right (Tesseract OSD), and by how many degrees it was turned."""
    small = img.reduce(2) if min(img.size) > 1600 else img
    try:
        out = _tesseract(_pgm(small), "--psm", "0", "-l", "osd")
    except RejectedInput:
        return img, 0  # too little text to tell: leave it as it is
    rotate = next((int(x.split(":")[1]) for x in out.splitlines() if x.startswith("Rotate:")), 0)
    return (img.rotate(-rotate, expand=True, fillcolor=255) if rotate else img), rotate


def _read(grey, dpi: int = OCR_DPI) -> tuple[list[Word], float]:  # noqa: ANN001
    words = words_of_tsv(_tesseract(_pgm(grey), "-l", OCR_LANGUAGE, "--psm", PAGE_SEGMENTATION, "--oem", "1",
                                    "-c", "tessedit_do_invert=0", "tsv", dpi=dpi))
    scored = [(w.conf, len(w.text)) for w in words if w.conf >= 0]
    return words, sum(c * n for c, n in scored) / max(1, sum(n for _, n in scored))


def words_of_tsv(tsv: str) -> list[Word]:
    """Tesseract's TSV rows of level 5 (words) with their boxes and confidence."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) == 12 and cols[0] == "5" and cols[11].strip():
            left, top, w, h, conf = (float(c) for c in cols[6:11])
            words.append(Word(cols[11].strip(), left, top, left + w, top + h, conf))
    return words


def ocr_page(img, page: int, table_ids: list[int], header: bool = False,  # noqa: ANN001
             red: int | None = None) -> OcrPage:
    """One page image read: blocks in reading order with their top (pixels), and its mean confidence. With
    ``header`` the page is also read by position as an official document's first page (``official_layout``);
    with ``red`` its red ink is kept as the secrecy gate reads it (``OcrPage.red``), from the mask the seal's
    removal makes anyway, and read right away when it has ``red`` pixels or more (as the gate would read it:
    ``hidden_text.picture_blocks_of``), so that reading runs beside the other page's."""
    grey, mask = split_red(img)
    grey, rotated = median3(grey), 0
    asked = grey.width > grey.height
    if asked:  # a landscape scan of a portrait page: turn it before anything else
        grey, rotated = upright(grey)
    grey, angle = level(grey)
    dpi = round(img.info.get("dpi", (OCR_DPI, OCR_DPI))[0])  # what the page was rendered at (PDF pages)
    clean = drop_rules(grey)
    words, confidence = _read(clean, dpi)
    # upside down or sideways reads as low-confidence noise; a landscape page was asked already (OSD said 0:
    # asking again costs ~0.3 s for the same answer, on every wide picture of red ink the secrecy gate reads)
    if confidence < RETRY_BELOW and not rotated and not asked:
        turned, rotated = upright(grey)
        if rotated:
            grey, angle = level(turned)
            clean = drop_rules(grey)
            words, confidence = _read(clean, dpi)
    out = OcrPage(page, layout_blocks(words, page=page, table_ids=table_ids), round(confidence, 1), rotated, angle,
                  words, grey.size, dpi=dpi, image=clean if dpi >= OCR_DPI else None)
    if red is not None:
        count, view = red_of(mask)
        blocks = None
        if view is not None and count >= red:
            blocks = [TextBlock(b.text, b.cells, 0, page) for _, b in ocr_page(view, page, [0]).blocks]
        out.red = (count, view, blocks)
    if header:
        try:
            out.header = _read_header(img, out)
        except (RejectedInput, ValueError, IndexError, ZeroDivisionError):
            out.header = {}  # a page that cannot be read by position still gives its text
    return out


def red_of(mask) -> tuple[int, object]:  # noqa: ANN001 - the "L" mask of ``split_red`` or None
    """How many red pixels a page has and their view (``stamp_images.red_view_of``; None without any)."""
    import numpy as np

    from connectors.stamp_images import red_view_of

    if mask is None:
        return 0, None
    ink = np.asarray(mask) > 0
    count = int(ink.sum())
    return count, (red_view_of(ink, 1) if count else None)


def _read_header(img, page: OcrPage) -> dict:  # noqa: ANN001
    """Page 1 by position, the handwritten number and day read from the colour page turned like the grey one."""
    from PIL import Image

    colour = img.convert("RGB")
    if page.rotated:
        colour = colour.rotate(-page.rotated, expand=True, fillcolor=(255, 255, 255))
    if abs(page.skew) >= LEVEL_FROM:
        colour = colour.rotate(page.skew, resample=Image.Resampling.BILINEAR, expand=True,
                               fillcolor=(255, 255, 255))

    def digits(read: str, box: tuple[float, float, float, float], most: int) -> tuple[str | None, float, str]:
        x0, top, x1, bottom = box
        h = bottom - top
        if x1 <= x0:
            return read_digits(read, 0.0, None, most)
        y0, y1 = round(top - 0.6 * h), round(bottom + 0.4 * h)
        crop = colour.crop((round(x0), y0, round(x1), y1))
        # the box's left edge is estimated from the printed word's width: a hand's first digit often starts
        # left of it ("1" opened by an up-stroke), so the recogniser sees a wider cut and keeps the strokes
        # mostly inside the box (``handwriting.strokes``)
        margin = round(WIDE_CROP * h)
        wide = colour.crop((max(0, round(x0) - margin), y0, round(x1) + margin, y1))
        conf = min((w.conf for w in page.words if x0 - 2 <= w.x0 and w.x1 <= x1 + 2 and top - h <= w.top <= bottom),
                   default=0.0)
        return read_digits(read, conf, crop, most, wide=(wide, round(x0) - max(0, round(x0) - margin)),
                           highest=31 if most == 2 else None, slash=most > 2)  # two digits: the day's box

    return read_header(page.words, page.size[0], page.size[1], digits,
                       reread=lambda boxes: reread_lines(page.image, boxes, page.dpi) if page.image else [])


def reread_lines(clean, boxes: Sequence[tuple[float, float, float, float]],  # noqa: ANN001
                 dpi: int = OCR_DPI) -> list[list[tuple[str, float]]]:
    """The lines in ``boxes`` (pixels of the cleaned page) read again, each cut out and read alone as one line
    (psm 7): a bold header line read inside the whole page loses or swaps its marks ("Hiên" for "Hiền") and
    its marks come loose as words of their own (".^A bô r‹ nhiệm"); as one line it reads right far more
    often (stacked into one image, psm 6 splits the marks off again). All crops go to one Tesseract run
    through a list of image files (the model is loaded once: ~0.05 s a line instead of ~0.35 s). Each line's
    words with their confidence; none for a line that gave nothing."""
    import tempfile

    if not boxes:
        return []
    with tempfile.TemporaryDirectory(prefix="reread-") as tmp:
        names = []
        for i, (x0, top, x1, bottom) in enumerate(boxes):
            h = max(1.0, bottom - top)
            crop = clean.crop((max(0, round(x0 - 0.6 * h)), max(0, round(top - 0.35 * h)),
                               min(clean.width, round(x1 + 0.6 * h)), min(clean.height, round(bottom + 0.35 * h))))
            name = os.path.join(tmp, f"{i:03d}.pgm")
            crop.convert("L").save(name, format="PPM", dpi=(dpi, dpi))
            names.append(name)
        listing = os.path.join(tmp, "lines.txt")
        with open(listing, "w", encoding="utf-8") as fh:
            fh.write("\n".join(names) + "\n")
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        argv = ["tesseract", listing, "stdout", "--dpi", str(dpi), "-l", OCR_LANGUAGE, "--psm", "7", "--oem", "1",
                "tsv"]
        try:
            tsv = run_command(argv, limits=PAGE_LIMITS, env=env).stdout.decode("utf-8", "replace")
        except ChildProcessError:
            return [[] for _ in boxes]
    out: list[list[tuple[str, float]]] = [[] for _ in boxes]
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) == 12 and cols[0] == "5" and cols[1].isdigit() and cols[11].strip():
            at = int(cols[1]) - 1
            if 0 <= at < len(out):
                out[at].append((float(cols[6]), cols[11].strip(), float(cols[10])))  # type: ignore[arg-type]
    return [[(t, c) for _, t, c in sorted(words)] for words in out]  # type: ignore[misc]


def read_halves(clean, dpi: int = OCR_DPI, split: float = 0.45) -> list[Word]:  # noqa: ANN001
    """The cleaned page read again as two columns, each half cut out and read alone (psm 4), words in page
    pixels. Why: read whole, a closing block beside the "Nơi nhận" list can lose its lines ("Nơi nhận:",
    "CHỦ TỊCH" gone, the signer's name merged into a list line); each column alone reads them."""
    cut = round(split * clean.width)
    words: list[Word] = []
    for x0, x1 in ((0, cut), (cut, clean.width)):
        try:
            tsv = _tesseract(_pgm(clean.crop((x0, 0, x1, clean.height))), "-l", OCR_LANGUAGE, "--psm",
                             PAGE_SEGMENTATION, "--oem", "1", "tsv", dpi=dpi)
        except RejectedInput:
            continue
        words += [Word(w.text, w.x0 + x0, w.top, w.x1 + x0, w.bottom, w.conf) for w in words_of_tsv(tsv)]
    return words


def ocr_pages(images: Iterable[tuple[int, object]], table_ids: list[int], header_page: int | None = None,
              keep_images: Iterable[int] = (), keep_red: Iterable[int] = (),
              read_red_from: int = 1) -> list[OcrPage]:
    """Pages OCR'd two at a time (each Tesseract single-threaded); table numbers follow page order. The page
    numbered ``header_page`` is also read by position as an official document's first page; the pages numbered
    in ``keep_images`` keep their cleaned image (``OcrPage.image``) for lines to be read again, those in
    ``keep_red`` their red ink for the secrecy gate (``OcrPage.red``, read when it has ``read_red_from``
    pixels or more). An image may be given as a function
    that makes it (a PDF page rendered): it is called in the worker, so one page renders while another is
    read."""
    items = list(images)
    local: list[list[int]] = [[0] for _ in items]
    keep, red = set(keep_images), set(keep_red)

    def one(a: tuple[tuple[int, object], list[int]]) -> OcrPage:
        number, img = a[0]
        if callable(img):
            img = img()
        page = ocr_page(img, number, a[1], number == header_page, red=read_red_from if number in red else None)
        if page.page not in keep:  # a page image is ~9 MB at 300 dpi: only pages read again later keep theirs
            page.image = None
        return page

    with ThreadPoolExecutor(max_workers=PARALLEL_PAGES) as pool:
        pages = list(pool.map(one, zip(items, local, strict=True)))
    return [_renumber(p, table_ids) for p in pages]


def _renumber(page: OcrPage, table_ids: list[int]) -> OcrPage:
    """Page-local table numbers made document-wide, so no two pages' tables share a number."""
    base, seen = table_ids[0], 0
    blocks = []
    for top, block in page.blocks:
        if block.table:
            seen = max(seen, block.table)
            block = TextBlock(block.text, block.cells, base + block.table, block.page)
        blocks.append((top, block))
    table_ids[0] = base + seen
    page.blocks = blocks
    return page


def mean_confidence(pages: Sequence[OcrPage]) -> float:
    return round(sum(p.confidence for p in pages) / len(pages), 1) if pages else 0.0
