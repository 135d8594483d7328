"""An administrator changes a document's access label after indexing: every chunk's payload, the manifest row,
the document's tasks and its relations record take the new label, with no re-embedding (the vectors are kept:
``VectorStore.set_payload`` overwrites the access keys only).

Why each record: the store's filter hides chunks, the manifest decides the documents list and reference
lookups, the tasks table answers "my unit's tasks", and the relations record carries the label into other
documents' validity notes ("replaced by …"), which are recomputed here. Conversation history follows by itself:
stored answers are withheld when their cited chunks are no longer visible (``assistant.service.history_access``).
The change takes effect on the owning store's next request; a read-only replica sees it when it next opens a
copy of the index (docs/access.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from core.access import AccessLabel


class Runtime(Protocol):
    """The parts of ``assistant.service.runtime.Runtime`` a relabelling writes to (a protocol, so this package
    does not import the composition root that builds it: the Runtime imports this package's face)."""

    @property
    def manifest(self) -> Any: ...

    @property
    def store(self) -> Any: ...

    @property
    def relations(self) -> Any: ...

    def task_store(self) -> Any: ...

    def relations_observer(self) -> Any: ...


@dataclass(frozen=True)
class AccessChange:
    """What one relabelling touched (for the audit row and the reply)."""

    doc_id: str
    before: dict[str, object] | str
    after: dict[str, object] | str
    chunks: int
    tasks: int
    validity_updates: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return {"doc_id": self.doc_id, "before": self.before, "after": self.after, "chunks": self.chunks,
                "tasks": self.tasks, "validity_updates": self.validity_updates, "seconds": round(self.seconds, 4)}


def current_label(runtime: Runtime, doc_id: str) -> AccessLabel | None:
    """The document's label as the manifest keeps it; None when there is no such (complete) document."""
    entry = runtime.manifest.get(doc_id)
    if entry is None or entry.content_hash is None:
        return None
    try:
        return AccessLabel.from_payload(entry.access or {})
    except (TypeError, ValueError):
        return AccessLabel("restricted", roles=("admin",))  # unreadable: shown as admin-only, like the filter


def change_access(runtime: Runtime, doc_id: str, label: AccessLabel) -> AccessChange | None:
    """Relabel ``doc_id``; None when it is not indexed. The store is written first: from then on a search
    applies the new label, and the records beside it follow in the same call."""
    started = time.perf_counter()
    before = current_label(runtime, doc_id)
    entry = runtime.manifest.get(doc_id)
    if before is None or entry is None:
        return None
    payload = label.payload()
    runtime.store.set_payload(entry.chunk_ids, payload)
    runtime.manifest.set_access(doc_id, payload)
    tasks = runtime.task_store().set_access(doc_id, label)
    keys = runtime.relations.set_access(doc_id, payload)
    updates = runtime.relations_observer().refresh(keys) if keys else 0
    return AccessChange(doc_id, before.record(), label.record(), len(entry.chunk_ids), tasks, updates,
                        time.perf_counter() - started)
