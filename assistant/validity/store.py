"""Legal relations and the legal documents they resolve to, in the service's database (migration
0004_relations).

Why SQL and not the vector payload: a relation outlives either end (a law names the decree it replaces
before that decree is indexed, or after it is removed), and relations read from text and imported from the
Bộ pháp điển live in one table with their ``source``, so they can be compared. Targets resolve by the
mark-free canonical số hiệu (``SoHieu.key``) at read time: indexing the target later needs no rewrite.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, delete, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from assistant.service.db import Base, Sessions, utcnow
from assistant.validity.relations import Relation
from core.so_hieu import name_key, title_key


class RelationRow(Base):
    __tablename__ = "legal_relations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), index=True)
    source_doc_id: Mapped[str] = mapped_column(String(300), index=True, default="")
    source_chunk_id: Mapped[str] = mapped_column(String(64), default="")
    actor_so_hieu: Mapped[str] = mapped_column(String(120), default="")
    actor_key: Mapped[str] = mapped_column(String(120), index=True, default="")
    actor_unit: Mapped[str] = mapped_column(String(200), default="")
    target_so_hieu: Mapped[str] = mapped_column(String(120), default="")
    target_key: Mapped[str] = mapped_column(String(120), index=True, default="")
    target_name: Mapped[str] = mapped_column(String(300), default="")
    units: Mapped[list] = mapped_column(JSON, default=list)
    scope: Mapped[str] = mapped_column(String(300), default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    effective: Mapped[str | None] = mapped_column(String(10), nullable=True)
    extra: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    def relation(self) -> Relation:
        return Relation.from_dict({
            "kind": self.kind, "target_so_hieu": self.target_so_hieu, "target_name": self.target_name,
            "units": self.units or [], "scope": self.scope, "actor_so_hieu": self.actor_so_hieu,
            "actor_unit": self.actor_unit, "source": self.source, "source_doc_id": self.source_doc_id,
            "source_chunk_id": self.source_chunk_id, "quote": self.quote, "effective": self.effective,
            "extra": self.extra or {}, "actor_key": self.actor_key, "target_key": self.target_key})


class DocumentRow(Base):
    __tablename__ = "legal_documents"
    doc_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    so_hieu: Mapped[str] = mapped_column(String(120), default="")
    key: Mapped[str] = mapped_column(String(120), index=True, default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    loai_van_ban: Mapped[str] = mapped_column(String(100), default="")
    ngay_hieu_luc: Mapped[str | None] = mapped_column(String(10), nullable=True)
    metadata_status: Mapped[str] = mapped_column(String(200), default="")
    access: Mapped[dict] = mapped_column(JSON, default=dict)
    payload: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # validity fields last written
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ngay_ban_hanh: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 0005_relation_names
    name_key: Mapped[str | None] = mapped_column(String(120), index=True, nullable=True)


@dataclass(frozen=True)
class LegalDocument:
    """An indexed legal document as relations see it (detached from the session)."""

    doc_id: str
    so_hieu: str
    key: str
    title: str
    loai_van_ban: str = ""
    ngay_hieu_luc: str | None = None
    metadata_status: str = ""
    access: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] | None = None
    ngay_ban_hanh: str | None = None

    @property
    def name_key(self) -> str:
        """Its key as a document named by title and date ("Pháp lệnh cán bộ, công chức ngày …")."""
        if not self.ngay_ban_hanh:
            return ""
        kind = title_key(self.loai_van_ban)
        named = self.title if title_key(self.title).startswith(kind) else f"{self.loai_van_ban} {self.title}"
        return name_key(named, self.ngay_ban_hanh)

    @property
    def keys(self) -> list[str]:
        """Every key a relation may aim at this document by."""
        return [k for k in (self.key, self.name_key) if k]


def _doc(row: DocumentRow) -> LegalDocument:
    return LegalDocument(row.doc_id, row.so_hieu, row.key, row.title, row.loai_van_ban, row.ngay_hieu_luc,
                         row.metadata_status, dict(row.access or {}), row.payload, row.ngay_ban_hanh)


def _row(rel: Relation) -> RelationRow:
    data = rel.to_dict()
    return RelationRow(**{k: v for k, v in data.items() if k != "extra"}, extra=data["extra"] or None)


class RelationStore:
    """Relations and legal documents on ``sessions``; every write is one transaction."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions
        self._documents_written = itertools.count(1)
        self.documents_version = 0  # advanced after each document written or removed through this store

    def _written(self) -> None:
        """A document was recorded or forgotten: what was read of ``documents()`` may be out of date (readers
        that keep it, the reference lookup's titles, compare ``documents_version``)."""
        self.documents_version = next(self._documents_written)

    def put_document(self, doc: LegalDocument, relations: Sequence[Relation]) -> set[str]:
        """Record ``doc`` and replace the relations read from its text; returns the keys whose validity may
        have changed (the document's own, and every target it named before or names now)."""
        with self.sessions.begin() as s:
            old = s.scalars(select(RelationRow.target_key).where(
                RelationRow.source == "text", RelationRow.source_doc_id == doc.doc_id)).all()
            s.execute(delete(RelationRow).where(RelationRow.source == "text",
                                                RelationRow.source_doc_id == doc.doc_id))
            previous = s.get(DocumentRow, doc.doc_id)
            old_keys = _doc(previous).keys if previous is not None else []
            s.merge(DocumentRow(doc_id=doc.doc_id, so_hieu=doc.so_hieu, key=doc.key, title=doc.title,
                                loai_van_ban=doc.loai_van_ban, ngay_hieu_luc=doc.ngay_hieu_luc,
                                metadata_status=doc.metadata_status, access=doc.access, payload=doc.payload,
                                updated_at=utcnow(), ngay_ban_hanh=doc.ngay_ban_hanh, name_key=doc.name_key or None))
            rows = [_row(r) for r in relations]
            s.add_all(rows)
        self._written()
        return {k for k in (*old, *(r.target_key for r in rows), *doc.keys, *old_keys) if k}

    def remove_document(self, doc_id: str) -> set[str]:
        """Forget ``doc_id`` and the relations read from it; returns the keys whose validity may change."""
        with self.sessions.begin() as s:
            keys = set(s.scalars(select(RelationRow.target_key).where(
                RelationRow.source == "text", RelationRow.source_doc_id == doc_id)).all())
            s.execute(delete(RelationRow).where(RelationRow.source == "text", RelationRow.source_doc_id == doc_id))
            row = s.get(DocumentRow, doc_id)
            if row is not None:
                keys.update(_doc(row).keys)
                s.delete(row)
        self._written()
        return {k for k in keys if k}

    def replace_imported(self, source: str, relations: Iterable[Relation]) -> tuple[int, set[str]]:
        """Replace every relation imported from ``source`` (a re-import never doubles); (count, keys)."""
        with self.sessions.begin() as s:
            keys = set(s.scalars(select(RelationRow.target_key).where(RelationRow.source == source)).all())
            s.execute(delete(RelationRow).where(RelationRow.source == source))
            rows = [_row(r) for r in relations]
            s.add_all(rows)
        return len(rows), keys | {r.target_key for r in rows if r.target_key}

    def set_access(self, doc_id: str, access: dict[str, Any]) -> set[str]:
        """A document relabelled (``assistant.documents.access``): its row takes the new label; returns the
        keys whose validity notes name it (its own, and the documents its text changes) to be recomputed."""
        with self.sessions.begin() as s:
            row = s.get(DocumentRow, doc_id)
            if row is None:
                return set()
            row.access = dict(access)
            keys = set(s.scalars(select(RelationRow.target_key).where(
                RelationRow.source == "text", RelationRow.source_doc_id == doc_id)).all())
            keys.update(_doc(row).keys)
        return {k for k in keys if k}

    def set_payload(self, doc_id: str, payload: dict[str, Any]) -> None:
        with self.sessions.begin() as s:
            row = s.get(DocumentRow, doc_id)
            if row is not None:
                row.payload = payload

    def document(self, doc_id: str) -> LegalDocument | None:
        with self.sessions() as s:
            row = s.get(DocumentRow, doc_id)
            return _doc(row) if row is not None else None

    def documents_with_key(self, keys: Iterable[str]) -> list[LegalDocument]:
        wanted = sorted({k for k in keys if k})
        if not wanted:
            return []
        with self.sessions() as s:
            rows = s.scalars(select(DocumentRow).where(or_(DocumentRow.key.in_(wanted),
                                                           DocumentRow.name_key.in_(wanted)))).all()
            return [_doc(r) for r in rows]

    def documents(self) -> list[LegalDocument]:
        with self.sessions() as s:
            return [_doc(r) for r in s.scalars(select(DocumentRow).order_by(DocumentRow.doc_id)).all()]

    def targeting(self, *keys: str) -> list[Relation]:
        """Relations whose target is one of ``keys`` (a số hiệu key, a name key), text and imported alike."""
        wanted = [k for k in keys if k]
        if not wanted:
            return []
        with self.sessions() as s:
            rows = s.scalars(select(RelationRow).where(RelationRow.target_key.in_(wanted)).order_by(RelationRow.id))
            return [r.relation() for r in rows.all()]

    def of_document(self, doc_id: str, key: str, name: str = "") -> list[Relation]:
        """Every relation that touches the document: read from it, acting by it, or aimed at it (by its số hiệu
        key, or by ``name``, its name key)."""
        clauses = [RelationRow.source_doc_id == doc_id]
        if name:
            clauses.append(RelationRow.target_key == name)
        if key:
            clauses += [RelationRow.target_key == key, RelationRow.actor_key == key]
        with self.sessions() as s:
            rows = s.scalars(select(RelationRow).where(or_(*clauses)).order_by(RelationRow.id)).all()
            return [r.relation() for r in rows]

    def count(self, source: str | None = None) -> int:
        with self.sessions() as s:
            query = select(RelationRow.id)
            if source:
                query = query.where(RelationRow.source == source)
            return len(s.scalars(query).all())
