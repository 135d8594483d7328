"""Must-match: a procedure's record answers only a question that names that procedure.

Why: retrieval always returns the *nearest* record, and for a procedure that is not indexed the nearest
one is about something else ("cấp hộ chiếu" → a press licence). Answering from it is confident, cited and
wrong. The score is the share of the question's naming syllables (diacritics removed, question and field
words ignored) that the record's title contains; ``MATCH_THRESHOLD`` was chosen on the train split of
``evals/data/tthc_questions.jsonl`` (docs/tthc-eval.md); ``PARTIAL_THRESHOLD`` was raised to 0.7 on the train split
of ``evals/data/tthc_province_questions.jsonl`` read against both sets' 809 titles (``evals.tthc_naming_eval``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer.types import Source
from assistant.search.question import Naming
from assistant.tthc.fields import TthcFields, tthc_fields_of
from core.vietnamese import fold, normalize_text

MATCH_THRESHOLD = 0.8  # enough on its own (with rarity weights, ``title_weights``) ...
PARTIAL_THRESHOLD = 0.7  # enough when the question also covers much of the title ...
MIN_TITLE_COVERAGE = 0.4  # ... this share of its naming syllables (chosen on train, see docs/tthc-eval.md)

# Phrases that say how a question asks, not which procedure it names; blanked longest first.
_ASKING_PHRASES = [normalize_text(p).split() for p in """
|thủ tục|là gì|bao nhiêu|bao lâu|mấy ngày|khi nào|bao giờ|như thế nào|thế nào|ra sao|lệ phí|phí|chi phí|miễn phí
|tiền|mất phí|mất tiền|có mất|tốn|đóng phí|phải đóng|hồ sơ|giấy tờ|tài liệu|thành phần|mang theo|chuẩn bị|thời hạn
|thời gian|giải quyết|xử lý|trả kết quả|kết quả|nhận được|được cấp|cơ quan|đơn vị|nơi nộp|nơi tiếp nhận|thẩm quyền
|tiếp nhận|đối tượng|áp dụng|dành cho|trực tuyến|trực tiếp|bưu chính|bưu điện|qua mạng|online|cách thức|hình thức
|bằng cách nào|điều kiện|yêu cầu|tiêu chuẩn|đáp ứng|căn cứ|pháp lý|văn bản|quy định|thực hiện|ngày|tháng|tuần|xong
|nộp|gửi|đi làm|làm|là|gì|nào|ở đâu|nộp đâu|ai|mấy|được không|hay không|có thể|có phải|có cần|có nộp|được|thì|mà|ạ
|nhé|nhỉ|ơi|vậy|tôi|em|mình|cho hỏi|xin hỏi|xin|mất|muốn|cần|phải|và|hoặc|của|trong|tại|về|để|nếu|sẽ|còn|này|đó|ấy
|một|hay
|những|các|gồm|bao gồm|sao|thế|cho|với|đối với|nhận|qua|khi|thủ|tục
""".replace("\n", "").split("|")]
_ASKING_PHRASES.sort(key=len, reverse=True)
_ASKING_PLAIN = [[fold(w) for w in p] for p in _ASKING_PHRASES]
_CODE = re.compile(r"\b\d\.\d{6}\b")


_WORD = re.compile(r"\w+")
# The asking phrases by their first syllable, each list longest first as in ``_ASKING_PHRASES``: a position is
# compared only with the phrases that can start there (the first match of the longest-first order is the same).
_PHRASES_AT: dict[bool, dict[str, list[list[str]]]] = {False: {}, True: {}}
for _plain, _phrases in ((False, _ASKING_PHRASES), (True, _ASKING_PLAIN)):
    for _p in _phrases:
        if _p:  # the split's empty entries matched everywhere and blanked nothing
            _PHRASES_AT[_plain].setdefault(_p[0], []).append(_p)


@dataclass(frozen=True)
class AskedWords:
    """A question's syllables as must-match reads them, prepared once from its NFC text and its fold.

    Why: every step of must-match (the score against each title, the exact-name rule, the decision) reads the
    question's syllables; the request prepares the question once (``assistant.search.question.Question``:
    ``standalone`` is NFC, ``folded`` its fold) and this is built from those two forms, not by folding again."""

    text: str  # the question, NFC (``normalize_text``)
    plain: bool  # typed without any Vietnamese mark: compared on diacritic-free syllables
    marked: tuple[str, ...]  # its syllables in lower case, marks kept
    folded: tuple[str, ...]  # its syllables folded
    words: tuple[str, ...]  # ``folded`` when ``plain``, else ``marked``
    naming: tuple[str, ...]  # ``words`` with the asking phrases blanked ("")

    @classmethod
    def of(cls, text: str, folded: str) -> AskedWords:
        """From the question's NFC text and its fold (``core.vietnamese.fold(text)``)."""
        lower = text.lower()
        plain = folded == lower
        marked, plain_words = tuple(_WORD.findall(lower)), tuple(_WORD.findall(folded))
        words = plain_words if plain else marked
        return cls(text, plain, marked, plain_words, words, _blank_asking(words, plain))


@lru_cache(maxsize=4096)
def _asked_text(text: str) -> AskedWords:
    """A question given as text (evaluations, the answer's own must-match over retrieved sources)."""
    return AskedWords.of(normalize_text(text), fold(text))


def _asked(question: str | AskedWords) -> AskedWords:
    return question if isinstance(question, AskedWords) else _asked_text(question)


@lru_cache(maxsize=8192)  # titles: each is read against many questions
def _syllable_tuple(text: str, plain: bool) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text) if plain else normalize_text(text).lower()))


def _syllables(text: str, plain: bool) -> list[str]:
    return list(_syllable_tuple(text, plain))


def naming_syllables(question: str | AskedWords) -> list[str]:
    """The question's syllables in order, asking phrases blanked ("") so that pairs do not bridge them."""
    return list(_asked(question).naming)


def naming_syllables_of(text: str, plain: bool) -> list[str]:
    return list(_naming_tuple(text, plain))


@lru_cache(maxsize=8192)  # titles (``title_coverage``): each is read against many questions
def _naming_tuple(text: str, plain: bool) -> tuple[str, ...]:
    return _blank_asking(_syllable_tuple(text, plain), plain)


def _blank_asking(words: tuple[str, ...], plain: bool) -> tuple[str, ...]:
    """``words`` with the asking phrases blanked, longest first."""
    at = _PHRASES_AT[plain]
    out = list(words)
    if words and words[-1] in ("không", "khong"):  # "… có mất phí không?"; "không thường trú" names
        out[-1] = ""
    i = 0
    while i < len(words):
        hit = next((p for p in at.get(words[i], ()) if list(words[i:i + len(p)]) == p), None)
        if hit:
            out[i:i + len(hit)] = [""] * len(hit)
            i += len(hit)
        else:
            i += 1
    return tuple(out)


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in zip(words, words[1:], strict=False) if a and b}


def naming_in_title(question: str | AskedWords, title: str) -> list[str]:
    """The question's naming syllables against one title: asking phrases are blanked, except where they
    run on with the title's own wording ("giải quyết tố cáo", "người có công", "thực hiện chế độ"), where
    they name."""
    asked = _asked(question)
    words, naming = asked.words, asked.naming
    title_pairs = _title_pairs(title, asked.plain)

    def in_run(i: int) -> bool:
        return (i > 0 and (words[i - 1], words[i]) in title_pairs) or (
            i + 1 < len(words) and (words[i], words[i + 1]) in title_pairs)

    return [w if naming[i] or in_run(i) else "" for i, w in enumerate(words)]


@lru_cache(maxsize=8192)
def _title_pairs(title: str, plain: bool) -> frozenset[tuple[str, str]]:
    words = _syllable_tuple(title, plain)
    return frozenset(zip(words, words[1:], strict=False))


def match_score(question: str | AskedWords, fields: TthcFields, weights: Mapping[str, float] | None = None) -> float:
    """1.0 when the question gives the procedure's code; else the mean of the shares of the question's
    naming syllables, and of its adjacent naming pairs, found in the title (with diacritics unless the
    question was typed without them, so "khai tử" does not match "tự khai"). With ``weights`` (syllable →
    rarity among all titles, ``title_weights``) the syllable share is weighted: a rare word of the
    question missing from the title ("báo in") counts more than generic ones it has ("cấp giấy phép")."""
    question = _asked(question)
    codes = set(_CODE.findall(question.text))
    if codes:
        return 1.0 if fields["ma_thu_tuc"] in codes else 0.0
    title = fields.get("ten_thu_tuc") or ""
    words = naming_in_title(question, title)
    asked = {w for w in words if w}
    if not asked:
        return 0.0
    plain = question.plain
    title_words = set(_syllable_tuple(title, plain))
    uni = _weight(asked & title_words, weights) / _weight(asked, weights)
    pairs = _pairs(words)
    bi = len(pairs & _title_pairs(title, plain)) / len(pairs) if pairs else uni
    return (uni + bi) / 2


def _weight(words: set[str], weights: Mapping[str, float] | None) -> float:
    """The summed rarity of ``words`` (a word no title has weighs most: the "" entry); their count without
    weights."""
    if not weights:
        return float(len(words))
    return sum(weights.get(w, weights.get("", 1.0)) for w in words)


def title_weights(titles: Iterable[str]) -> dict[str, float]:
    """Each syllable's rarity among the titles (inverse document frequency), in both forms a question may
    use: with marks and without them."""
    df: dict[str, int] = {}
    n = 0
    for title in titles:
        n += 1
        for word in set(_syllable_tuple(title, False)) | set(_syllable_tuple(title, True)):
            df[word] = df.get(word, 0) + 1
    return {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()} | {"": math.log(2 * (n + 1))}


def shared_run_syllables(question: str | AskedWords, fields: TthcFields) -> int:
    """How many of the question's syllables stand in runs of two or more that the title has too: between
    titles that both hold all the question's naming words, the one it quotes at length is the one named
    ("công nhận và thực hiện chế độ ưu …" over "hưởng lại chế độ ưu đãi")."""
    asked = _asked(question)
    words, pairs = asked.words, _title_pairs(fields.get("ten_thu_tuc") or "", asked.plain)
    return sum(1 for i, w in enumerate(words) if (i > 0 and (words[i - 1], w) in pairs)
               or (i + 1 < len(words) and (w, words[i + 1]) in pairs))


def title_coverage(question: str | AskedWords, fields: TthcFields) -> float:
    """The share of the title's naming syllables that the question uses: a question that names a different
    procedure shares a few generic words ("cấp giấy phép … người nước ngoài") of a long title."""
    question = _asked(question)
    title_text = fields.get("ten_thu_tuc") or ""
    title = {w for w in naming_syllables_of(title_text, question.plain) if w}
    asked = {w for w in naming_in_title(question, title_text) if w}
    return len(asked & title) / len(title) if title else 0.0


def is_named(question: str | AskedWords, fields: TthcFields, score: float | None = None) -> bool:
    """The must-match decision: a high score, or a fair one with a good part of the title covered and no
    two adjacent naming words the title lacks (that names another thing: "… hoạt động báo in"); never a title
    for the contrary case (``contradicts``)."""
    score = match_score(question, fields) if score is None else score
    if contradicts(question, fields):
        return False
    return score >= MATCH_THRESHOLD or (
        score >= PARTIAL_THRESHOLD and title_coverage(question, fields) >= MIN_TITLE_COVERAGE
        and not names_something_else(question, fields))


# A case the question names, and the case of a title that excludes it: "ở nước ngoài" is not «… ở trong nước».
_CONTRARY = (("nuoc ngoai", "trong nuoc"), ("trong nuoc", "nuoc ngoai"), ("cap lai", "cap moi"),
             ("cap moi", "cap lai"))


def contradicts(question: str | AskedWords, fields: TthcFields) -> bool:
    """True when the question names a case ("nước ngoài") the title leaves out while it names the contrary one
    ("trong nước"): that title is the procedure for the other case, however many words it shares."""
    asked = " " + " ".join(_asked(question).folded) + " "
    title = " " + " ".join(_syllable_tuple(fields.get("ten_thu_tuc") or "", True)) + " "
    return any(f" {a} " in asked and f" {a} " not in title and f" {b} " in title for a, b in _CONTRARY)


def names_something_else(question: str | AskedWords, fields: TthcFields) -> bool:
    """True when two adjacent naming syllables of the question are both missing from the title."""
    title = fields.get("ten_thu_tuc") or ""
    words = naming_in_title(question, title)
    title_words = set(_syllable_tuple(title, _asked(question).plain))
    return any(a and b and a not in title_words and b not in title_words
               for a, b in zip(words, words[1:], strict=False))


@dataclass(frozen=True)
class Candidate:
    """One retrieved procedure: its fields, its best-ranked source, how well the question names it."""

    fields: TthcFields
    source: Source
    score: float


def candidates(question: str | AskedWords, sources: list[Source],
               weights: Mapping[str, float] | None = None) -> list[Candidate]:
    """Distinct procedures among the sources, in retrieval order, each scored against the question."""
    question = _asked(question)
    seen: dict[str, Candidate] = {}
    for source in sources:
        fields = tthc_fields_of(source.payload)
        if fields is not None and fields["ma_thu_tuc"] not in seen:
            seen[fields["ma_thu_tuc"]] = Candidate(fields, source, match_score(question, fields, weights))
    return list(seen.values())


def best_named(question: str | AskedWords, found: list[Candidate]) -> Candidate | None:
    """The best-scored candidate that the question names (``is_named``)."""
    question = _asked(question)
    named = [c for c in found if is_named(question, c.fields, c.score)]
    return max(named, key=lambda c: best_order(question, c.fields, c.score), default=None)


def best_order(question: str | AskedWords, fields: TthcFields, score: float) -> tuple[float, int, float]:
    """How named procedures rank: by score; equal scores by the length of the title's wording the question
    quotes (``shared_run_syllables``), then by the share of the title it covers ("gia hạn giấy phép hành
    nghề" is that procedure, not "… trong giai đoạn chuyển tiếp")."""
    return round(score, 6), shared_run_syllables(question, fields), title_coverage(question, fields)


def quotes_title(question: str | AskedWords, fields: TthcFields) -> int:
    """The length (in syllables) of the title when the question quotes it whole, as one run (a leading "Thủ tục"
    may be left out); 0 otherwise. "Đổi giấy phép lái xe thì bao lâu nhận được bằng mới?" names «Đổi giấy phép
    lái xe» exactly, whatever else it says ("bằng mới" is how it asks, not another procedure)."""
    asked = _asked(question)
    title = list(_syllable_tuple(fields.get("ten_thu_tuc") or "", asked.plain))
    if title[:2] in (["thủ", "tục"], ["thu", "tuc"]):
        title = title[2:]
    words = asked.words
    n = len(title)
    if n < 2:
        return 0
    return n if any(list(words[i:i + n]) == title for i in range(len(words) - n + 1)) else 0


MIN_PREFIX = 5  # syllables: a shorter leading part ("cấp giấy phép") is how many titles begin, not a name
PREFIX_SHARE = 0.8  # of the question's naming syllables the cut name must hold ("… quân sự khi chuyển đến …" not)


def quoted_prefix(question: str | AskedWords, fields: TthcFields) -> tuple[int, int]:
    """The longest leading part of the title, shorter than the whole title, that the question holds as one run
    followed by asking words only and holding most of its naming syllables (``PREFIX_SHARE``): "… chữa bệnh
    trong giai là gì?", not "cấp giấy phép kinh doanh karaoke", nor "… quân sự khi chuyển đến …". As (its length
    in syllables, that length without the asking words it ends on); (0, 0) when there is none. The second
    says whether the run names more than a title quoted whole ("đăng ký khai sinh cho ai" quotes «đăng ký khai
    sinh», not «… cho người đã có hồ sơ …»); the first tells two cut titles apart ("… an toàn tiền gồm" is
    «… an toàn tiền chất …», though "tiền" is an asking word). Why: a name cut short is a prefix of the title
    it was cut from, and of no title it was not."""
    asked = _asked(question)
    plain = asked.plain
    title = _syllable_tuple(fields.get("ten_thu_tuc") or "", plain)
    if title[:2] in (("thủ", "tục"), ("thu", "tuc")):
        title = title[2:]
    words, naming = asked.words, asked.naming
    total = sum(1 for w in naming if w)
    best = (0, 0)
    for i in range(len(words)):
        k = 0
        while k < len(title) and i + k < len(words) and words[i + k] == title[k]:
            k += 1
        if k == len(title) or k <= best[0]:
            continue
        if i + k < len(words) and naming[i + k]:  # the question goes on naming something the title does not say
            continue
        if sum(1 for w in naming[i:i + k] if w) < PREFIX_SHARE * total:  # ... or names more elsewhere
            continue
        named = k
        while named and not naming[i + named - 1]:
            named -= 1
        best = (k, named)
    return best


def _by_prefix(question: AskedWords, scored: list[tuple[TthcFields, float]], longest: int) -> Naming | None:
    """A name cut short (``quoted_prefix``) that names more than any title quoted whole: the one title it runs
    furthest into, or, where it begins several as far, an ask-back between them (the family's first-time member
    when the question names no variant, ``default_variant``); None when no such prefix is quoted."""
    prefixes = [(quoted_prefix(question, f), f) for f, _ in scored]
    prefixes = [(k, f) for (k, named), f in prefixes if named >= MIN_PREFIX and named > longest]
    if not prefixes:
        return None
    length = max(k for k, _ in prefixes)
    begun = [f for k, f in prefixes if k == length]
    if len(begun) == 1:
        return Naming("named", (begun[0]["ma_thu_tuc"],))
    default = default_variant(question, begun)
    if default is not None:
        return Naming("named", tuple(f["ma_thu_tuc"] for f in [default, *(f for f in begun if f is not default)]))
    return Naming("ambiguous", tuple(f["ma_thu_tuc"] for f in begun))


def _names_more(question: AskedWords, exact: TthcFields, scored: list[tuple[TthcFields, float]]) -> bool:
    """Whether a title the question names (``is_named``) holds every naming syllable of the question that the
    title quoted whole holds, and at least two more: "đăng ký khai sinh kết hợp nhận cha, mẹ, con có yếu tố
    nước ngoài" quotes «đăng ký khai sinh» whole, but names «… khai sinh kết hợp đăng ký nhận cha, mẹ, con có
    yếu tố nước ngoài»."""
    plain = question.plain
    asked = {w for w in question.naming if w}
    held = asked & set(_syllable_tuple(exact.get("ten_thu_tuc") or "", plain))
    for fields, score in scored:
        words = asked & set(_syllable_tuple(fields.get("ten_thu_tuc") or "", plain))
        if len(words) >= len(held) + 2 and held <= words and is_named(question, fields, score):
            return True
    return False


def decide(question: str | AskedWords, scored: list[tuple[TthcFields, float]]) -> Naming:
    """The must-match decision over all titles ``scored`` (fields, match_score). The best-ranked named one,
    unless a title that fits the question better is not named (the question is more specific than the
    shorter title it covers: "… cấp Trung …" is not "… cấp Bộ Quốc phòng"), or the next named one fits
    exactly as well and neither title is quoted whole (several "xuất cảnh … tàu quân sự nước ngoài"). A name cut
    short that is longer than any title quoted whole is read first (``quoted_prefix``): "gia hạn giấy phép hành
    nghề khám bệnh, chữa bệnh trong giai" is «… trong giai đoạn chuyển tiếp», not the shorter title it holds."""
    if not scored:
        return Naming("none")
    question = _asked(question)
    longest = max(quotes_title(question, f) for f, _ in scored)
    cut = _by_prefix(question, scored, longest)  # a name cut short, longer than any quoted whole, decides first
    if cut is not None:
        return cut
    exact = [f for f, _ in scored if quotes_title(question, f) == longest] if longest else []
    if exact and not _names_more(question, exact[0], scored):
        # the procedure named exactly wins (the longest title quoted whole) ...
        same = [f for f in exact if title_key(f) == title_key(exact[0])]
        if len(same) > 1:  # ... unless two sets hold the very same name: ask which (their agencies differ)
            return Naming("ambiguous", tuple(f["ma_thu_tuc"] for f in same))
        return Naming("named", (exact[0]["ma_thu_tuc"],))
    top = max(score for _, score in scored)
    named = sorted(((best_order(question, f, s), f) for f, s in scored if is_named(question, f, s)),
                   key=lambda item: item[0], reverse=True)
    if not named or named[0][0][0] < round(top, 6):
        return Naming("none")
    first = named[0][0]
    tied = [f for order, f in named if order[:2] == first[:2]]
    if len(tied) > 1 and first[2] < 1.0:
        default = default_variant(question, tied)
        if default is not None:  # a family asked by its everyday name: the first-time one, its siblings after
            rest = [f for f in tied if f is not default]
            return Naming("named", tuple(f["ma_thu_tuc"] for f in [default, *rest]))
        return Naming("ambiguous", tuple(f["ma_thu_tuc"] for f in tied))
    return Naming("named", (named[0][1]["ma_thu_tuc"],))


# Words that make a procedure one variant of a family ("cấp lại", "sửa chữa, cải tạo", "điều chỉnh" …), and those
# that mark its first-time (default) member ("cấp … mới", "lần đầu").
_VARIANT_WORDS = {normalize_text(w) for w in (
    "lại", "điều chỉnh", "gia hạn", "sửa chữa", "cải tạo", "di dời", "đổi", "thu hồi", "hủy", "chấm dứt",
    "sửa đổi", "bổ sung", "thay đổi", "tạm ngừng", "gia hạn", "xóa", "nước ngoài", "lưu động", "biên giới")}
_FIRST_TIME = {normalize_text(w) for w in ("mới", "lần đầu")}


def title_key(fields: TthcFields) -> tuple[str, ...]:
    """A title's syllables without marks and without a leading "thủ tục": two records of the same name (in two
    sets, or two levels) share it."""
    words = _syllable_tuple(fields.get("ten_thu_tuc") or "", True)
    return words[2:] if words[:2] == ("thu", "tuc") else words


def _has_phrase(text: str, phrases: set[str]) -> bool:
    return _has_words(_syllable_tuple(text, False), phrases)


def _has_words(syllables: tuple[str, ...], phrases: set[str]) -> bool:
    words = " " + " ".join(syllables) + " "
    return any(f" {p} " in words for p in phrases)


def default_variant(question: str | AskedWords, tied: list[TthcFields]) -> TthcFields | None:
    """The first-time member of a family the question names only by its everyday name ("cấp giấy phép xây dựng
    nhà ở riêng lẻ" fits "… xây dựng mới …" and "… sửa chữa, cải tạo …" alike): the one tied title that says
    "mới" / "lần đầu" while the others name a variant and the question names none. None when the question
    itself names a variant or no single title is the first-time one (then the user is asked which)."""
    asked = _asked(question)
    if _has_words(asked.marked, _VARIANT_WORDS | _FIRST_TIME) or asked.plain and any(
            w in asked.folded for w in ("lai", "moi", "dau")):
        return None
    first = [f for f in tied if _has_phrase(f.get("ten_thu_tuc") or "", _FIRST_TIME)]
    if len(first) != 1:
        return None
    rest = [f for f in tied if f is not first[0]]
    return first[0] if all(_has_phrase(f.get("ten_thu_tuc") or "", _VARIANT_WORDS) for f in rest) else None


class TitleIndex:
    """Every indexed title read once for must-match, so that a question is scored only against the titles it
    can score above 0 on, and most of those without re-reading the title.

    Why: ``match_score`` against every title costs ~25 µs each, ~20 ms a question over 809 titles, on each
    /v1/ask and /v1/search that mentions a procedure. A title that has none of the question's naming syllables
    and none of its adjacent syllable pairs scores exactly 0 (nothing of the question is in it), and a title
    that has none of its adjacent pairs leaves the question's naming syllables as they are (no asking phrase
    runs on with its wording): its score is computed here from the question's syllables, read once, by the same
    operations in the same order as ``match_score``, so every score is the same float. The rest go through
    ``match_score``'s steps with the runs found from the pairs the title shares.

    ``contenders`` goes further for ``decide``: only the titles that could be named or quoted whole, found from
    an inverted index of the titles' syllable pairs (how many of the question's pairs each title has bounds its
    score from above), so a question costs the few titles that share enough of its pairs, not the hundreds that
    share one generic pair ("giấy phép", "đăng ký")."""

    def __init__(self, titles: Iterable[tuple[TthcFields, str]]) -> None:
        self.fields: list[TthcFields] = []
        self._words: dict[bool, list[frozenset[str] | set[str]]] = {False: [], True: []}
        self._pairs: dict[bool, list[frozenset[tuple[str, str]]]] = {False: [], True: []}
        self._quoted: dict[bool, list[frozenset[tuple[str, str]] | None]] = {False: [], True: []}
        self._by_word: dict[bool, dict[str, list[int]]] = {False: {}, True: {}}
        self._by_pair: dict[bool, dict[tuple[str, str], list[int]]] = {False: {}, True: {}}
        for i, (fields, title) in enumerate(titles):
            self.fields.append(fields)
            for plain in (False, True):
                words = set(_syllable_tuple(title, plain))  # built as match_score builds it: same set, same order
                pairs = _title_pairs(title, plain)
                self._words[plain].append(words)
                self._pairs[plain].append(pairs)
                self._quoted[plain].append(_quotable_pairs(title, plain))
                for w in words:
                    self._by_word[plain].setdefault(w, []).append(i)
                for p in pairs:
                    self._by_pair[plain].setdefault(p, []).append(i)

    def scores(self, question: str | AskedWords,
               weights: Mapping[str, float] | None = None) -> list[tuple[TthcFields, float]]:
        """(fields, ``match_score(question, fields, weights)``) of the titles that may score above 0, in
        title order; every title left out scores 0.0 (so ``decide`` reads the same list without its zeros)."""
        asked_words = _asked(question)
        if _CODE.search(asked_words.text):  # a code decides alone: cheap on every title
            return [(f, match_score(asked_words, f, weights)) for f in self.fields]
        plain = asked_words.plain
        words, naming = asked_words.words, asked_words.naming
        asked = {w for w in naming if w}  # match_score's ``asked`` when no asking phrase runs on with the title
        adjacent = set(zip(words, words[1:], strict=False))
        found: set[int] = set()
        for w in asked:
            found.update(self._by_word[plain].get(w, ()))
        runs: set[int] = set()
        for p in adjacent:
            runs.update(self._by_pair[plain].get(p, ()))
        found |= runs
        if not asked:  # only titles with a run of the question's words can score
            found = runs
        out: list[tuple[TthcFields, float]] = []
        pairs = _pairs(list(naming))
        total = _weight(asked, weights) if asked else 0.0
        at = _pair_positions(words)
        for i in sorted(found):
            if i in runs:
                out.append((self.fields[i], self._with_runs(words, naming, at, i, plain, weights)))
                continue
            uni = _weight(asked & self._words[plain][i], weights) / total
            bi = 0.0 if pairs else uni  # none of the question's pairs is in this title: 0 / len(pairs)
            out.append((self.fields[i], (uni + bi) / 2))
        return out

    def contenders(self, question: str | AskedWords,
                   weights: Mapping[str, float] | None = None) -> list[tuple[TthcFields, float]]:
        """``scores`` without the titles that can change nothing in ``decide``: those that cannot reach the
        lowest naming threshold and are not quoted whole. ``decide`` over this list is ``decide`` over every
        title: a title left out is never named, is not the top score when one is named, and quotes nothing.

        The bound: a title's score is (uni + bi) / 2 with uni ≤ 1, and bi — the share of the question's naming
        pairs (with the runs the title brings back, never fewer than the question's own ``P``) that the title
        has — is at most min(1, s / P), where s counts the question's adjacent pairs the title has. A question
        with no naming pair (bi is then uni) or with a procedure code is scored on every title (``scores``)."""
        asked = _asked(question)
        naming_pairs = _pairs(list(asked.naming))
        if not naming_pairs or _CODE.search(asked.text):
            return self.scores(asked, weights)
        plain, words = asked.plain, asked.words
        adjacent = set(zip(words, words[1:], strict=False))
        shared: dict[int, int] = {}
        for p in adjacent:
            for i in self._by_pair[plain].get(p, ()):
                shared[i] = shared.get(i, 0) + 1
        lowest = min(MATCH_THRESHOLD, PARTIAL_THRESHOLD) - 1e-9  # a margin for the float sums' rounding
        n_pairs = len(naming_pairs)
        keep = sorted(i for i, s in shared.items()
                      if (1.0 + min(1.0, s / n_pairs)) / 2 >= lowest
                      or (quoted := self._quoted[plain][i]) is not None and quoted <= adjacent)
        at = _pair_positions(words)
        return [(self.fields[i], self._with_runs(words, asked.naming, at, i, plain, weights)) for i in keep]

    def _with_runs(self, words: tuple[str, ...], naming: tuple[str, ...], at: dict[tuple[str, str], list[int]],
                   i: int, plain: bool, weights: Mapping[str, float] | None) -> float:
        """``match_score`` against title ``i``, which has some of the question's adjacent pairs: its steps, with
        ``naming_in_title``'s runs found from the pairs the title shares (``at``: the positions of each pair)."""
        title_pairs = self._pairs[plain][i]
        run: set[int] = set()
        for pair in at.keys() & title_pairs:
            for j in at[pair]:
                run.update((j, j + 1))
        named = [w if naming[k] or k in run else "" for k, w in enumerate(words)]
        asked = {w for w in named if w}
        if not asked:
            return 0.0
        uni = _weight(asked & self._words[plain][i], weights) / _weight(asked, weights)
        pairs = _pairs(named)
        bi = len(pairs & title_pairs) / len(pairs) if pairs else uni
        return (uni + bi) / 2


def _pair_positions(words: tuple[str, ...]) -> dict[tuple[str, str], list[int]]:
    """Where each adjacent pair of ``words`` starts."""
    at: dict[tuple[str, str], list[int]] = {}
    for j, pair in enumerate(zip(words, words[1:], strict=False)):
        at.setdefault(pair, []).append(j)
    return at


def _quotable_pairs(title: str, plain: bool) -> frozenset[tuple[str, str]] | None:
    """The adjacent pairs of the title as ``quotes_title`` reads it (a leading "thủ tục" left out): a question
    quotes it whole only if it has all of them. None for a title ``quotes_title`` never finds (under two
    syllables)."""
    words = list(_syllable_tuple(title, plain))
    if words[:2] in (["thủ", "tục"], ["thu", "tuc"]):
        words = words[2:]
    return frozenset(zip(words, words[1:], strict=False)) if len(words) >= 2 else None
