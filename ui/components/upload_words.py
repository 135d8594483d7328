"""Streamlit's file uploader in Vietnamese: its visible words, its error messages and its screen-reader labels.

Why this way: Streamlit has no locale setting and ``st.file_uploader`` no parameter for its own words
(streamlit/streamlit#13500 asks for one and is open). Two pieces, both for Streamlit 1.67's DOM (the
``data-testid`` attributes Streamlit's own tests use; ``tests/ui/test_ui_upload_words_browser.py`` reads the
words in a real browser, so a Streamlit upgrade that moves them fails there):

* CSS for the words a person sees: "Upload", "200MB per file • PDF, …" and "Drag and drop a file here" are
  hidden (font size 0, so they take no room) and their Vietnamese drawn with ``::after``. The button and the
  drag overlay are the same on every uploader, so that part is page-wide (``page_words``, injected on every
  page with the page CSS): a style kept inside one widget's markdown went away with its tab or page, and an
  uploader without one (the «Văn bản đến» page) stayed in English. The size and format line is per widget
  (Streamlit puts ``st-key-<key>`` on a keyed widget), from the format list the widget is given.
* A small script for what CSS cannot reach: the message of a rejected file (wrong type, too big) in its
  tooltip and in the visually hidden «Error: …» alert a screen reader announces, the ``aria-label`` /
  ``title`` attributes ("file upload", "Remove a.pdf", "Add files", …), and the English text the CSS only hides
  from sight (a screen reader still reads it). Streamlit builds those strings in the browser, so they are
  rewritten there, as they appear (a ``MutationObserver``, installed once per page).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import streamlit as st

BUTTON = "Chọn tệp"
DRAG = "Thả tệp vào đây"
_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"] span'

# The words of every uploader on the page: the button, the drag overlay (a ``div`` without a test id, made
# only while a file is dragged over), and the size line of an uploader that names no formats of its own.
COMMON_CSS = f"""
{_DROPZONE} button[kind="secondary"] [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
{_DROPZONE} button[kind="secondary"] [data-testid="stMarkdownContainer"] p::after {{
  content: "{BUTTON}"; font-size: 0.875rem; }}
{_DROPZONE} > div:not([data-testid]) > span {{ font-size: 0; }}
{_DROPZONE} > div:not([data-testid]) > span::after {{ content: "{DRAG}"; font-size: 1rem; }}
{_INSTRUCTIONS} {{ font-size: 0; }}
"""

# Streamlit's English, as its uploader builds it in the browser, and the Vietnamese said instead. Messages
# (of a rejected file: several are joined by a space) are rewritten sentence by sentence; labels whole.
MESSAGES: list[tuple[str, str]] = [
    (r"(\S*) files are not allowed\.",
     "Không nhận loại tệp này{type}: chỉ nhận các định dạng ghi dưới nút «Chọn tệp»."),
    (r"File must be (\S+) or smaller\.", "Tệp quá lớn: tối đa {1} mỗi tệp."),
    (r"File size is too small\.", "Tệp quá nhỏ."),
    (r"Only one file is allowed\.", "Chỉ chọn được một tệp."),
    (r"Unexpected error\. Please try again\.", "Lỗi không mong muốn. Vui lòng thử lại."),
    (r"^Upload failed$", "Tải lên không thành công."),
    (r"^Error: $", "Lỗi: "),
    # the widget's own words, hidden by CSS but still read by a screen reader: the same Vietnamese in the text
    (r"^Upload$", BUTTON),
    (r"^Upload directories$", "Chọn thư mục"),
    (r"^Drag and drop (?:a file|files) here$", DRAG),
    (r"^Drag and drop directories here$", "Thả thư mục vào đây"),
    (r"^(\S+) per file$", "Tối đa {1} mỗi tệp"),
    (r"^add icon$", "Thêm tệp"),  # the visually hidden name of the icon-only «add files» button's icon
    (r"^Loading$", "Đang tải"),
]
LABELS: list[tuple[str, str]] = [
    (r"^file upload$", "Chọn tệp để tải lên"),
    (r"^Remove (.+)$", "Bỏ tệp {1}"),
    (r"^Cancel upload of (.+)$", "Huỷ tải lên tệp {1}"),
    (r"^Add files$", "Thêm tệp"),
    (r"^Click to retry upload$", "Bấm để tải lên lại"),
]

_SCRIPT = """
<script>
(() => {
  if (window.__tlaUploaderWords) return;  // one observer per page, however often Streamlit re-mounts this
  window.__tlaUploaderWords = true;
  const MESSAGES = %(messages)s.map(([re, vi]) => [new RegExp(re, "g"), vi]);
  const LABELS = %(labels)s.map(([re, vi]) => [new RegExp(re), vi]);
  const SCOPE = '[data-testid="stFileUploader"], [data-testid="stTooltipErrorContent"]';
  const fill = (vi, groups) => vi.replace("{type}", groups[1] ? " (" + groups[1] + ")" : "")
                                 .replace("{1}", groups[1] || "");
  const say = (text, table) => {
    let out = text;
    for (const [re, vi] of table) out = out.replace(re, (...groups) => fill(vi, groups));
    return out;
  };
  const fixText = (node) => {
    const vi = say(node.nodeValue, MESSAGES);
    if (vi !== node.nodeValue) node.nodeValue = vi;
  };
  const fixElement = (el) => {
    for (const name of ["aria-label", "title"]) {
      const value = el.getAttribute(name);
      if (value) { const vi = say(value, LABELS); if (vi !== value) el.setAttribute(name, vi); }
    }
    // the button's name for a screen reader: its English text is only hidden by font size (CSS draws
    // «Chọn tệp»), so the Vietnamese is given as its label
    if (el.matches('[data-testid="stFileUploaderDropzone"] button[kind="secondary"]')
        && el.getAttribute("aria-label") !== "%(button)s") el.setAttribute("aria-label", "%(button)s");
  };
  const sweep = (root) => {
    const scopes = root.closest(SCOPE) ? [root] : root.querySelectorAll(SCOPE);
    for (const scope of scopes) {
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) fixText(walker.currentNode);
      fixElement(scope);
      scope.querySelectorAll("[aria-label], [title], button").forEach(fixElement);
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") {
        if (r.target.parentElement && r.target.parentElement.closest(SCOPE)) fixText(r.target);
      } else if (r.type === "attributes") {
        if (r.target.closest(SCOPE)) fixElement(r.target);
      } else {
        for (const node of r.addedNodes) {
          if (node.nodeType === Node.TEXT_NODE) {
            if (node.parentElement && node.parentElement.closest(SCOPE)) fixText(node);
          } else if (node.nodeType === Node.ELEMENT_NODE) sweep(node);
        }
      }
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ["aria-label", "title"]});
  sweep(document.body);
})();
</script>
"""


def limit_line(types: Sequence[str], max_mb: int) -> str:
    """ "Tối đa 200MB mỗi tệp • PDF, DOCX, …": what Streamlit writes in English, in the order it is given."""
    formats = ", ".join(dict.fromkeys(t.lstrip(".").upper() for t in types))
    return f"Tối đa {max_mb}MB mỗi tệp" + (f" • {formats}" if formats else "")


def _content(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_css(max_mb: int) -> str:
    """The page-wide rules (every uploader's button, drag overlay, and a size line with no formats)."""
    # less specific than a keyed widget's own line (``.st-key-…``), which wins wherever there is one
    line = _content(limit_line([], max_mb))
    return f"{COMMON_CSS}{_INSTRUCTIONS}::after {{ content: {line}; font-size: 0.875rem; }}\n"


def page_script() -> str:
    """The script that rewrites a rejected file's messages and the uploader's labels (see the module doc)."""
    return _SCRIPT % {"messages": json.dumps(MESSAGES, ensure_ascii=False),
                      "labels": json.dumps(LABELS, ensure_ascii=False), "button": BUTTON}


def page_words() -> None:
    """Every uploader's own words in Vietnamese, for the whole page: called once per run with the page CSS
    (``style.inject_css``), so they hold on every page and after any navigation. The element that carries
    them takes no room (its container is hidden; the script has run by then)."""
    max_mb = int(st.get_option("server.maxUploadSize"))
    hide = '[data-testid="stElementContainer"]:has(#tla-uploader-words) { display: none; }'
    st.html(f'<style id="tla-uploader-words">{page_css(max_mb)}{hide}</style>{page_script()}',
            unsafe_allow_javascript=True)


def uploader_css(key: str, types: Sequence[str], max_mb: int) -> str:
    """The style block that writes one keyed uploader's size and format line in Vietnamese."""
    instructions = f".st-key-{key} {_INSTRUCTIONS}"
    return (f"<style>{instructions} {{ font-size: 0; }}\n"
            f"{instructions}::after {{ content: {_content(limit_line(types, max_mb))}; font-size: 0.875rem; }}"
            "</style>")


def vietnamese_uploader(label: str, types: Sequence[str], key: str, **kwargs: object):  # noqa: ANN201 - UploadedFile | None
    """``st.file_uploader`` with its size and format line in Vietnamese, naming every format it takes (``key`` is
    required: that line is per widget; the rest of its words come from ``page_words``)."""
    max_mb = int(st.get_option("server.maxUploadSize"))
    st.markdown(uploader_css(key, types, max_mb), unsafe_allow_html=True)
    return st.file_uploader(label, type=list(types), key=key, **kwargs)  # type: ignore[arg-type]
