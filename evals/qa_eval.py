"""Answer accuracy through the full answering path, scored by ``question_type``.

- Đúng/Sai and Trắc nghiệm: the label parsed from the answer text (``parse_true_false``,
  ``parse_choice``) against the gold label. The extractive backend quotes sources and never states a
  label, so for it these two types are reported as not applicable (``accuracy: null``).
- Tự luận: normalised exact match and token F1 (SQuAD-style, on NFC lower-cased syllables).
- Citations: a cited article is correct when it is relevant (qrels); precision over answered questions
  that cite something, recall over all judged questions (a refusal cites nothing).
- Refusal rate: share of questions the assistant declined.
"""

from __future__ import annotations

import re
import string
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from assistant.answer.types import AnswerResult
from core.access import Principal
from core.vietnamese import normalize_text
from evals.beir import corpus_id, nearest_corpus_id
from evals.retrieval_eval import percentile

TRUE_FALSE = "Đúng/Sai"
MULTIPLE_CHOICE = "Trắc nghiệm"
FREE_TEXT = "Tự luận"
LABEL_TYPES = (TRUE_FALSE, MULTIPLE_CHOICE)

_MARKERS = re.compile(r"\[\s*(?:ngu[ồo]n\s*)?\d[\d\s,;\-–]*\]", re.IGNORECASE)
_PUNCT = set(string.punctuation) | set("“”‘’«»…–—")


def _clean(text: str) -> str:
    text = normalize_text(text or "")
    text = _MARKERS.sub(" ", text)
    text = text.replace("*", " ").replace("#", " ")
    return " ".join(text.split())


# -- labels --------------------------------------------------------------------------------------------------
_TF_PATTERNS = [
    (re.compile(r"\b(?:không|chưa)\s+(?:hoàn\s+toàn\s+)?(?:đúng|chính\s+xác)\b", re.IGNORECASE), "Sai"),
    (re.compile(r"\b(?:sai|false|incorrect)\b", re.IGNORECASE), "Sai"),
    (re.compile(r"\b(?:đúng|chính\s+xác|true|correct)\b", re.IGNORECASE), "Đúng"),
]
_TF_EXPLICIT = re.compile(r"(?:đáp\s+án|kết\s+luận|trả\s+lời|câu\s+trả\s+lời)\s*(?:là|:)?\s*[:\-]?\s*\**\s*"
                          r"(không\s+đúng|đúng|sai)\b", re.IGNORECASE)

_TF_LEAD = re.compile(r"^\W*(không|có)\s*[,.!:;]", re.IGNORECASE)


def parse_true_false(answer: str) -> str | None:
    """"Đúng" / "Sai" from an answer: an explicit "Đáp án: …" wins; otherwise the earliest verdict word
    in the first sentence (then the whole text), with "không đúng" read as "Sai". None when absent."""
    text = _clean(answer)
    if not text:
        return None
    explicit = _TF_EXPLICIT.search(text)
    if explicit:
        return "Đúng" if explicit.group(1).lower() == "đúng" else "Sai"
    lead = _TF_LEAD.match(text)
    if lead:
        return "Sai" if lead.group(1).lower() == "không" else "Đúng"
    first = re.split(r"(?<=[.!?\n])\s", text, maxsplit=1)[0]
    for scope in (first, text):
        found = []
        for pattern, label in _TF_PATTERNS:
            m = pattern.search(scope)
            if m:
                found.append((m.start(), -len(m.group(0)), label))
        if found:
            return min(found)[2]
    return None


_CHOICE_EXPLICIT = re.compile(
    r"(?:đáp\s+án|phương\s+án|lựa\s+chọn|chọn|câu\s+trả\s+lời|answer)\s*(?:đúng\s+(?:nhất\s+)?)?(?:là|:)?"
    r"\s*[:\-]?\s*[\*\(\[]*\s*([A-D])\b", re.IGNORECASE)
_CHOICE_LEAD = re.compile(r"^\W*([A-D])\s*(?:[.):\]]|$|\s-\s)")


def parse_choice(answer: str, choices: dict[str, str] | None = None) -> str | None:
    """A letter A–D: "Đáp án: B", "Chọn C", "B." / "(B)" at the start; else the one choice whose text the
    answer contains (longest match). None when nothing identifies one choice."""
    text = _clean(answer)
    if not text:
        return None
    m = _CHOICE_EXPLICIT.search(text)
    if m:
        return m.group(1).upper()
    m = _CHOICE_LEAD.match(text)
    if m:
        return m.group(1).upper()
    if choices:
        folded = normalize_for_match(text)
        contained = [(len(v), k) for k, v in choices.items()
                     if (nv := normalize_for_match(str(v))) and len(nv) >= 3 and nv in folded]
        if contained:
            contained.sort(reverse=True)
            if len(contained) == 1 or contained[0][0] > contained[1][0]:
                return str(contained[0][1]).upper()
    return None


# -- free text -----------------------------------------------------------------------------------------------
def normalize_for_match(text: str) -> str:
    """NFC, lower case, citation markers and punctuation removed, whitespace collapsed."""
    text = _clean(text).lower()
    text = "".join(" " if ch in _PUNCT else ch for ch in text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    return 1.0 if normalize_for_match(prediction) == normalize_for_match(gold) else 0.0


def token_f1(prediction: str, gold: str) -> float:
    pred, ref = normalize_for_match(prediction).split(), normalize_for_match(gold).split()
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def question_text(q: dict[str, Any]) -> str:
    """The question as asked: a multiple-choice question lists its options "A. …" on their own lines."""
    text = q["text"]
    choices = q.get("choices") or {}
    if q.get("question_type") == MULTIPLE_CHOICE and choices:
        text += "\n" + "\n".join(f"{k}. {v}" for k, v in sorted(choices.items()))
    return text


# -- citations -----------------------------------------------------------------------------------------------
def cited_articles(result: AnswerResult, corpus_ids: set[str] | None = None) -> list[str]:
    """Corpus ids of the articles an answer cites (via the payload of the cited source)."""
    by_chunk = {s.chunk_id: s.payload for s in result.sources}
    ids = []
    for c in result.citations:
        cid = corpus_id(by_chunk.get(c.chunk_id) or {"doc_id": c.doc_id})
        if corpus_ids is not None:
            cid = nearest_corpus_id(cid, corpus_ids)
        if cid:
            ids.append(cid)
    return list(dict.fromkeys(ids))


def citation_scores(cited: Sequence[str], relevant: set[str]) -> tuple[float | None, float]:
    """(precision, recall) of cited articles against the relevant set; precision None when nothing cited."""
    if not relevant:
        return (None, 0.0)
    hits = len(set(cited) & relevant)
    precision = hits / len(set(cited)) if cited else None
    return precision, hits / len(relevant)


# -- the run -------------------------------------------------------------------------------------------------
def score_answer(q: dict[str, Any], answer: str, refused: bool, label_scoring: bool) -> dict[str, Any]:
    qtype = q.get("question_type") or FREE_TEXT
    gold = normalize_text(str(q.get("answer") or "")).strip()
    if qtype == MULTIPLE_CHOICE:
        gold = gold.upper()
    row: dict[str, Any] = {"type": qtype, "gold": gold}
    if qtype in LABEL_TYPES:
        if not label_scoring:
            row.update(predicted=None, correct=None)
        else:
            pred = None if refused else (parse_true_false(answer) if qtype == TRUE_FALSE
                                         else parse_choice(answer, q.get("choices") or None))
            row.update(predicted=pred, correct=float(pred == gold))  # a refusal or no label counts as wrong
    else:
        row.update(em=exact_match(answer, gold) if not refused else 0.0,
                   f1=round(token_f1(answer, gold), 4) if not refused else 0.0)
    return row


def run_qa(ask: Callable[[str, Principal], AnswerResult], questions: list[dict[str, Any]],
           qrels: dict[str, set[str]], principal: Principal, *, backend: str,
           corpus_ids: set[str] | None = None,
           extra: Callable[[dict[str, Any], AnswerResult], dict[str, Any] | None] | None = None) -> dict[str, Any]:
    """Ask every question (``ask`` = ``Answerer.ask`` or a stand-in) and score it; ``extra`` adds scores of
    its own to a question's row (e.g. the procedure-record scores of ``evals.tthc_scoring``)."""
    started = time.perf_counter()
    label_scoring = backend != "extractive"
    rows, latencies = [], []
    for q in questions:
        t0 = time.perf_counter()
        result = ask(question_text(q), principal)
        latencies.append((time.perf_counter() - t0) * 1000)
        row = score_answer(q, result.answer, result.refused, label_scoring)
        relevant = set(q.get("relevant") or ()) or qrels.get(str(q["_id"]), set())
        cited = cited_articles(result, corpus_ids)
        precision, recall = citation_scores(cited, relevant)
        row.update(id=str(q["_id"]), refused=result.refused, cited=cited, citation_precision=precision,
                   citation_recall=recall if relevant else None, latency_ms=round(latencies[-1], 1),
                   answer=result.answer[:600])
        row.update((extra(q, result) or {}) if extra is not None else {})
        rows.append(row)
    return {
        "kind": "qa",
        "backend": backend,
        "metrics": summarize(rows, label_scoring),
        "queries": len(rows),
        "seconds": round(time.perf_counter() - started, 2),
        "latencies_ms": {"ask": [round(x, 1) for x in latencies]},
        "per_question": rows,
    }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarize(rows: list[dict[str, Any]], label_scoring: bool) -> dict[str, Any]:
    by_type: dict[str, dict[str, Any]] = {}
    for qtype in sorted({r["type"] for r in rows}):
        group = [r for r in rows if r["type"] == qtype]
        entry: dict[str, Any] = {"n": len(group), "refusal_rate": _mean([float(r["refused"]) for r in group])}
        if qtype in LABEL_TYPES:
            entry["accuracy"] = _mean([r["correct"] for r in group]) if label_scoring else None
            entry["unparsed"] = sum(1 for r in group if label_scoring and r.get("predicted") is None)
            if not label_scoring:
                entry["note"] = "not applicable: the extractive backend quotes sources and states no label"
        else:
            entry["em"] = _mean([r["em"] for r in group])
            entry["f1"] = _mean([r["f1"] for r in group])
        by_type[qtype] = entry
    precisions = [r["citation_precision"] for r in rows if r["citation_precision"] is not None]
    recalls = [r["citation_recall"] for r in rows if r["citation_recall"] is not None]
    labelled = [r["correct"] for r in rows if r["type"] in LABEL_TYPES and r.get("correct") is not None]
    latencies = [r["latency_ms"] for r in rows]
    return {
        "by_type": by_type,
        "label_accuracy": _mean(labelled) if label_scoring else None,
        "citation_precision": _mean(precisions),
        "citation_recall": _mean(recalls),
        "answered_with_citation": _mean([float(bool(r["cited"])) for r in rows]),
        "refusal_rate": _mean([float(r["refused"]) for r in rows]),
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
    }
