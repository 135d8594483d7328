"""BEIR-style benchmark folders (corpus.jsonl, queries.jsonl, qrels.tsv) and mapping hits back to ids."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.vietnamese import normalize_text


@dataclass
class Bench:
    root: Path
    queries: list[dict[str, Any]]
    qrels: dict[str, set[str]]

    @property
    def corpus_path(self) -> Path:
        return self.root / "corpus.jsonl"


def load_bench(root: Path) -> Bench:
    root = Path(root)
    for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv"):
        if not (root / name).is_file():
            raise FileNotFoundError(f"{root} is not a BEIR-style folder: {name} is missing")
    queries = []
    with (root / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                q = json.loads(line)
                q["text"] = normalize_text(q["text"])
                queries.append(q)
    qrels: dict[str, set[str]] = {}
    with (root / "qrels.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if int(row.get("score", 1) or 1) > 0:
                qrels.setdefault(row["query-id"], set()).add(normalize_text(row["corpus-id"]))
    return Bench(root=root, queries=queries, qrels=qrels)


def corpus_id(payload: dict[str, Any]) -> str | None:
    """``law:<law_id>`` + Điều N → ``<law_id>||N`` (the corpus ``_id``); other chunks have none."""
    doc_id = str(payload.get("doc_id", ""))
    article = (payload.get("fields") or {}).get("dieu")
    if not doc_id.startswith("law:") or not article:
        return None
    return f"{doc_id[4:]}||{article}"
