"""Importing relation records published by the state's legal databases into the relations table, beside the
relations read from text, and recomputing the validity of every indexed document they touch."""

from __future__ import annotations

from typing import Any

from assistant.validity.compute import source_disagreements
from assistant.validity.observer import RelationsObserver
from assistant.validity.phapdien import PhapdienRelations
from assistant.validity.relations import Relation
from connectors.base import Rejection


def import_relations(observer: RelationsObserver, connector: PhapdienRelations) -> dict[str, Any]:
    """Replace the connector's earlier import (a re-import never doubles) and report what changed: how many
    relations, which rows were rejected (line and reason), indexed documents touched, points updated, and
    where the imported records and the indexed texts disagree."""
    relations: list[Relation] = []
    rejected: list[dict[str, str]] = []
    for record in connector.records():
        if isinstance(record, Rejection):
            rejected.append({"path": record.path, "reason": record.reason})
        else:
            relations.append(record)
    store = observer.relations
    count, keys = store.replace_imported(connector.source, relations)
    updated = observer.refresh(keys)
    touched = store.documents_with_key(keys)
    disagreements = {d.doc_id: notes for d in touched if (notes := source_disagreements(store.targeting(*d.keys)))}
    return {"imported": count, "rejected": rejected, "documents": sorted(d.doc_id for d in touched),
            "points_updated": updated, "disagreements": disagreements}
