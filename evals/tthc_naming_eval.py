"""Must-match alone, read against every title of the TTHC sets: which procedure each question of a set is
decided to name (``ProcedureCatalogue.naming``), with no index and no model.

Why: the thresholds and the exact-name rule decide whether an answer is given at all; measured this way a
change to them is seen in seconds on all titles of both sets, split train / dev as the CLI splits
(``sha1(_id) % 5 == 0`` is dev). The full answer path is measured by ``assistant eval qa``.
``python -m evals.tthc_naming_eval QUESTIONS CORPUS_DIR [CORPUS_DIR …]``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from assistant.tthc import ProcedureCatalogue, structured_fields


def catalogue_of(corpora: list[Path]) -> ProcedureCatalogue:
    """Every record's (doc_id, title), as the index's manifest gives them; a later set's record wins a code."""
    titles: dict[str, str] = {}
    for corpus in corpora:
        for path in sorted(corpus.glob("*.json")):
            f = structured_fields(json.loads(path.read_text(encoding="utf-8")))
            titles[f"tthc:{f['ma_thu_tuc']}"] = f["ten_thu_tuc"]
    items = tuple(titles.items())
    return ProcedureCatalogue(lambda: items)


def split_of(row: dict[str, Any]) -> str:
    return "dev" if int(hashlib.sha1(row["_id"].encode()).hexdigest(), 16) % 5 == 0 else "train"


def outcome(catalogue: ProcedureCatalogue, row: dict[str, Any]) -> str:
    """right (named the expected one first), ambiguous_with (the expected one among those asked back),
    ambiguous, none, wrong; for a procedure no set holds: refused (none or ambiguous) or wrong."""
    naming = catalogue.naming(row["text"])
    code = row.get("ma_thu_tuc")
    if code is None:
        return "wrong" if naming.status == "named" else "refused"
    if naming.status == "named":
        return "right" if naming.codes[0] == code else "wrong"
    if naming.status == "ambiguous":
        return "ambiguous_with" if code in naming.codes else "ambiguous"
    return "none"


def run(questions: Path, corpora: list[Path]) -> dict[str, dict[str, int]]:
    catalogue = catalogue_of(corpora)
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        for split in (split_of(row), "all"):
            bucket = counts.setdefault(split, {})
            key = outcome(catalogue, row)
            bucket[key] = bucket.get(key, 0) + 1
            bucket["n"] = bucket.get("n", 0) + 1
    return counts


def main(argv: list[str]) -> None:
    counts = run(Path(argv[0]), [Path(a) for a in argv[1:]])
    for split in ("train", "dev", "all"):
        c = counts.get(split, {})
        answerable = c.get("n", 0) - c.get("refused", 0)
        print(f"{split:<5} n={c.get('n', 0):<4} đúng thủ tục {c.get('right', 0)} · hỏi lại có thủ tục đúng "
              f"{c.get('ambiguous_with', 0)} · hỏi lại không có {c.get('ambiguous', 0)} · không khớp {c.get('none', 0)}"
              f" · sai thủ tục {c.get('wrong', 0)} · ngoài hệ thống → từ chối {c.get('refused', 0)} "
              f"(câu có thủ tục: {answerable})")


if __name__ == "__main__":
    main(sys.argv[1:])
