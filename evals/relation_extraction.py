"""Relation extraction precision / recall on a hand-checked sample (docs/validity.md).

The sample: the articles of the 17 ALQAC laws (``corpus.jsonl``) and of the 12 laws and decrees in
``../shared/corpus/laws`` (the consolidated Luật Khiếu nại read by its opening, not its articles) whose title
names validity or changes ("hiệu lực", "sửa đổi", "bãi bỏ", "chuyển tiếp", "thay thế"): final articles,
amending articles, and articles about contracts, judgments or permits "having effect" that name no document
(the negatives). ``evals/data/relation_gold.jsonl`` lists, for each relation a reader finds there, the
document, the target số hiệu (or the name when it has none), the units and the clause; a relation counts as
found when one extracted from the same clause has the same target and units (replaces / repeals / amends are
not told apart: "Bãi bỏ, sửa đổi, bổ sung …" is all three). Run: ``python -m evals.relation_extraction``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from assistant.validity import extract_relations
from connectors.articles import ArticlesConnector
from connectors.files import file_document
from core.documents import Document
from core.vietnamese import strip_marks
from indexing.chunking import chunk_document

GOLD = Path(__file__).resolve().parent / "data" / "relation_gold.jsonl"
_TITLE = re.compile(r"^Điều\s+(\d+[a-z]?)\.?\s*(.*)$")
_WORDS = ("hieu luc", "sua doi", "bai bo", "chuyen tiep", "thay the")


def sample_documents(shared: Path) -> list[Document]:
    docs = [d for d in ArticlesConnector(shared / "benchmarks" / "alqac24_25" / "corpus.jsonl").documents()
            if isinstance(d, Document)]
    return docs + [file_document(p, p.name, 10**8) for p in sorted((shared / "corpus" / "laws").glob("*.txt"))]


def extracted(doc: Document) -> set[tuple[str, str, tuple[str, ...], str]]:
    parsed, chunks = chunk_document(doc, 2400)
    chosen: set[str] = set()
    for c in chunks:
        heads = [ln for ln in f"{c.context}\n{c.text}".splitlines() if _TITLE.match(ln)]
        title = strip_marks(_TITLE.match(heads[0]).group(2)).lower() if heads else ""  # type: ignore[union-attr]
        if c.fields.get("dieu") and any(w in title for w in _WORDS):
            chosen.add(str(c.fields["dieu"]))
    out = set()
    for r in extract_relations(parsed, chunks):
        if r.kind == "based_on":
            continue
        if r.actor_unit == "phần mở đầu" or r.actor_unit.split("Điều ")[-1] in chosen:
            out.add((doc.doc_id, r.target_so_hieu or r.target_name, tuple(u.label for u in r.units), r.actor_unit))
    return out


def main(shared: Path) -> dict[str, float | int]:
    gold = {(g["doc"], g["target"], tuple(g["units"]), g["clause"])
            for g in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if g}
    found: set[tuple[str, str, tuple[str, ...], str]] = set()
    for doc in sample_documents(shared):
        found |= extracted(doc)
    hits = len(found & gold)
    return {"gold": len(gold), "extracted": len(found), "correct": hits,
            "precision": round(hits / len(found), 3) if found else 0.0, "recall": round(hits / len(gold), 3)}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared")), ensure_ascii=False))
