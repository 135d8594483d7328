"""Streamlit's file uploader in Vietnamese.

Why CSS: Streamlit has no locale setting and ``st.file_uploader`` no parameter for its own words (the
"Upload" button, "200MB per file • PDF, …" under it, "Drag and drop a file here" while a file is dragged over
it; streamlit/streamlit#13500 asks for one and is open). Each English text is hidden (font size 0, so it takes
no room) and its Vietnamese is drawn in its place with ``::after``. The selectors are the ``data-testid``
attributes Streamlit's own tests use (checked against Streamlit 1.67; ``tests/ui/test_ui_browser.py``
reads the words a person sees in a real browser, so a Streamlit upgrade that moves them fails there).
The size and format line is written per widget (Streamlit puts ``st-key-<key>`` on a keyed widget), from
the same format list the widget is given and Streamlit's own size limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

BUTTON = "Chọn tệp"
DRAG = "Thả tệp vào đây"
_DROPZONE = '[data-testid="stFileUploaderDropzone"]'

# Every uploader on the page: the button and the drag overlay (the same words for each).
COMMON_CSS = f"""
{_DROPZONE} button[kind="secondary"] [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
{_DROPZONE} button[kind="secondary"] [data-testid="stMarkdownContainer"] p::after {{
  content: "{BUTTON}"; font-size: 0.875rem; }}
{_DROPZONE} > div:not([data-testid]) > span {{ font-size: 0; }}
{_DROPZONE} > div:not([data-testid]) > span::after {{ content: "{DRAG}"; font-size: 1rem; }}
"""


def limit_line(types: Sequence[str], max_mb: int) -> str:
    """ "Tối đa 200MB mỗi tệp • PDF, DOCX, …": what Streamlit writes in English, in the order it is given."""
    formats = ", ".join(dict.fromkeys(t.lstrip(".").upper() for t in types))
    return f"Tối đa {max_mb}MB mỗi tệp" + (f" • {formats}" if formats else "")


def uploader_css(key: str, types: Sequence[str], max_mb: int) -> str:
    """The style block that puts one keyed uploader's words in Vietnamese."""
    line = limit_line(types, max_mb).replace("\\", "\\\\").replace('"', '\\"')
    instructions = f'.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] span'
    return (f"<style>{COMMON_CSS}{instructions} {{ font-size: 0; }}\n"
            f'{instructions}::after {{ content: "{line}"; font-size: 0.875rem; }}</style>')


def vietnamese_uploader(label: str, types: Sequence[str], key: str, **kwargs: object):  # noqa: ANN201 - UploadedFile | None
    """``st.file_uploader`` with its own words in Vietnamese (``key`` is required: the format line is per
    widget)."""
    max_mb = int(st.get_option("server.maxUploadSize"))
    st.markdown(uploader_css(key, types, max_mb), unsafe_allow_html=True)
    return st.file_uploader(label, type=list(types), key=key, **kwargs)  # type: ignore[arg-type]
