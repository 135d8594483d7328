"""Views of a picture for reading a stamp: its ink whatever the colour, or its red ink alone.

Why apart from ``connectors.scan_cleanup``: the page OCR turns red pixels into paper so that a red seal does not
cover the signer's name, which also erases a red "MẬT" box; the secrecy gate reads the red ink on its own,
from the same pixels, before that removal matters. The red test is the one ``scan_cleanup.drop_red`` uses.
"""

from __future__ import annotations

from typing import Any

SMALL_HEIGHT = 90  # pixels: a smaller picture is enlarged so its letters reach Tesseract's reading size
FRAME_SHARE = 0.75  # a row or column inked over this share of the picture is a stamp's frame, not a letter
FRAME_RIM = 6  # pixels beside a frame line that belong to it (its ragged, anti-aliased edge)


def _red_mask(img: Any) -> Any:
    import numpy as np

    rgb = np.asarray(img.convert("RGB")).astype(np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r > 120) & (r - g > 60) & (r - b > 60)


def _unframed(ink: Any) -> Any:
    """Ink (a boolean array) without a stamp's box and trimmed to its letters; Tesseract reads nothing in a box,
    and the page OCR's rule removal would take letter stems of an enlarged stamp for rules."""
    import numpy as np

    ink = ink.copy()
    for axis in (1, 0):
        lines = np.nonzero(ink.mean(axis=axis) > FRAME_SHARE)[0]
        near = np.zeros(ink.shape[1 - axis], dtype=bool)
        for line in lines:
            near[max(0, line - FRAME_RIM):line + FRAME_RIM + 1] = True
        if axis == 1:
            ink[near, :] = False
        else:
            ink[:, near] = False
    rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    if not len(rows):
        return ink
    pad = 16
    return np.pad(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1], pad)


def _enlarged(img: Any) -> Any:
    from PIL import Image

    if img.height >= SMALL_HEIGHT:
        return img
    k = SMALL_HEIGHT / max(1, img.height)
    return img.resize((max(1, round(img.width * k)), SMALL_HEIGHT), Image.Resampling.LANCZOS)


def ink_view(img: Any) -> Any:
    """Greyscale: dark and red pixels black, the rest white (a stamp printed in either ink), small enlarged."""
    import numpy as np
    from PIL import Image

    if img.mode in ("P", "RGBA", "LA"):
        img = img.convert("RGBA")
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, img)
    grey = np.asarray(img.convert("L"))
    ink = (grey < 128) if img.mode in ("L", "1") else (grey < 128) | _red_mask(img)
    return _enlarged(Image.fromarray(np.where(_unframed(ink), 0, 255).astype(np.uint8)))


def red_view(img: Any, min_pixels: int) -> Any | None:
    """The red ink alone, black on white, cropped to where it stands; None with fewer than ``min_pixels``."""
    if img.mode in ("L", "1", "I", "I;16"):
        return None
    return red_view_of(_red_mask(img), min_pixels)


def red_view_of(red: Any, min_pixels: int) -> Any | None:
    """``red_view`` of a red mask already made (a boolean array, or the "L" mask of ``scan_cleanup.split_red``
    that the page OCR makes anyway): the page is not looked at twice."""
    import numpy as np
    from PIL import Image

    red = np.asarray(red) > 0
    if int(red.sum()) < min_pixels:
        return None
    rows, cols = np.nonzero(red.any(axis=1))[0], np.nonzero(red.any(axis=0))[0]
    crop = red[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return _enlarged(Image.fromarray(np.where(_unframed(crop), 0, 255).astype(np.uint8)))
