"""Every assigned task of a plan, decision, directive or official letter, as :class:`Task` records: rows of
its task tables (``Document.tables``) and the duties of its running text (``assistant.tasks.sections``).

Why here: the indexer hands each parsed document to its observers; the task store calls
:func:`extract_tasks` there, so a document's tasks follow its chunks (changed → replaced, removed → gone).
"""

from __future__ import annotations

import re

from assistant.tasks.record import Task
from assistant.tasks.sections import section_tasks
from assistant.tasks.table import table_rows, task_columns
from core.deadlines import parse_deadline
from core.documents import Document
from core.tables import Table
from core.units import UnitDirectory

TASK_KINDS = ("legal", "text")
_APPENDIX = re.compile(r"^PH[UỤ]\s*L[UỤ]C\b\s*([IVXLC]+|\d+)?", re.IGNORECASE)


def _appendix_names(doc: Document, tables: list[Table]) -> list[str]:
    """"Phụ lục" (or "Phụ lục II") for each task table, in order, from the document's "PHỤ LỤC" lines;
    "Bảng N" when the document names no appendix."""
    heads = [m for line in doc.text.splitlines() if (m := _APPENDIX.match(line.strip()))]
    names = []
    for i, table in enumerate(tables):
        if i < len(heads):
            names.append(f"Phụ lục {heads[i].group(1)}" if heads[i].group(1) else "Phụ lục")
        else:
            names.append(f"Bảng {table.index}")
    return names


def _common(doc: Document) -> dict[str, object]:
    return {"doc_id": doc.doc_id, "doc_title": doc.title, "so_hieu": str(doc.metadata.get("so_hieu", "")),
            "access": doc.access}


def extract_tasks(doc: Document, units: UnitDirectory) -> list[Task]:
    """The document's tasks in document order (table rows first, as an appendix states the assignment)."""
    if doc.kind not in TASK_KINDS:
        return []
    tasks: list[Task] = []
    task_tables = [t for t in doc.tables if task_columns(t) is not None]
    for name, table in zip(_appendix_names(doc, task_tables), task_tables, strict=True):
        for group, cells in table_rows(table, units):
            tasks.append(Task(citation=f"{name}, dòng {cells['tt']}", nhiem_vu=cells["nhiem_vu"],
                              lead=tuple(units.resolve(cells.get("lead", ""))),
                              support=tuple(units.resolve(cells.get("support", ""))),
                              lead_text=cells.get("lead", ""), support_text=cells.get("support", ""),
                              san_pham=cells.get("san_pham", ""),
                              deadline=parse_deadline(cells.get("deadline", "")), group=group,
                              source="phu_luc", order=len(tasks), **_common(doc)))  # type: ignore[arg-type]
    seen = {t.citation for t in tasks}
    for found in section_tasks(doc.text.splitlines(), units):
        if found.citation in seen:
            continue
        seen.add(found.citation)
        tasks.append(Task(citation=found.citation, nhiem_vu=found.text, lead=found.lead, support=found.support,
                          lead_text=", ".join(r.written for r in found.lead),
                          support_text=", ".join(r.written for r in found.support),
                          deadline=parse_deadline(found.deadline), group=found.group, source="muc",
                          order=len(tasks), **_common(doc)))  # type: ignore[arg-type]
    return tasks
