"""Issue 12, the service side: demo passwords refused outside demo mode, logins throttled per address (real
address only) and per user name across replicas, bounded password verifications, on-behalf keys limited to
units/users, JWT secrets long enough and tokens revoked by a password change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.api.app import create_app
from assistant.api.startup_checks import demo_accounts, refuse_demo_accounts
from assistant.service.credentials import bump_token_version, create_api_key, hash_password, jwt_secret
from assistant.service.db import AuditEvent
from core.errors import ConfigurationError
from core.settings import Settings

REPO = Path(__file__).resolve().parents[3]
STRONG = "Mật-khẩu-đủ-dài-2026"


def _users_with(tmp_path: Path, extra: list[dict]) -> Path:
    """The demo users plus ``extra`` accounts (ids no other test logs in with)."""
    raw = yaml.safe_load((REPO / "data" / "users.yaml").read_text(encoding="utf-8"))
    raw["users"] += extra
    path = tmp_path / "users.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


# -- item 2: demo accounts --------------------------------------------------------------------------------
def test_demo_passwords_refuse_the_start_unless_demo_mode(tmp_path: Path, settings_for) -> None:  # noqa: ANN001
    settings = settings_for(tmp_path / "data", REPO / "data" / "users.yaml", demo=False)
    assert "admin" in demo_accounts(settings.users_file)
    with pytest.raises(ConfigurationError, match="admin") as err:
        refuse_demo_accounts(settings)
    assert "ASSISTANT_DEMO=1" in str(err.value)
    refuse_demo_accounts(settings.model_copy(update={"demo": True}))  # demo mode: allowed
    # The app itself refuses at start-up (the path uvicorn --factory takes in production).
    with pytest.raises(ConfigurationError), TestClient(create_app(settings)):
        pass
    example = REPO / "data" / "users.example.yaml"
    assert demo_accounts(example) == []
    assert all("password_hash" not in u for u in yaml.safe_load(example.read_text(encoding="utf-8"))["users"])


# -- items 3 and 4: login guessing, password hashing as a DoS ---------------------------------------------
@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, runtime, settings_for):  # noqa: ANN001, ANN201
    """An app on the session's Runtime with real login limits and its own users (ids nobody else uses)."""
    users = _users_with(tmp_path_factory.mktemp("guard-users"), [
        {"id": "tt.thuthach", "name": "Thử Thách", "unit": "Sở Tư pháp", "roles": ["chuyen_vien"],
         "password_hash": hash_password(STRONG)},
        {"id": "tt.xoayip", "name": "Xoay IP", "unit": "Sở Tư pháp", "roles": ["chuyen_vien"],
         "password_hash": hash_password(STRONG)}])
    settings = settings_for(runtime.settings.data_dir, users, login_rate_limit_per_minute=3,
                            login_max_failures=3, login_lockout_base_s=60, trusted_proxies="10.0.0.2")
    with TestClient(create_app(settings, runtime), client=("203.0.113.7", 5000)) as direct, \
            TestClient(create_app(settings, runtime), client=("10.0.0.2", 5000)) as via_proxy:
        yield direct, via_proxy


def _login(c: TestClient, username: str, password: str, ip: str | None = None):  # noqa: ANN202
    headers = {"X-Forwarded-For": ip} if ip else {}
    return c.post("/v1/login", json={"username": username, "password": password}, headers=headers)


def test_forwarded_for_from_an_untrusted_peer_does_not_reset_the_per_ip_limit(guarded) -> None:  # noqa: ANN001
    direct, _ = guarded
    codes = [_login(direct, f"khong.co.{i}", "sai", ip=f"198.51.100.{i}").status_code for i in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429], codes


def test_forwarded_for_from_the_trusted_proxy_names_the_client(guarded) -> None:  # noqa: ANN001
    _, via_proxy = guarded
    # A client behind the proxy writes its own X-Forwarded-For; the proxy's hop (right-most) is the one used.
    codes = [_login(via_proxy, f"ai.do.{i}", "sai", ip=f"1.2.3.{i}, 192.0.2.50").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429], codes
    assert _login(via_proxy, "ai.do.9", "sai", ip="192.0.2.51").status_code == 401  # another client: own bucket


def test_failures_per_user_name_lock_it_whatever_the_address_and_are_audited(guarded, runtime) -> None:  # noqa: ANN001
    _, via_proxy = guarded
    codes = [_login(via_proxy, "tt.thuthach", "đoán-sai", ip=f"192.0.2.{100 + i}").status_code for i in range(3)]
    assert codes == [401, 401, 401]
    # Locked now: even the right password from a fresh address, and however the name is typed.
    for name in ("tt.thuthach", " TT.THUTHACH "):
        r = _login(via_proxy, name, STRONG, ip="192.0.2.200")
        assert r.status_code == 429 and r.json()["code"] == "login_locked"
        assert int(r.headers["Retry-After"]) > 0
    with runtime.sessions() as s:
        outcomes = [e.outcome for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "login", AuditEvent.user_id.in_(["tt.thuthach", " TT.THUTHACH "]))
            .order_by(AuditEvent.id))]
    assert outcomes == ["bad_credentials", "bad_credentials", "locked_out", "login_locked", "login_locked"]


def test_the_lock_holds_across_replicas_sharing_the_database(guarded, runtime, settings_for) -> None:  # noqa: ANN001
    _, via_proxy = guarded
    for i in range(3):
        _login(via_proxy, "tt.xoayip", "sai", ip=f"192.0.2.{150 + i}")
    other = via_proxy.app.state.api.settings  # a second replica: a new app, same SQL database
    with TestClient(create_app(other, runtime), client=("10.0.0.2", 6000)) as replica:
        assert _login(replica, "tt.xoayip", STRONG, ip="192.0.2.199").status_code == 429


def test_password_verifications_beyond_the_bound_get_503(guarded) -> None:  # noqa: ANN001
    _, via_proxy = guarded
    gate = via_proxy.app.state.api.login_gate
    gate.wait_s = 0.05
    held = [gate.slot() for _ in range(gate.slots)]
    for slot in held:
        slot.__enter__()
    try:
        r = _login(via_proxy, "ai.ban", "sai", ip="192.0.2.250")
        assert r.status_code == 503 and r.json()["code"] == "login_busy" and r.headers["Retry-After"] == "1"
    finally:
        for slot in held:
            slot.__exit__(None, None, None)


# -- item 5: on-behalf keys limited to units / users ------------------------------------------------------
def test_on_behalf_key_limited_to_units_and_users(client: TestClient, runtime) -> None:  # noqa: ANN001
    unit_key = create_api_key(runtime.sessions, "dms-syt", may_act_for_users=True, units=["Sở Y tế"])
    user_key = create_api_key(runtime.sessions, "dms-vp", may_act_for_users=True, users=["vp.nguyenvana"])
    ok = client.get("/v1/me", headers={"X-API-Key": unit_key, "X-On-Behalf-Of": "syt.phamvandung"})
    assert ok.status_code == 200 and ok.json()["unit"] == "Sở Y tế"
    for key, who in ((unit_key, "vp.nguyenvana"), (unit_key, "admin"), (user_key, "vp.tranthibich")):
        r = client.get("/v1/me", headers={"X-API-Key": key, "X-On-Behalf-Of": who})
        assert r.status_code == 403 and r.json()["code"] == "on_behalf_not_allowed", who
    assert client.get("/v1/me", headers={"X-API-Key": user_key, "X-On-Behalf-Of": "vp.nguyenvana"}).status_code == 200


# -- item 13: JWT secrets and token versions --------------------------------------------------------------
def test_short_or_shared_blank_jwt_secrets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="32"):
        jwt_secret(Settings(data_dir=tmp_path, jwt_secret="ngắn-quá-0123456789"))
    with pytest.raises(ConfigurationError, match="ASSISTANT_JWT_SECRET"):
        jwt_secret(Settings(data_dir=tmp_path, database_url="postgresql+psycopg://a:b@db:5432/assistant"))
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "jwt.secret").write_text("abc", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="32"):
        jwt_secret(Settings(data_dir=tmp_path / "old"))
    generated = jwt_secret(Settings(data_dir=tmp_path / "new"))
    assert len(generated) >= 32 and generated == jwt_secret(Settings(data_dir=tmp_path / "new"))
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["jwt.secret"]  # no temporary file left


def test_a_token_version_bump_revokes_tokens_issued_before(client: TestClient, runtime) -> None:  # noqa: ANN001
    token = client.post("/v1/login", json={"username": "stc.vuthihoa", "password": "demo123"}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/me", headers=headers).status_code == 200
    bump_token_version(runtime.sessions, "stc.vuthihoa")
    r = client.get("/v1/me", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    fresh = client.post("/v1/login", json={"username": "stc.vuthihoa", "password": "demo123"}).json()["access_token"]
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_users_set_password_writes_a_hash_and_revokes_old_tokens(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    users = tmp_path / "users.yaml"
    shutil.copy(REPO / "data" / "users.example.yaml", users)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")},
           "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_USERS_FILE": str(users)}
    run = [sys.executable, "-m", "assistant.cli", "users", "set-password"]
    weak = subprocess.run([*run, "admin"], input="demo123\n", env=env, capture_output=True, text=True, cwd=REPO)
    assert weak.returncode == 2 and weak.stderr.startswith("lỗi: ") and len(weak.stderr.splitlines()) == 1
    unknown = subprocess.run([*run, "khong.co"], input=STRONG + "\n", env=env, capture_output=True, text=True,
                             cwd=REPO)
    assert unknown.returncode == 2 and "khong.co" in unknown.stderr
    done = subprocess.run([*run, "admin"], input=STRONG + "\n", env=env, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    from assistant.service.credentials import token_version, verify_password
    from assistant.service.db import open_sessions
    from core.access import load_users

    admin = load_users(users)["admin"]
    assert verify_password(admin.password_hash, STRONG) and admin.unit == "Sở Khoa học và Công nghệ"
    assert token_version(open_sessions(f"sqlite:///{tmp_path / 'data' / 'assistant.sqlite'}"), "admin") == 1


def test_apikey_create_stores_the_unit_and_user_limits(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from assistant.service.db import ApiKey, open_sessions

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")},
           "ASSISTANT_DATA_DIR": str(tmp_path), "ASSISTANT_USERS_FILE": str(REPO / "data" / "users.yaml")}
    run = [sys.executable, "-m", "assistant.cli", "apikey", "create"]

    def create(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*run, *args], env=env, capture_output=True, text=True, cwd=REPO, timeout=120)

    assert create("dms-x", "--units", "Sở Y tế").returncode == 2  # limits only make sense with --on-behalf
    bad = create("dms-y", "--on-behalf", "--users", "khong.co")
    assert bad.returncode == 2 and "khong.co" in bad.stderr
    ok = create("dms-syt", "--on-behalf", "--units", "Sở Y tế, Văn phòng UBND tỉnh", "--users", "syt.lethicuc")
    assert ok.returncode == 0 and ok.stdout.startswith("tla_"), ok.stderr
    with open_sessions(f"sqlite:///{tmp_path / 'assistant.sqlite'}")() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.name == "dms-syt")).one()
    assert row.allowed_units == ["Sở Y tế", "Văn phòng UBND tỉnh"] and row.allowed_users == ["syt.lethicuc"]
