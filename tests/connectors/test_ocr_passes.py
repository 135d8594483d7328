"""How many Tesseract passes a page costs: a landscape picture is asked for its orientation (OSD) once, not a
second time when its read comes out unsure (the secrecy gate's wide views of red ink always do)."""

from __future__ import annotations

import pytest

import connectors.ocr as ocr

pytestmark = pytest.mark.skipif(ocr.ocr_missing() is not None, reason="needs tesseract-ocr-vie")


def test_landscape_page_read_unsure_is_asked_its_orientation_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image, ImageDraw

    asked: list[tuple[int, int]] = []
    real = ocr.upright

    def counted(img):  # noqa: ANN001,ANN202 - the real OSD, counted
        asked.append(img.size)
        return real(img)

    monkeypatch.setattr(ocr, "upright", counted)
    img = Image.new("RGB", (900, 400), (255, 255, 255))
    ImageDraw.Draw(img).ellipse((300, 60, 600, 340), outline=(200, 20, 20), width=12)  # a seal's ring: no text
    page = ocr.ocr_page(img, 1, [0])
    assert page.confidence < ocr.RETRY_BELOW and len(asked) == 1


def test_portrait_page_read_unsure_is_still_asked_its_orientation(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    asked: list[tuple[int, int]] = []
    real = ocr.upright
    monkeypatch.setattr(ocr, "upright", lambda img: (asked.append(img.size), real(img))[1])
    ocr.ocr_page(Image.new("L", (400, 900), 255), 1, [0])
    assert len(asked) == 1
