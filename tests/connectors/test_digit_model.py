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


def test_held_out_digits_drawn_as_on_a_scan_are_rarely_stated_wrong() -> None:
    """The synthetic check of ``benchmarks.handwritten_digits``: digits the recogniser never saw, with a
    felt pen's width, a slant, "1"s opened by an up-stroke, crossed "7"s."""
    from benchmarks.handwritten_digits import measure

    r = measure(held_out=300, seed=3)
    assert r["right"] >= 0.9 * r["digits"]
    assert r["stated"] >= 0.7 * r["digits"] and r["stated_wrong"] <= 0.02 * r["stated"]


def test_a_1_4_or_7_needs_a_unanimous_recogniser_unless_the_others_are_impossible() -> None:
    from connectors.handwriting import confused_unsure

    assert confused_unsure([(1, 0.89), (6, 1.0)])  # "16" could be "46" or "76" for a number
    assert not confused_unsure([(1, 0.89), (6, 1.0)], highest=31)  # not for a day
    assert confused_unsure([(1, 1.0), (1, 0.89)], highest=31)  # "11" could be "14" or "17"
    assert not confused_unsure([(5, 0.89), (3, 0.89)])


def test_a_digit_cut_by_the_boxs_estimated_edge_is_kept_whole_from_the_wider_cut() -> None:
    from connectors.handwriting import strokes

    img = _drawn("15")
    whole = strokes(img)
    assert len(whole) == 2
    first = whole[0][1][1]  # the "1"'s columns
    inner = ((first.start + first.stop) / 2 - 2, img.width)  # the box's left edge through the "1"
    assert len(strokes(img, inner)) == 2
    assert len(strokes(img.crop((round(inner[0]), 0, img.width, img.height)))) == 1  # the narrow cut loses it
    assert len(strokes(img, (first.stop + 4, img.width))) == 1  # a stroke mostly outside the box is not a digit
