"""The handwritten-digit recogniser: trained from the digits a package ships, digits put in MNIST's frame,
a drawn number read stroke by stroke with how sure it is; with no strokes it says nothing."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from connectors.digit_model import classify, to_frame, training_set
from connectors.handwriting import model_digits

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"


def _drawn(text: str) -> Image.Image:
    img = Image.new("L", (60 + 50 * len(text), 100), 255)
    ImageDraw.Draw(img).text((25, 10), text, font=ImageFont.truetype(FONT, 60), fill=0, stroke_width=2)
    return img


def test_the_training_digits_come_from_an_installed_package() -> None:
    images, labels, source = training_set()
    assert images.shape[1] == 28 * 28 and len(images) == len(labels) >= 1797
    assert set(labels.tolist()) == set(range(10)) and source


def test_a_digit_is_put_in_mnist_frame_longer_side_20_centred_by_mass() -> None:
    mask = np.zeros((90, 40), dtype=bool)
    mask[5:85, 10:30] = True  # a tall bar anywhere in its crop
    frame = to_frame(mask)
    ys, xs = np.nonzero(frame > 0.5)
    assert 18 <= ys.max() - ys.min() + 1 <= 21
    assert abs(ys.mean() - 13.5) <= 1.5 and abs(xs.mean() - 13.5) <= 1.5


def test_a_drawn_number_is_read_stroke_by_stroke_with_its_certainty() -> None:
    digits, sure = model_digits(_drawn("53"))
    assert digits == "53" and sure >= 0.5
    assert classify(np.asarray(_drawn("0")) < 128)[0] == 0


def test_an_empty_box_gives_no_digits() -> None:
    assert model_digits(Image.new("L", (120, 80), 255)) == ("", 0.0)
