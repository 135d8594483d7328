"""The number and the day a văn thư writes by hand into "Số:      /QĐ-UBND" and "ngày    tháng 02 năm 2025".

Why apart: Tesseract's Vietnamese pass reads handwriting as "Ø2 #", "ố†", "#4", and a wrong number stated as fact
is worse than none. So the box between the printed words is read a second time, alone: the coloured ink only
(a pen is blue or violet, the print black; a black pen keeps the grey crop), enlarged, with Tesseract limited to
digits. A number is stated only when two reads agree (the page pass and the digits pass), or when a printed
(black, high-confidence) number was read; otherwise it is marked unreadable with the confidence it had.
"""

from __future__ import annotations

import os
import re

from core.child_process import ChildProcessError, Limits, run_command

STATE_AT = 0.8  # a reading is stated as fact at or above this confidence, else marked unreadable
PRINTED_CONF = 90.0  # a page-pass number this sure, with no pen ink in its box, is printed text
_LIMITS = Limits(timeout_s=20.0, memory_bytes=512 * 1024 * 1024)


def ink(rgb):  # noqa: ANN001,ANN201 - PIL RGB in, greyscale PIL out (pen strokes black on white)
    """Pixels of coloured ink (blue, violet, green: saturated, not paper) as black; everything else white."""
    import numpy as np
    from PIL import Image

    a = np.asarray(rgb.convert("RGB")).astype(np.int16)
    hi, lo = a.max(axis=2), a.min(axis=2)
    red_only = (a[..., 0] > 120) & (a[..., 0] - a[..., 1] > 60) & (a[..., 0] - a[..., 2] > 60)
    pen = (hi - lo > 45) & (lo < 200) & ~red_only
    return Image.fromarray(np.where(pen, 0, 255).astype(np.uint8))


def ink_share(grey) -> float:  # noqa: ANN001
    import numpy as np

    arr = np.asarray(grey)
    return float((arr < 128).mean()) if arr.size else 0.0


def _digits_pass(grey, max_digits: int) -> tuple[str, float]:  # noqa: ANN001
    """Tesseract on the crop alone, digits only: (digits, mean confidence 0–100)."""
    import io

    from PIL import ImageOps

    img = ImageOps.expand(grey.convert("L"), border=30, fill=255)
    if img.height < 90:
        k = 90 / img.height
        img = img.resize((max(1, round(img.width * k)), 90))
    out = io.BytesIO()
    img.save(out, format="PPM")
    argv = ["tesseract", "stdin", "stdout", "--psm", "7", "-l", "eng", "--oem", "1",
            "-c", "tessedit_char_whitelist=0123456789", "tsv"]
    try:
        tsv = run_command(argv, input=out.getvalue(), limits=_LIMITS,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout.decode("utf-8", "replace")
    except ChildProcessError:
        return "", 0.0
    words = [(c[11].strip(), float(c[10])) for c in (r.split("\t") for r in tsv.splitlines()[1:])
             if len(c) == 12 and c[0] == "5" and c[11].strip()]
    text = "".join(t for t, _ in words)
    if not words or not text.isdigit() or len(text) > max_digits:
        return "", 0.0
    return text, min(conf for _, conf in words)


def read_digits(page_read: str, page_conf: float, crop_rgb, max_digits: int) -> tuple[str | None, float, str]:  # noqa: ANN001
    """(digits or None, confidence 0–1, how) for a handwritten or printed number in ``crop_rgb``.

    ``page_read`` is what the page pass read in that box (may be noise), ``page_conf`` its confidence 0–100."""
    first = re.sub(r"[\s.,:;]", "", page_read)
    first = first if first.isdigit() and len(first) <= max_digits else ""
    if crop_rgb is None or crop_rgb.width < 4 or crop_rgb.height < 4:
        return (first, page_conf / 100, "page") if first and page_conf >= PRINTED_CONF else (None, 0.0, "none")
    pen = ink(crop_rgb)
    handwritten = ink_share(pen) > 0.004
    if not handwritten and first and page_conf >= PRINTED_CONF:
        return first, page_conf / 100, "printed"
    second, conf = _digits_pass(pen if handwritten else crop_rgb.convert("L"), max_digits)
    if not second and handwritten:
        second, conf = _digits_pass(crop_rgb.convert("L"), max_digits)
    if first and second and first.lstrip("0") == second.lstrip("0"):
        return second, min(1.0, 0.5 + (conf + page_conf) / 400), "handwriting: page and digits passes agree"
    if second or first:
        return None, min(conf, page_conf) / 200, "handwriting: passes disagree"
    return None, 0.0, "handwriting: unreadable"
