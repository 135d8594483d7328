"""Drafts kept for their author: each a folder under ``DATA_DIR/drafts/<id>/`` with the JSON, the .docx and
who may read it.

Why a folder and not the index: a draft is not a document of the province yet (nobody should find it by
search), but it is read back by the UI and the document management system by its id. Access follows the
document rule: the author always, the author's unit when the draft is shared with it, nobody else — a
draft someone may not read is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from core.access import Principal

_ID = re.compile(r"^[0-9a-f]{32}$")


class DraftStore:
    """Drafts on disk, read and written under the reader's access."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(self, draft: dict[str, Any], docx: bytes, author: Principal, share_with_unit: bool) -> str:
        draft_id = uuid.uuid4().hex
        target = self.folder / draft_id
        target.mkdir(parents=True, exist_ok=False)
        meta = {"id": draft_id, "author": author.user_id, "unit": author.unit if share_with_unit else ""}
        (target / "draft.docx").write_bytes(docx)
        (target / "draft.json").write_text(json.dumps({**meta, "draft": draft}, ensure_ascii=False), "utf-8")
        return draft_id

    def _readable(self, draft_id: str, principal: Principal) -> Path | None:
        if not _ID.match(draft_id):
            return None
        target = self.folder / draft_id
        path = target / "draft.json"
        if not path.is_file():
            return None
        meta = json.loads(path.read_text("utf-8"))
        if meta["author"] == principal.user_id or (meta["unit"] and meta["unit"] == principal.unit):
            return target
        return None

    def get(self, draft_id: str, principal: Principal) -> dict[str, Any] | None:
        """The stored JSON ({id, author, unit, draft}); None when absent or not readable by ``principal``."""
        target = self._readable(draft_id, principal)
        return json.loads((target / "draft.json").read_text("utf-8")) if target else None

    def docx(self, draft_id: str, principal: Principal) -> bytes | None:
        target = self._readable(draft_id, principal)
        return (target / "draft.docx").read_bytes() if target else None
