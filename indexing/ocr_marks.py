"""Tone marks of an OCR'd bold title put right from the document's own body ("bỗ nhiệm" → "bổ nhiệm").

Why: Tesseract reads the bold trích yếu of a scan with its hooks and tildes swapped ("phố thông", "đắt đề thực
hiện", "thị trần"), while the regular body text around it, which repeats the same words ("Bổ nhiệm vào ngạch",
"trung học phổ thông"), comes out right. A title syllable is replaced by another spelling of the same letters
only when the body uses that spelling next to the same neighbour and never the title's spelling there; a word
the body does not repeat is left as read.
"""

from __future__ import annotations

import re
from collections import Counter

from core.vietnamese import normalize_text, strip_marks

_WORD = re.compile(r"[^\W\d_]+")


def _pairs(text: str) -> tuple[Counter[str], Counter[tuple[str, str]], dict[str, set[str]]]:
    words: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    forms: dict[str, set[str]] = {}
    for line in normalize_text(text).split("\n"):
        seq = [w.lower() for w in _WORD.findall(line)]
        words.update(seq)
        pairs.update(zip(seq, seq[1:], strict=False))
        for w in seq:
            forms.setdefault(strip_marks(w), set()).add(w)
    return words, pairs, forms


def fix_marks(title: str, body: str) -> str:
    """``title`` with each syllable the body spells otherwise, in the same company, spelled as the body does."""
    words, pairs, forms = _pairs(body)
    tokens = list(_WORD.finditer(title))
    out = [m.group(0) for m in tokens]
    for i, m in enumerate(tokens):
        word = out[i].lower()
        prev = out[i - 1].lower() if i else None
        nxt = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else None

        def support(form: str, prev: str | None = prev, nxt: str | None = nxt) -> int:
            return (pairs[(prev, form)] if prev else 0) + (pairs[(form, nxt)] if nxt else 0)

        if support(word) or words[word] >= 3:
            continue
        candidates = [f for f in forms.get(strip_marks(word), ()) if f != word]
        best = max(candidates, key=lambda f: (support(f), words[f]), default=None)
        if best is None or support(best) == 0:
            continue
        out[i] = best[0].upper() + best[1:] if m.group(0)[0].isupper() else best
    pieces, last = [], 0
    for m, new in zip(tokens, out, strict=True):
        pieces += [title[last:m.start()], new]
        last = m.end()
    return "".join(pieces) + title[last:]
