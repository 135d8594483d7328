"""Signing in to the real API through a real slapd: what a person reads follows the directory (a move changes
it on their next request, a lock ends it), the failure cases give clear errors and never let anyone in, the
service's own lock-out comes before any bind, and an API key acting for a directory person resolves through
the same records. The index is the repository's warehouse summaries (mixed access labels)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import ldap3
import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.service.credentials import create_api_key
from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.settings import Settings
from tests.assistant.service.directory.conftest import MAPPING_YAML, PASSWORDS, people_ldif
from tests.slapd_server import (
    GROUPS_BASE,
    MANAGER_DN,
    MANAGER_PASSWORD,
    PEOPLE_BASE,
    SERVICE_DN,
    SERVICE_PASSWORD,
    Slapd,
    running_slapd,
    slapd_binary,
)

REPO = Path(__file__).resolve().parents[4]
FINANCE_ONLY = "kho:STC-NS-2026T9"  # restricted to Sở Tài chính
POLICE_OR_LEADERS = "kho:CA-ANM-2026Q3"  # restricted to Công an tỉnh or the lanh_dao role
INTERNAL = "kho:CA-DC-2026Q3"
PUBLIC = "kho:SYT-TC-2026Q3"


@pytest.fixture(scope="module")
def slapd() -> Iterator[Slapd]:
    if slapd_binary() is None:
        pytest.skip("Debian's slapd is not installed (apt-get install slapd ldap-utils; `make directory-server`)")
    with running_slapd(people_ldif()) as server:
        yield server


@pytest.fixture(scope="module")
def client(slapd: Slapd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("directory-api")
    shutil.copy(REPO / "data" / "users.yaml", folder / "users.yaml")
    (folder / "mapping.yaml").write_text(MAPPING_YAML, encoding="utf-8")
    settings = Settings(
        data_dir=folder / "data", users_file=folder / "users.yaml", demo=True,
        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite",
        rate_limit_per_minute=100_000, login_rate_limit_per_minute=100_000, login_max_failures=3,
        directory="ldap", ldap_url=slapd.url, ldap_bind_dn=SERVICE_DN, ldap_bind_password=SERVICE_PASSWORD,
        ldap_search_base=PEOPLE_BASE, ldap_group_base=GROUPS_BASE, ldap_timeout_s=2.0,
        directory_mapping_file=folder / "mapping.yaml", directory_recheck_minutes=0)
    runtime = Runtime(settings)
    report = runtime.indexer().index(iter_sources([REPO / "data" / "warehouse"],
                                                  max_bytes=settings.max_file_bytes))
    assert report.rejected == []
    with TestClient(create_app(settings, runtime)) as c:
        c.runtime = runtime  # type: ignore[attr-defined]
        yield c
    runtime.close()


def change(slapd: Slapd, uid: str, values: dict[str, list[str]]) -> None:
    with ldap3.Connection(slapd.url, MANAGER_DN, MANAGER_PASSWORD, auto_bind=True) as conn:
        assert conn.modify(f"uid={uid},{PEOPLE_BASE}", {k: [(ldap3.MODIFY_REPLACE, v)] for k, v in values.items()})


def sign_in(client: TestClient, uid: str, password: str | None = None) -> dict[str, str]:
    r = client.post("/v1/login", json={"username": uid, "password": password or PASSWORDS[uid]})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def readable(client: TestClient, headers: dict[str, str]) -> set[str]:
    r = client.get("/v1/documents", headers=headers)
    assert r.status_code == 200, r.text
    return {d["doc_id"] for d in r.json()["documents"]}


def test_a_move_in_the_directory_changes_what_they_read_on_their_next_request(
        client: TestClient, slapd: Slapd) -> None:
    headers = sign_in(client, "an.nv")
    me = client.get("/v1/me", headers=headers).json()
    assert (me["unit"], me["roles"]) == ("Sở Tài chính", ["chuyen_vien"])
    docs = readable(client, headers)
    assert FINANCE_ONLY in docs and INTERNAL in docs and POLICE_OR_LEADERS not in docs

    change(slapd, "an.nv", {"departmentNumber": ["Công an tỉnh"]})
    r = client.get("/v1/documents", headers=headers)  # the old token: refused, nothing read under the old unit
    assert r.status_code == 401 and "đăng nhập lại" in r.json()["detail"]
    docs = readable(client, sign_in(client, "an.nv"))
    assert POLICE_OR_LEADERS in docs and FINANCE_ONLY not in docs


def test_a_locked_account_loses_access_and_cannot_sign_in(client: TestClient, slapd: Slapd) -> None:
    headers = sign_in(client, "binh.tt")
    assert client.get("/v1/me", headers=headers).json()["roles"] == ["chuyen_vien", "lanh_dao"]
    change(slapd, "binh.tt", {"pwdAccountLockedTime": ["000001010000Z"]})
    assert client.get("/v1/me", headers=headers).status_code == 401
    locked = client.post("/v1/login", json={"username": "binh.tt", "password": PASSWORDS["binh.tt"]})
    wrong = client.post("/v1/login", json={"username": "khong.co.ai", "password": "sai-mat-khau"})
    assert locked.status_code == wrong.status_code == 401
    assert locked.json() == wrong.json()  # never says which


def test_no_mapped_unit_reads_public_documents_only(client: TestClient) -> None:
    r = client.post("/v1/login", json={"username": "cuong.lv", "password": PASSWORDS["cuong.lv"]})
    assert r.status_code == 200 and r.json()["user"]["unit"] == ""
    docs = readable(client, {"Authorization": f"Bearer {r.json()['access_token']}"})
    assert PUBLIC in docs and INTERNAL not in docs and FINANCE_ONLY not in docs


@pytest.mark.parametrize("username", ["*", "an*", "*)(uid=*", "an.nv)(|(uid=*"])
def test_ldap_injection_in_the_user_name_lets_nobody_in(client: TestClient, username: str) -> None:
    r = client.post("/v1/login", json={"username": username, "password": PASSWORDS["an.nv"]})
    assert r.status_code == 401 and r.json()["code"] == "bad_credentials"


def test_the_lock_out_comes_before_any_bind(client: TestClient) -> None:
    directory = client.runtime.directory()  # type: ignore[attr-defined]
    for _ in range(3):
        assert client.post("/v1/login", json={"username": "em.hn", "password": "doan-mo"}).status_code == 401
    before = directory.operations
    r = client.post("/v1/login", json={"username": "em.hn", "password": PASSWORDS["em.hn"]})
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert directory.operations == before  # the directory was not asked


def test_an_api_key_acts_for_a_directory_person_through_the_same_records(client: TestClient) -> None:
    sign_in(client, "an.nv")  # in the people table (moved to Công an tỉnh by the first test)
    key = create_api_key(client.runtime.sessions, "dms-thu", may_act_for_users=True)  # type: ignore[attr-defined]
    r = client.get("/v1/me", headers={"X-API-Key": key, "X-On-Behalf-Of": "an.nv"})
    assert r.status_code == 200 and r.json()["unit"] == "Công an tỉnh"
    r = client.get("/v1/me", headers={"X-API-Key": key, "X-On-Behalf-Of": "binh.tt"})  # locked above
    assert r.status_code == 403


def test_users_file_people_still_sign_in_only_through_the_directory_setting(client: TestClient) -> None:
    r = client.post("/v1/login", json={"username": "vp.nguyenvana", "password": "demo123"})
    assert r.status_code == 401  # directory = ldap, no fallback: the file's people are not asked


def test_administrators_list_both_sources(client: TestClient) -> None:
    sign_in(client, "cuong.lv")
    key = create_api_key(client.runtime.sessions, "ops-thu", user_id="admin")  # type: ignore[attr-defined]
    r = client.get("/v1/users", headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    rows = {u["id"]: u for u in r.json()["users"]}
    assert rows["admin"]["source"] == "file" and rows["admin"]["password_settable"]
    assert rows["cuong.lv"]["source"] == "ldap" and not rows["cuong.lv"]["password_settable"]
    assert rows["cuong.lv"]["unit"] == "" and rows["cuong.lv"]["position"] == "Cán sự"
    assert r.json()["recheck_minutes"] == 0
    official = sign_in(client, "cuong.lv")
    assert client.get("/v1/users", headers=official).status_code == 403


def test_a_broken_mapping_file_lets_nobody_in(client: TestClient) -> None:
    path = client.runtime.settings.directory_mapping_file  # type: ignore[attr-defined]
    good = path.read_text(encoding="utf-8")
    path.write_text("roles: [khong, phai, bang]\n", encoding="utf-8")
    try:
        r = client.post("/v1/login", json={"username": "cuong.lv", "password": PASSWORDS["cuong.lv"]})
        assert r.status_code == 503 and r.json()["code"] == "directory_misconfigured"
        assert "Cấu hình" in r.json()["detail"]
    finally:
        path.write_text(good, encoding="utf-8")

def test_directory_down_gives_503_in_vietnamese_and_lets_nobody_in(client: TestClient, slapd: Slapd,
                                                                   ) -> None:
    headers = sign_in(client, "an.nv")
    slapd.stop()
    r = client.post("/v1/login", json={"username": "an.nv", "password": PASSWORDS["an.nv"]})
    assert r.status_code == 503 and "danh bạ" in r.json()["detail"]
    assert r.json()["code"] == "directory_unavailable"
    r = client.get("/v1/documents", headers=headers)  # a re-check that cannot be made lets nobody in
    assert r.status_code == 503
