"""Outgoing documents: drafts in the layout of Nghị định 30/2020/NĐ-CP (``draft`` → ``docx_writer``) and the thể
thức check of a .docx, .doc or PDF (``reading`` → ``checks``), both on the rules of ``rules`` with their place in
the decree; ``basis`` looks up the validity of a cited căn cứ under the asker's access. This module is the face
the rest of the product uses (the incoming-document card is its own capability,
``assistant.correspondence.incoming``)."""

from assistant.correspondence.drafting.basis import RelationsLookup, basis_for
from assistant.correspondence.drafting.checks import BasisLookup, CitedFate, Finding, check_format, locate
from assistant.correspondence.drafting.composing import compose
from assistant.correspondence.drafting.docx_writer import render_docx
from assistant.correspondence.drafting.draft import (
    BasisItem,
    Draft,
    DraftError,
    Section,
    Signer,
    outline,
    parse_request,
    suggest_basis,
)
from assistant.correspondence.drafting.reading import ReadDocument, read_document, read_docx, read_pdf, read_untrusted
from assistant.correspondence.drafting.rules import DRAFT_KINDS, FAMILIES, RULES, abbreviation
from assistant.correspondence.drafting.store import DraftStore

__all__ = [
    "DRAFT_KINDS", "FAMILIES", "RULES", "BasisItem", "BasisLookup", "CitedFate", "Draft", "DraftError", "DraftStore",
    "Finding", "ReadDocument", "RelationsLookup", "Section", "Signer", "abbreviation", "basis_for", "check_format",
    "compose", "locate", "outline", "parse_request", "read_docx", "read_document", "read_pdf", "read_untrusted",
    "render_docx", "suggest_basis",
]
