"""The audit trail and its export under access labels: an official's own ask and search rows name only what they
were allowed to retrieve (a finance-only decision never appears in a Sở Y tế official's rows, while it does in the
finance official's, so the check has teeth); only an administrator reads the trail, never a key acting for one;
``assistant audit export`` writes the same rows."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from assistant.cli import app as cli_app
from assistant.service.credentials import create_api_key
from assistant.service.db import AuditEvent
from assistant.service.runtime import Runtime

DECISION = """# SỞ TÀI CHÍNH

**Số: 4331/QĐ-STC** — *ngày 09 tháng 11 năm 2026*

## QUYẾT ĐỊNH
Về việc tạm ứng kinh phí sửa chữa kho lưu trữ hồ sơ quyết toán

### Điều 1. Tạm ứng kinh phí
Tạm ứng kinh phí sửa chữa mái kho lưu trữ hồ sơ quyết toán ngân sách xã cho phòng tài chính đầu tư.

### Điều 2. Trách nhiệm thi hành
Chánh văn phòng sở và trưởng phòng tài chính đầu tư chịu trách nhiệm thi hành quyết định này.
"""
FINANCE_ONLY = {"level": "restricted", "units_and_below": ["Sở Tài chính"]}
QUESTION = "Tạm ứng kinh phí sửa chữa mái kho lưu trữ hồ sơ quyết toán ngân sách xã cho phòng nào?"
ASKERS = ("syt.lethicuc", "stc.vuthihoa")


def _named(row_ids: list[str], doc_id: str, chunk_ids: set[str]) -> bool:
    return any(i == doc_id or i in chunk_ids for i in row_ids)


def test_audit_rows_and_export_respect_labels(client: TestClient, login, wait_job, runtime: Runtime,  # noqa: ANN001
                                              api_settings) -> None:  # noqa: ANN001
    admin = login("admin")
    r = client.post("/v1/documents", headers=admin, data={"access": json.dumps(FINANCE_ONLY, ensure_ascii=False)},
                    files={"file": ("qd-4331.md", DECISION.encode("utf-8"), "text/markdown")})
    assert r.status_code == 202, r.text
    done = wait_job(client, admin, r.json()["id"])
    assert done["status"] == "done", done
    doc_id = done["detail"]["doc_ids"][0]
    chunk_ids = set(runtime.manifest.get(doc_id).chunk_ids)
    since = datetime.now(UTC) - timedelta(seconds=1)
    for user in ASKERS:
        assert client.post("/v1/search", json={"query": QUESTION, "top_k": 20}, headers=login(user)).status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}, headers=login(user)).status_code == 200

    with runtime.sessions() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.at >= since, AuditEvent.user_id.in_(ASKERS),
                                                  AuditEvent.action.in_(("ask", "search")))).all()
    named = {user: [row for row in rows if row.user_id == user
                    and _named([*(row.retrieved_ids or []), *(row.cited_ids or [])], doc_id, chunk_ids)]
             for user in ASKERS}
    assert len([row for row in rows if row.user_id == "syt.lethicuc"]) == 2
    assert named["stc.vuthihoa"], "the finance official retrieves the decision: the check has teeth"
    assert named["syt.lethicuc"] == []

    # Who reads the trail: an administrator; not an official, not a key acting for the administrator.
    assert client.get("/v1/audit", headers=login("syt.lethicuc")).status_code == 403
    key = create_api_key(runtime.sessions, "audit-on-behalf", may_act_for_users=True)
    assert client.get("/v1/audit", headers={"X-API-Key": key, "X-On-Behalf-Of": "admin"}).status_code == 403
    assert client.get("/v1/audit", headers=admin).status_code == 200

    # The CSV export (the machine's operator) holds the same rows: nothing of the decision in the official's.
    env = {"ASSISTANT_DATA_DIR": str(api_settings.data_dir), "ASSISTANT_USERS_FILE": str(api_settings.users_file)}
    exported = CliRunner().invoke(cli_app, ["audit", "export", "--since", since.isoformat()], env=env)
    assert exported.exit_code == 0, exported.output
    csv_rows = [row for row in csv.DictReader(io.StringIO(exported.stdout)) if row["user_id"] in ASKERS
                and row["action"] in ("ask", "search")]
    by_user = {user: [row for row in csv_rows if row["user_id"] == user and _named(
        [*json.loads(row["retrieved_ids"]), *json.loads(row["cited_ids"])], doc_id, chunk_ids)] for user in ASKERS}
    assert by_user["stc.vuthihoa"] and by_user["syt.lethicuc"] == []
    assert len([row for row in csv_rows if row["user_id"] == "syt.lethicuc"]) == 2
