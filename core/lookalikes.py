"""Letters an adversary swaps in so that a word reads the same but compares different, folded back.

Why: a secrecy stamp typed "МẬТ" (Cyrillic М and Т), "ΜẬΤ" (Greek), "ＭẬＴ" (full-width), "𝐌𝐀̣̂𝐓" (math bold),
with U+3164 HANGUL FILLER, U+FE0F or a combining overline inside, looks like "MẬT" on the page and must be
read as "MẬT" by the gate. The fold is NFKC (full-width, math alphanumerics, compatibility forms) plus a
confusables map for the Cyrillic and Greek capitals and small letters that look Latin, then drops what draws
nothing or only decorates: format characters (Cf), fillers, variation selectors, and combining marks other
than the five Vietnamese tone marks and the three vowel marks. Used on text a stamp is looked for in, never on
what is indexed or shown.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters drawn like Latin ones (Unicode confusables, the subset that maps to A–Z / a–z).
_CONFUSABLES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u",
    "ı": "i", "ȷ": "j", "ℳ": "M", "Ⲙ": "M", "Ꭲ": "T", "Ꮇ": "M", "ꓟ": "M", "ꓔ": "T",
})  # fmt: skip
# Combining marks Vietnamese writes: grave, acute, tilde, hook above, dot below; circumflex, breve, horn.
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
# Characters that draw as blank space or nothing and are not Cf: fillers, variation selectors, CGJ.
_BLANKS = frozenset("\u3164\u115f\u1160\uffa0\u034f\u180e\u2800") | frozenset(map(chr, range(0xFE00, 0xFE10)))


def _dropped(ch: str) -> bool:
    if ch in _BLANKS or 0xE0100 <= ord(ch) <= 0xE01EF:
        return True
    category = unicodedata.category(ch)
    return category == "Cf" or (category in ("Mn", "Me") and ch not in _VIETNAMESE_MARKS)


def fold_lookalikes(text: str) -> str:
    """``text`` as the letters it shows: NFKC, look-alike letters mapped to Latin, invisible and decorating
    characters dropped, NFC again (so a Cyrillic А with two Vietnamese marks becomes "Ậ")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text).translate(_CONFUSABLES)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not _dropped(ch)))
