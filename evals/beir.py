"""BEIR-style benchmark folders (corpus.jsonl, queries.jsonl, qrels.tsv) and mapping hits back to ids."""

from __future__ import annotations

import csv
import hashlib
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


def load_corpus_ids(corpus_path: Path) -> set[str]:
    """Every ``_id`` of a BEIR ``corpus.jsonl`` (normalised like the qrels)."""
    ids: set[str] = set()
    with Path(corpus_path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                ids.add(normalize_text(str(json.loads(line)["_id"])))
    return ids


def nearest_corpus_id(cid: str | None, corpus_ids: set[str]) -> str | None:
    """``cid`` itself when the corpus has it; else the nearest previous article of the same law that exists.

    The legal parser finds a few articles the corpus folded into the previous record (an "Điều 64" heading
    inside record 63): a hit on the parsed Điều 64 is a hit on corpus record 63. Ids with a non-numeric
    article, or with no previous article in the corpus, map to None.
    """
    if cid is None or cid in corpus_ids:
        return cid
    law, sep, article = cid.rpartition("||")
    if not sep or not article.isdigit():
        return None
    for number in range(int(article) - 1, 0, -1):
        candidate = f"{law}||{number}"
        if candidate in corpus_ids:
            return candidate
    return None


def split_of(query_id: str) -> str:
    """Deterministic dev/train split: dev = sha1(_id) as an integer is divisible by 5 (≈ 20 %)."""
    return "dev" if int(hashlib.sha1(query_id.encode("utf-8")).hexdigest(), 16) % 5 == 0 else "train"


def select_queries(queries: list[dict[str, Any]], split: str = "all", limit: int = 0) -> list[dict[str, Any]]:
    """Queries of ``split`` (dev|train|all), in file order, the first ``limit`` of them when limit > 0."""
    if split not in ("all", "dev", "train"):
        raise ValueError(f"split must be all|dev|train, got {split!r}")
    chosen = [q for q in queries if split == "all" or split_of(str(q["_id"])) == split]
    return chosen[:limit] if limit > 0 else chosen


def write_slice(source: Path, target: Path, laws: list[str]) -> Bench:
    """A smaller BEIR folder: the articles of ``laws`` and the queries whose relevant articles all lie there."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    wanted = {normalize_text(law) for law in laws}
    kept_ids: set[str] = set()
    with (source / "corpus.jsonl").open(encoding="utf-8") as src, \
            (target / "corpus.jsonl").open("w", encoding="utf-8") as dst:
        for line in src:
            if line.strip() and normalize_text(json.loads(line)["law_id"]) in wanted:
                dst.write(line if line.endswith("\n") else line + "\n")
                kept_ids.add(normalize_text(json.loads(line)["_id"]))
    bench = load_bench(source)
    query_ids = {q for q, rel in bench.qrels.items() if rel and rel <= kept_ids}
    with (source / "queries.jsonl").open(encoding="utf-8") as src, \
            (target / "queries.jsonl").open("w", encoding="utf-8") as dst:
        for line in src:
            if line.strip() and json.loads(line)["_id"] in query_ids:
                dst.write(line if line.endswith("\n") else line + "\n")
    with (source / "qrels.tsv").open(encoding="utf-8") as src, \
            (target / "qrels.tsv").open("w", encoding="utf-8") as dst:
        rows = list(csv.reader(src, delimiter="\t"))
        writer = csv.writer(dst, delimiter="\t", lineterminator="\n")
        writer.writerow(rows[0])
        writer.writerows(r for r in rows[1:] if r and r[0] in query_ids)
    return load_bench(target)
