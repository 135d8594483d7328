"""Incoming documents (văn bản đến): the processing card (phiếu xử lý) of a received document: its header, what it
asks of which unit by when (read by the tasks reader, deadlines dated against the document), the units suggested
to lead and support with the sentence naming them, the documents it cites with their validity, a short summary;
every item with its place. ``reading`` reads the file as indexing would, ``card`` builds the card, ``lookup``
resolves citations through the validity face, ``render`` says it in Vietnamese, ``store`` keeps it for its
author. This module is the face the rest of the product uses."""

from assistant.correspondence.incoming.card import HEADER_FIELDS, Card, CardLookup, Request, Suggestion, build_card
from assistant.correspondence.incoming.lookup import IndexedLookup
from assistant.correspondence.incoming.places import Place
from assistant.correspondence.incoming.reading import INCOMING_SUFFIXES, needs_ocr, read_incoming
from assistant.correspondence.incoming.render import render_card
from assistant.correspondence.incoming.store import CardStore

__all__ = ["HEADER_FIELDS", "INCOMING_SUFFIXES", "Card", "CardLookup", "CardStore", "IndexedLookup", "Place",
           "Request", "Suggestion", "build_card", "needs_ocr", "read_incoming", "render_card"]
