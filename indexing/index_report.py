"""What one ``Indexer.index()`` run did: documents added, updated, unchanged, removed, rejected; chunks."""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.base import Rejection
from core.documents import Document


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    # Where a file's text and its metadata table / connector fields disagree (the text's value was kept).
    conflicts: list[dict[str, str]] = field(default_factory=list)
    # Documents held for an administrator's review (a stamp outside the header zone or doubtful): source, doc
    # id, stamp, page, reason; each is in ``rejected`` too, so nothing held is ever counted as indexed.
    held: list[dict[str, object]] = field(default_factory=list)
    # Documents refused or held for a secrecy stamp: a file holding one is not kept, even when its other
    # documents were indexed (a JSONL or export with one stamped record), since it holds the stamped text.
    secret: int = 0

    def count(self, outcome: str, chunks: int) -> None:
        """One document ``added``, ``updated`` or ``unchanged``, with its chunks."""
        if outcome not in ("added", "updated", "unchanged"):
            raise ValueError(f"unknown outcome {outcome!r}")
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.chunks += chunks

    def refuse(self, doc: Document, reason: str) -> None:
        self.rejected.append(Rejection(path=doc.source or doc.doc_id, reason=reason))

    def hold(self, doc: Document, reason: str, stamp: str, page: int) -> None:
        """Refused, and listed for review (``assistant.service.held_documents`` keeps what an upload held)."""
        self.refuse(doc, reason)
        self.held.append({"source": doc.source or doc.doc_id, "doc_id": doc.doc_id, "stamp": stamp, "page": page,
                          "reason": reason})

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "rejected": [{"path": r.path, "reason": r.reason} for r in self.rejected],
            "chunks": self.chunks,
            "seconds": round(self.seconds, 2),
            "conflicts": list(self.conflicts),
        }
