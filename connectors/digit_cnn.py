"""A second, independent witness of handwritten digits: a small convolutional network trained once from the
same shipped digits as the nearest-neighbour vote (``connectors.digit_model``), kept on disk.

Why a second recogniser: the neighbour vote compares whole images pixel by pixel, so a văn thư's "9" with a
small or open loop lands near "3"s and "1"s, and its share of agreeing neighbours is no calibrated confidence.
A network sees the strokes' shapes (a loop, a tail) and gives a probability; the two err in different ways, so
a digit both name, the network with high probability, is rarely wrong (``benchmarks.handwritten_digits``).

Training: the shipped MNIST digits and the văn thư variants of ``digit_model.augmented``, each epoch drawn
anew with a small rotation, scaling, shift and a thinner or bolder pen, then deskewed like every digit read.
Deterministic (fixed seed, one thread while training, a few seconds to a minute of CPU); the weights are kept
in ``<data dir>/models/`` (``ASSISTANT_DATA_DIR``, default ``var/``) under a name that changes with the
recipe, so later uses (every extraction child) only load them, and read digits with numpy alone (no torch
import under the child's memory cap). Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

RECIPE = "cnn-v1"  # change with the architecture or the training: the cached weights are then rebuilt
EPOCHS = 8
SEED = 20250


def model_dir() -> Path:
    """Where the trained weights are kept: the assistant's data dir (``ASSISTANT_DATA_DIR``) /models."""
    from core.settings import REPO_ROOT

    return Path(os.environ.get("ASSISTANT_DATA_DIR") or REPO_ROOT / "var") / "models"


def _network():  # noqa: ANN202 - torch.nn.Module
    import torch.nn as nn

    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(16 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))


def _jitter(stack, rng):  # noqa: ANN001,ANN202 - float n×28×28 in 0–1, the same shape out
    """Each digit drawn anew: rotated up to 12°, scaled 0.8–1.1, shifted up to 2 px, the pen thinner or bolder."""
    import numpy as np
    from scipy import ndimage

    out = np.empty_like(stack)
    c = 13.5
    for i, img in enumerate(stack):
        a = np.deg2rad(rng.uniform(-12, 12))
        s = rng.uniform(0.8, 1.1)
        m = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) / s
        shift = rng.uniform(-2, 2, size=2)
        offset = np.array([c, c]) - m @ np.array([c, c]) + shift
        pic = ndimage.affine_transform(img, m, offset=offset, order=1, mode="constant", cval=0.0)
        pen = rng.random()
        if pen < 0.25:
            pic = ndimage.grey_dilation(pic, size=(2, 2))
        elif pen < 0.4:
            thin = ndimage.grey_erosion(pic, size=(2, 2))
            pic = thin if thin.sum() > 0.35 * pic.sum() else pic
        out[i] = pic
    return out


def train(images, labels, epochs: int = EPOCHS, seed: int = SEED):  # noqa: ANN001,ANN201 - torch.nn.Module
    """The network fitted on 28×28 digits (0–1) and their văn thư variants, deterministic for a seed."""
    import numpy as np
    import torch

    from connectors.digit_model import augmented, deskew

    images, labels = augmented(images, labels)
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the same weights on every machine, and the second core left to the others
    try:
        net = _network()
        opt = torch.optim.Adam(net.parameters(), lr=2e-3)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=epochs * (len(images) // 128 + 1))
        y = torch.as_tensor(labels, dtype=torch.long)
        for _ in range(epochs):
            x = torch.as_tensor(deskew(_jitter(images, rng)), dtype=torch.float32)[:, None]
            order = torch.as_tensor(rng.permutation(len(images)))
            net.train()
            for at in range(0, len(images), 128):
                pick = order[at:at + 128]
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(net(x[pick]), y[pick], label_smoothing=0.05)
                loss.backward()
                opt.step()
                sched.step()
        net.eval()
        return net
    finally:
        torch.set_num_threads(threads)


def _weights_path(source: str) -> Path:
    key = hashlib.sha256(f"{RECIPE}|{EPOCHS}|{SEED}|{source}".encode()).hexdigest()[:12]
    return model_dir() / f"digit-cnn-{key}.npz"


def weights(net) -> dict:  # noqa: ANN001 - a trained torch module, or weights already
    """The network's weights as numpy arrays (what is kept and what ``probabilities`` runs)."""
    if isinstance(net, dict):
        return net
    return {k: v.detach().cpu().numpy() for k, v in net.state_dict().items()}


@lru_cache(maxsize=1)
def network() -> dict:
    """The trained network's weights: loaded from the data dir, or trained from the shipped digits and saved
    there (written to a temporary file and renamed, so two processes training at once never read half a
    file). Reading uses numpy only: torch is imported to train, never in the extraction child, whose memory
    cap a torch import alone nearly fills."""
    import numpy as np

    from connectors.digit_model import shipped_digits

    images, labels, source = shipped_digits()
    path = _weights_path(source)
    if path.is_file():
        try:
            with np.load(path) as kept:
                return {k: kept[k] for k in kept.files}
        except (OSError, ValueError, KeyError):
            pass  # a damaged file is trained again
    found = weights(train(images, labels, epochs=EPOCHS))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp.npz", delete=False) as fh:
            np.savez(fh, **found)
        os.replace(fh.name, path)
    except OSError:
        pass  # a read-only data dir: the network is used from memory
    return found


def _conv(x, w, b):  # noqa: ANN001,ANN202 - n×c×h×w, o×c×k×k, o → n×o×h×w ("same" padding)
    import numpy as np

    k = w.shape[-1]
    padded = np.pad(x, ((0, 0), (0, 0), (k // 2, k // 2), (k // 2, k // 2)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(2, 3))
    return np.einsum("ncijkl,ockl->noij", windows, w, optimize=True) + b[None, :, None, None]


def _pool(x):  # noqa: ANN001,ANN202 - 2×2 max pooling
    n, c, h, w = x.shape
    return x[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def forward(x, p: dict):  # noqa: ANN001,ANN201 - n×1×28×28 float32 → n×10 logits
    """``_network``'s forward pass in numpy (evaluation: dropout is off)."""
    import numpy as np

    x = _pool(np.maximum(_conv(x, p["0.weight"], p["0.bias"]), 0))
    x = _pool(np.maximum(_conv(x, p["3.weight"], p["3.bias"]), 0))
    x = np.maximum(x.reshape(len(x), -1) @ p["8.weight"].T + p["8.bias"], 0)
    return x @ p["10.weight"].T + p["10.bias"]


def probabilities(frames, net=None):  # noqa: ANN001,ANN201 - float n×10
    """Each 28×28 frame's (``digit_model.to_frame``) probability of each digit, deskewed first."""
    import numpy as np

    from connectors.digit_model import deskew

    p = weights(net) if net is not None else network()
    x = deskew(np.asarray(frames, dtype=np.float32))[:, None].astype(np.float32)
    logits = forward(x, p)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def classify(mask, net=None) -> tuple[int, float]:  # noqa: ANN001
    """(digit, the network's probability of it) for one stroke's ink mask."""
    from connectors.digit_model import to_frame

    p = probabilities(to_frame(mask)[None], net)[0]
    best = int(p.argmax())
    return best, float(p[best])
