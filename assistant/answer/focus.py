"""Which retrieved unit the answer is written from: the writer follows retrieval.

The retriever ranks units (a Điều, a Khoản, a procedure's section); the writer is handed the one unit that best
covers the question's key terms, preferring the better-ranked, and chooses its sentences inside it. Before this,
the extractive writer picked sentences anywhere in the sources that shared words with the question ("quy định",
"cán bộ, công chức"), and quoted Điều 65 for a question Điều 14 answers.

Key terms are the question's words less the words every question or legal text has ("thời gian giải quyết thủ
tục", "quy định", "bao lâu"): what the question is *about*. When the best unit does not cover enough of them, the
sources do not answer — "thời gian giải quyết thủ tục cấp giấy phép xây dựng" is not answered by a clause of the
one-stop-shop decree about "thời gian giải quyết" in general — and the answer is a refusal with the nearest
sources. The same choice is made for every writer (a model is given the same unit, in the same order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer.citations import STOPWORDS, terms
from assistant.answer.types import Source
from core.vietnamese import fold, sparse_terms
from indexing.legal_outline import DIEU

# Syllables of the words every question (or every legal text) has: they say nothing about what is asked.
GENERIC = frozenset(
    "quy định thế nào bao lâu nhiêu mấy gì những các luật điều khoản điểm theo thời gian hạn giải quyết thủ tục "
    "hồ sơ cơ quan trường hợp phải được có không là gồm ngày năm tháng việc người văn bản nói "
    "hiện hành cần biết cho hỏi xin tôi ạ nhé vậy sao đâu ai nhận làm mất tối đa đa tối thiểu bị đó "
    "nêu rõ ra sau trước khi nếu thì cũng còn đã sẽ đang".split()
)
_GENERIC_FOLDED = frozenset(fold(w) for w in GENERIC)
_STOP_FOLDED = frozenset(fold(w) for w in STOPWORDS)  # function words, as a question typed without marks has them
MIN_COVERAGE = 0.5  # share of the key terms the chosen unit must contain (tuned on half A of the everyday eval)
RANK_PENALTY = 0.1  # per place down the ranking: a lower unit must cover clearly more to be chosen
HEADING_WEIGHT = 0.5  # an article whose title names what is asked outweighs up to five places of ranking


@dataclass(frozen=True)
class Focus:
    """The chosen unit's sources (their own markers kept) and how much of the key terms it covers."""

    sources: list[Source]
    coverage: float
    key_terms: tuple[str, ...]


@lru_cache(maxsize=1024)
def _folded_terms(text: str) -> tuple[str, ...]:
    """Mark-free syllable terms: a question typed without marks (and not restored) compares the same way. Kept:
    the same units come back request after request (a pure function of the text, nothing of the asker in it)."""
    return tuple(fold(t) for t in terms(text))


@lru_cache(maxsize=1024)
def _unit_fold(text: str) -> str:
    """A unit's text folded, kept for the same reason as ``_folded_terms``."""
    return fold(text)


def _sequence(folded: str) -> list[str]:
    """The folded question's syllables, function words dropped and generic ones blanked (a blank breaks a pair).

    Read on the fold (``Question.folded``), never on the question with its marks restored: a question typed
    without marks is restored word by word, and "trong mấy ngày" restored as "trọng mây ngày" would make
    "trong" a key term no unit covers."""
    words = [t for t in sparse_terms(folded, "syllable") if t not in _STOP_FOLDED]
    return [t if t not in _GENERIC_FOLDED and not t.isdigit() else "" for t in words]


def key_terms(folded: str) -> tuple[str, ...]:
    """The folded question's content syllables, generic ones removed, in order, each once."""
    return tuple(dict.fromkeys(t for t in _sequence(folded) if t))


def unit_key(source: Source) -> tuple[str, str]:
    """A Điều is one unit whatever its chunking (its Khoản answer together); any other chunk is its own."""
    dieu = str((source.payload.get("fields") or {}).get("dieu") or "")
    return (source.doc_id, f"dieu:{dieu}" if dieu else source.chunk_id)


def key_pairs(folded: str) -> tuple[tuple[str, str], ...]:
    """Adjacent key terms of the question ("giấy phép", "xây dựng"): a unit holding both words apart ("cấp giấy
    phép", "xây dựng hệ thống") does not name the same thing."""
    seq = _sequence(folded)
    return tuple(dict.fromkeys((a, b) for a, b in zip(seq, seq[1:], strict=False) if a and b))


def _unit_terms(sources: list[Source]) -> tuple[set[str], set[tuple[str, str]]]:
    words = _folded_terms(" ".join(f"{s.title} {s.citation} {s.payload.get('context') or ''} {s.text}"
                                   for s in sources))
    return set(words), set(zip(words, words[1:], strict=False))


def _title(sources: list[Source]) -> str:
    """The title of the Điều the unit is (its "Điều 28. Thời hạn giải quyết khiếu nại lần đầu" line, which
    a Khoản chunk repeats), "" for a unit that is not an article, or whose line after "Điều N." is a sentence
    of its body (a title ends with no full stop)."""
    for source in sources:
        for line in source.text.splitlines():
            found = DIEU.match(line.strip())  # the parser's own reading of an article heading
            if found and found.group(3):
                title = found.group(3).rstrip()
                return "" if title.endswith((".", ";", ":")) else title
    return ""


def asked_pairs(folded: str) -> frozenset[tuple[str, str]]:
    """The folded question's adjacent word pairs, function words dropped and generic words kept (what
    :func:`title_cover` looks for in a title)."""
    words = [t for t in sparse_terms(folded, "syllable") if t not in _STOP_FOLDED]
    return frozenset(zip(words, words[1:], strict=False))


def title_cover(asked: frozenset[tuple[str, str]], sources: list[Source]) -> float:
    """The share of the question's adjacent word pairs (``asked_pairs``) — generic words included — that the
    unit's article title holds. Several articles often hold every key term of a question ("khiếu nại lần đầu"
    is in the articles on time limits to complain, on a second complaint and on the time to settle); the title
    says which one is *about* it, and there the words that are generic as a subject ("thời hạn giải quyết")
    decide."""
    title = _folded_terms(_title(sources))
    if not asked or not title:
        return 0.0
    return len(asked & set(zip(title, title[1:], strict=False))) / len(asked)


def coverage(wanted: tuple[str, ...], pairs: tuple[tuple[str, str], ...], have: set[str],
             have_pairs: set[tuple[str, str]]) -> float:
    """The share of key terms the unit holds and, counted twice, the share of adjacent key pairs (1.0 with no key
    terms): the words of "giấy phép xây dựng" scattered over a clause about "xây dựng Hệ thống … cấp mã" are not
    the thing asked about."""
    if not wanted:
        return 1.0
    uni = sum(1 for t in wanted if t in have) / len(wanted)
    bi = sum(1 for p in pairs if p in have_pairs) / len(pairs) if pairs else uni
    return (uni + 2 * bi) / 3


def _quoted_ranks(units: list[list[Source]]) -> list[float]:
    """Each unit's place in the ranking, except that an Điều a better-ranked unit quotes by name ("Ghi chú: Theo
    quy định tại Điều 30 Luật Tố cáo năm 2018: …" in a procedure's record) stands just before the first unit
    quoting it: the original is the source to cite, not the copy."""
    ranks: list[float] = [float(i) for i in range(len(units))]
    texts = [_unit_fold(" ".join(s.text for s in members)) for members in units]
    for i, members in enumerate(units):
        head = members[0]
        dieu = str((head.payload.get("fields") or {}).get("dieu") or "")
        if not dieu or not head.title:
            continue
        named = re.compile(rf"\bdieu {re.escape(dieu)}(?: cua)? {re.escape(fold(head.title))}\b")
        quoting = next((j for j in range(i) if named.search(texts[j])), None)
        if quoting is not None:
            ranks[i] = quoting - 0.5
    return ranks


def choose_unit(folded: str, sources: list[Source], min_coverage: float = MIN_COVERAGE,
                rank_penalty: float = RANK_PENALTY, heading_weight: float = HEADING_WEIGHT) -> Focus | None:
    """The unit to answer from, or None when no retrieved unit covers ``min_coverage`` of the key terms.
    ``folded`` is the question's fold (``Question.folded``). Among the units that cover enough, the score is
    the coverage, less ``rank_penalty`` per place, plus ``heading_weight`` times ``title_cover``."""
    units: dict[tuple[str, str], list[Source]] = {}
    for source in sources:
        units.setdefault(unit_key(source), []).append(source)
    wanted, pairs, asked = key_terms(folded), key_pairs(folded), asked_pairs(folded)
    ranks = _quoted_ranks(list(units.values()))
    best: tuple[float, int, Focus] | None = None
    for rank, members in zip(ranks, units.values(), strict=True):
        covered = coverage(wanted, pairs, *_unit_terms(members))
        score = covered - rank_penalty * rank + heading_weight * title_cover(asked, members)
        if covered >= min_coverage and (best is None or score > best[0]):
            best = (score, rank, Focus(members, round(covered, 4), wanted))
    return best[2] if best is not None else None
