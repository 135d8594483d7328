"""Bytes of a text file to one clean Vietnamese string: the encoding decided safely, then NFC.

Why: Vietnamese files arrive as UTF-8, UTF-16 or legacy Windows-1258, and the same word may be spelled
with composed or decomposed tones; retrieval and citations only match when every text is NFC with one
tone placement, and a wrongly decoded file must be refused, not indexed as mojibake.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from core.errors import RejectedInput
from core.vietnamese import normalize_text

_VI_MARKERS = set("ăđơưĂĐƠƯ\u0309\u0323")
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


def _looks_vietnamese(text: str) -> bool:
    """Enough words carry letters or tones only Vietnamese uses (ă đ ơ ư, hook above, dot below)."""
    words = _WORDS.findall(unicodedata.normalize("NFC", text))
    marked = sum(1 for w in words if _VI_MARKERS.intersection(unicodedata.normalize("NFD", w)))
    return marked >= 2 and marked >= 0.1 * len(words)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258 that reads as Vietnamese.

    Windows-1258 decodes almost any byte string, so it is accepted only when the result looks like
    Vietnamese; anything else (Latin-1, TCVN3, binary) is refused rather than indexed as mojibake.
    """
    refuse = RejectedInput("không đọc được: mã hoá không phải UTF-8")
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1258")
                if not _looks_vietnamese(text):
                    raise refuse from None
    except UnicodeDecodeError:
        raise refuse from None
    if "\x00" in text:
        raise RejectedInput("không đọc được: tệp nhị phân, không phải văn bản")
    return text


def normalized_body(text: str) -> str:
    """NFC with one tone placement, trailing spaces dropped from every line, no leading/trailing blank lines."""
    return "\n".join(line.rstrip() for line in normalize_text(text).splitlines()).strip("\n")
