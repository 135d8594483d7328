"""What an answer is, for every consumer (CLI, API, UI, evals): text, checked citations, refusal."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from indexing.store import Hit


@dataclass
class Source:
    """A retrieved chunk as shown to the model: numbered [marker] in the prompt."""

    marker: int
    chunk_id: str
    doc_id: str
    citation: str
    text: str
    title: str = ""
    so_hieu: str = ""
    validity: str = "chua_ro"
    score: float = 0.0
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, marker: int, hit: Hit) -> Source:
        """A retrieved chunk numbered ``marker``, its citation fields read from the payload."""
        p = hit.payload
        return cls(marker=marker, chunk_id=hit.chunk_id, doc_id=str(p.get("doc_id", "")),
                   citation=str(p.get("citation", "")), text=str(p.get("text", "")), title=str(p.get("title", "")),
                   so_hieu=str(p.get("so_hieu", "")), validity=str(p.get("validity", "chua_ro")), score=hit.score,
                   payload=p)


@dataclass
class Citation:
    """A checked citation: the marker refers to a provided source and carries the span that supports it."""

    marker: int
    chunk_id: str
    doc_id: str
    title: str
    so_hieu: str
    citation: str
    quote: str
    validity: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AnswerResult:
    answer: str
    citations: list[Citation]
    refused: bool
    answer_id: str = ""
    conversation_id: str = ""
    standalone_question: str = ""
    sources: list[Source] = field(default_factory=list)  # what the model saw (ids only leave the service)
    invalid_markers_removed: int = 0
    backend: str = ""
    warnings: list[str] = field(default_factory=list)  # e.g. "cites a document that is no longer in force"
    # A reply from a record (TTHC): {"status": "answered"|"not_found", "ma_thu_tuc", "fields", "suggestions"}
    record: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "citations": [c.as_dict() for c in self.citations],
            "refused": self.refused,
            "answer_id": self.answer_id,
            "conversation_id": self.conversation_id,
            "standalone_question": self.standalone_question,
            "invalid_markers_removed": self.invalid_markers_removed,
            "backend": self.backend,
            "warnings": self.warnings,
            "record": self.record,
            "sources": [
                {"marker": s.marker, "chunk_id": s.chunk_id, "doc_id": s.doc_id, "citation": s.citation,
                 "title": s.title, "validity": s.validity, "score": round(s.score, 4)}
                for s in self.sources
            ],
        }
