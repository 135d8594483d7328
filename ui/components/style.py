"""Page CSS, labels and HTML helpers. Every piece of text put into HTML goes through ``html.escape``."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from ui.components.upload_words import page_words

VALIDITY_LABELS = {
    "con_hieu_luc": "còn hiệu lực",
    "het_hieu_luc": "hết hiệu lực",
    "chua_co_hieu_luc": "chưa có hiệu lực",
    "chua_ro": "chưa xác minh hiệu lực",
}
VALIDITY_CLASSES = {
    "con_hieu_luc": "tla-badge-ok",
    "het_hieu_luc": "tla-badge-expired",
    "chua_co_hieu_luc": "tla-badge-notyet",
    "chua_ro": "tla-badge-unknown",
}
ROLE_LABELS = {"chuyen_vien": "Chuyên viên", "lanh_dao": "Lãnh đạo", "admin": "Quản trị hệ thống"}
KIND_LABELS = {"legal": "Văn bản pháp luật", "tthc": "Thủ tục hành chính", "warehouse": "Kho dữ liệu"}

CSS = """
<style>
.tla-answer { line-height: 1.6; }
.tla-cite { display: inline-block; font-size: 0.78em; font-weight: 600; color: #1d4ed8; background: #dbeafe;
  border-radius: 4px; padding: 0 4px; margin: 0 1px; vertical-align: super; }
.tla-badge { display: inline-block; font-size: 0.8em; font-weight: 600; border-radius: 999px; padding: 1px 10px; }
.tla-badge-ok { background: #dcfce7; color: #166534; border: 1px solid #86efac; }
.tla-badge-expired { background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5; }
.tla-badge-notyet { background: #fef9c3; color: #854d0e; border: 1px solid #fde047; }
.tla-badge-unknown { background: #f1f5f9; color: #334155; border: 1px solid #cbd5e1; }
.tla-source { border: 1px solid #cbd5e1; border-left: 4px solid #1d4ed8; border-radius: 6px; padding: 10px 14px;
  margin: 6px 0 10px 0; background: #f8fafc; }
.tla-source-title { font-weight: 700; margin-bottom: 4px; }
.tla-source-meta { font-size: 0.9em; color: #334155; margin: 2px 0; }
.tla-source-where { font-weight: 600; margin-top: 8px; }
.tla-source-text { font-size: 0.92em; margin-top: 4px; padding: 8px; background: #ffffff; border-radius: 4px;
  border: 1px solid #e2e8f0; max-height: 420px; overflow-y: auto; }
.tla-source-text mark { background: #fde68a; padding: 0 2px; border-radius: 2px; }
.tla-refusal { border: 1px dashed #b45309; background: #fffbeb; border-radius: 8px; padding: 12px 14px; }
.tla-refusal-head { font-weight: 700; color: #92400e; margin-bottom: 6px; }
.tla-nearest { font-size: 0.9em; margin: 4px 0 0 0; }
.tla-tthc { border: 1px solid #a7f3d0; background: #ecfdf5; border-radius: 8px; padding: 10px 14px; margin: 8px 0; }
.tla-tthc-title { font-weight: 700; color: #065f46; margin-bottom: 6px; }
.tla-tthc-row { margin: 3px 0; font-size: 0.93em; }
.tla-user { font-size: 0.95em; line-height: 1.5; }
.tla-oidc { display: inline-block; margin-top: 0.5rem; padding: 0.45rem 1rem; border-radius: 0.5rem;
  border: 1px solid #1d4ed8; color: #1d4ed8 !important; background: #eff6ff; font-weight: 600;
  text-decoration: none !important; }
.tla-tasks { border-collapse: collapse; font-size: 0.9em; width: 100%; }
.tla-tasks th, .tla-tasks td { border: 1px solid #e2e8f0; padding: 4px 6px; vertical-align: top; text-align: left; }
.tla-tasks th { background: #f1f5f9; }
.tla-task-overdue td { background: #fee2e2; }
.tla-task-soon td { background: #fef9c3; }
.tla-task-summary { margin: 6px 0; }
.tla-article-chunk { margin: 6px 0; }
.tla-article-chunk.tla-current { background: #eff6ff; border-left: 3px solid #1d4ed8; padding-left: 6px; }
</style>
"""

_MARKER = re.compile(r"\[(\d{1,3})\]")


def inject_css() -> None:
    """The page's CSS, and the file uploader's own words in Vietnamese (on every page, whether it has an
    uploader or not: see ``upload_words``)."""
    st.markdown(CSS, unsafe_allow_html=True)
    page_words()


def esc(value: object) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


def lines_html(text: str) -> str:
    """Escaped text on one markdown line (``<br>`` for newlines), so markdown never re-parses it."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "<br>".join(esc(line) for line in text.split("\n"))


def validity_badge(validity: str | None) -> str:
    key = validity if validity in VALIDITY_LABELS else "chua_ro"
    return f'<span class="tla-badge {VALIDITY_CLASSES[key]}">{esc(VALIDITY_LABELS[key])}</span>'


def answer_html(text: str) -> str:
    """The answer, escaped, with [n] markers styled as citation chips."""
    body = lines_html(text)
    body = _MARKER.sub(lambda m: f'<span class="tla-cite">[{m.group(1)}]</span>', body)
    return f'<div class="tla-answer">{body}</div>'


def _normalise_ws(text: str) -> tuple[str, list[int]]:
    """Text with whitespace runs collapsed to one space, and for each kept char its index in the original."""
    out, index, prev_space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            if prev_space:
                continue
            out.append(" ")
            prev_space = True
        else:
            out.append(ch)
            prev_space = False
        index.append(i)
    return "".join(out), index


def find_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` lies in ``text``: exact, else ignoring whitespace differences and case."""
    quote = (quote or "").strip().strip("«»\"“”").strip()
    if not text or not quote:
        return None
    pos = text.find(quote)
    if pos >= 0:
        return pos, pos + len(quote)
    norm_text, index = _normalise_ws(text)
    norm_quote = " ".join(quote.split())
    pos = norm_text.casefold().find(norm_quote.casefold())
    if pos < 0 and norm_quote.endswith((".", "…")):
        norm_quote = norm_quote.rstrip(".…").rstrip()
        pos = norm_text.casefold().find(norm_quote.casefold()) if norm_quote else -1
    if pos < 0:
        return None
    end = pos + len(norm_quote) - 1
    return index[pos], index[min(end, len(index) - 1)] + 1


def highlighted_html(text: str, quote: str) -> str:
    """The chunk text, escaped, with the supporting span wrapped in ``<mark>``."""
    span = find_span(text, quote)
    if span is None:
        return lines_html(text)
    start, end = span
    return lines_html(text[:start]) + "<mark>" + lines_html(text[start:end]) + "</mark>" + lines_html(text[end:])


def roles_text(roles: list[str] | None) -> str:
    return ", ".join(ROLE_LABELS.get(r, r) for r in roles or []) or "—"


def day_first(value: str) -> str:
    """An ISO date as people read it here ("2026-01-05" → "05/01/2026"); any other text unchanged. (The UI
    speaks only HTTP, so it keeps this small copy of ``core.vietnamese.vietnamese_date``.)"""
    parts = str(value or "")[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    return str(value or "")


_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def moment(value: str | None) -> str:
    """A stored time as people read it here: "21:18 07/12/2026" in Asia/Ho_Chi_Minh, no seconds (the API sends
    UTC ISO times; a naive one is UTC); anything unreadable unchanged."""
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(_VIETNAM).strftime("%H:%M %d/%m/%Y")


def channel_name(via: str | None) -> str:
    """Who a request came through, in words: the server's own command line (its local key, or ``cli`` when the
    command opened the index itself), a system's API key by name, or the web UI (a person's sign-in)."""
    if not via:
        return "giao diện web / đăng nhập"
    if via.startswith("local-owner:") or via == "cli":  # through the service, or the index opened in-process
        return "dòng lệnh trên máy chủ"
    return f"hệ thống «{via}» (khoá API)"
