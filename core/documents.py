"""The document and chunk records that flow from connectors through parsers into the vector store."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from core.access import AccessLabel
from core.extracted_text import ExtractedText
from core.tables import Table

SourceKind = Literal["legal", "tthc", "warehouse", "article", "text"]
SOURCE_KINDS: tuple[str, ...] = ("legal", "tthc", "warehouse", "article", "text")

# Namespace for stable point ids: uuid5(doc_id + citation path) never changes between runs.
_POINT_NAMESPACE = uuid.UUID("6f1c9a52-3d0e-4f43-9a7e-2b8d5e7c1a10")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Document:
    """One source document as a connector reads it: text already NFC-normalised.

    ``metadata`` holds the header fields when known: so_hieu, loai_van_ban, co_quan_ban_hanh,
    ngay_ban_hanh, ngay_hieu_luc, nguoi_ky, linh_vuc, tinh_trang_hieu_luc. ``record`` keeps the
    structured source (a TTHC export, a warehouse summary) for parsers that chunk by field. ``parts`` keeps
    the file's parts by where they stood (not indexed; checked for secrecy stamps).
    """

    doc_id: str
    kind: SourceKind
    title: str
    text: str
    source: str = ""
    access: AccessLabel = field(default_factory=AccessLabel)
    metadata: dict[str, Any] = field(default_factory=dict)
    record: dict[str, Any] | None = None
    # Where each piece of a file stood (page headers, text boxes, properties): read by the secrecy check.
    parts: ExtractedText | None = field(default=None, repr=False, compare=False)
    # The document's tables as rows of cells (header block, closing block, appendices): read by the parsers
    # that need columns; the text keeps their flattened rows for chunking and search.
    tables: list[Table] = field(default_factory=list, repr=False, compare=False)
    # The page (1-based) of each line of ``text`` for paged formats (PDF, scans); empty when unknown. The chunker
    # turns it into each chunk's ``fields["page"]`` (indexing.chunk_pages).
    line_pages: list[int] = field(default_factory=list, repr=False, compare=False)

    @property
    def hash(self) -> str:
        parts = [self.kind, self.title, self.text, repr(sorted(self.metadata.items())), repr(self.access)]
        if self.record is not None:
            parts.append(repr(self.record))
        return content_hash("\x1f".join(parts))


@dataclass
class Chunk:
    """The smallest citable unit: an Điều, a Khoản of a long Điều, a TTHC field group, a plan section.

    ``path`` is the structural path (["Chương II", "Điều 5", "Khoản 2"]); ``citation`` is what a person
    reads ("Điều 5 Khoản 2 — Luật Viên chức"); ``context`` is the parent context (law title, Điều
    title) that is embedded with the text but is not part of the quoted span.
    """

    doc_id: str
    path: list[str]
    citation: str
    text: str
    context: str = ""
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def chunk_id(self) -> str:
        return str(uuid.uuid5(_POINT_NAMESPACE, self.doc_id + "\x1f" + "/".join(self.path)))

    def embedding_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text
