"""Authentication and authorisation through HTTP: login, JWT failures, API keys and on-behalf rules,
admin gates, and a walk over every route proving that only health, login and the docs are open."""

from __future__ import annotations

import re
import time

import jwt
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.service.credentials import JWT_ALGORITHM, JWT_ISSUER, hash_password, verify_password
from assistant.service.db import ApiKey, AuditEvent

# Sign-in itself is open: the password login and the OpenID Connect redirect and callback (checked by state,
# nonce and PKCE, tests/assistant/service/directory/test_oidc_glewlwyd.py).
OPEN_ROUTES = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/v1/healthz"), ("GET", "/v1/readyz"),
               ("POST", "/v1/login"), ("GET", "/v1/oidc/login"), ("GET", "/v1/oidc/callback"),
               # whether the provider's sign-in is on, and the one-time code swap (the code and the browser's
               # secret are its credentials): open on purpose
               ("GET", "/v1/oidc/status"), ("POST", "/v1/oidc/exchange")}
# the API description (and the copy the docs page reads) and its assets: open on purpose
DOC_PATHS = {"/docs", "/docs/assets", "/docs/openapi.json", "/openapi.json"}


def test_login_ok_returns_a_token_with_unit_and_roles(client: TestClient, app) -> None:  # noqa: ANN001
    r = client.post("/v1/login", json={"username": "syt.lethicuc", "password": "demo123"})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 480 * 60
    assert body["user"] == {"id": "syt.lethicuc", "name": "Lê Thị Cúc", "unit": "Sở Y tế", "roles": ["chuyen_vien"]}
    claims = jwt.decode(body["access_token"], app.state.api.jwt_secret, algorithms=[JWT_ALGORITHM],
                        issuer=JWT_ISSUER)
    assert claims["sub"] == "syt.lethicuc" and claims["unit"] == "Sở Y tế" and claims["roles"] == ["chuyen_vien"]
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert me["id"] == "syt.lethicuc" and me["method"] == "jwt"


def test_login_bad_password_and_unknown_user_are_401_and_audited(client: TestClient, runtime) -> None:  # noqa: ANN001
    for username, password in (("syt.lethicuc", "sai-mat-khau"), ("khong.ton.tai", "demo123")):
        r = client.post("/v1/login", json={"username": username, "password": password})
        assert r.status_code == 401
        assert r.json() == {"detail": "Sai tên đăng nhập hoặc mật khẩu / wrong user name or password",
                            "code": "bad_credentials"}
    with runtime.sessions() as s:
        outcomes = {(e.user_id, e.outcome) for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "login"))}
    assert ("syt.lethicuc", "bad_credentials") in outcomes and ("khong.ton.tai", "bad_credentials") in outcomes


def test_password_hashes_are_argon2id() -> None:
    h = hash_password("demo123")
    assert h.startswith("$argon2id$") and verify_password(h, "demo123") and not verify_password(h, "demo124")
    assert not verify_password(None, "demo123") and not verify_password("not-a-hash", "demo123")


def test_missing_expired_tampered_and_outdated_tokens_are_401(client: TestClient, app, login) -> None:  # noqa: ANN001
    assert client.get("/v1/me").status_code == 401
    assert client.get("/v1/me").headers["www-authenticate"] == "Bearer"
    secret = app.state.api.jwt_secret
    now = int(time.time())
    base = {"sub": "vp.nguyenvana", "unit": "Văn phòng UBND tỉnh", "roles": ["chuyen_vien"], "iss": JWT_ISSUER}
    expired = jwt.encode({**base, "iat": now - 7200, "exp": now - 3600}, secret, algorithm=JWT_ALGORITHM)
    r = client.get("/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and r.json()["code"] == "token_expired"
    # Self-promotion to admin, signed with a guessed key.
    forged = jwt.encode({**base, "roles": ["admin"], "iat": now, "exp": now + 600}, "khoá-đoán-mò-" * 4,
                        algorithm="HS256")
    r = client.get("/v1/documents", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
    # A real token with one character of the signature changed.
    token = login("vp.nguyenvana")["Authorization"].split()[1]
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    # The alg=none trick.
    unsigned = jwt.encode({**base, "iat": now, "exp": now + 600}, None, algorithm="none")  # type: ignore[arg-type]
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {unsigned}"}).status_code == 401
    # Correctly signed, but the claims no longer match the users file (roles changed since login).
    outdated = jwt.encode({**base, "roles": ["admin"], "iat": now, "exp": now + 600}, secret, algorithm="HS256")
    r = client.get("/v1/me", headers={"Authorization": f"Bearer {outdated}"})
    assert r.status_code == 401 and r.json()["code"] == "token_outdated"
    assert client.get("/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401


def test_jwt_secret_file_is_private_and_stable(api_settings, app) -> None:  # noqa: ANN001
    path = api_settings.data_dir / "jwt.secret"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().strip() == app.state.api.jwt_secret


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_route_but_health_login_and_docs_requires_auth(client: TestClient, app) -> None:  # noqa: ANN001
    open_routes, checked = set(), 0
    for route in iter_route_contexts(app.routes):  # included routers flattened, prefixes applied
        if not isinstance(route.original_route, APIRoute):
            assert route.path in DOC_PATHS, f"unexpected non-API route {route.path}"
            continue
        for method in route.methods:
            r = client.request(method, _concrete(route.path))
            checked += 1
            if r.status_code != 401:
                open_routes.add((method, route.path))
            else:
                assert r.json()["code"] == "unauthorized"
    assert open_routes == OPEN_ROUTES
    assert checked >= 20
    for path in DOC_PATHS - {"/docs/assets"}:
        assert client.get(path).status_code == 200


def test_api_key_acting_on_behalf_of_a_user(client: TestClient, api_keys) -> None:  # noqa: ANN001
    headers = {"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": "ca.hoangminhduc"}
    me = client.get("/v1/me", headers=headers).json()
    assert me == {"id": "ca.hoangminhduc", "name": "Hoàng Minh Đức", "unit": "Công an tỉnh", "roles": ["chuyen_vien"],
                  "via": "dms", "method": "api_key"}
    # OpenAI clients send the key as a bearer token.
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {api_keys['dms']}",
                                       "X-On-Behalf-Of": "syt.lethicuc"}).json()
    assert me["id"] == "syt.lethicuc" and me["via"] == "dms"


def test_on_behalf_rules(client: TestClient, api_keys, login) -> None:  # noqa: ANN001
    r = client.get("/v1/me", headers={"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": "khong.ton.tai"})
    assert r.status_code == 403 and r.json()["code"] == "unknown_on_behalf_user"
    r = client.get("/v1/me", headers={"X-API-Key": api_keys["bot"], "X-On-Behalf-Of": "admin"})
    assert r.status_code == 403 and r.json()["code"] == "on_behalf_not_allowed"
    r = client.get("/v1/me", headers={**login("vp.nguyenvana"), "X-On-Behalf-Of": "admin"})
    assert r.status_code == 403 and r.json()["code"] == "on_behalf_not_allowed"
    # Without the header, a system key is itself: signed in, no unit, no roles.
    me = client.get("/v1/me", headers={"X-API-Key": api_keys["bot"]}).json()
    assert me["id"] == "apikey:bot" and me["roles"] == [] and me["unit"] == ""


def test_acting_on_behalf_of_an_administrator_never_grants_admin_rights(client: TestClient, api_keys) -> None:  # noqa: ANN001
    behalf = {"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": "admin"}
    assert client.get("/v1/me", headers=behalf).json()["id"] == "admin"  # it may ask and search as admin…
    for path in ("/v1/audit", "/v1/documents/jobs/x"):
        r = client.get(path, headers=behalf)  # …but the admin-only routes stay closed
        assert r.status_code == 403 and r.json()["code"] == "admin_only", path
    listed = client.get("/v1/documents", headers=behalf).json()  # and the list is the user's view, no jobs
    assert listed["jobs"] == [] and "kho:SYT-DB-2026Q3" not in {d["doc_id"] for d in listed["documents"]}
    assert client.get("/v1/documents", headers={"X-API-Key": api_keys["ops"]}).status_code == 200  # own admin


def test_local_routes_take_only_the_owners_local_key(client: TestClient, api_keys, login) -> None:  # noqa: ANN001
    body = {"paths": ["/etc"], "kind": "auto"}
    for headers in ({"X-API-Key": api_keys["ops"]}, {"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": "admin"},
                    login("admin")):
        r = client.post("/v1/local/index", json=body, headers=headers)
        assert r.status_code == 403 and r.json()["code"] == "local_only"


def test_unknown_and_revoked_api_keys_are_401(client: TestClient, runtime) -> None:  # noqa: ANN001
    from assistant.service.credentials import create_api_key

    r = client.get("/v1/me", headers={"X-API-Key": "tla_khong-phai-khoa"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_api_key"
    key = create_api_key(runtime.sessions, "tam-thoi")
    assert client.get("/v1/me", headers={"X-API-Key": key}).status_code == 200
    with runtime.sessions.begin() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.name == "tam-thoi")).one()
        assert row.key_hash != key and len(row.key_hash) == 64  # only the sha256 is stored
        row.revoked = True
    assert client.get("/v1/me", headers={"X-API-Key": key}).status_code == 401


def test_admin_endpoints_are_403_for_non_admins(client: TestClient, login, api_keys) -> None:  # noqa: ANN001
    officer = login("syt.phamvandung")
    for method, path in (("GET", "/v1/documents/jobs/x"), ("DELETE", "/v1/documents/x"),
                         ("GET", "/metrics"), ("GET", "/v1/metrics")):
        r = client.request(method, path, headers=officer)
        assert r.status_code == 403 and r.json()["code"] == "admin_only", (method, path)
    r = client.post("/v1/documents", headers=officer, files={"file": ("a.md", b"# A\n", "text/markdown")})
    assert r.status_code == 403
    # The documents list is for everyone within access; only administrators see the upload jobs.
    assert client.get("/v1/documents", headers=officer).json()["jobs"] == []
    r = client.get("/v1/documents", headers={"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": "vp.tranthibich"})
    assert r.status_code == 200 and r.json()["jobs"] == []
    assert client.get("/v1/documents", headers=login("admin")).status_code == 200
    assert client.get("/v1/documents", headers={"X-API-Key": api_keys["ops"]}).status_code == 200
