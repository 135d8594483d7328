"""The everyday-question eval: does the answer quote and cite the unit that answers, and does retrieval find it?

Each question (``evals/data/everyday_questions.jsonl``) names the unit that answers it (a Điều / Khoản of a law,
a procedure by code, a line of the 731 plan) and a key span of the answer. Two scores are read side by side:

- **retrieval in top 5**: the expected unit is among the first five sources the answerer was handed;
- **right cited answer**: the answer is not a refusal, cites the expected unit, and contains the span.

Their gap is the answer layer's loss: questions whose unit retrieval found and whose answer is still wrong.
Why both: a good retriever hides a writer that quotes something else (the failure this eval was made for).

Also counted: reference questions ("Điều N <văn bản>", all must be right; a reference to a unit that does not
exist must say so and cite nothing), refusals (out of scope should be refused, in scope not), and wrong validity
claims: a "còn hiệu lực" (in the text, or a cited source's status) that no source confirms.

The set is split in two halves by a hash of the id (A: tune on it; B: report), and every figure is given for each.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from assistant.answer.types import AnswerResult, Source
from core.access import Principal
from core.legal_status import VALIDITY_IN_FORCE, stated_status
from core.vietnamese import fold

TOP = 5
# "còn hiệu lực" stated as a fact; "chưa xác minh (còn) hiệu lực" and "không còn hiệu lực" are not claims
_IN_FORCE = re.compile(r"(?<!chua xac minh )(?<!khong )(?<!het )con hieu luc")


def half(qid: str) -> str:
    """"A" (tune) or "B" (report), fixed by the id so a question never changes half."""
    return "A" if int(hashlib.sha1(qid.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "B"


def normalize(text: str) -> str:
    """Folded, punctuation other than number separators dropped, whitespace collapsed: a span matches the
    answer whatever its marks, quotes or line breaks."""
    text = fold(text or "").replace("\u00a0", " ")
    text = re.sub(r"[^\w\s./,%:-]", " ", text)
    return " ".join(text.split())


def _fields(payload: dict[str, Any]) -> dict[str, Any]:
    return payload.get("fields") or {}


def matches(expect: dict[str, Any], source: Source) -> bool:
    """Whether ``source`` is (part of) the expected unit. A whole-Điều chunk matches a question about one of
    its Khoản; a Khoản chunk matches only its own Khoản."""
    fields = _fields(source.payload)
    if "ma_thu_tuc" in expect:
        code = expect["ma_thu_tuc"]
        return str(fields.get("ma_thu_tuc") or "") == code or source.doc_id == f"tthc:{code}"
    if not any(stem in source.doc_id for stem in expect.get("doc") or ()):
        return False
    if "citation" in expect and expect["citation"] not in source.citation:
        return False
    if "dieu" in expect:
        if str(fields.get("dieu") or "") != expect["dieu"]:
            return False
        khoan = str(fields.get("khoan") or "")
        if "khoan" in expect and khoan and khoan != expect["khoan"]:
            return False
    return True


def confirmed_in_force(payload: dict[str, Any]) -> bool:
    """A source confirms "còn hiệu lực" only by a status it states (its metadata's status line, or the status
    line recorded with its relations), never by dates alone."""
    metadata = payload.get("metadata") or {}
    for line in (metadata.get("tinh_trang_hieu_luc"), payload.get("nguon_ghi"), payload.get("status_source")):
        if line and stated_status(str(line)) == VALIDITY_IN_FORCE:
            return True
    return bool(payload.get("validity_confirmed"))


def validity_claims(result: AnswerResult) -> int:
    """Claims of "còn hiệu lực" with no confirming source: in the text (counted once) and per cited source
    whose status (the badge, the API field) says in force."""
    by_chunk = {s.chunk_id: s for s in result.sources}
    cited = [by_chunk[c.chunk_id] for c in result.citations if c.chunk_id in by_chunk]
    wrong = 0
    text = normalize(result.answer + " " + " ".join(result.warnings))
    if _IN_FORCE.search(text) and not any(confirmed_in_force(s.payload) for s in cited):
        wrong += 1
    for c in result.citations:
        source = by_chunk.get(c.chunk_id)
        if c.validity == VALIDITY_IN_FORCE and (source is None or not confirmed_in_force(source.payload)):
            wrong += 1
    return wrong


def score(q: dict[str, Any], result: AnswerResult, retrieved: list[Source] | None = None) -> dict[str, Any]:
    """One question's row: retrieval, citation, span, refusal and validity-claim results. ``retrieved`` is what
    the retriever ranked (default: the answer's sources; a record answer's own sources replace those)."""
    expect = q.get("expect") or {}
    answerable = q.get("answerable", True)
    sources = (result.sources if retrieved is None else retrieved)[:TOP]
    by_chunk = {s.chunk_id: s for s in result.sources}
    cited = [by_chunk[c.chunk_id] for c in result.citations if c.chunk_id in by_chunk]
    span = normalize(q.get("span") or "")
    has_span = bool(span) and span in normalize(result.answer)
    row: dict[str, Any] = {"id": q["_id"], "half": half(q["_id"]), "area": q.get("area", ""),
                           "reference": bool(q.get("reference")), "no_marks": bool(q.get("no_marks")),
                           "answerable": answerable, "refused": result.refused,
                           "wrong_validity_claims": validity_claims(result),
                           "cited": [f"{s.doc_id} | {s.citation}" for s in cited],
                           "top": [f"{s.doc_id} | {s.citation}" for s in sources], "answer": result.answer[:800]}
    if not answerable:
        row.update(in_top=None, right=None)
        return row
    if "absent_dieu" in expect:  # the unit does not exist: say so, cite nothing
        row.update(in_top=None, right=has_span and not result.citations)
        return row
    in_top = any(matches(expect, s) for s in sources)
    cites_unit = any(matches(expect, s) for s in cited)
    right = not result.refused and cites_unit and has_span
    if q.get("reference") and right:  # a reference cites only the unit asked (other documents: its amendments)
        same_doc = [s for s in cited if any(stem in s.doc_id for stem in expect.get("doc") or ())]
        right = all(matches(expect, s) for s in same_doc)
    row.update(in_top=in_top, right=right, cites_unit=cites_unit, has_span=has_span)
    return row


def _share(part: int, whole: int) -> dict[str, Any]:
    return {"n": part, "of": whole, "rate": round(part / whole, 4) if whole else None}


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of the issue's "done when", for one group of rows."""
    answerable = [r for r in rows if r["answerable"]]
    scored = [r for r in answerable if r["right"] is not None]
    retrieved = [r for r in scored if r["in_top"]]
    out = [r for r in rows if not r["answerable"]]
    refs = [r for r in answerable if r["reference"]]
    return {
        "questions": len(rows),
        "retrieval_top5": _share(sum(1 for r in scored if r["in_top"]),
                                 sum(1 for r in scored if r["in_top"] is not None)),
        "right_cited_answer": _share(sum(1 for r in scored if r["right"]), len(scored)),
        "answer_layer_loss": _share(sum(1 for r in retrieved if not r["right"]), len(retrieved)),
        "reference_right": _share(sum(1 for r in refs if r["right"]), len(refs)),
        "out_of_scope_refused": _share(sum(1 for r in out if r["refused"]), len(out)),
        "in_scope_refused": _share(sum(1 for r in answerable if r["refused"]), len(answerable)),
        "no_marks_right": _share(sum(1 for r in scored if r["no_marks"] and r["right"]),
                                 sum(1 for r in scored if r["no_marks"])),
        "wrong_validity_claims": sum(r["wrong_validity_claims"] for r in rows),
    }


def run_everyday(ask: Callable[[str, Principal], AnswerResult], questions: list[dict[str, Any]],
                 principal: Principal,
                 retrieve: Callable[[str, Principal], list[Source]] | None = None) -> dict[str, Any]:
    """Ask every question, score it, and summarise by half and by area. ``retrieve`` gives the ranked sources
    the answerer prepares (``Answerer.prepare``), so retrieval is scored on what was retrieved even where a record
    answer cites its own sources."""
    started = time.perf_counter()
    rows = [score(q, ask(q["text"], principal), retrieve(q["text"], principal) if retrieve else None)
            for q in questions]
    areas = sorted({r["area"] for r in rows})
    return {
        "kind": "everyday",
        "halves": {h: summarize([r for r in rows if r["half"] == h]) for h in ("A", "B")},
        "all": summarize(rows),
        "areas": {a: {h: summarize([r for r in rows if r["area"] == a and r["half"] == h]) for h in ("A", "B")}
                  for a in areas},
        "queries": len(rows),
        "seconds": round(time.perf_counter() - started, 2),
        "per_question": rows,
    }


_LABELS = (("retrieval_top5", "đúng đơn vị trong top 5"), ("right_cited_answer", "trả lời đúng, trích đúng"),
           ("answer_layer_loss", "mất ở tầng trả lời"), ("reference_right", "câu hỏi dẫn chiếu đúng"),
           ("out_of_scope_refused", "ngoài phạm vi → từ chối"), ("in_scope_refused", "trong phạm vi → từ chối"),
           ("no_marks_right", "gõ không dấu → đúng"))


def _cell(share: dict[str, Any]) -> str:
    rate = "–" if share["rate"] is None else f"{100 * share['rate']:.1f}%"
    return f"{share['n']}/{share['of']} {rate}"


def table(data: dict[str, Any]) -> str:
    """The figures of both halves side by side (A: tuned on, B: held out)."""
    a, b = data["halves"]["A"], data["halves"]["B"]
    lines = [f"{'':32}{'nửa A (chỉnh)':>20}{'nửa B (kiểm)':>20}",
             f"{'số câu hỏi':32}{a['questions']:>20}{b['questions']:>20}"]
    lines += [f"{label:32}{_cell(a[key]):>20}{_cell(b[key]):>20}" for key, label in _LABELS]
    lines.append(f"{'khẳng định hiệu lực sai':32}{a['wrong_validity_claims']:>20}{b['wrong_validity_claims']:>20}")
    lines.append("")
    lines.append(f"{'theo nhóm (A | B)':32}{'top 5':>20}{'đúng':>20}")
    for area, halves in data["areas"].items():
        top = " | ".join(_cell(halves[h]["retrieval_top5"]) for h in ("A", "B"))
        right = " | ".join(_cell(halves[h]["right_cited_answer"]) for h in ("A", "B"))
        lines.append(f"{area:32}{top:>20}  {right}")
    return "\n".join(lines)
