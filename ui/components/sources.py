"""Looking up what a citation points at: the chunk text, the document's header fields, the whole article.

Everything comes from the API, fetched once per document and kept in the session:
``GET /v1/documents/{doc_id}/chunks`` when the server has it, otherwise ``POST /v1/search`` restricted to
that document (``filters.doc_ids``), which returns the chunks the signed-in user may read. Fields the
search hits lack (cơ quan ban hành, ngày hiệu lực) are read from the chunk texts when they state them.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from ui.api_client import ApiClient, ApiError

_CACHE_KEY = "doc_chunks_cache"
_SEARCH_TOP_K = 50  # the API's upper bound for top_k
_ARTICLE = re.compile(r"\b(Điều|Mục|Phần|Chương)\s+([0-9IVXLC]+[a-zđ]?)\b")
_ISSUER_LINE = re.compile(r"^\s*(?:Cơ quan ban hành|Nơi ban hành|Đơn vị)\s*:\s*(.+?)\s*$", re.MULTILINE)
_EFFECTIVE = re.compile(r"có hiệu lực(?: thi hành)?(?: kể)? từ (ngày [^.;\n]{1,60})", re.IGNORECASE)
_NUMBER = re.compile(r"(\d+)")


def _flatten(item: dict[str, Any]) -> dict[str, Any]:
    """A chunk row as one flat dict: payload/metadata fields first, the row's own keys win."""
    flat: dict[str, Any] = {}
    for nested in ("payload", "metadata"):
        if isinstance(item.get(nested), dict):
            flat.update(item[nested])
    flat.update({k: v for k, v in item.items() if k not in ("payload", "metadata")})
    return flat


def natural_key(text: str) -> list[Any]:
    return [int(p) if p.isdigit() else p.casefold() for p in _NUMBER.split(str(text or ""))]


def _sort_chunks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if rows and all(isinstance(r.get("order"), int) for r in rows):
        return sorted(rows, key=lambda r: r["order"])
    # Search hits carry no reading order: the opening part first, then Điều/Khoản in numeric order.
    return sorted(rows, key=lambda r: (0 if "mở đầu" in str(r.get("citation", "")).lower() else 1,
                                       natural_key(r.get("citation", ""))))


def _fetch(client: ApiClient, doc_id: str, hint: str) -> list[dict[str, Any]]:
    try:
        rows = client.document_chunks(doc_id)
    except ApiError as exc:
        if exc.status not in (404, 405):
            raise
        rows = client.search(hint or doc_id, top_k=_SEARCH_TOP_K, filters={"doc_ids": [doc_id]})
        rows = [r for r in rows if str(r.get("doc_id")) == doc_id]
    return _sort_chunks([_flatten(r) for r in rows if isinstance(r, dict)])


def document_chunks(client: ApiClient, doc_id: str, hint: str = "") -> tuple[list[dict[str, Any]], str | None]:
    """The document's chunks the user may read, in reading order (cached per session), and an error
    message if they could not be fetched. ``hint`` (title / citation) is the query for the search route."""
    cache: dict[str, Any] = st.session_state.setdefault(_CACHE_KEY, {})
    if doc_id not in cache:
        try:
            cache[doc_id] = (_fetch(client, doc_id, hint), None)
        except ApiError as exc:
            if exc.status == 401:
                raise
            cache[doc_id] = ([], exc.message)
    return cache[doc_id]


def find_chunk(chunks: list[dict[str, Any]], chunk_id: str) -> dict[str, Any] | None:
    return next((c for c in chunks if str(c.get("chunk_id") or c.get("id")) == str(chunk_id)), None)


def doc_field(chunks: list[dict[str, Any]], chunk: dict[str, Any] | None, key: str) -> str:
    if chunk and chunk.get(key):
        return str(chunk[key])
    for c in chunks:
        if c.get(key):
            return str(c[key])
    return ""


def signatures_of(chunks: list[dict[str, Any]], chunk: dict[str, Any] | None) -> list[str]:
    """The document's digital signatures (ký số) as their summaries, from any of its chunks' payload."""
    for c in ([chunk] if chunk else []) + chunks:
        if isinstance(c.get("ky_so"), list) and c["ky_so"]:
            return [str(x) for x in c["ky_so"]]
    return []


def issuer_of(chunks: list[dict[str, Any]], chunk: dict[str, Any] | None) -> str:
    value = doc_field(chunks, chunk, "co_quan_ban_hanh")
    if value:
        return value
    for c in chunks:
        m = _ISSUER_LINE.search(str(c.get("text") or ""))
        if m:
            return m.group(1)
    return ""


def effective_of(chunks: list[dict[str, Any]], chunk: dict[str, Any] | None) -> str:
    value = doc_field(chunks, chunk, "ngay_hieu_luc")
    if value:
        return value
    for c in chunks:
        m = _EFFECTIVE.search(str(c.get("text") or ""))
        if m:
            return "kể từ " + m.group(1).strip()
    return ""


def article_key(chunk: dict[str, Any]) -> str:
    """ "Điều 5" for a chunk of Điều 5 (from its path, else its citation); "" when it has none."""
    path = chunk.get("path")
    if isinstance(path, list) and path:
        m = _ARTICLE.search(str(path[0]))
        if m:
            return f"{m.group(1)} {m.group(2)}"
    m = _ARTICLE.search(str(chunk.get("citation") or ""))
    return f"{m.group(1)} {m.group(2)}" if m else ""


def article_chunks(chunks: list[dict[str, Any]], chunk: dict[str, Any]) -> list[dict[str, Any]]:
    """The chunks of the cited article (same "Điều N"); just the chunk when it names no article."""
    key = article_key(chunk)
    if not key:
        return [chunk]
    return [c for c in chunks if article_key(c) == key] or [chunk]
