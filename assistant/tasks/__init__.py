"""Assigned tasks of a unit (nhiệm vụ của đơn vị): read from plans, decisions, directives and letters at indexing
(``extraction`` → ``sections`` / ``table`` → ``record``), kept beside the index (``store``, an ``IndexObserver``),
and asked about (``questions`` → ``answers``). The incoming-document card reads a letter's requests with the same
reader (``extract_tasks``). This module is the face the rest of the product uses."""

from assistant.tasks.answer_table import format_table
from assistant.tasks.answers import TaskAnswerer
from assistant.tasks.extraction import extract_tasks
from assistant.tasks.record import Task
from assistant.tasks.sections import deadline_in
from assistant.tasks.store import TaskFilter, TaskStore

__all__ = ["Task", "TaskAnswerer", "TaskFilter", "TaskStore", "deadline_in", "extract_tasks", "format_table"]
