"""Outgoing documents: drafts in the layout of Nghị định 30/2020/NĐ-CP (``draft`` → ``docx_writer``) and the thể
thức check of a .docx, .doc or PDF (``reading`` → ``checks``), both on the rules of ``rules`` with their place in
the decree; ``basis`` looks up the validity of a cited căn cứ under the asker's access. This module is the face
the rest of the product uses (the incoming-document card of issue 29 is meant to join here)."""

from assistant.drafting.checks import BasisLookup, CitedFate, Finding, check_format, locate
from assistant.drafting.docx_writer import render_docx
from assistant.drafting.draft import (
    BasisItem,
    Draft,
    DraftError,
    Section,
    Signer,
    outline,
    parse_request,
    suggest_basis,
)
from assistant.drafting.reading import ReadDocument, read_document, read_docx, read_pdf
from assistant.drafting.rules import DRAFT_KINDS, FAMILIES, RULES

__all__ = [
    "DRAFT_KINDS", "FAMILIES", "RULES", "BasisItem", "BasisLookup", "CitedFate", "Draft", "DraftError", "Finding",
    "ReadDocument", "Section", "Signer", "check_format", "locate", "outline", "parse_request", "read_docx",
    "read_document", "read_pdf", "render_docx", "suggest_basis",
]
