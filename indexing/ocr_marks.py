"""Tone marks of an OCR'd bold title put right ("bồ nhiệm" → "bổ nhiệm", "phố thông" → "phổ thông").

Why: Tesseract reads the bold trích yếu of a scan with its hooks and tildes swapped ("phố thông", "thị trần").
A syllable of the title takes another spelling of the same letters only when the read one makes no word of the
Vietnamese word list underthesea ships (Viet74K) with its neighbours, exactly one other spelling does (with a
neighbour not already taken by a word on its other side: "chuyển mục đích" stays), and the document's body does
not use the read pair more often than the new one ("nhà tạm" stays). Names (a capitalised word beside another)
stay as read. The body is only a veto: measured on the dev scans it repeats the title's misreadings. A syllable
that is no syllable of the list at all ("buỗi") takes its hỏi/ngã twin when that one is ("buổi").
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from core.vietnamese import normalize_text, strip_marks

_TOKEN = re.compile(r"[^\W\d_]+|\S")


@lru_cache(maxsize=1)
def lexicon() -> tuple[frozenset[tuple[str, str]], dict[str, frozenset[str]]]:
    """(pairs of syllables that are, or are inside, a listed word; spellings of each mark-free syllable)."""
    spec = importlib.util.find_spec("underthesea")
    path = Path(spec.origin).parent / "corpus" / "data" / "Viet74K.txt" if spec and spec.origin else None
    if path is None or not path.is_file():
        return frozenset(), {}
    pairs: set[tuple[str, str]] = set()
    syllables: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        seq = line.lower().split()
        if all(s.isalpha() for s in seq):
            pairs.update(zip(seq, seq[1:], strict=False))
            syllables.update(seq)
    spelled = {s: normalize_text(s) for s in syllables}  # the list writes "uỷ" / "ủy" both ways
    forms: dict[str, set[str]] = {}
    for s in spelled.values():
        forms.setdefault(strip_marks(s), set()).add(s)
    return frozenset((spelled[a], spelled[b]) for a, b in pairs), {k: frozenset(v) for k, v in forms.items()}


_HOOK, _TILDE = "\u0309", "\u0303"


def _hoi_nga(syllable: str) -> str:
    """The syllable with its hỏi and ngã marks swapped (the pair Tesseract confuses most on bold print)."""
    import unicodedata

    parts = unicodedata.normalize("NFD", syllable).replace(_HOOK, "\0").replace(_TILDE, _HOOK).replace("\0", _TILDE)
    return unicodedata.normalize("NFC", parts)


def known(fold: str) -> frozenset[str]:
    """The word list's spellings of a mark-free syllable."""
    return lexicon()[1].get(fold, frozenset())


def fix_marks(title: str, body: str) -> str:
    """``title`` with a syllable respelled where the body's pairs, then the word list, say so (module doc)."""
    listed, spellings = lexicon()
    seq = [w.lower() for w in re.findall(r"[^\W\d_]+", normalize_text(body))]
    used = Counter(zip(seq, seq[1:], strict=False))
    seen: dict[str, set[str]] = {}
    for w in seq:
        seen.setdefault(strip_marks(w), set()).add(w)
    tokens = [m for m in _TOKEN.finditer(title) if m.group(0).isalpha()]
    read = [m.group(0) for m in tokens]
    out = list(read)
    for k, w in enumerate(read):
        low = w.lower()
        prev = out[k - 1].lower() if k and tokens[k - 1].end() + 1 >= tokens[k].start() else None
        nxt = read[k + 1].lower() if k + 1 < len(read) and tokens[k].end() + 1 >= tokens[k + 1].start() else None
        capitals = [x for x in (prev, nxt) if x is not None]
        if w[:1].isupper() and k and any(read[j][:1].isupper() for j in (k - 1, k + 1) if 0 <= j < len(read)):
            continue  # a name ("Mộ Đức", "Nguyễn Hoàng Giang") stays as read
        if not capitals:
            continue
        fold = strip_marks(low)
        options = (set(spellings.get(fold, ())) | seen.get(fold, set())) - {low}
        if not options:
            continue

        def body(form: str, prev: str | None = prev, nxt: str | None = nxt) -> int:
            return (used[(prev, form)] if prev else 0) + (used[(form, nxt)] if nxt else 0)

        def word(form: str, strict: bool = True, k: int = k, prev: str | None = prev, nxt: str | None = nxt) -> bool:
            """``form`` makes a listed word with a neighbour; ``strict``: a lower-case neighbour as read, not
            already in a listed word on its other side ("chuyển mục đích" keeps "mục" for "mục đích")."""
            before = strict and (k < 1 or not read[k - 1].islower() or
                                 (k >= 2 and (read[k - 2].lower(), prev) in listed))
            after = strict and (k + 1 >= len(read) or not read[k + 1].islower() or
                                (k + 2 < len(read) and (nxt, read[k + 2].lower()) in listed))
            return (prev is not None and (prev, form) in listed and not before) or \
                (nxt is not None and (form, nxt) in listed and not after)

        if word(low, strict=False):
            continue
        if (swapped := _hoi_nga(low)) != low and low not in known(fold) and swapped in known(fold):
            out[k] = swapped.upper() if w.isupper() else (swapped[:1].upper() + swapped[1:] if w[:1].isupper()
                                                          else swapped)
            continue  # "buỗi" is no syllable; "buổi" is: Tesseract swapped the hook and the tilde
        made = [f for f in options if word(f)]
        if len(made) == 1 and body(made[0]) >= body(low):
            new = made[0]
            out[k] = new.upper() if w.isupper() else (new[:1].upper() + new[1:] if w[:1].isupper() else new)
    text = title
    for m, new in reversed(list(zip(tokens, out, strict=True))):
        if new != m.group(0):
            text = text[:m.start()] + new + text[m.end():]
    return text
