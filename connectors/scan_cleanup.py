"""Cleaning a page image before OCR: the red seal dropped, table rules erased, the page levelled.

Why: Tesseract reads a red seal's ring and star as letters over the signer's name, a table's vertical rules as
"|" or "l" inside the cells, and a page skewed by 1–2° (every photocopy) as broken lines; each of these is cheap
to undo with array operations on the greyscale page (~0.1–0.5 s at 300 dpi).
"""

from __future__ import annotations

LEVEL_FROM = 0.2  # degrees: a page skewed less than this is read as it is
RULE_MIN_PX = 100  # a straight dark run longer than this (1/3 inch at 300 dpi) is a rule, never a letter


def drop_red(img):  # noqa: ANN001,ANN201 - PIL image in, greyscale PIL image out
    """Strongly red pixels (a seal, a red signature stamp) become white; everything else goes to grey."""
    return split_red(img)[0]


def split_red(img):  # noqa: ANN001,ANN201 - PIL image in, (greyscale PIL image, red mask or None) out
    """The page in grey with its strongly red pixels made paper, and the mask of those pixels ("L", 255 where
    red; None for a page without colour), so the secrecy gate reads the red ink from the same pass.
    Red is R > 120 with R − G > 60 and R − B > 60, done by PIL's channel operations (half numpy's CPU on a
    300-dpi page: 0.14 s instead of 0.27)."""
    from PIL import ImageChops

    if img.mode in ("L", "1", "I;16", "I"):
        return img.convert("L"), None
    rgb = img.convert("RGB")
    r, g, b = rgb.split()
    red = ImageChops.multiply(
        ImageChops.multiply(r.point(lambda v: 255 if v > 120 else 0),
                            ImageChops.subtract(r, g).point(lambda v: 255 if v > 60 else 0)),
        ImageChops.subtract(r, b).point(lambda v: 255 if v > 60 else 0))
    grey = rgb.convert("L")
    grey.paste(255, mask=red)
    return grey, red


def _long_runs(dark, length: int, axis: int):  # noqa: ANN001,ANN202 - numpy arrays
    """Pixels that belong to a straight run of at least ``length`` dark pixels along ``axis`` (the opening by
    a line of ``length``). Found from the runs' ends: each row's starts and ends by one difference of the row
    padded with paper, the long runs marked and filled by a running sum. Measured on 300-dpi dev scans: the
    same pixels as the running minimum and maximum (scipy's 1-D filters), in ~1/4 of their CPU."""
    import numpy as np

    ink = np.asarray(dark, dtype=bool)
    if axis == 0:
        return _long_runs(ink.T, length, 1).T
    rows, width = ink.shape
    if width < length:
        return np.zeros(ink.shape, dtype=bool)
    padded = np.zeros((rows, width + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    step = np.diff(padded, axis=1)  # +1 where a run starts, -1 one past where it ends; shape (rows, width+1)
    flat = step.ravel()
    starts, ends = np.flatnonzero(flat == 1), np.flatnonzero(flat == -1)  # paired: each row opens and closes
    keep = ends - starts >= length
    mark = np.zeros(flat.shape, dtype=np.int8)
    mark[starts[keep]] = 1
    mark[ends[keep]] = -1
    return np.cumsum(mark.reshape(step.shape), axis=1, dtype=np.int8)[:, :width].astype(bool)


def drop_rules(grey):  # noqa: ANN001,ANN201 - greyscale PIL image in and out
    """Long horizontal and vertical rules (table borders, the line under a header) become paper."""
    import numpy as np
    from PIL import Image

    arr = np.asarray(grey)
    dark = arr < 128
    rules = _long_runs(dark, RULE_MIN_PX, 0) | _long_runs(dark, RULE_MIN_PX, 1)
    if not rules.any():  # most text pages: nothing to erase
        return grey.copy() if grey.mode == "L" else grey.convert("L")
    arr = arr.copy()
    grown = rules.copy()  # and the blurred rim of each rule, which would still read as "|" or "_"
    for shift in (-2, -1, 1, 2):
        grown |= np.roll(rules, shift, axis=0) | np.roll(rules, shift, axis=1)
    arr[grown & (arr < 200)] = 255
    return Image.fromarray(arr)


def median3(grey):  # noqa: ANN001,ANN201 - greyscale PIL image in and out
    """The 3×3 median of a greyscale page, edges repeated: the pixels of PIL's ``MedianFilter(3)`` in ~1/4 of
    its CPU. Each column's three pixels are sorted once; a pixel's median is then the median of the three
    columns' middles, the largest of their smallest and the smallest of their largest (exact for nine)."""
    import numpy as np
    from PIL import Image

    a = np.pad(np.asarray(grey.convert("L")), 1, mode="edge")
    up, mid, down = a[:-2], a[1:-1], a[2:]
    lo, hi = np.minimum(up, mid), np.maximum(up, mid)
    low, high = np.minimum(lo, down), np.maximum(hi, down)
    middle = np.maximum(lo, np.minimum(hi, down))
    left, centre, right = slice(0, -2), slice(1, -1), slice(2, None)
    low = np.maximum(np.maximum(low[:, left], low[:, centre]), low[:, right])
    high = np.minimum(np.minimum(high[:, left], high[:, centre]), high[:, right])
    m0, m1, m2 = middle[:, left], middle[:, centre], middle[:, right]
    mlo, mhi = np.minimum(m0, m1), np.maximum(m0, m1)
    middle = np.maximum(mlo, np.minimum(mhi, m2))
    lo2, hi2 = np.minimum(low, middle), np.maximum(low, middle)
    return Image.fromarray(np.maximum(lo2, np.minimum(hi2, high)))


def skew_angle(img, limit: float = 5.0, step: float = 0.25) -> float:  # noqa: ANN001
    """Degrees to rotate by for level text rows: the angle whose row profile of ink is sharpest."""
    import numpy as np
    from PIL import Image

    small = img.reduce(4) if min(img.size) > 1200 else img
    ink = Image.fromarray((np.asarray(small) < 128).astype(np.uint8) * 255)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + step / 2, step):
        rows = np.asarray(ink.rotate(float(angle), resample=Image.Resampling.NEAREST)).sum(axis=1, dtype=np.int64)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def level(grey):  # noqa: ANN001,ANN201
    """The page rotated so its text rows are horizontal, and the angle used (degrees)."""
    from PIL import Image

    angle = skew_angle(grey)
    if abs(angle) >= LEVEL_FROM:
        grey = grey.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return grey, angle
