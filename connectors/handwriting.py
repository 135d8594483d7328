"""The number and the day a văn thư writes by hand into "Số:      /QĐ-UBND" and "ngày    tháng 02 năm 2025".

Why apart: Tesseract's Vietnamese pass reads handwriting as "Ø2 #", "ố†", "#4", and a wrong number stated as fact
is worse than none. So the box between the printed words is read again, alone, several ways (grey, ink only
with rules erased, enlarged, as one word), Tesseract limited to digits; a number is stated only when the reads
agree (see ``read_digits``), otherwise it is marked unreadable with the confidence it had. Measured on the dev
scans: Tesseract's digit model often reads a handwritten "1" as "4", so agreement, not any one read, decides.
"""

from __future__ import annotations

import os
import re

from core.child_process import ChildProcessError, Limits, run_command

STATE_AT = 0.8  # a reading is stated as fact at or above this confidence, else marked unreadable
# Reads that must give the same digits. Three of five was not enough: on the dev scans a handwritten "16" came
# out "46" from three reads (only the day's range caught it), and held-out scans got two wrong numbers stated.
AGREE = 4
PRINTED_CONF = 90.0  # a page-pass number this sure, when the box cannot be cropped, is taken as printed
_LIMITS = Limits(timeout_s=20.0, memory_bytes=512 * 1024 * 1024)


def _tesseract_digits(grey, psm: str, max_digits: int) -> str:  # noqa: ANN001
    """Tesseract on the crop alone, digits only ("" when it reads none or too many)."""
    import io

    from PIL import ImageOps

    img = ImageOps.expand(grey.convert("L"), border=30, fill=255)
    if img.height < 90:
        k = 90 / img.height
        img = img.resize((max(1, round(img.width * k)), 90))
    out = io.BytesIO()
    img.save(out, format="PPM")
    argv = ["tesseract", "stdin", "stdout", "--psm", psm, "-l", "eng", "--oem", "1",
            "-c", "tessedit_char_whitelist=0123456789"]
    try:
        text = run_command(argv, input=out.getvalue(), limits=_LIMITS,
                           env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout.decode("utf-8", "replace")
    except ChildProcessError:
        return ""
    text = "".join(text.split())
    return text if text.isdigit() and len(text) <= max_digits else ""


def _tesseract_digits_many(images: list, psm: str, max_digits: int) -> list[str]:
    """``_tesseract_digits`` of several crops in one Tesseract run (a list of image files: the model is
    loaded once), one reading per crop in order."""
    import tempfile

    from PIL import ImageOps

    if len(images) == 1:
        return [_tesseract_digits(images[0], psm, max_digits)]
    with tempfile.TemporaryDirectory(prefix="digits-") as tmp:
        names = []
        for i, grey in enumerate(images):
            img = ImageOps.expand(grey.convert("L"), border=30, fill=255)
            if img.height < 90:
                k = 90 / img.height
                img = img.resize((max(1, round(img.width * k)), 90))
            names.append(os.path.join(tmp, f"{i}.pgm"))
            img.save(names[-1], format="PPM")
        listing = os.path.join(tmp, "crops.txt")
        with open(listing, "w", encoding="utf-8") as fh:
            fh.write("\n".join(names) + "\n")
        argv = ["tesseract", listing, "stdout", "--psm", psm, "-l", "eng", "--oem", "1",
                "-c", "tessedit_char_whitelist=0123456789"]
        try:
            text = run_command(argv, limits=_LIMITS,
                               env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout.decode("utf-8", "replace")
        except ChildProcessError:
            return ["" for _ in images]
    pages = text.split("\f")
    out = []
    for i in range(len(images)):
        read = "".join(pages[i].split()) if i < len(pages) else ""
        out.append(read if read.isdigit() and len(read) <= max_digits else "")
    return out


def _binary(grey):  # noqa: ANN001,ANN201
    """Ink black on white, rules (the line under the issuer, a field's dotted line) erased."""
    from connectors.scan_cleanup import drop_rules

    return drop_rules(grey.convert("L").point(lambda v: 0 if v < 140 else 255))


PRINT_GAP = 0.25  # line heights: at most this between the printed "/" and the ký hiệu's first letter


def strokes(binary, inner: tuple[float, float] | None = None, slash: bool = False) -> list:  # noqa: ANN001
    """The digit-sized strokes of a crop, left to right, as (label image, box): at least 40% of the tallest
    stroke, not cut by the crop's sides (touching digits are one stroke). With ``inner`` (the x range of the
    number's box inside a wider crop) only strokes at least half inside it count: a digit the box's estimated
    edge cut is kept whole, the printed letters beside the box ("ngày", "/QĐ") are not; with ``slash`` (a
    number's box, whose right edge is estimated) a stroke a letter's spacing before a glyph outside the box is
    the printed "/" and ends the number."""
    import numpy as np
    from scipy import ndimage

    dark = np.asarray(binary) < 128
    labels, _ = ndimage.label(dark, structure=np.ones((3, 3)))
    found = [(i + 1, b) for i, b in enumerate(ndimage.find_objects(labels)) if b is not None]
    if inner is not None:
        lo, hi = inner
        every = found
        found = [(i, b) for i, b in found
                 if min(b[1].stop, hi) - max(b[1].start, lo) >= 0.5 * (b[1].stop - b[1].start)]
        # the printed "/" of "/QĐ-UBND" inside a box whose right edge was estimated too far: a stroke with a
        # glyph outside the box a letter's spacing after it (a hand leaves a gap before the print)
        gap = PRINT_GAP * dark.shape[0] / 2  # the crop is about two text lines high
        outside = [b for _, b in every if (b[1].start + b[1].stop) / 2 >= hi and b[0].stop - b[0].start >= 8]
        printed = [b[1].start for _, b in found if slash
                   and any(-2 <= o[1].start - b[1].stop <= gap for o in outside)]
        if printed:
            found = [(i, b) for i, b in found if b[1].start < min(printed)]
    top = max((b[0].stop - b[0].start for _, b in found), default=0)
    kept = [(labels[b] == i, b) for i, b in found if b[0].stop - b[0].start >= max(12, 0.4 * top)
            and b[1].start > 0 and b[1].stop < dark.shape[1]]
    return sorted(kept, key=lambda t: t[1][1].start)


MODEL_SURE = 0.85  # every stroke's neighbours agree this much: the recogniser alone states the number
MODEL_WITH_TESSERACT = 0.5  # or this much, when two Tesseract reads give the same digits
# Digits both witnesses take for one another: a "1" opened by a long up-stroke reads "4" or "7" to Tesseract
# and to the recogniser alike, so their agreement proves nothing. A number with one of these is stated only
# when the recogniser is all but unanimous on that stroke.
CONFUSED = frozenset("147")
CONFUSED_SURE = 1.0


def model_reads(binary, inner: tuple[float, float] | None = None,  # noqa: ANN001
                slash: bool = False) -> list[tuple[int, float]]:
    """(digit, share of agreeing neighbours) per stroke, left to right; [] without recogniser data."""
    try:
        from connectors.digit_model import classify

        return [classify(mask) for mask, _ in strokes(binary, inner, slash)]
    except (ImportError, OSError, ValueError):
        return []


def network_reads(binary, inner: tuple[float, float] | None = None,  # noqa: ANN001
                  slash: bool = False) -> list[tuple[int, float]]:
    """(digit, probability) per stroke from the second recogniser (``connectors.digit_cnn``), left to right;
    [] when it cannot run (no torch, no digits to train on)."""
    try:
        from connectors.digit_cnn import classify

        return [classify(mask) for mask, _ in strokes(binary, inner, slash)]
    except (ImportError, OSError, ValueError, RuntimeError, MemoryError):  # torch under the child's memory cap
        return []


# Both recognisers naming every stroke alike (the neighbour vote at least half its neighbours) state the
# number: with the network this sure and no two Tesseract reads agreeing on other digits; or with the
# network fairly sure and a Tesseract read of the same digits that at least as many reads back as any other
# (or that the page's own read gives: the line read whole, not the crop). Measured on the dev scans: Tesseract's
# digit passes read a handwritten "9" as "3" and "15" as "43"/"45", where both recognisers agree.
BOTH_SURE = 0.9
BOTH_WITH_TESSERACT = 0.5
BOTH_KNN = 0.5
# Both all but certain of every stroke (8 of 9 neighbours, the network at 0.95): Tesseract's digit passes, which
# read a văn thư's "5" as "7" and "9" as "3", do not outvote them (held-out synthetic digits: none stated wrong).
CERTAIN_KNN = 0.88
CERTAIN_NET = 0.95


def both_agree(knn: list[tuple[int, float]], net: list[tuple[int, float]]) -> tuple[str, float, bool]:
    """The digits when the two recognisers name every stroke alike (the neighbour vote at ``BOTH_KNN`` or
    more), the network's least probability, and whether both are all but certain of every stroke
    (``CERTAIN_KNN``, ``CERTAIN_NET``); ("", 0, False) otherwise."""
    if not knn or len(knn) != len(net):
        return "", 0.0, False
    if any(a != b or p < BOTH_KNN for (a, p), (b, _) in zip(knn, net, strict=True)):
        return "", 0.0, False
    certain = all(p >= CERTAIN_KNN and q >= CERTAIN_NET for (_, p), (_, q) in zip(knn, net, strict=True))
    return "".join(str(d) for d, _ in knn), min(q for _, q in net), certain


def model_digits(binary, inner: tuple[float, float] | None = None) -> tuple[str, float]:  # noqa: ANN001
    """The digits the recogniser (``connectors.digit_model``) reads stroke by stroke, and its least sure
    stroke's share of agreeing neighbours; ("", 0) when it has no recogniser data or no strokes."""
    read = model_reads(binary, inner)
    if not read:
        return "", 0.0
    return "".join(str(d) for d, _ in read), min(p for _, p in read)


def confused_unsure(reads: list[tuple[int, float]], highest: int | None = None) -> bool:
    """A stroke read as 1, 4 or 7 without the recogniser all but unanimous (``CONFUSED``), where another of
    the three would still make a possible number (at most ``highest``: a day's "16" cannot be "46" or "76")."""
    digits = "".join(str(d) for d, _ in reads)
    for at, (d, p) in enumerate(reads):
        if str(d) not in CONFUSED or p >= CONFUSED_SURE:
            continue
        others = [digits[:at] + o + digits[at + 1:] for o in CONFUSED if o != str(d)]
        if highest is None or any(int(x) <= highest for x in others):
            return True
    return False


def read_digits(page_read: str, page_conf: float, crop_rgb, max_digits: int,  # noqa: ANN001
                wide: tuple | None = None, highest: int | None = None,
                slash: bool = False) -> tuple[str | None, float, str]:
    """(digits or None, confidence 0–1, how) for a handwritten or printed number in ``crop_rgb``.

    Two witnesses: the digit recogniser, stroke by stroke (``model_digits``, on ``wide``: a wider cut of the
    page with the box's left edge at the given x, when there is one), and Tesseract (the page pass,
    digits-only passes on the grey crop, on the ink alone, enlarged, as one word). A number is stated when
    the recogniser is sure of every stroke and no Tesseract read with as many digits or more says otherwise;
    or when the recogniser, fairly sure, and two Tesseract reads give the same digits (none other); or ``AGREE``
    Tesseract reads agree and the recogniser is not sure of other digits (a typed number: its font's digits
    are not the hand's the recogniser learnt). A 1, 4 or 7 is stated only when the recogniser is all but
    unanimous on it (``CONFUSED``), whatever the agreement. ``highest``: the largest possible value (a day:
    31); a read above it is no witness. ``slash``: the box ends at a printed "/" (``strokes``).
    Otherwise it is unread, with a confidence.
    Measured on the dev scans: each witness alone states wrong numbers ("16" → "46", "90" → "80")."""
    first = re.sub(r"[\s.,:;]", "", page_read)
    first = first if first.isdigit() and len(first) <= max_digits else ""
    if crop_rgb is None or crop_rgb.width < 4 or crop_rgb.height < 4:
        return (first, page_conf / 100, "page") if first and page_conf >= PRINTED_CONF else (None, 0.0, "none")
    grey = crop_rgb.convert("L")
    binary = _binary(grey)
    big = binary.resize((binary.width * 2, binary.height * 2))
    by_line = _tesseract_digits_many([grey, binary, big], "7", max_digits)  # one run for the three
    reads = [first, by_line[0], by_line[1], _tesseract_digits(binary, "8", max_digits), by_line[2]]
    found = [r for r in reads if r and (highest is None or int(r) <= highest)]
    # an impossible read ("45" for a day) is no witness of its first digit, but still one of the others
    beyond = [r[1:] for r in reads if r and highest is not None and int(r) > highest]
    if wide is not None:
        wide_binary, at = _binary(wide[0].convert("L")), wide[1]
        per_stroke = model_reads(wide_binary, (at, at + crop_rgb.width), slash)
        per_net = network_reads(wide_binary, (at, at + crop_rgb.width), slash)
    else:
        per_stroke = model_reads(binary)
        per_net = network_reads(binary)
    parts = len(per_stroke)
    model = "".join(str(d) for d, _ in per_stroke)
    sure = min((p for _, p in per_stroke), default=0.0)
    model = model if 0 < len(model) <= max_digits and int(model or 0) > 0 else ""
    said = f"recogniser {model or '-'} ({sure:.2f}); Tesseract {found or '-'}"
    against = any(len(r) >= len(model) and r != model for r in found) or \
        any(len(r) + 1 == len(model) and r != model[1:] for r in beyond)  # a read with other or more digits
    shaky = confused_unsure(per_stroke, highest)
    if model and sure >= MODEL_SURE and not against and not shaky:
        return model, round(min(1.0, 0.5 + sure / 2), 2), "handwriting: " + said
    if model and sure >= MODEL_WITH_TESSERACT and found.count(model) >= 2 and not against and not shaky:
        return model, round(min(1.0, 0.45 + sure / 2 + 0.05 * found.count(model)), 2), "handwriting: " + said
    both, likely, certain = both_agree(per_stroke, per_net)
    both = both if 0 < len(both) <= max_digits and int(both or 0) > 0 else ""
    if both and not shaky:
        contrary = [r for r in found if r != both]
        twice = any(contrary.count(r) >= 2 for r in contrary)
        said_both = said + f"; network {both} ({likely:.2f})"
        if certain or (likely >= BOTH_SURE and not twice):
            return both, round(min(1.0, 0.5 + likely / 2), 2), "handwriting, two recognisers: " + said_both
        backed = found.count(both)
        if likely >= BOTH_WITH_TESSERACT and backed and (
                backed >= max((contrary.count(r) for r in contrary), default=0) or both == first):
            return both, round(min(1.0, max(STATE_AT, 0.45 + likely / 2 + 0.05 * backed)), 2), \
                "handwriting, two recognisers: " + said_both
    if not found:
        return None, round(0.3 * sure, 2), "handwriting unsure: " + said
    best = max(found, key=lambda r: (found.count(r), len(r)))
    votes = found.count(best)
    agree = all(r in best for r in found) and votes >= AGREE and parts <= len(best) and int(best) > 0 \
        and not (model and model != best and sure >= MODEL_SURE) \
        and not (both and both != best)  # the recogniser, sure, or both recognisers say otherwise
    if agree and any(ch in CONFUSED for ch in best) and not (best == first and page_conf >= PRINTED_CONF):
        agree = model == best and not shaky  # a handwritten 1/4/7 needs the recogniser's word, not agreement
    if agree:
        return best, min(1.0, 0.55 + 0.1 * votes), f"handwriting: {votes}/{len(reads)} Tesseract reads agree; " + said
    return None, round(0.1 * votes, 2), "handwriting unsure: " + said
