"""Legal validity as data: relations read from a document's own text (``extraction``, ``reader``, ``phrases``) or
imported from the Bộ pháp điển (``phapdien``, ``phapdien_import``), kept in SQL (``store``) in step with the index
(``observer``), the status computed from them and the dates (``compute``), recomputed when a date arrives
(``schedule``), and told in answers (``notes``, ``answer``, ``missing_reference``) and history (``view``).
This module is the face the rest of the product uses."""

from assistant.validity.answer import ValidityNotes, cited_validity, with_validity
from assistant.validity.extraction import extract_relations
from assistant.validity.missing_reference import known_fate, missing_reply
from assistant.validity.notes import asks_validity, prefer_in_force, question_date, status_line
from assistant.validity.observer import RelationsObserver
from assistant.validity.phapdien import PhapdienRelations
from assistant.validity.phapdien_import import import_relations
from assistant.validity.schedule import ValidityRefresher
from assistant.validity.store import RelationStore
from assistant.validity.view import document_relations

__all__ = [
    "PhapdienRelations", "RelationStore", "RelationsObserver", "ValidityNotes", "ValidityRefresher", "asks_validity",
    "cited_validity", "document_relations", "extract_relations", "import_relations", "known_fate", "missing_reply",
    "prefer_in_force", "question_date", "status_line", "with_validity",
]
