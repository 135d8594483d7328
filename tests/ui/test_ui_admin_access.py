"""The admin page's access editor against the real API (Streamlit AppTest, the API in its own process): the
administrator picks the indexed task plan, reads its current label, restricts it to Công an tỉnh and its units, and
from the next request a Sở Y tế official's tasks page and its .csv export no longer hold the plan's tasks while
the police official's do; a label naming nobody is stopped on the page, one the API refuses is its Vietnamese
message; the plan goes back to public through the page (and, whatever happens, through the API afterwards)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from ui_plans import OVERDUE, POLICE, SOON

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
PLAN_FILE = "ke-hoach-nhiem-vu"
EXPORT_COLUMNS_TASK = "Nhiệm vụ"


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _signed_in(username: str) -> AppTest:
    at = _run(AppTest.from_file(str(APP), default_timeout=120))
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input("demo123")
    next(b for b in at.button if b.label == "Đăng nhập").click()
    _run(at)
    assert at.session_state["token"], [e.value for e in at.error]
    return at


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[MemoryMediaFileStorage]:
    """Every media store AppTest makes (one per run): where a download button's bytes are kept."""
    stores: list[MemoryMediaFileStorage] = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Kept)
    return stores


def _tasks_export(username: str, media: list[MemoryMediaFileStorage]) -> tuple[str, list[dict[str, str]]]:
    """(the tasks page's text, the rows of its .csv download) as ``username`` gets them; no rows when the page
    offers no download (no task)."""
    at = _signed_in(username)
    at.radio(key="page").set_value("Nhiệm vụ của đơn vị")
    _run(at)
    page = "\n".join(m.value for m in at.markdown if not m.value.startswith("<style>"))
    page += "\n".join(i.value for i in at.info)
    button = next((b for b in at.get("download_button") if b.key == "tasks_csv"), None)
    if button is None:
        return page, []
    name = button.proto.url.rsplit("/", 1)[-1]
    data = media[-1].get_file(name).content
    return page, list(csv.DictReader(io.StringIO(bytes(data).decode("utf-8-sig"))))


def _tasks_of(rows: list[dict[str, str]]) -> set[str]:
    """Which of the plan's tasks (by their opening words) the export's rows hold."""
    return {task for task in (OVERDUE, SOON, POLICE) for r in rows if r[EXPORT_COLUMNS_TASK].startswith(task)}


def _admin_access(at: AppTest) -> AppTest:
    at.radio(key="page").set_value("Quản trị")
    return _run(at)


def _save(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Lưu quyền truy cập").click()
    return _run(at)


@pytest.fixture
def plan_public_again(ui_env: str) -> Iterator[str]:
    """Whatever the test does, the plan is public again afterwards (the API is shared by the session's tests)."""
    yield ui_env
    with httpx.Client(base_url=ui_env, timeout=60) as client:
        token = client.post("/v1/login", json={"username": "admin", "password": "demo123"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        docs = client.get("/v1/documents", headers=headers).json()["documents"]
        plan = next(d["doc_id"] for d in docs if PLAN_FILE in d["doc_id"])
        client.put(f"/v1/documents/access/{plan}", json={"access": "public"}, headers=headers).raise_for_status()


def test_admin_restricts_a_document_and_the_tasks_export_follows(plan_public_again: str,
                                                                 media: list[MemoryMediaFileStorage]) -> None:
    page, rows = _tasks_export("syt.lethicuc", media)
    assert {OVERDUE, SOON} <= _tasks_of(rows), page[:1500]

    at = _admin_access(_signed_in("admin"))
    choice = at.selectbox(key="admin_access_doc")
    plan = next(o for o in choice.options if PLAN_FILE in o)
    choice.set_value(plan)
    _run(at)
    assert "Quyền truy cập hiện tại: Công khai" in [i.value for i in at.info]
    assert at.radio(key="admin_access_level").value == "public"

    # A restricted label naming nobody is stopped on the page; nothing is sent.
    at.radio(key="admin_access_level").set_value("restricted")
    _save(at)
    assert any("ít nhất một đơn vị" in w.value for w in at.warning), [w.value for w in at.warning]
    assert not at.success
    # A group the API does not know is its refusal, shown as one readable line.
    at.text_area(key="admin_access_groups").input("Nhóm không có thật")
    _save(at)
    assert at.error and not at.success, [e.value for e in at.error]
    assert "Traceback" not in at.error[0].value

    at.text_area(key="admin_access_groups").input("")
    at.text_area(key="admin_access_units_and_below").input("Công an tỉnh")
    _save(at)
    done = [s.value for s in at.success]
    assert done and "Công khai → Hạn chế: đơn vị và cấp dưới Công an tỉnh" in done[0], done
    assert "Có hiệu lực từ yêu cầu tiếp theo" in done[0]
    assert "Quyền truy cập hiện tại: Hạn chế: đơn vị và cấp dưới Công an tỉnh" in [i.value for i in at.info]

    page, rows = _tasks_export("syt.lethicuc", media)
    assert not _tasks_of(rows) & {OVERDUE, SOON, POLICE}
    assert OVERDUE not in page and SOON not in page
    _, police_rows = _tasks_export("ca.hoangminhduc", media)
    assert POLICE in _tasks_of(police_rows)

    # The page reads the new label back (the list is fetched again) and puts it back to public.
    _run(at)
    assert at.radio(key="admin_access_level").value == "restricted"
    assert at.text_area(key="admin_access_units_and_below").value == "Công an tỉnh"
    at.radio(key="admin_access_level").set_value("public")
    _save(at)
    assert any("→ Công khai" in s.value for s in at.success), [e.value for e in at.error]
    _, rows = _tasks_export("syt.lethicuc", media)
    assert {OVERDUE, SOON} <= _tasks_of(rows)
