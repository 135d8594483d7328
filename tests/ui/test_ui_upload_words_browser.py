"""The file uploader's own words in Vietnamese, in a real browser (issue 31): the button, the size and format
line, the drag overlay on every page that has an uploader and after moving between pages, a rejected file's
message (tooltip and screen-reader alert) and the uploader's labels.

Its own UI server, started with a 1 MB upload limit so a file over the limit is a small file. The tests share
it and run in order: the overlay is read after the rejected-file test's interactions on the same server.
Why the overlay read once failed there: ``settle`` waited for a status widget this app never draws, so the drag
was dispatched onto the uploader of a page whose run had not finished, and the end of the run replaced that
element (a new one, without the drag); now ``settle`` waits for Streamlit's script state and stale elements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_servers import streamlit_server

from tests.ui.test_ui_browser import SEEN_WORDS, TIMEOUT_MS, browser, settle, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ENGLISH = re.compile(r"\b(?:Upload|Drag|drop|Browse|per file|Limit|files? (?:are|is|must)|not allowed|Error|Remove|"
                     r"Add files|Cancel|retry|smaller|icon|Loading)\b", re.IGNORECASE)
# Every text and label a person or a screen reader gets from an uploader, whatever its font size (not an icon's
# ligature, "upload" drawn as a glyph and hidden from screen readers).
ALL_WORDS = """(root) => {
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.nodeValue.trim();
    if (text && !node.parentElement.closest("[data-testid='stIconMaterial']")) out.push(text);
  }
  for (const el of [root, ...root.querySelectorAll('[aria-label], [title]')]) {
    for (const name of ['aria-label', 'title']) if (el.getAttribute(name)) out.push(el.getAttribute(name));
  }
  return out;
}"""
DRAGGED = ("() => { const dt = new DataTransfer(); "
           "dt.items.add(new File(['x'], 'a.pdf', {type: 'application/pdf'})); return dt; }")


@pytest.fixture(scope="module")
def small_limit_ui(api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server(api_url, tmp_path_factory.mktemp("ui-upload-words"), "--server.maxUploadSize", "1") as url:
        yield url


def _page(chromium, url: str, user: str):  # noqa: ANN001, ANN202 - playwright Browser / (BrowserContext, Page)
    context = chromium.new_context(viewport={"width": 1400, "height": 1100}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    sign_in(page, user)
    settle(page)
    return context, page


def _open(page, name: str, key: str) -> None:  # noqa: ANN001
    """Go to the page ``name`` (the sidebar's choice) and wait until its run is over (its uploader ``key`` is
    there and nothing of the page before is left)."""
    page.locator("[data-testid='stSidebar']").get_by_text(name, exact=True).click()
    page.locator(f".st-key-{key} [data-testid='stFileUploaderDropzone']").wait_for()
    settle(page)


def _rejected(page, uploader, file: Path) -> tuple[str, list[str]]:  # noqa: ANN001
    """Choose ``file`` in ``uploader``: the message of its tooltip (hovered), and every word of the uploader."""
    uploader.locator("input[type='file']").set_input_files(str(file))
    chip = uploader.locator("[data-testid='stFileChip']")
    chip.wait_for()
    chip.hover()
    tooltip = page.locator("[data-testid='stTooltipErrorContent']")
    tooltip.wait_for()
    message = tooltip.inner_text().strip()
    words = uploader.evaluate(ALL_WORDS)
    chip.locator("[data-testid='stFileChipDeleteBtn'] button").click()
    chip.wait_for(state="detached")
    page.mouse.move(0, 0)
    return message, words


def test_a_rejected_file_and_the_uploaders_labels_are_in_vietnamese(small_limit_ui: str, browser,  # noqa: ANN001, F811
                                                                     tmp_path: Path) -> None:
    """A file of a type not taken, and one over the limit: the tooltip and the screen-reader alert say why in
    Vietnamese; the uploader's labels (the hidden file input, the button, remove and add) are Vietnamese."""
    program = tmp_path / "chuong-trinh.exe"
    program.write_bytes(b"MZ" + b"\0" * 64)
    big = tmp_path / "van-ban-lon.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))  # over the 1 MB limit however a MB is counted
    context, page = _page(browser, small_limit_ui, "admin")
    try:
        _open(page, "Quản trị", "admin_upload")
        uploader = page.locator(".st-key-admin_upload [data-testid='stFileUploader']")
        labels = uploader.evaluate(ALL_WORDS)
        assert "Chọn tệp để tải lên" in labels and "Chọn tệp" in labels, labels
        message, words = _rejected(page, uploader, program)
        assert message.startswith("Không nhận loại tệp này"), message
        assert "Lỗi:" in words and any(w.startswith("Không nhận loại tệp này") for w in words), words
        assert "Bỏ tệp chuong-trinh.exe" in words and "Thêm tệp" in words, words
        assert [w for w in words if ENGLISH.search(w)] == [], words

        _open(page, "Văn bản đến", "incoming_file")  # another page, another uploader
        uploader = page.locator(".st-key-incoming_file [data-testid='stFileUploader']")
        message, words = _rejected(page, uploader, big)
        assert re.fullmatch(r"Tệp quá lớn: tối đa [\d.]+MB mỗi tệp\.", message), message
        assert [w for w in words if ENGLISH.search(w)] == [], words
    finally:
        context.close()


def _drag_words(page, uploader) -> list[str]:  # noqa: ANN001
    """A file dragged over ``uploader`` (a DataTransfer with a file, as a browser's drag carries): the words seen
    while Streamlit's overlay is up; the drag then leaves."""
    from playwright.sync_api import expect

    dropzone = uploader.locator("[data-testid='stFileUploaderDropzone']")
    dragged = page.evaluate_handle(DRAGGED)
    dropzone.dispatch_event("dragenter", {"dataTransfer": dragged})
    overlay = dropzone.locator(":scope > div:not([data-testid]) > span")
    expect(overlay).to_have_count(1)
    expect(overlay).to_be_visible()  # laid out: its ::after is drawn
    words = uploader.evaluate(SEEN_WORDS)
    dropzone.dispatch_event("dragleave", {"dataTransfer": dragged})
    expect(overlay).to_have_count(0)
    return words


def test_the_upload_widget_speaks_vietnamese_on_every_page_and_after_navigation(
        small_limit_ui: str, browser) -> None:  # noqa: ANN001, F811
    """Streamlit's own "Upload", "1MB per file" and "Drag and drop a file here" are drawn in Vietnamese on each
    page with an uploader, reached one after another and back (issue 31); the administrator's line names every
    format the API indexes. Runs after the rejected-file test, on the same server."""
    context, page = _page(browser, small_limit_ui, "admin")
    try:
        pages = [("Văn bản đến", "incoming_file", "PDF, DOCX, DOC, TXT, HTML, PNG, JPG, JPEG, TIF, TIFF"),
                 ("Soạn thảo văn bản", "format_check_file", "DOCX, DOC, PDF"),
                 ("Quản trị", "admin_upload", "PDF, DOCX, DOC, HTML, HTM, MD, TXT, PNG, JPG, JPEG, TIF, TIFF, JSON, "
                                              "JSONL"),
                 ("Văn bản đến", "incoming_file", "PDF, DOCX, DOC, TXT, HTML, PNG, JPG, JPEG, TIF, TIFF")]
        for name, key, formats in pages:
            _open(page, name, key)
            uploader = page.locator(f".st-key-{key} [data-testid='stFileUploader']")
            words = uploader.evaluate(SEEN_WORDS)
            assert "Chọn tệp" in words, (name, words)
            assert f"Tối đa 1MB mỗi tệp • {formats}" in words, (name, words)
            dragged = _drag_words(page, uploader)
            assert "Thả tệp vào đây" in dragged, (name, dragged)
            english = [w for w in words + dragged if ENGLISH.search(w)]
            assert english == [], (name, english)
        _open(page, "Quản trị", "admin_upload")
        page.get_by_role("tab", name="Văn bản bị giữ chờ duyệt").click()
        held = page.locator(".st-key-admin_override_file [data-testid='stFileUploader']")
        held.wait_for()
        words = held.evaluate(SEEN_WORDS) + _drag_words(page, held)
        assert "Chọn tệp" in words and "Thả tệp vào đây" in words, words
        assert any(w.startswith("Tối đa 1MB mỗi tệp • PDF, DOCX") for w in words), words
        assert [w for w in words if ENGLISH.search(w)] == [], words
    finally:
        context.close()
