"""Assigned tasks of a unit (nhiệm vụ của đơn vị): read from plans, decisions, directives and letters at indexing
(``extraction`` → ``sections`` / ``table`` → ``record``), kept beside the index (``store``, an ``IndexObserver``),
and asked about (``questions`` → ``answers``). This module is the face the rest of the product uses."""

from assistant.tasks.answer_table import format_table
from assistant.tasks.answers import TaskAnswerer
from assistant.tasks.store import TaskFilter, TaskStore

__all__ = ["TaskAnswerer", "TaskFilter", "TaskStore", "format_table"]
