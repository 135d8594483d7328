"""Reranking behind one Protocol. No cross-encoder ships offline: ``CrossEncoderReranker`` runs when a
model folder is configured; the default is off (the cheap lexical reranker is kept for measurement)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from core.errors import ConfigurationError
from core.vietnamese import sparse_terms
from indexing.store import Hit


class Reranker(Protocol):
    name: str

    def rerank(self, query: str, hits: Sequence[Hit], top_k: int) -> list[Hit]: ...


class CrossEncoderReranker:
    """sentence-transformers CrossEncoder from a local folder (e.g. a multilingual MiniLM/BGE reranker)."""

    def __init__(self, model_path: Path) -> None:
        if not Path(model_path).is_dir():
            raise ConfigurationError(f"reranker_model_path {str(model_path)!r} is not a model folder")
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(str(model_path), device="cpu", local_files_only=True)
        self.name = f"cross-encoder/{Path(model_path).name}"

    def rerank(self, query: str, hits: Sequence[Hit], top_k: int) -> list[Hit]:
        if not hits:
            return []
        pairs = [(query, f"{h.payload.get('context', '')}\n{h.payload.get('text', '')}") for h in hits]
        scores = self._model.predict(pairs, convert_to_numpy=True)
        order = sorted(range(len(hits)), key=lambda i: -float(scores[i]))
        return [Hit(hits[i].chunk_id, float(scores[i]), hits[i].payload) for i in order[:top_k]]


class LexicalReranker:
    """Blends the engine's rank with query-term coverage of the chunk; cheap, deterministic."""

    name = "lexical"

    def __init__(self, weight: float = 0.5) -> None:
        self.weight = weight

    def rerank(self, query: str, hits: Sequence[Hit], top_k: int) -> list[Hit]:
        terms = set(sparse_terms(query, "syllable"))
        if not terms or not hits:
            return list(hits[:top_k])
        scored = []
        for rank, hit in enumerate(hits):
            chunk_terms = set(sparse_terms(str(hit.payload.get("text", "")), "syllable"))
            coverage = len(terms & chunk_terms) / len(terms)
            scored.append(((1 - self.weight) / (rank + 1) + self.weight * coverage, rank, hit))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [Hit(h.chunk_id, s, h.payload) for s, _, h in scored[:top_k]]


def make_reranker(kind: str, model_path: Path | None) -> Reranker | None:
    if kind == "none":
        return None
    if kind == "lexical":
        return LexicalReranker()
    if kind == "cross-encoder":
        if model_path is None:
            raise ConfigurationError("reranker 'cross-encoder' needs ASSISTANT_RERANKER_MODEL_PATH")
        return CrossEncoderReranker(model_path)
    raise ConfigurationError(f"unknown reranker {kind!r}; expected none|lexical|cross-encoder")
