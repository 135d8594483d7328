"""Must-match: a procedure's record answers only a question that names that procedure.

Why: retrieval always returns the *nearest* record, and for a procedure that is not indexed the nearest
one is about something else ("cấp hộ chiếu" → a press licence). Answering from it is confident, cited and
wrong. The score is the share of the question's naming syllables (diacritics removed, question and field
words ignored) that the record's title contains; ``MATCH_THRESHOLD`` was chosen on the train split of
``evals/data/tthc_questions.jsonl`` (docs/tthc-eval.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_types import Source
from core.vietnamese import normalize_text, strip_diacritics
from indexing.tthc_fields import TthcFields, tthc_fields_of

MATCH_THRESHOLD = 0.85  # enough on its own
PARTIAL_THRESHOLD = 0.67  # enough when the question also covers much of the title ...
MIN_TITLE_COVERAGE = 0.4  # ... this share of its naming syllables (chosen on train, see docs/tthc-eval.md)

# Phrases that say how a question asks, not which procedure it names; blanked longest first.
_ASKING_PHRASES = [normalize_text(p).split() for p in """
|thủ tục|là gì|bao nhiêu|bao lâu|mấy ngày|khi nào|bao giờ|như thế nào|thế nào|ra sao|lệ phí|phí|chi phí|miễn phí
|tiền|mất phí|mất tiền|có mất|tốn|đóng phí|phải đóng|hồ sơ|giấy tờ|tài liệu|thành phần|mang theo|chuẩn bị|thời hạn
|thời gian|giải quyết|xử lý|trả kết quả|kết quả|nhận được|được cấp|cơ quan|đơn vị|nơi nộp|nơi tiếp nhận|thẩm quyền
|tiếp nhận|đối tượng|áp dụng|dành cho|trực tuyến|trực tiếp|bưu chính|bưu điện|qua mạng|online|cách thức|hình thức
|bằng cách nào|điều kiện|yêu cầu|tiêu chuẩn|đáp ứng|căn cứ|pháp lý|văn bản|quy định|thực hiện|ngày|tháng|tuần|xong
|nộp|gửi|đi làm|làm|là|gì|nào|ở đâu|nộp đâu|ai|mấy|được không|hay không|có thể|có phải|có cần|có nộp|được|thì|mà|ạ
|nhé|nhỉ|ơi|vậy|tôi|em|mình|cho hỏi|xin hỏi|muốn|cần|phải|và|hoặc|của|trong|tại|về|để|nếu|sẽ|còn|này|đó|ấy|một|hay
|những|các|gồm|bao gồm|sao|thế|cho|với|đối với|nhận|qua|khi|thủ|tục
""".replace("\n", "").split("|")]
_ASKING_PHRASES.sort(key=len, reverse=True)
_ASKING_PLAIN = [[strip_diacritics(w) for w in p] for p in _ASKING_PHRASES]
_CODE = re.compile(r"\b\d\.\d{6}\b")


def _typed_plain(text: str) -> bool:
    """True for a question typed without any Vietnamese mark: compare it on diacritic-free syllables."""
    return strip_diacritics(text) == normalize_text(text).lower()


def _syllables(text: str, plain: bool) -> list[str]:
    return re.findall(r"\w+", strip_diacritics(text) if plain else normalize_text(text).lower())


def naming_syllables(question: str) -> list[str]:
    """The question's syllables in order, asking phrases blanked ("") so that pairs do not bridge them."""
    return naming_syllables_of(question, _typed_plain(question))


def naming_syllables_of(text: str, plain: bool) -> list[str]:
    words = _syllables(text, plain)
    phrases = _ASKING_PLAIN if plain else _ASKING_PHRASES
    out = list(words)
    if words and words[-1] in ("không", "khong"):  # "… có mất phí không?"; "không thường trú" names
        out[-1] = ""
    i = 0
    while i < len(words):
        hit = next((p for p in phrases if words[i:i + len(p)] == p), None)
        if hit:
            out[i:i + len(hit)] = [""] * len(hit)
            i += len(hit)
        else:
            i += 1
    return out


def _pairs(words: list[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in zip(words, words[1:], strict=False) if a and b}


def match_score(question: str, fields: TthcFields) -> float:
    """1.0 when the question gives the procedure's code; else the mean of the shares of the question's
    naming syllables, and of its adjacent naming pairs, found in the title (with diacritics unless the
    question was typed without them, so "khai tử" does not match "tự khai")."""
    codes = set(_CODE.findall(question))
    if codes:
        return 1.0 if fields["ma_thu_tuc"] in codes else 0.0
    words = naming_syllables(question)
    asked = {w for w in words if w}
    if not asked:
        return 0.0
    title_words = _syllables(fields.get("ten_thu_tuc") or "", _typed_plain(question))
    uni = len(asked & set(title_words)) / len(asked)
    pairs = _pairs(words)
    bi = len(pairs & set(zip(title_words, title_words[1:], strict=False))) / len(pairs) if pairs else uni
    return (uni + bi) / 2


def title_coverage(question: str, fields: TthcFields) -> float:
    """The share of the title's naming syllables that the question uses: a question that names a different
    procedure shares a few generic words ("cấp giấy phép … người nước ngoài") of a long title."""
    plain = _typed_plain(question)
    title = {w for w in naming_syllables_of(fields.get("ten_thu_tuc") or "", plain) if w}
    asked = {w for w in naming_syllables(question) if w}
    return len(asked & title) / len(title) if title else 0.0


def is_named(question: str, fields: TthcFields, score: float | None = None) -> bool:
    """The must-match decision: a high score, or a fair one with a good part of the title covered."""
    score = match_score(question, fields) if score is None else score
    return score >= MATCH_THRESHOLD or (
        score >= PARTIAL_THRESHOLD and title_coverage(question, fields) >= MIN_TITLE_COVERAGE)


@dataclass(frozen=True)
class Candidate:
    """One retrieved procedure: its fields, its best-ranked source, how well the question names it."""

    fields: TthcFields
    source: Source
    score: float


def candidates(question: str, sources: list[Source]) -> list[Candidate]:
    """Distinct procedures among the sources, in retrieval order, each scored against the question."""
    seen: dict[str, Candidate] = {}
    for source in sources:
        fields = tthc_fields_of(source.payload)
        if fields is not None and fields["ma_thu_tuc"] not in seen:
            seen[fields["ma_thu_tuc"]] = Candidate(fields, source, match_score(question, fields))
    return list(seen.values())


def best_named(question: str, found: list[Candidate]) -> Candidate | None:
    """The best-scored candidate that the question names (``is_named``)."""
    named = [c for c in found if is_named(question, c.fields, c.score)]
    # Equal scores: the title the question covers most is the one it names ("gia hạn giấy phép hành nghề"
    # is that procedure, not "… trong giai đoạn chuyển tiếp").
    return max(named, key=lambda c: (round(c.score, 6), title_coverage(question, c.fields)), default=None)
