"""The document's own signature block found by position on OCR word boxes (or a text layer's words).

Why: on a scan the block is chức vụ, a handwritten signature under a red seal, then the typed name; read line by
line it mixes with the "Nơi nhận" list on its left, and an attached draft carries its own block. Here the block is
the right column from the first authority line (TM./KT./TL./CHỦ TỊCH…) on the first page with "Nơi nhận", its
left edge where that list ends (a name centred under a short position starts left of it), signature strokes read
as "Ẻ" dropped; pages after it are not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from statistics import median
from typing import Any

from connectors.official_layout import Rereader, fold, is_upper, lines_of, reread_texts, split_line
from connectors.page_layout import Line, Word

_NOI_NHAN = re.compile(r"^\W{0,3}\w?[OƠ]I\s*NHAN\b")  # "Nơi nhận", its italic N read ".V" or "N"
_AUTHORITY = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\s*\.|CHU TICH|GIAM DOC|TRUONG|THU TRUONG|CHANH|PHO |TONG ")


def _list_edge(lines: list[Line], h: float, width: float) -> float:
    """How far right the "Nơi nhận" list reaches: each line's run of words from the left margin."""
    edge = 0.0
    for ln in lines:
        ws = sorted(ln.words, key=lambda w: w.x0)
        if not ws or ws[0].x0 > 0.3 * width:
            continue
        end = ws[0].x1
        for w in ws[1:]:
            if w.x0 - end > 1.5 * h:
                break
            end = w.x1
        edge = max(edge, end)
    return edge


def signature_block(pages: Sequence[tuple[Sequence[Word], float, float]],
                    reread: Callable[[int], Rereader | None] | None = None) -> dict[str, Any]:
    """The document's own signature block: on the first page with "Nơi nhận", the right half's lines from the
    level of "Nơi nhận" down (the seal is gone from the image; the typed name is the block's last line). Pages
    after it (attached drafts with their own signers) are not read. ``pages``: (words, width, height);
    ``reread(page_number)`` gives that page's line re-reader (``official_layout.reread_texts``), if it has one."""
    for number, (words, width, _height) in enumerate(pages, 1):
        lines = lines_of(words)
        at = next((ln for ln in lines if _NOI_NHAN.match(fold(ln.text))), None)
        if at is None:
            continue
        h = median(ln.bottom - ln.top for ln in lines)
        right = [r for ln in lines if ln.top >= at.top - 5 * h
                 for r in [split_line(ln, 0.45 * width)[1]] if r is not None]
        heads = [ln for ln in right if is_upper(ln.text) and _AUTHORITY.search(fold(ln.text))]
        if not heads:
            continue
        edge = max(_list_edge([ln for ln in lines if ln.top >= at.top - h], h, width) + 0.01 * width,
                   0.38 * width)  # the "Nơi nhận" list's right edge: a signer's name centred under a short
        # position ("CHỦ TỊCH") starts left of it
        kept: list[Line] = []
        for ln in lines:
            if ln.bottom <= heads[0].top:
                continue
            inside = [w for w in ln.words if w.x0 >= edge]
            if not any(len(w.text) >= 2 and w.conf >= 50 and any(c.isalpha() for c in w.text) for w in inside):
                continue  # a signature's stroke read as "Ẻ" or "#", not a line of the block
            if kept and ln.top - kept[-1].bottom > 12 * h:
                break
            kept.append(Line(inside))
        again = reread(number) if reread else None
        return {"signature_lines": reread_texts(kept, again), "signature_page": number}
    return {}
