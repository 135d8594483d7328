"""Where an item of a card stands in its document: the document's own structure ("Mục VI.1, ý 2") and the line
and page of the text it quotes, found in the lines as read (``Document.line_pages`` gives the pages)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.documents import Document
from core.vietnamese import fold


@dataclass(frozen=True)
class Place:
    """Where an item stands: the document's own structure ("Mục VI.1, ý 2", "đoạn 3") when known, and its line
    (1-based, in the text as read) and page when the format has pages."""

    cite: str = ""
    line: int | None = None
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"cite": self.cite, "line": self.line, "page": self.page}



class Lines:
    """The document's lines with their pages, for placing an item by the text it quotes."""

    def __init__(self, doc: Document) -> None:
        self.lines = doc.text.split("\n")
        self.pages = doc.line_pages if len(doc.line_pages) == len(self.lines) else []
        self.folded = [fold(x) for x in self.lines]

    def place(self, quote: str, cite: str = "", after: int = 0) -> Place:
        """The first line (from ``after``) holding the start of ``quote``; only ``cite`` when none does."""
        whole = " ".join(fold(quote).split())
        key = whole[:60].strip(" ;:")
        if key:
            end = r"(?!\w)" if len(whole) <= 60 and key[-1].isalnum() else ""  # a cut quote ends mid-word
            pattern = re.compile(r"(?<!\w)" + re.escape(key) + end)
            for i in range(after, len(self.folded)):
                if pattern.search(" ".join(self.folded[i].split())):
                    return Place(cite, i + 1, self.pages[i] if self.pages else None)
        return Place(cite)
