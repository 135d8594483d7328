"""Cards kept for their author: each a folder under ``DATA_DIR/incoming/<id>/`` with the card's JSON (or, while
a scan is read, its job state) and who may read it.

Why like drafts (``assistant.correspondence.drafting.DraftStore``) and not the index: a card is a worker's note on a
document that is not the province's own yet; the UI and the DMS read it back by its id. The author always reads it,
their unit when it is shared with it, nobody else: a card someone may not read is "not found", exactly like
one that does not exist."""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

from core.access import Principal

_ID = re.compile(r"^[0-9a-f]{32}$")
STATES = ("queued", "running", "done", "failed")


class CardStore:
    """Cards and card jobs on disk, read under the reader's access."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _write(self, card_id: str, record: dict[str, Any]) -> None:
        path = self.folder / card_id / "card.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
        os.replace(tmp, path)  # a reader never sees half a card

    def create(self, author: Principal, share_with_unit: bool, file: str, status: str,
               card: dict[str, Any] | None = None, access: dict[str, Any] | None = None) -> str:
        """A new card (``status`` "done" with its card, or "queued" for a scan waiting for OCR); its id.
        ``access``: the document's label as the DMS sent it, kept with the card for when it is indexed."""
        if status not in STATES:
            raise ValueError(f"unknown card state {status!r}")
        card_id = uuid.uuid4().hex
        (self.folder / card_id).mkdir(parents=True, exist_ok=False)
        self._write(card_id, {"id": card_id, "author": author.user_id, "unit": author.unit if share_with_unit else "",
                              "file": file, "status": status, "card": card, "error": "",
                              "access": access})
        return card_id

    def finish(self, card_id: str, status: str, card: dict[str, Any] | None = None, error: str = "") -> None:
        """Record a job's outcome (or that it started: "running")."""
        record = self._read(card_id)
        if record is None:
            raise KeyError(card_id)
        record.update({"status": status, "card": card, "error": error})
        self._write(card_id, record)

    def _read(self, card_id: str) -> dict[str, Any] | None:
        if not _ID.match(card_id):
            return None
        path = self.folder / card_id / "card.json"
        return json.loads(path.read_text("utf-8")) if path.is_file() else None

    def get(self, card_id: str, principal: Principal) -> dict[str, Any] | None:
        """The stored record ({id, author, unit, file, status, card, error}); None when absent or not readable by
        ``principal``."""
        record = self._read(card_id)
        if record is None:
            return None
        if record["author"] == principal.user_id or (record["unit"] and record["unit"] == principal.unit):
            return record
        return None

    def upload_path(self, card_id: str, name: str) -> Path:
        """Where a scan waits for its job (removed when the job ends)."""
        return self.folder / card_id / "upload" / name
