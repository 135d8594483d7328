"""Vietnamese legal acts and plans into citable chunks: Điều/Khoản for acts, Mục for plans.

Why: an answer must cite a unit a civil servant can look up ("Điều 5 Khoản 2 — Luật Viên chức",
"Mục II.1 — Kế hoạch 731/KH-UBND"), so chunks follow the document's own structure, not a fixed window.
This is the entry point; the header fields live in ``legal_header`` (the document's own text first, then a
website's metadata table, then the connector's fields), the outline (headings, removal of
a repeated heading block and site text) in ``legal_outline``, and chunk packing in ``legal_chunks``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.documents import Chunk, Document
from core.so_hieu import CONSOLIDATED_KIND, title_key
from core.vietnamese import normalize_text
from indexing.legal_chunks import ChunkBuilder, pack_act, pack_plain, pack_plan
from indexing.legal_header import HEADER_KEYS, NAMED_ACTS, letter_title_and_start, parse_header, title_and_start
from indexing.legal_outline import DIEU, NUMBERED, ROMAN, clean_body, drop_duplicate_copy, split_numbered

__all__ = ["HEADER_KEYS", "LegalParse", "parse_header", "parse_legal"]


@dataclass
class LegalParse:
    metadata: dict[str, Any]
    title: str | None
    chunks: list[Chunk]


def parse_legal(doc: Document, max_chunk_chars: int = 2400) -> LegalParse:
    """Header fields, title and citable chunks of a legal act, a plan, or (fallback) plain text."""
    lines = drop_duplicate_copy([x.rstrip() for x in doc.text.split("\n")])
    given = {k: normalize_text(v.strip()) if isinstance(v, str) else v for k, v in doc.metadata.items()}
    metadata = parse_header(doc.text, doc.tables or None, given, file_name=doc.source.replace("\\", "/").split("/")[-1])
    title, start = title_and_start(lines)
    if letter := letter_title_and_start(lines, metadata):
        title, start = letter
    kind = metadata.get("loai_van_ban", "")
    if title and kind.upper() in NAMED_ACTS:
        label = title  # laws are cited by name ("Luật Viên chức"), other acts by number
    elif title and kind == CONSOLIDATED_KIND and title_key(title) != title_key(kind):
        label = f"{kind} {title}"  # "Văn bản hợp nhất Luật Khiếu nại": the law by name, said to be consolidated
    elif metadata.get("so_hieu") and kind:
        label = f"{kind} {metadata['so_hieu']}"
    else:
        label = title or doc.title
    b = ChunkBuilder(doc.doc_id, normalize_text(label), title or normalize_text(doc.title), max_chunk_chars)
    body = clean_body(lines[start:])
    stripped = [x.strip() for x in body]
    if any(DIEU.match(s) for s in stripped):
        pack_act(body, b)
    elif any((m := ROMAN.match(s)) and m.group(1) == "I" for s in stripped) or \
            len(split_numbered(body, NUMBERED)[1]) >= 2:
        pack_plan(body, b)
    else:
        pack_plain(body, b)
    return LegalParse(metadata=metadata, title=title, chunks=b.chunks)
