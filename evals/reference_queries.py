"""A reference-query set generated from a BEIR corpus of laws: "Điều 14 Luật Viên chức" and its variants.

Every ``step``-th article of every law gets one question in one of the ways officials type a reference
(the template turns with the article, so each template is asked about as often): with marks, without
marks, lower-case with "khoản 1", with "của" and a question tail, and in capitals. The relevant article
is the one named, so "rank 1" is the target. Nothing here is read from the benchmark's own questions or
answers: the set is made from the corpus ids alone (docs/retrieval.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.vietnamese import normalize_text, strip_marks

TEMPLATES: tuple[str, ...] = (
    "Điều {dieu} {law}",
    "dieu {dieu} {law_plain}",
    "khoản 1 điều {dieu} {law_lower}",
    "Nội dung Điều {dieu} của {law} là gì?",
    "ĐIỀU {dieu} {law_upper}",
    "theo dieu {dieu} {law_plain} thi quy dinh the nao",
)


def reference_questions(corpus_path: Path, step: int = 7) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    """Questions (``_id``, ``text``, ``template``) and their qrels for every ``step``-th article of each law."""
    if step < 1:
        raise ValueError(f"step must be at least 1, got {step}")
    queries: list[dict[str, Any]] = []
    qrels: dict[str, set[str]] = {}
    seen: dict[str, int] = {}
    with Path(corpus_path).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            law, dieu = normalize_text(str(row["law_id"])), normalize_text(str(row["article_id"]))
            n = seen[law] = seen.get(law, -1) + 1
            if n % step:
                continue
            index = len(queries)
            template = TEMPLATES[index % len(TEMPLATES)]
            text = template.format(dieu=dieu, law=law, law_plain=strip_marks(law), law_lower=law.lower(),
                                   law_upper=law.upper())
            qid = f"ref_{index}"
            queries.append({"_id": qid, "text": text, "template": template})
            qrels[qid] = {f"{law}||{dieu}"}
    return queries, qrels
