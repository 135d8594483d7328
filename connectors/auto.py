"""One entry point for ingest: pick the connector by the ``kind`` the person asked for, or by file.

With ``kind="auto"`` folders are walked and each file is read by its extension; a ``.json`` file is
a TTHC export or a warehouse file according to its content, a ``.jsonl`` file is a BEIR article list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from connectors.articles import ArticlesConnector
from connectors.base import DEFAULT_MAX_BYTES, Rejection, expand_paths
from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS, ExtractionLimits
from connectors.files import FolderConnector
from connectors.tthc import Collision, TthcConnector, newest_records
from connectors.warehouse import WarehouseConnector
from core.documents import Document

SOURCE_TYPES: tuple[str, ...] = ("auto", "legal", "tthc", "warehouse", "articles")


def _articles(paths: Iterable[Path], max_bytes: int) -> Iterator[Document | Rejection]:
    for path in expand_paths(paths, (".jsonl",)):
        if isinstance(path, Rejection):
            yield path
        else:
            yield from ArticlesConnector(path, max_bytes).documents()


def iter_sources(
    paths: Iterable[Path], kind: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES,
    limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS, collisions: list[Collision] | None = None,
) -> Iterator[Document | Rejection]:
    """Documents and Rejections from ``paths`` (files or folders), in a deterministic order; a procedure code
    held by two records is indexed once, from the newer (``collisions`` gets each, for the report)."""
    paths = [Path(p) for p in paths]
    found = collisions if collisions is not None else []
    if kind == "auto":
        return newest_records(FolderConnector(paths, max_bytes, limits=limits).documents(), found)
    if kind == "legal":
        return FolderConnector(paths, max_bytes, include_json=False, limits=limits).documents()
    if kind == "tthc":
        return newest_records(TthcConnector(paths, max_bytes).documents(), found)
    if kind == "warehouse":
        return WarehouseConnector(paths, max_bytes).documents()
    if kind == "articles":
        return _articles(paths, max_bytes)
    raise ValueError(f"unknown source kind {kind!r}; expected one of {SOURCE_TYPES}")
