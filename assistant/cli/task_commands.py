"""``assistant tasks``: the assigned tasks a user may read, e.g. one unit's, by deadline (plans, decisions)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from assistant.cli.common import fail, local_runtime, print_json, reported, service_client
from assistant.service.index_owner import OPERATOR
from assistant.tasks import TaskFilter
from core.access import load_users
from core.deadlines import today_in_vietnam
from core.settings import Settings

_MARKS = {"overdue": "QUÁ HẠN", "due_soon": "sắp đến hạn"}


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} không phải ngày YYYY-MM-DD")


def tasks(
    user: Annotated[str | None, typer.Option("--user", help="Mã người dùng trong tệp người dùng; bỏ trống: "
                                                               "mọi nhiệm vụ, như người vận hành máy chủ")] = None,
    unit: Annotated[str, typer.Option("--unit", help="Đơn vị (viết thế nào cũng được); 'me': đơn vị của chính "
                                                     "người dùng")] = "",
    due_before: Annotated[str | None, typer.Option("--due-before", help="hạn trước ngày YYYY-MM-DD")] = None,
    role: Annotated[str, typer.Option("--role", help="vai trò: lead (chủ trì) | support (phối hợp)")] = "",
    doc_id: Annotated[str, typer.Option("--doc-id")] = "",
    today: Annotated[str | None, typer.Option("--today", help="tính quá hạn tại ngày YYYY-MM-DD")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Liệt kê nhiệm vụ trong các văn bản USER được xem (của một đơn vị: nêu tên, hoặc qua nhóm), theo hạn."""
    if role not in ("", "lead", "support"):
        fail(f"--role {role!r} không hợp lệ; chọn lead|support")
    before, day = _date(due_before, "--due-before"), _date(today, "--today") or today_in_vietnam()
    settings = Settings()
    if user is not None:
        with reported():
            known = user in load_users(settings.users_file)
        if not known:
            fail(f"không có người dùng {user!r} trong {settings.users_file.name}")
    elif unit.lower() == "me":
        fail("--unit me cần --user (đơn vị của người dùng đó)")
    client = service_client(settings)
    if client is not None:
        params = {k: v for k, v in {"unit": unit, "role": role, "doc_id": doc_id, "today": day.isoformat(),
                                    "due_before": due_before or ""}.items() if v}
        with client, reported():
            result = client.tasks(params, user)
    else:
        with local_runtime(settings) as runtime:
            principal = runtime.principal(user) if user else OPERATOR
            name = principal.unit if unit.lower() == "me" else unit
            canonical = runtime.units().canonical(name) if name else None
            if name and canonical is None:
                fail(f"không có đơn vị {name!r} trong danh mục đơn vị")
            views = runtime.task_store().find(principal, TaskFilter(unit=canonical or "", role=role,
                                                                    due_before=before, doc_id=doc_id, today=day))
            result = {"unit": canonical, "today": day.isoformat(), "total": len(views),
                      "tasks": [v.to_dict() for v in views]}
    show_tasks(result, as_json)


def show_tasks(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    if not result["tasks"]:
        typer.echo("Không có nhiệm vụ nào phù hợp.")
    for t in result["tasks"]:
        role = {"lead": "chủ trì", "support": "phối hợp"}.get(t["role"], "")
        via = f" (qua «{t['via']}»)" if t["via"] else ""
        mark = f"  [{_MARKS[t['status']]}]" if t["status"] in _MARKS else ""
        typer.echo(f"- {t['deadline']['text'] or 'không ghi hạn'}{mark} · {t['so_hieu'] or t['doc_title']}, "
                   f"{t['citation']}{' · ' + role + via if role else ''}\n    {t['nhiem_vu']}")
