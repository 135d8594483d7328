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
from functools import lru_cache

from assistant.answer.citations import STOPWORDS, best_span, plain, sentence_spans
from assistant.answer.types import Source
from core.vietnamese import fold, sparse_terms

HEADER = "Trích nguyên văn từ các văn bản liên quan (chưa qua diễn giải):"
NO_ANSWER = "Không tìm thấy căn cứ trong các văn bản được cung cấp."
_VALIDITY_NOTE = {"het_hieu_luc": "đã hết hiệu lực", "chua_co_hieu_luc": "chưa có hiệu lực"}

_LONG_LINE = 400  # a longer line is split into sentences
_MAX_UNIT = 600  # a quoted unit never exceeds this (long sentences are narrowed to their best clauses)
_KEEP = 0.6  # a quote must score at least this share of the best one
_MIN_TERMS = 5  # shorter lines are headings ("Điều 5. Lệ phí"), not answers
_HEADING = re.compile(r"^\s*(?:Chương|Mục|Phần|Điều)\s+[\dIVXLC]+[.:]?\s", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[a-zđ]\)|\d+(?:\.\d+)*[.)]|[-+•–])\s", re.IGNORECASE)
_DIEM = re.compile(r"^\s*[a-zđ]\)\s", re.IGNORECASE)  # "a) …": a Điểm
_KHOAN = re.compile(r"^\s*\d{1,3}\.\s")  # "2. …": a Khoản (not "1.2" of a table or "2.1." of a plan)
# The question asks for an amount of time, a count or a share ("bao lâu", "mấy ngày", "bao nhiêu lần", "thời
# hạn", "khi nào"), on the fold so a question typed without marks reads the same.
_ASKS_QUANTITY = re.compile(
    r"\b(?:bao lau|bao nhieu|may (?:ngay|thang|nam|gio|lan|tuoi|phan tram)|thoi han|thoi hieu|khi nao|"
    r"ngay nao|muc (?:thu|phat|huong)|phan tram|le phi|phi)\b")
# A line that holds an amount: a number with its unit ("05 ngày làm việc", "24 tháng", "100.000 đồng", "30%"),
# or a count in words ("hai lần").
_QUANTITY = re.compile(
    r"(?:\d[\d.,]*\s*(?:ngày|tháng|năm|giờ|tuần|lần|tuổi|đồng|%|phần trăm)"
    r"|\b(?:một|hai|ba|bốn|năm)\s+lần)", re.IGNORECASE)
_RUN_BONUS = 0.25  # per question term beyond two found in the same order, adjacent
_NOT = "không"
_QUANTITY_BONUS = 1.5  # a line with the amount asked for outranks a line that only defines the thing


@dataclass(frozen=True)
class _Unit:
    rank: int  # position of the source in the retrieved list (0 = best)
    start: int
    end: int
    text: str
    terms: tuple[str, ...]
    quantity: bool = False  # holds an amount (a number with its unit)


def _blocks(text: str, lines: list[tuple[int, int]]) -> dict[int, int]:
    """Khoản blocks: a numbered line ("2. …") with the lines that follow it up to the next numbered line or
    heading — its unnumbered continuation ("Thời hiệu xử lý kỷ luật là 24 tháng …" under "1. Thời hiệu … là
    thời hạn …") and its Điểm items. A continuation line alone has lost what it is about, and the Khoản's first
    line alone often holds the definition but not the figure. Keyed by the index of the block's first line,
    valued by the index of its last; only blocks of several lines that fit ``_MAX_UNIT``."""
    blocks: dict[int, int] = {}
    starts = [i for i, (s, e) in enumerate(lines) if _KHOAN.match(text[s:e]) or _HEADING.match(text[s:e])]
    for n, i in enumerate(starts):
        if not _KHOAN.match(text[lines[i][0]:lines[i][1]]):
            continue
        last = (starts[n + 1] if n + 1 < len(starts) else len(lines)) - 1
        if last > i and lines[last][1] - lines[i][0] <= _MAX_UNIT:
            blocks[i] = last
    return blocks


def _units(rank: int, text: str, q_terms: list[str]) -> list[_Unit]:
    """Candidate quotes: whole Khoản (with continuation and items) where they fit, else whole lines (Khoản,
    Điểm), a list intro with its items, long lines by sentence."""
    spans: list[tuple[int, int]] = []
    lines = _unwrapped(text, [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)])
    blocks = _blocks(text, lines)
    inside = -1  # lines up to this index belong to a block already taken whole
    for i, (s, e) in enumerate(lines):
        if i in blocks:
            spans.append((s, lines[blocks[i]][1]))
            inside = blocks[i]
            continue
        if i <= inside:
            continue
        if e - s <= _LONG_LINE or "\n" in text[s:e] and e - s <= _MAX_UNIT:  # a joined line: its own sentences
            spans.append((s, e))
        else:
            spans.extend(sp for sp in sentence_spans(text) if s <= sp[0] and sp[1] <= e)
        intro = text[s:e].rstrip().endswith(":") or (
            i + 1 < len(lines) and _DIEM.match(text[slice(*lines[i + 1])]) is not None
            and not _LIST_ITEM.match(text[s:e]) and not _HEADING.match(text[s:e]))
        if intro:
            # "Hồ sơ gồm:" (or an intro without its colon) + its a), b), c) items, while they fit
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
        unit_terms = quote_terms(text[s:e])
        if len(unit_terms) < _MIN_TERMS or (_HEADING.match(text[s:e]) and e - s < 120):
            continue
        units.append(_Unit(rank, s, e, text[s:e], unit_terms, bool(_QUANTITY.search(text[s:e]))))
    return units


# A line break inside a sentence: after a character that ends no sentence or clause, before a lower-case word
# that is not a Điểm ("a) …"). Texts taken from PDFs (consolidated laws) break every line at the page width.
_WRAP = re.compile(r"(?<=[^\s.:;!?»\"”)])[ \t]*\n[ \t]*(?=[a-zà-ỹđ])(?![a-zđ]\)\s)")
_WRAPPED_WIDTH = 50  # a line broken at the page width is at least this long


def _unwrapped(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Lines of a text broken at the page width joined back into the lines they were: "Trong thời hạn 30 ngày,
    kể từ … quy" + "định tại Điều 28 …" is one Khoản, and a quote of its second half loses the figure."""
    out: list[tuple[int, int]] = []
    for s, e in lines:
        if out and out[-1][1] - out[-1][0] >= _WRAPPED_WIDTH and _WRAP.search(text[out[-1][1] - 1:s + 1]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def unwrap(text: str) -> str:
    """A quote's page-width line breaks made spaces (its Điểm and Khoản keep their own lines)."""
    return _WRAP.sub(" ", text)


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _score(unit: _Unit, q_list: list[str], q_pairs: set[tuple[str, str]], idf: dict[str, float],
           wants_amount: bool = False) -> float:
    """Squared-idf question terms in the unit, a bonus for shared word pairs, damped by length and rank.

    Squaring lets the rare words of the question ("thời hạn", "lệ phí") outweigh the long subject
    every candidate shares ("giấy chứng nhận đăng ký hộ kinh doanh"). A single shared syllable is chance
    ("gia" in "gia tăng" and "gia đình"), not evidence: such a unit scores 0. The question's words found in
    the same order ("thời gian tập sự") count for more than the same words apart.
    """
    query = set(q_list)
    present = set(unit.terms)
    shared = query & present
    pairs = set(zip(unit.terms, unit.terms[1:], strict=False)) & q_pairs
    if len(shared - {_NOT}) < min(2, len(query)) and not pairs:
        return 0.0
    base = sum(idf[t] ** 2 for t in shared)
    base += 0.5 * sum((idf[a] ** 2 + idf[b] ** 2) / 2 for a, b in pairs)
    base *= 1 + _RUN_BONUS * max(0, _longest_run(q_list, unit.terms) - 2)
    if wants_amount and unit.quantity:  # "bao lâu": the line with "24 tháng", not the one defining "thời hiệu"
        base *= _QUANTITY_BONUS
    return base / (1 + len(unit.terms) / 80) / (1 + 0.15 * unit.rank)


def _longest_run(q_list: list[str], unit_terms: tuple[str, ...]) -> int:
    """The longest run of the question's terms that the unit holds in the same order, adjacent."""
    grams = {tuple(unit_terms[i:i + n]) for n in (2, 3, 4, 5, 6) for i in range(len(unit_terms) - n + 1)}
    best = 1 if set(q_list) & set(unit_terms) else 0
    for n in range(2, 7):
        if any(tuple(q_list[i:i + n]) in grams for i in range(len(q_list) - n + 1)):
            best = n
        else:
            break
    return best


@lru_cache(maxsize=16384)
def quote_terms(text: str) -> tuple[str, ...]:
    """The terms lines are chosen by: ``citations.terms`` with the negation kept ("không được đăng ký" is the
    opposite of "được đăng ký", and the two Khoản that say so share every other word)."""
    return tuple(t for t in sparse_terms(text, "syllable") if t not in STOPWORDS or t == _NOT)


def asks_amount(question: str) -> bool:
    """True when the question asks how long, how many, when or how much (on its fold: typed with or without
    marks)."""
    return bool(_ASKS_QUANTITY.search(fold(question)))


def _near_duplicate(unit: _Unit, chosen: list[_Unit]) -> bool:
    mine = set(unit.terms)
    for other in chosen:
        if other.rank == unit.rank and unit.start < other.end and other.start < unit.end:
            return True  # overlapping spans of the same source
        theirs = set(other.terms)
        if len(mine & theirs) / max(1, len(mine | theirs)) >= 0.8:
            return True
    return False


def extractive_answer(question: str, sources: Sequence[Source], max_sentences: int = 4,
                      background: Sequence[Source] = ()) -> str:
    """A short list of verbatim quotes "- «…» [n]" from the top sources, best-supported first by rank.

    ``background`` (the other retrieved sources) is never quoted; its lines only tell which words are common.

    Returns "Không tìm thấy căn cứ …" when no line of any source shares a content word with the question.
    """
    q_list = list(quote_terms(question))
    query = set(q_list)
    units = [u for rank, src in enumerate(sources) for u in _units(rank, src.text, q_list)]
    if not query or not units:
        return NO_ANSWER
    # A term in most candidate lines (the subject everyone shares) says little about which line answers.
    # Counted over the background too: over the few Khoản of one Điều, the law's own subject ("viên chức")
    # that one Khoản happens to repeat would otherwise outweigh what the question asks ("thời gian tập sự").
    seen = {s.chunk_id for s in sources}
    extra = [u for src in background if src.chunk_id not in seen
             for u in _units(-1, src.text, q_list)]
    df = Counter(t for u in [*units, *extra] for t in set(u.terms))
    n = len(units) + len(extra)
    idf = {t: 0.1 + math.log(n / df[t]) for t in df}
    idf.update({t: 0.1 + math.log(n) for t in query if t not in idf})
    q_pairs = set(zip(q_list, q_list[1:], strict=False))
    wants_amount = asks_amount(question)
    scored = sorted(((_score(u, q_list, q_pairs, idf, wants_amount), u) for u in units),
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
    lines = [HEADER, *(f"- «{plain(unwrap(u.text))}» [{sources[u.rank].marker}]" for u in chosen)]
    for rank in dict.fromkeys(u.rank for u in chosen):
        note = _VALIDITY_NOTE.get(sources[rank].validity)
        if note:
            lines.append(f"Lưu ý: nguồn [{sources[rank].marker}] thuộc văn bản {note}.")
    return "\n".join(lines)
