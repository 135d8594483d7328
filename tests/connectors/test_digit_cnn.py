"""The second digit recogniser (a small network trained once from the shipped digits, kept in the data dir)
and the rule that states a number when both recognisers name every stroke alike."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import connectors.digit_cnn as digit_cnn
import connectors.handwriting as handwriting
from connectors.handwriting import both_agree

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"


def _drawn(text: str) -> Image.Image:
    img = Image.new("RGB", (60 + 50 * len(text), 100), "white")
    ImageDraw.Draw(img).text((25, 10), text, font=ImageFont.truetype(FONT, 60), fill="black", stroke_width=2)
    return img


def test_the_network_is_trained_once_kept_in_the_data_dir_and_then_only_loaded(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(digit_cnn, "EPOCHS", 1)  # one pass over a fifth: the test is about keeping, not accuracy
    import connectors.digit_model as digit_model

    images, labels, source = digit_model.shipped_digits()
    monkeypatch.setattr(digit_model, "shipped_digits", lambda: (images[:1000], labels[:1000], source + " (test)"))
    digit_cnn.network.cache_clear()
    try:
        net = digit_cnn.network()
        kept = list((tmp_path / "models").glob("digit-cnn-*.npz"))
        assert len(kept) == 1 and kept[0].stat().st_size > 10_000
        p = digit_cnn.probabilities(np.zeros((2, 28, 28), dtype=np.float32), net)
        assert p.shape == (2, 10) and np.allclose(p.sum(axis=1), 1.0, atol=1e-4)

        def no_training(*_a, **_k):  # noqa: ANN002,ANN003,ANN202
            raise AssertionError("trained again although the weights are kept")

        monkeypatch.setattr(digit_cnn, "train", no_training)
        digit_cnn.network.cache_clear()
        again = digit_cnn.network()
        x = np.random.default_rng(1).random((3, 28, 28)).astype(np.float32)
        assert np.allclose(digit_cnn.probabilities(x, net), digit_cnn.probabilities(x, again), atol=1e-6)
    finally:
        digit_cnn.network.cache_clear()


def test_the_two_recognisers_must_name_every_stroke_alike() -> None:
    assert both_agree([(8, 1.0), (9, 0.78)], [(8, 0.99), (9, 0.6)]) == ("89", 0.6, False)
    assert both_agree([(8, 1.0), (9, 0.56)], [(8, 0.98), (7, 0.68)])[0] == ""  # "89" against "87"
    assert both_agree([(3, 0.44)], [(3, 0.99)])[0] == ""  # the neighbour vote below half
    assert both_agree([(0, 1.0), (5, 1.0)], [(0, 0.97), (5, 0.99)]) == ("05", 0.97, True)
    assert both_agree([(5, 1.0)], [])[0] == ""  # no network: no second witness


@pytest.fixture
def witnesses(monkeypatch):  # noqa: ANN201
    """The recognisers' and Tesseract's readings of the box set by the test (the rule is what is tested)."""
    said: dict = {}
    monkeypatch.setattr(handwriting, "model_reads", lambda *a, **k: said["knn"])
    monkeypatch.setattr(handwriting, "network_reads", lambda *a, **k: said["net"])
    monkeypatch.setattr(handwriting, "_tesseract_digits_many", lambda imgs, psm, most: said["tess"][:3])
    monkeypatch.setattr(handwriting, "_tesseract_digits", lambda img, psm, most: said["tess"][3])
    return said


def test_both_recognisers_outvote_tesseracts_9_read_as_3_only_with_the_pages_read_behind_them(witnesses) -> None:
    witnesses.update(knn=[(8, 1.0), (9, 0.78)], net=[(8, 0.99), (9, 0.6)], tess=["39", "39", "39", "39"])
    crop = _drawn("89")
    number, confidence, _ = handwriting.read_digits("89", 48.0, crop, 5)
    assert number == "89" and confidence >= handwriting.STATE_AT  # stated, not only read
    assert handwriting.read_digits("", 0.0, crop, 5)[0] is None  # four reads of "39" against both recognisers


def test_two_agreeing_tesseract_reads_stop_a_number_the_recognisers_are_not_certain_of(witnesses) -> None:
    witnesses.update(knn=[(0, 1.0), (5, 0.78)], net=[(0, 0.97), (5, 0.93)], tess=["07", "07", "0", ""])
    crop = _drawn("05")
    assert handwriting.read_digits("", 0.0, crop, 2, highest=31)[0] is None
    witnesses.update(knn=[(0, 1.0), (5, 1.0)], net=[(0, 0.97), (5, 0.99)])  # both all but certain
    number, confidence, _ = handwriting.read_digits("", 0.0, crop, 2, highest=31)
    assert number == "05" and confidence >= handwriting.STATE_AT
    witnesses.update(tess=["", "", "", ""], knn=[(2, 0.67), (2, 1.0)], net=[(2, 0.97), (2, 0.98)])
    assert handwriting.read_digits("", 0.0, crop, 5)[0] == "22"  # the network sure, nothing against


def test_a_1_4_or_7_still_needs_the_neighbour_vote_unanimous_when_both_agree(witnesses) -> None:
    witnesses.update(knn=[(1, 0.89), (6, 1.0)], net=[(1, 0.99), (6, 0.99)], tess=["", "", "", ""])
    assert handwriting.read_digits("", 0.0, _drawn("16"), 5)[0] is None  # a number: "46", "76" possible
    assert handwriting.read_digits("", 0.0, _drawn("16"), 2, highest=31)[0] == "16"  # a day: only "16"


def test_a_number_both_name_with_one_tesseract_read_behind_it_is_stated_not_only_read(witnesses) -> None:
    witnesses.update(knn=[(1, 0.78), (6, 1.0)], net=[(1, 0.68), (6, 0.68)], tess=["16", "", "", ""])
    number, confidence, _ = handwriting.read_digits("", 0.0, _drawn("16"), 2, highest=31)
    assert number == "16" and confidence >= handwriting.STATE_AT


def test_a_drawn_number_is_read_by_the_network_stroke_by_stroke() -> None:
    reads = handwriting.network_reads(handwriting._binary(_drawn("53").convert("L")))
    assert [d for d, _ in reads] == [5, 3]
