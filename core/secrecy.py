"""State-secret stamps (dấu độ mật): a stamped document must never enter the index.

Only a stamp the document *bears* counts: a line of its own near the top that is exactly "MẬT",
"TỐI MẬT" or "TUYỆT MẬT" (any case, boxed in brackets, quotes, asterisks or table bars), or the
form field "Độ mật: …". Words inside a sentence ("bí mật nhà nước", "tài liệu tối mật phải được
bảo quản") are mentions, not stamps, and must not block ordinary documents about secrecy rules.
"""

from __future__ import annotations

import re

from core.vietnamese import normalize_text

# Most specific first: "tối mật" must not be read as "mật".
STAMPS: tuple[str, ...] = ("Tuyệt mật", "Tối mật", "Mật")
_BY_KEY = {s.casefold(): s for s in STAMPS}

# Lines considered "the top": stamps sit above or beside the heading block of the first page.
HEAD_LINES = 40

# Decorations a stamp may carry on its line: brackets, quotes, asterisks, bars, dashes, dots.
_DECOR = " \t*_#|[](){}<>«»\"'“”‘’`~=-–—.:;,!"
_SPACES = re.compile(r"\s+")
_LEVEL = r"(tuyệt\s+mật|tối\s+mật|mật)"
# "Độ mật: Tối mật" as a form field; may share a line with "Độ khẩn: …", so only a separator may follow.
_FIELD = re.compile(rf"(?:^|[\s|,;(\[])độ\s+mật\s*[:\-–]\s*{_LEVEL}\s*(?=$|[|,;.)\]])")


def _key(level: str) -> str:
    return _SPACES.sub(" ", level.strip()).casefold()


def detect_secrecy_stamp(text: str) -> str | None:
    """Return "Mật" / "Tối mật" / "Tuyệt mật" when the text bears that stamp near its top, else None."""
    if not text:
        return None
    lines = [ln for ln in normalize_text(text).splitlines() if ln.strip()][:HEAD_LINES]
    for line in lines:
        bare = _SPACES.sub(" ", line.strip(_DECOR)).casefold()
        if bare.startswith("độ mật"):
            bare = bare[len("độ mật") :].strip(_DECOR)
        if bare in _BY_KEY:
            return _BY_KEY[bare]
        field = _FIELD.search(line.casefold())
        if field:
            return _BY_KEY[_key(field.group(1))]
    return None


def secrecy_reason(stamp: str) -> str:
    """The one-line rejection reason shown to whoever tried to index the document."""
    return f"văn bản mang dấu độ mật «{stamp}»: không được lưu vào hệ thống"
