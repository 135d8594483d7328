"""What an index was encoded with, so one index never mixes two encodings.

A chunk's stored vectors depend on the segmenter and BM25 weighting (sparse side), the embedding model and
its input length (dense side), the chunk size and the index format. These values are recorded in the
manifest when an index is first written; opening it later with different ones is refused (the fix is a
full re-index, ``Indexer.reset()`` / ``assistant index --reindex``) instead of searching garbage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from core.aliases import default_aliases
from core.errors import ConfigurationError

if TYPE_CHECKING:
    from core.settings import Settings
    from indexing.embedders import Embedder
    from indexing.manifest import Manifest
    from indexing.sparse_encoder import SparseEncoder

# Bump when parsing or payload layout changes, so every document is re-chunked once.
INDEX_FORMAT_VERSION = "3"  # 2: syllable pairs, mark-free field, abbreviations; 3: NĐ30 header fields, citations

# Settings that change what the store holds; anything else (LLM, refusal thresholds, engine) does not.
INDEX_SETTINGS: tuple[str, ...] = ("segmenter", "bm25_k1", "bm25_b", "bm25_avgdl", "sparse_bigrams",
                                   "sparse_mark_free", "sparse_aliases", "embedder",
                                   "embedding_model_path", "embedding_max_chars", "max_chunk_chars")

REINDEX_HINT = "lập lại toàn bộ chỉ mục: assistant index --reindex PATH…"


def index_settings(settings: Settings, embedder: Embedder | None = None) -> dict[str, str]:
    """The index-shaping values of ``settings`` (plus the loaded model's name and size, when given)."""
    values = {"index_format": INDEX_FORMAT_VERSION, **{name: str(getattr(settings, name)) for name in INDEX_SETTINGS}}
    if settings.sparse_aliases:  # the lists' content, not just "on": a changed list asks for a re-index
        values["sparse_aliases"] = default_aliases().digest
    if embedder is not None:
        values.update(embedding_model=embedder.name, embedding_dim=str(embedder.dim))
    return values


def encoder_settings(embedder: Embedder, sparse: SparseEncoder, max_chunk_chars: int,
                     embedding_max_chars: int) -> dict[str, str]:
    """The same values read off the components that do the encoding (what an Indexer actually writes)."""
    return {"index_format": INDEX_FORMAT_VERSION, "segmenter": sparse.segmenter, "bm25_k1": str(sparse.k1),
            "bm25_b": str(sparse.b), "bm25_avgdl": str(sparse.avgdl), "sparse_bigrams": str(sparse.bigrams),
            "sparse_mark_free": str(sparse.mark_free),
            "sparse_aliases": sparse.aliases.digest if sparse.aliases else "False", "embedding_model": embedder.name,
            "embedding_dim": str(embedder.dim), "embedding_max_chars": str(embedding_max_chars),
            "max_chunk_chars": str(max_chunk_chars)}


def fingerprint(values: Mapping[str, str]) -> str:
    """sha256 over the sorted name=value pairs."""
    return hashlib.sha256(json.dumps(dict(values), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def differences(stored: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """``name: stored → current`` for every value both records have and that differs."""
    return [f"{name}: {stored[name]!r} → {current[name]!r}"
            for name in current if name in stored and stored[name] != current[name]]


def refuse_if_different(stored: Mapping[str, str] | None, current: Mapping[str, str], where: str) -> None:
    """Raise ConfigurationError naming the settings that differ from the recorded ones (none recorded: pass)."""
    changed = differences(stored or {}, current)
    if changed:
        raise ConfigurationError(f"chỉ mục tại {where} được lập với thiết lập khác ({'; '.join(changed)}); "
                                 f"không trộn hai cách mã hoá, {REINDEX_HINT}")


def check_index_settings(manifest: Manifest, settings: Settings, embedder: Embedder | None = None) -> None:
    """For search paths: refuse an index whose recorded settings differ from ``settings``.

    An index without a record (written before records existed) passes; its next index run records one."""
    refuse_if_different(manifest.index_settings(), index_settings(settings, embedder), str(manifest.path))
