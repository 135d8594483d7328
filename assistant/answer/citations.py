"""Citation checking after generation: every [n] must name a provided source, and carries a verbatim quote.

A model can cite a source it was not given ([7] of 5) or none at all; those markers are removed and
counted, so the answer never shows a citation nobody can open. Each surviving marker gets the sentence of
its source that best supports the claim it is attached to, quoted verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer.types import Citation, Source
from core.vietnamese import fold, sparse_terms

MAX_QUOTE_CHARS = 300
_MAX_RANGE = 10  # "[1-3]" expands; "[1-2020]" is not a citation range

# Function words that carry no evidence on their own (the overlap score ignores them).
STOPWORDS = frozenset(
    "là và của các những được cho có trong theo với từ để thì mà này đó khi về tại do bởi một hoặc "
    "nếu như thế nào gì ai đâu bao nhiêu lâu mấy sao vậy ạ không phải hay".split()
)

# [1]  [1, 3]  [1;3]  [1-3]  [nguồn 2]  [Nguồn 1, 2]
_MARKER = re.compile(r"\[\s*(?:ngu[ồo]n|source)?\s*(\d{1,4}(?:\s*[,;\-–]\s*\d{1,4})*)\s*\]", re.IGNORECASE)
# A sentence ends at . ! ? … followed by a space and a capital, digit or opening quote, or at a newline.
_SENT_END = re.compile(r"(?<=[.!?…])[\"”»)]?\s+(?=[\"“«(]?[A-ZĐÀ-Ỹ0-9])")
_NUMBERING = re.compile(
    r"^\s*(?:(?:Điều|Khoản|Điểm|Chương|Mục|Phần)\s+)?[\dIVXLCa-zđ]{1,5}(?:\.\d+)*[.)]?\s*$", re.IGNORECASE)
_PUNCT_AFTER = set(".,;:!?)…»\"”")


def plain(text: str) -> str:
    """Source text with its own bracketed numbers ("… [4] [5] [6]", footnotes of the website it was taken from)
    made plain before it is quoted: shown as "(4) (5) (6)" they are what the text says, and the checker never
    reads them as citations of other sources."""
    return _MARKER.sub(lambda m: f"({m.group(1).strip()})", text)


def terms(text: str) -> list[str]:
    """Syllable terms without function words: the unit of every overlap score here."""
    return list(_terms(text))


@lru_cache(maxsize=16384)
def _terms(text: str) -> tuple[str, ...]:
    """``terms`` of one text, kept: the same source sentences and windows are scored against every claim, for
    every sentence the checked stream lets out and again for the final answer, and popular chunks come back in
    other requests (a pure function of the text: nothing of the asker is in it)."""
    return tuple(t for t in sparse_terms(text, "syllable") if t not in STOPWORDS)


def _bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:], strict=False))


def overlap(claim: list[str], candidate: list[str]) -> float:
    """Shared terms plus a bonus for shared syllable pairs (Vietnamese words are often two syllables)."""
    if not claim or not candidate:
        return 0.0
    return len(set(claim) & set(candidate)) + 0.5 * len(_bigrams(claim) & _bigrams(candidate))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line, stripped; a bare numbering ("1.", "Điều 5.") joins the next."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        cuts = [m.end() for m in _SENT_END.finditer(line.group(0))]
        pending: int | None = None
        for begin, end in zip([0, *cuts], [*cuts, len(line.group(0))], strict=True):
            piece = line.group(0)[begin:end]
            if not piece.strip():
                continue
            if _NUMBERING.match(piece) and end < len(line.group(0)):
                pending = begin if pending is None else pending
                continue
            s = start + (pending if pending is not None else begin)
            pending = None
            e = start + end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e))
    return spans


def settled_end(text: str) -> int:
    """Where the last complete line or sentence of ``text`` ends (0: none yet): a stream lets out that much."""
    end = text.rfind("\n") + 1
    for m in _SENT_END.finditer(text, end):
        end = m.end()
    return end


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def best_span(claim_terms: list[str], text: str, max_chars: int = MAX_QUOTE_CHARS) -> tuple[int, int]:
    """The sentence of ``text`` that best supports the claim (ties: the earlier one), at most ``max_chars``.

    A sentence longer than the limit is narrowed to its best run of clauses (cut at ; or ,).
    """
    spans = sentence_spans(text) or [(0, len(text))]
    scored = [(overlap(claim_terms, terms(text[s:e])), -i, (s, e)) for i, (s, e) in enumerate(spans)]
    _, _, (s, e) = max(scored)
    if e - s <= max_chars:
        return s, e
    return _best_window(claim_terms, text, s, e, max_chars)


def _best_window(claim_terms: list[str], text: str, s: int, e: int, max_chars: int) -> tuple[int, int]:
    cuts = [s] + [m.end() for m in re.finditer(r"[;,]\s+", text[s:e])]
    cuts = [s] + [s + c for c in cuts[1:]] + [e]
    best: tuple[float, int, tuple[int, int]] | None = None
    for i in range(len(cuts) - 1):
        j = i + 1
        while j + 1 < len(cuts) and cuts[j + 1] - cuts[i] <= max_chars:
            j += 1
        a, b = cuts[i], min(cuts[j], cuts[i] + max_chars)
        cand = (overlap(claim_terms, terms(text[a:b])), -i, (a, b))
        if best is None or cand > best:
            best = cand
    assert best is not None
    a, b = best[2]
    if b - a > max_chars or (b < e and not text[b - 1].isspace() and text[b - 1] not in ",;"):
        b = a + max_chars  # one clause longer than the limit: cut at the last word boundary
        b = text.rfind(" ", a, b) if text.rfind(" ", a, b) > a else b
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;"):
        b -= 1
    return a, b


def _marker_numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        bounds = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= _MAX_RANGE:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds)
    return numbers


@dataclass
class _Occurrence:
    numbers: list[int]
    start: int  # in the cleaned answer
    end: int


def _source_index(sources: Sequence[Source]) -> dict[int, Source]:
    by_marker = {s.marker: s for s in sources}
    if sorted(by_marker) == list(range(1, len(sources) + 1)):
        return by_marker
    return {i: s for i, s in enumerate(sources, start=1)}


def check_citations(answer: str, sources: list[Source], allowed: Collection[int] | None = None
                    ) -> tuple[str, list[Citation], int]:
    """Clean ``answer`` of markers that name no provided source, or whose claim shares no real evidence with
    the quote it would get; return (answer, citations, removed). ``allowed``: the markers the writer was shown
    (default: every source's); any other marker names no source for this answer.

    Valid groups are rewritten one number per bracket ("[1, 3]" -> "[1][3]", ranges expanded), so every
    consumer sees one shape. ``removed`` counts invalid or unsupported references, not brackets.
    """
    index = _source_index(sources)
    if allowed is not None:
        index = {marker: source for marker, source in index.items() if marker in allowed}
    cleaned, occurrences, removed = _clean_markers(answer, index)
    for _ in range(3):  # dropping a marker lengthens the next one's claim; settle in a few rounds
        unsupported = _unsupported(cleaned, occurrences, index)
        if not unsupported:
            break
        cleaned = _mark_unsupported(cleaned, occurrences, unsupported)
        cleaned, occurrences, dropped = _clean_markers(cleaned, index)
        removed += dropped
    return cleaned, _citations(cleaned, occurrences, index), removed


def supports(claim: list[str], quote: str) -> bool:
    """Real overlap: at least two shared terms (one when the claim has only one), and at least a fifth of
    the claim's distinct terms. A claim with no terms supports nothing."""
    wanted = set(claim)
    if not wanted:
        return False
    shared = len(wanted & set(terms(quote)))
    return shared >= min(2, len(wanted)) and shared / len(wanted) >= 0.2


def _unsupported(cleaned: str, occurrences: list[_Occurrence], index: dict[int, Source]) -> set[tuple[int, int]]:
    """(occurrence number, marker) pairs whose claim the marker's best quote does not support."""
    found: set[tuple[int, int]] = set()
    for i, (occ, claim) in enumerate(zip(occurrences, _claims(cleaned, occurrences), strict=True)):
        for n in occ.numbers:
            s, e = best_span(claim, index[n].text)
            if not supports(claim, index[n].text[s:e]):
                found.add((i, n))
    return found


def _mark_unsupported(cleaned: str, occurrences: list[_Occurrence], unsupported: set[tuple[int, int]]) -> str:
    """Rewrite unsupported markers as "[0]" (never a source), so the next cleaning pass removes and counts
    them with the same spacing rules as any invalid marker."""
    out, pos = [], 0
    for i, occ in enumerate(occurrences):
        out.append(cleaned[pos:occ.start])
        out.append("".join(f"[{0 if (i, n) in unsupported else n}]" for n in occ.numbers))
        pos = occ.end
    out.append(cleaned[pos:])
    return "".join(out)


def _clean_markers(answer: str, index: dict[int, Source]) -> tuple[str, list[_Occurrence], int]:
    out: list[str] = []
    occurrences: list[_Occurrence] = []
    removed = 0
    pos = 0
    length = 0  # running length of "".join(out)
    for m in _MARKER.finditer(answer):
        out.append(answer[pos:m.start()])
        length += m.start() - pos
        numbers = _marker_numbers(m.group(1))
        valid = list(dict.fromkeys(n for n in numbers if n in index))
        removed += sum(1 for n in numbers if n not in index)
        pos = m.end()
        if valid:
            text = "".join(f"[{n}]" for n in valid)
            occurrences.append(_Occurrence(valid, length, length + len(text)))
            out.append(text)
            length += len(text)
            pos = _skip_space_before_punct(answer, pos)
            continue
        # Removed: drop the space before it and keep one space only between words.
        joined = "".join(out).rstrip(" \t")
        while pos < len(answer) and answer[pos] in " \t":
            pos += 1
        nxt = answer[pos:pos + 1]
        if nxt and nxt != "\n" and nxt not in _PUNCT_AFTER and joined and joined[-1] not in "\n(«“":
            joined += " "
        out, length = [joined], len(joined)
    out.append(answer[pos:])
    return "".join(out), occurrences, removed


def _skip_space_before_punct(text: str, pos: int) -> int:
    """"[1] ." -> "[1].": spaces between a marker and punctuation go."""
    end = pos
    while end < len(text) and text[end] in " \t":
        end += 1
    return end if end > pos and end < len(text) and text[end] in _PUNCT_AFTER else pos


def _claim(cleaned: str, occ: _Occurrence, prev_end: int) -> list[str]:
    """The text a marker is attached to: from the previous marker (or line start) up to it, else after it."""
    line_start = cleaned.rfind("\n", 0, occ.start) + 1
    before = terms(_MARKER.sub(" ", cleaned[max(line_start, prev_end):occ.start]))
    if before:
        return before
    line_end = cleaned.find("\n", occ.end)
    line_end = len(cleaned) if line_end < 0 else line_end
    nxt = _MARKER.search(cleaned, occ.end, line_end)
    return terms(cleaned[occ.end:nxt.start() if nxt else line_end])


def _claims(cleaned: str, occurrences: list[_Occurrence]) -> list[list[str]]:
    """Each occurrence's claim; adjacent markers ("… giấy tờ [1][3]") share the words before the first."""
    claims: list[list[str]] = []
    prev_end = 0
    for occ in occurrences:
        adjacent = bool(claims) and not cleaned[prev_end:occ.start].strip()
        claims.append(claims[-1] if adjacent else _claim(cleaned, occ, prev_end))
        prev_end = occ.end
    return claims


def _citations(cleaned: str, occurrences: list[_Occurrence], index: dict[int, Source]) -> list[Citation]:
    claims: dict[int, list[str]] = {}
    for occ, claim in zip(occurrences, _claims(cleaned, occurrences), strict=True):
        for n in occ.numbers:
            claims.setdefault(n, []).extend(claim)
    blocks = {n: block for occ in occurrences if (block := _quoted_block(cleaned, occ)) for n in occ.numbers}
    citations = []
    for n, claim in claims.items():
        src = index[n]
        block = blocks.get(n)
        if block and block in src.text:  # a whole passage quoted verbatim: the quote is that passage
            quote = block
        else:
            s, e = best_span(claim, src.text)
            quote = src.text[s:e]
        citations.append(Citation(marker=n, chunk_id=src.chunk_id, doc_id=src.doc_id, title=src.title,
                                  so_hieu=src.so_hieu, citation=src.citation, quote=quote, validity=src.validity))
    return citations


def _quoted_block(cleaned: str, occ: _Occurrence) -> str | None:
    """The passage of several lines quoted «…» right before the marker (the extractive writer quotes a whole
    unit, then cites it once), without the quotation marks; None for any other claim."""
    head = cleaned[:occ.start].rstrip()
    if not head.endswith("»"):
        return None
    opened = head.rfind("«")
    block = head[opened + 1:-1].strip() if opened >= 0 else ""
    return block if "\n" in block and "[" not in block else None


def mentions_no_answer(answer: str) -> bool:
    """True when the answer says the sources hold no basis ("Không tìm thấy căn cứ")."""
    return "khong tim thay can cu" in " ".join(fold(answer).split())
