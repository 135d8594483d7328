"""The embedded default answerer: no model, just the best-supported lines of the sources, quoted verbatim.

Without an LLM a wrong paraphrase is impossible, and a civil servant still gets the Khoản/Điểm that
answers the question with its [n] citation. Deterministic: same question and sources, same answer.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.citations import best_span, plain, sentence_spans, terms
from assistant.answer.types import Source

HEADER = "Trích nguyên văn từ các văn bản liên quan (chưa qua diễn giải):"
NO_ANSWER = "Không tìm thấy căn cứ trong các văn bản được cung cấp."
_VALIDITY_NOTE = {"het_hieu_luc": "đã hết hiệu lực", "chua_co_hieu_luc": "chưa có hiệu lực"}

_LONG_LINE = 400  # a longer line is split into sentences
_MAX_UNIT = 600  # a quoted unit never exceeds this (long sentences are narrowed to their best clauses)
_KEEP = 0.6  # a quote must score at least this share of the best one
_MIN_TERMS = 5  # shorter lines are headings ("Điều 5. Lệ phí"), not answers
_HEADING = re.compile(r"^\s*(?:Chương|Mục|Phần|Điều)\s+[\dIVXLC]+[.:]?\s", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[a-zđ]\)|\d+(?:\.\d+)*[.)]|[-+•–])\s", re.IGNORECASE)


@dataclass(frozen=True)
class _Unit:
    rank: int  # position of the source in the retrieved list (0 = best)
    start: int
    end: int
    text: str
    terms: tuple[str, ...]


def _units(rank: int, text: str, q_terms: list[str]) -> list[_Unit]:
    """Candidate quotes: whole lines (Khoản, Điểm), a list intro with its items, long lines by sentence."""
    spans: list[tuple[int, int]] = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    for i, (s, e) in enumerate(lines):
        if e - s <= _LONG_LINE:
            spans.append((s, e))
        else:
            spans.extend(sp for sp in sentence_spans(text) if s <= sp[0] and sp[1] <= e)
        if text[s:e].rstrip().endswith(":"):  # "Hồ sơ gồm:" + its a), b), c) items, while they fit
            end = e
            for s2, e2 in lines[i + 1:]:
                if not _LIST_ITEM.match(text[s2:e2]) or e2 - s > _MAX_UNIT:
                    break
                end = e2
            if end > e:
                spans[-1] = (s, end)  # the intro alone says nothing; quote it with its items
    units = []
    for s, e in spans:
        s, e = _strip(text, s, e)
        if e - s > _MAX_UNIT:
            a, b = best_span(q_terms, text[s:e], max_chars=_MAX_UNIT)
            s, e = s + a, s + b
        unit_terms = tuple(terms(text[s:e]))
        if len(unit_terms) < _MIN_TERMS or (_HEADING.match(text[s:e]) and e - s < 120):
            continue
        units.append(_Unit(rank, s, e, text[s:e], unit_terms))
    return units


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _score(unit: _Unit, query: set[str], q_pairs: set[tuple[str, str]], idf: dict[str, float]) -> float:
    """Squared-idf question terms in the unit, a bonus for shared word pairs, damped by length and rank.

    Squaring lets the rare words of the question ("thời hạn", "lệ phí") outweigh the long subject
    every candidate shares ("giấy chứng nhận đăng ký hộ kinh doanh"). A single shared syllable is chance
    ("gia" in "gia tăng" and "gia đình"), not evidence: such a unit scores 0.
    """
    present = set(unit.terms)
    shared = query & present
    pairs = set(zip(unit.terms, unit.terms[1:], strict=False)) & q_pairs
    if len(shared) < min(2, len(query)) and not pairs:
        return 0.0
    base = sum(idf[t] ** 2 for t in shared)
    base += 0.5 * sum((idf[a] ** 2 + idf[b] ** 2) / 2 for a, b in pairs)
    return base / (1 + len(unit.terms) / 80) / (1 + 0.15 * unit.rank)


def _near_duplicate(unit: _Unit, chosen: list[_Unit]) -> bool:
    mine = set(unit.terms)
    for other in chosen:
        if other.rank == unit.rank and unit.start < other.end and other.start < unit.end:
            return True  # overlapping spans of the same source
        theirs = set(other.terms)
        if len(mine & theirs) / max(1, len(mine | theirs)) >= 0.8:
            return True
    return False


def extractive_answer(question: str, sources: Sequence[Source], max_sentences: int = 4) -> str:
    """A short list of verbatim quotes "- «…» [n]" from the top sources, best-supported first by rank.

    Returns "Không tìm thấy căn cứ …" when no line of any source shares a content word with the question.
    """
    q_list = terms(question)
    query = set(q_list)
    units = [u for rank, src in enumerate(sources) for u in _units(rank, src.text, q_list)]
    if not query or not units:
        return NO_ANSWER
    df = Counter(t for u in units for t in set(u.terms))
    # A term in most candidate lines (the subject everyone shares) says little about which line answers.
    idf = {t: 0.1 + math.log(len(units) / df[t]) for t in df}
    idf.update({t: 0.1 + math.log(len(units)) for t in query if t not in idf})
    q_pairs = set(zip(q_list, q_list[1:], strict=False))
    scored = sorted(((_score(u, query, q_pairs, idf), u) for u in units),
                    key=lambda x: (-x[0], x[1].rank, x[1].start))
    best = scored[0][0]
    if best <= 0:
        return NO_ANSWER
    chosen: list[_Unit] = []
    for score, unit in scored:
        if len(chosen) >= max_sentences or score < _KEEP * best:
            break
        if not _near_duplicate(unit, chosen):
            chosen.append(unit)
    chosen.sort(key=lambda u: (u.rank, u.start))
    lines = [HEADER, *(f"- «{plain(u.text)}» [{sources[u.rank].marker}]" for u in chosen)]
    for rank in dict.fromkeys(u.rank for u in chosen):
        note = _VALIDITY_NOTE.get(sources[rank].validity)
        if note:
            lines.append(f"Lưu ý: nguồn [{sources[rank].marker}] thuộc văn bản {note}.")
    return "\n".join(lines)
