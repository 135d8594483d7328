"""Rules erased from a page: a straight run of RULE_MIN_PX dark pixels or more (table border, the line under a
header) becomes paper with its rim; a shorter stroke (a letter, a dash) stays, at either length's parity."""

from __future__ import annotations

import numpy as np
from PIL import Image

from connectors.scan_cleanup import RULE_MIN_PX, _long_runs, drop_rules


def test_long_rules_go_and_short_strokes_stay() -> None:
    page = np.full((400, 600), 255, dtype=np.uint8)
    page[100:103, 50:450] = 0  # a horizontal rule
    page[150:390, 500:502] = 0  # a vertical rule
    page[300:303, 50:50 + RULE_MIN_PX - 1] = 0  # one pixel too short to be a rule
    page[200:240, 100:104] = 0  # a letter's stem
    out = np.asarray(drop_rules(Image.fromarray(page)))
    assert (out[100:103, 50:450] == 255).all() and (out[150:390, 500:502] == 255).all()
    assert (out[300:303, 50:50 + RULE_MIN_PX - 1] == 0).all() and (out[200:240, 100:104] == 0).all()


def test_a_run_exactly_as_long_as_the_length_is_covered_whole_odd_or_even() -> None:
    for length in (7, 8):
        row = np.zeros((1, 30), dtype=np.uint8)
        row[0, 5:5 + length] = 1
        row[0, 20:20 + length - 1] = 1
        covered = _long_runs(row, length, 1)[0]
        assert covered[5:5 + length].all() and not covered[:5].any() and not covered[5 + length:].any()


def test_median3_is_pils_median_filter_edges_included() -> None:
    from PIL import ImageFilter

    from connectors.scan_cleanup import median3

    rng = np.random.default_rng(3)
    page = Image.fromarray(rng.integers(0, 256, (57, 83), dtype=np.uint8))
    assert np.array_equal(np.asarray(median3(page)), np.asarray(page.filter(ImageFilter.MedianFilter(3))))


def test_long_runs_are_the_opening_by_a_line_on_both_axes() -> None:
    from scipy import ndimage

    rng = np.random.default_rng(5)
    dark = (rng.random((120, 140)) < 0.93).astype(np.uint8)  # long dark runs broken at random
    for length in (9, 10):
        for axis in (0, 1):
            eroded = ndimage.minimum_filter1d(dark, length, axis=axis, mode="constant", cval=0)
            opened = ndimage.maximum_filter1d(eroded, length, axis=axis, mode="constant", cval=0,
                                              origin=-1 if length % 2 == 0 else 0).astype(bool)
            assert np.array_equal(_long_runs(dark, length, axis), opened)


def test_a_page_without_rules_comes_back_unchanged() -> None:
    page = np.full((200, 300), 255, dtype=np.uint8)
    page[50:80, 40:44] = 0
    assert np.array_equal(np.asarray(drop_rules(Image.fromarray(page))), page)
