"""The handwritten-digit recogniser on digits it never saw, drawn the way a văn thư writes them: how many it
reads right, how many it would state, and how many stated ones are wrong (the figure that must stay near 0).

    python -m benchmarks.handwritten_digits [--held-out 1000] [--seed 7] [--no-network]

Every fifth shipped digit (``connectors.digit_model.shipped_digits``) is held out; the recogniser is fitted on
the rest. Each held-out digit is enlarged to a scan's size and redrawn: a felt pen's width (1–6 px at ~90 px
high), a slant, a "1" opened by an up-stroke of a random length and slope, a "7" crossed — drawn here, apart
from the augmentation the recogniser learns from. The stating rule is ``connectors.handwriting``'s: a stroke
is stated at ``MODEL_SURE`` of agreeing neighbours, a 1, 4 or 7 only at ``CONFUSED_SURE``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def scan_like(img, label: int, rng: np.random.Generator):  # noqa: ANN001,ANN201 - 28×28 float in, bool mask out
    """One held-out digit as a văn thư's pen would leave it on a 300-dpi scan."""
    from PIL import Image, ImageDraw
    from scipy import ndimage

    big = np.asarray(Image.fromarray((img * 255).astype(np.uint8)).resize((84, 84), Image.Resampling.BILINEAR))
    mask = big > 110
    ys, xs = np.nonzero(mask)
    if len(ys) and label == 1 and rng.random() < 0.7:
        top = ys.min()
        x_top = xs[ys == top].mean()
        h = ys.max() - top
        pic = Image.fromarray(mask)
        ImageDraw.Draw(pic).line([(x_top, top), (x_top - rng.uniform(0.15, 0.55) * h, top + rng.uniform(0.2, 0.5) * h)],
                                 fill=True, width=int(rng.integers(3, 7)))
        mask = np.asarray(pic)
    if len(ys) and label == 7 and rng.random() < 0.5:
        mid = (ys.min() + ys.max()) // 2
        row = xs[np.abs(ys - mid) <= 2]
        cx = row.mean() if len(row) else xs.mean()
        pic = Image.fromarray(mask)
        ImageDraw.Draw(pic).line([(cx - 12, mid + 1), (cx + 12, mid - 1)], fill=True, width=int(rng.integers(3, 6)))
        mask = np.asarray(pic)
    shear = rng.uniform(-0.3, 0.3)
    mask = ndimage.affine_transform(mask.astype(float), [[1, 0], [shear, 1]], offset=(0, -shear * 42), order=0) > 0.5
    width = int(rng.integers(0, 4))
    if width:
        mask = ndimage.binary_dilation(mask, iterations=width)
    elif rng.random() < 0.5:
        thin = ndimage.binary_erosion(mask)
        mask = thin if thin.sum() > 0.3 * mask.sum() else mask
    return mask


def measure(held_out: int = 1000, seed: int = 7, network: bool = False) -> dict:
    """The figures; with ``network`` also the second recogniser (``connectors.digit_cnn``, trained here on the
    same four fifths: a minute or two of CPU) and the two-recogniser rule of ``connectors.handwriting``."""
    from connectors.digit_model import classify, fit, shipped_digits
    from connectors.handwriting import (
        BOTH_KNN,
        BOTH_SURE,
        CERTAIN_KNN,
        CERTAIN_NET,
        CONFUSED,
        CONFUSED_SURE,
        MODEL_SURE,
    )

    images, labels, source = shipped_digits()
    test = np.arange(len(images)) % 5 == 0
    started = time.perf_counter()
    memory = fit(images[~test], labels[~test])
    fitted = time.perf_counter() - started
    net = None
    if network:
        from connectors.digit_cnn import classify as net_classify
        from connectors.digit_cnn import train

        started = time.perf_counter()
        net = train(images[~test], labels[~test])
        trained = time.perf_counter() - started
    rng = np.random.default_rng(seed)
    rows, both = [], []
    for img, label in list(zip(images[test], labels[test], strict=True))[:held_out]:
        mask = scan_like(img, int(label), rng)
        digit, share = classify(mask, memory)
        need = CONFUSED_SURE if str(digit) in CONFUSED else MODEL_SURE
        rows.append((int(label), digit, share >= need))
        if net is not None:
            said, p = net_classify(mask, net)
            alike = said == digit and share >= BOTH_KNN and (str(digit) not in CONFUSED or share >= CONFUSED_SURE)
            sure = p >= BOTH_SURE or (share >= CERTAIN_KNN and p >= CERTAIN_NET)
            both.append((int(label), said, alike and sure))
    right = sum(t == d for t, d, _ in rows)
    stated = [(t, d) for t, d, s in rows if s]
    wrong = [(t, d) for t, d in stated if t != d]
    extra = {}
    if net is not None:
        said_both = [(t, d) for t, d, s in both if s]
        extra = {"network_right": sum(t == d for t, d, _ in both), "both_stated": len(said_both),
                 "both_wrong": [(t, d) for t, d in said_both if t != d], "train_s": round(trained, 1)}
    return {"source": source, "digits": len(rows), "right": right, "stated": len(stated),
            "stated_wrong": len(wrong), "wrong_pairs": wrong, "fit_s": round(fitted, 1), **extra,
            "per_digit": {k: (sum(t == k and d == k for t, d, _ in rows), sum(t == k for t, _, _ in rows))
                          for k in range(10)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--held-out", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-network", action="store_true", help="only the neighbour vote (no CNN training)")
    args = parser.parse_args()
    r = measure(args.held_out, args.seed, network=not args.no_network)
    n = r["digits"]
    print(f"{r['source']}: {n} held-out digits drawn as on a scan; fitted in {r['fit_s']} s")
    print(f"read right {r['right']} ({100 * r['right'] / n:.1f}%); stated {r['stated']} "
          f"({100 * r['stated'] / n:.1f}%); stated wrong {r['stated_wrong']} "
          f"({100 * r['stated_wrong'] / max(1, r['stated']):.2f}% of stated): {r['wrong_pairs']}")
    if "both_stated" in r:
        print(f"network (trained in {r['train_s']} s): read right {r['network_right']} "
              f"({100 * r['network_right'] / n:.1f}%); both recognisers alike and sure: stated {r['both_stated']} "
              f"({100 * r['both_stated'] / n:.1f}%), stated wrong {len(r['both_wrong'])} "
              f"({100 * len(r['both_wrong']) / max(1, r['both_stated']):.2f}%): {r['both_wrong']}")
    print("per digit right/all: " + ", ".join(f"{k}: {a}/{b}" for k, (a, b) in r["per_digit"].items()))


if __name__ == "__main__":
    main()
