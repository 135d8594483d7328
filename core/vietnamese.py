"""Vietnamese text at every entry point: NFC, one tone-mark placement, word segmentation for sparse terms.

Documents and queries go through the same functions, so a query typed as "hoà" finds a law that
writes "hòa", and a decomposed (NFD) paste from a PDF matches the NFC text in the index.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# Combining tone marks in NFD: grave, acute, hook above, tilde, dot below.
_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_MARKED_VOWELS = set("ăâêôơưĂÂÊÔƠƯ")
_WORDS_SPLIT = re.compile(r"([^\W\d_]+)", re.UNICODE)


def _map_words(text: str, change: Callable[[str], str]) -> str:
    """``change`` applied to every word (an ASCII word has no mark to move or strip: left as it is). A split and a
    join rather than ``re.sub`` with a callback: half the time, and this runs several times on every chunk."""
    parts = _WORDS_SPLIT.split(text)
    parts[1::2] = [w if w.isascii() else change(w) for w in parts[1::2]]
    return "".join(parts)


def _place_tone(word_nfc: str, tone: str) -> str:
    """Put ``tone`` on the vowel that carries it in the traditional (legal-text) style: hòa, thủy, khỏe."""
    lower = word_nfc.lower()
    start = 0
    if lower.startswith("qu") and len(lower) > 2:
        start = 2
    elif lower.startswith("gi") and len(lower) > 2 and lower[2] in _VOWELS_LOWER:
        start = 2
    first = next((i for i in range(start, len(word_nfc)) if word_nfc[i] in _VOWELS), None)
    if first is None:
        if start:  # "gì", "quỳ": the onset vowel is the only vowel
            first = start - 1
        else:
            return unicodedata.normalize("NFC", word_nfc + tone)
    last = first
    while last + 1 < len(word_nfc) and word_nfc[last + 1] in _VOWELS:
        last += 1
    nucleus = range(first, last + 1)
    marked = [i for i in nucleus if word_nfc[i] in _MARKED_VOWELS]
    has_final = last + 1 < len(word_nfc)
    if marked:
        target = marked[-1]
    elif len(nucleus) >= 3:
        target = first + 1
    elif len(nucleus) == 2:
        target = last if has_final else first
    else:
        target = first
    decomposed = word_nfc[: target + 1] + tone + word_nfc[target + 1 :]
    return unicodedata.normalize("NFC", decomposed)


_VOWELS_LOWER = {c for c in _VOWELS if c.islower()}


@lru_cache(maxsize=65536)
def _canonical_word(word: str) -> str:
    nfd = unicodedata.normalize("NFD", word)
    tones = [c for c in nfd if c in _TONES]
    if len(tones) != 1:
        return unicodedata.normalize("NFC", word)
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    if not any(c in _VOWELS for c in base):
        return unicodedata.normalize("NFC", word)
    return _place_tone(base, tones[0])


def normalize_text(text: str) -> str:
    """NFC with one canonical tone placement per syllable; other characters are left as they are."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\ufeff", "")
    return _map_words(text, _canonical_word)


_TOKEN_CLEAN = re.compile(r"[^\w]+", re.UNICODE)


_UNDERTHESEA_READY = threading.Event()
_UNDERTHESEA_LOCK = threading.Lock()


def _segment_underthesea(text: str) -> list[str]:
    """underthesea loads its model on first use, and two threads doing that at once fail ('NoneType' object has
    no attribute 'process'): the first call runs alone, later ones concurrently."""
    from underthesea import word_tokenize

    if not _UNDERTHESEA_READY.is_set():
        with _UNDERTHESEA_LOCK:
            words = word_tokenize(text)
            _UNDERTHESEA_READY.set()
            return words
    return word_tokenize(text)


def _segment_pyvi(text: str) -> list[str]:
    from pyvi import ViTokenizer

    return [t.replace("_", " ") for t in ViTokenizer.tokenize(text).split()]


def _segment_syllables(text: str) -> list[str]:
    return text.split()


SEGMENTERS: dict[str, Callable[[str], list[str]]] = {
    "underthesea": _segment_underthesea,
    "pyvi": _segment_pyvi,
    "syllable": _segment_syllables,
}


def sparse_terms(text: str, segmenter: str = "underthesea") -> list[str]:
    """Lower-cased terms for the sparse vector: segmented words ("ma_túy") plus their syllables.

    Keeping the syllables as well means a segmentation mistake costs ranking precision, not recall.
    """
    try:
        segment = SEGMENTERS[segmenter]
    except KeyError:
        raise ValueError(f"unknown segmenter {segmenter!r}; expected one of {sorted(SEGMENTERS)}") from None
    terms: list[str] = []
    for token in segment(normalize_text(text)):
        syllables = [s for s in (_TOKEN_CLEAN.sub("", p).lower() for p in token.split()) if s]
        if not syllables:
            continue
        terms.extend(syllables)
        if len(syllables) > 1:
            terms.append("_".join(syllables))
    return terms


_MARK_FREE = str.maketrans({"đ": "d", "Đ": "D"})


@lru_cache(maxsize=65536)
def _strip_word(word: str) -> str:
    nfd = unicodedata.normalize("NFD", word.translate(_MARK_FREE))
    return unicodedata.normalize("NFC", "".join(c for c in nfd if not unicodedata.combining(c)))


def strip_marks(text: str) -> str:
    """Every diacritic removed ("Điều khoản" → "Dieu khoan"), one character out per NFC character in, so
    positions in the stripped text are positions in the NFC original (how people type without an IME)."""
    return _map_words(unicodedata.normalize("NFC", text), _strip_word)


def has_marks(word: str) -> bool:
    """True when ``word`` carries any Vietnamese diacritic (tone, ă â ê ô ơ ư, đ)."""
    return _strip_word(word) != word


def fold(text: str) -> str:
    """The one fold: NFC, lower case, every tone and vowel mark removed ("Lệ phí" → "le phi"; "đ" → "d"), one
    character out per NFC character in (spans found in the fold map back to the text). For users who type
    without diacritics: both sides of a comparison go through it."""
    return strip_marks(normalize_text(text).lower())


def vietnamese_date(iso: str | None) -> str:
    """An ISO date as people read it here, dd/mm/yyyy ("2026-01-05" → "05/01/2026"); anything else unchanged."""
    if not iso:
        return ""
    parts = str(iso)[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    return str(iso)


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def vietnamese_dates(text: str) -> str:
    """Every ISO date inside ``text`` as people read it here ("có hiệu lực 2025-03-01" → "… 01/03/2025")."""
    return _ISO_DAY.sub(lambda m: f"{m.group(3)}/{m.group(2)}/{m.group(1)}", text)


_LONGEST_WORD = 120  # a URL or a số hiệu list may be long; a run of 120 characters with no space is not a word
_LONGEST_REPEAT = 40


def degenerate_reason(text: str) -> str | None:
    """Why ``text`` (NFC already) is no question a person typed, or None: stray combining marks that belong to no
    letter (NFC leaves none in Vietnamese typed with any IME), a "word" of hundreds of characters, one character
    repeated on and on. Such input costs seconds downstream and answers nothing, so it is refused before any
    search. (Punctuation alone is not refused: it finds nothing by keywords and the dense side answers.)"""
    stray = sum(1 for c in text if unicodedata.combining(c))
    if stray > 3 and stray * 50 > len(text):
        return f"câu hỏi có {stray} dấu rời không gắn với chữ nào"
    if any(len(word) > _LONGEST_WORD for word in text.split()):
        return f"câu hỏi có một chuỗi liền dài hơn {_LONGEST_WORD} ký tự"
    run, last = 0, ""
    for c in text:
        run = run + 1 if c == last else 1
        last = c
        if run > _LONGEST_REPEAT and not c.isspace():
            return f"câu hỏi lặp một ký tự hơn {_LONGEST_REPEAT} lần liền"
    return None
