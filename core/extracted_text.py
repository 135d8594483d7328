"""What a file holds, kept by where it stands: body blocks, page headers and footers, text boxes, metadata.

Why structured: a secrecy stamp counts only where stamps stand (a page header, the opening block, a header
table cell), and the header parser needs the same parts; flattening everything to one string loses both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TextBlock:
    """A paragraph (``cells`` empty) or a table row: ``cells`` keep each cell's own lines ("Số: 12\\nMẬT")."""

    text: str
    cells: tuple[str, ...] = ()
    table: int = 0  # which table of its part the row belongs to (0: not a table row); see core.tables
    page: int = 0  # the page it stands on, 1-based (0: the format has no pages)

    @classmethod
    def row(cls, cells: list[str], table: int = 0, page: int = 0) -> TextBlock:
        """A table row whose flat text is ``a | b | c`` (empty cells dropped), as the legal parser reads rows."""
        kept = tuple(c for c in cells if c.strip())
        return cls(" | ".join(" ".join(c.split()) for c in kept), kept, table, page)

    def lines(self) -> list[str]:
        """Every line a stamp could stand on alone: the block's own lines and each cell's lines."""
        out = self.text.splitlines()
        for cell in self.cells:
            out.extend(cell.splitlines())
            out.append(" ".join(cell.split()))
        return out


@dataclass
class ExtractedText:
    """The parts of one document. ``headers`` / ``footers`` are keyed by kind: "default", "first", "even"
    (docx sections) or "page" (an HTML page's own ``<header>`` / ``<footer>``); ``metadata`` holds the
    file's property strings (title, subject, keywords, comments, custom properties, HTML ``<meta>``)."""

    body: list[TextBlock] = field(default_factory=list)
    headers: dict[str, list[TextBlock]] = field(default_factory=dict)
    footers: dict[str, list[TextBlock]] = field(default_factory=dict)
    text_boxes: list[TextBlock] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    # Paged formats (PDF, scans): how many pages, each OCR'd page's mean confidence (0–100), how many embedded
    # images were OCR'd into the body, and how many were left unread because no OCR engine is installed.
    page_count: int = 0
    ocr_pages: dict[int, float] = field(default_factory=dict)
    ocr_images: int = 0
    ocr_skipped_images: int = 0
    # Text that stands outside the reading flow and is never indexed, read only by the secrecy gate: watermarks,
    # comments, footnotes, embedded parts (altChunk), annotations, form values, rotated text, CSS-generated
    # content, SVG text, red ink on a scan, small pictures (``connectors.hidden_text``).
    hidden: list[TextBlock] = field(default_factory=list)
    # A scanned official document's page 1 and closing read by position (``connectors.official_layout``): the
    # header columns' lines, the title and signature block lines, the handwritten number and day as read (each
    # with a confidence), an incoming-document stamp; and the PDF's digital signatures (``pdf_signatures``).
    layout: dict[str, Any] = field(default_factory=dict)
    signatures: list[dict[str, Any]] = field(default_factory=list)
    # Scanned PDF pages rendered at the gate's resolution (OCR_DPI, no annotations drawn): page -> (red pixels,
    # their view, the view's text blocks once read), so the secrecy gate does not render, scan and read them
    # again. Used and emptied inside the extraction child (``connectors.hidden_text.add_hidden``); never
    # crosses back to the caller.
    red_ink: dict[int, tuple[int, Any, Any]] = field(default_factory=dict)

    @classmethod
    def plain(cls, text: str) -> ExtractedText:
        return cls(body=[TextBlock(line) for line in text.splitlines()])

    def body_text(self) -> str:
        return "\n".join(b.text for b in self.body)

    def page_blocks(self) -> list[TextBlock]:
        """Blocks that stand outside the flow of the body: page headers, footers and text boxes."""
        blocks = [b for part in (*self.headers.values(), *self.footers.values()) for b in part]
        return blocks + list(self.text_boxes)
