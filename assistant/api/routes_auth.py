"""Login for people (the UI) against the users file or the province's directory, and who-am-I."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request

from assistant.api.audit import AuditDraft, record
from assistant.api.auth import directory_unavailable
from assistant.api.deps import AdminPrincipal, CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.login_guard import client_address, locked_error
from assistant.api.masking import mask_pii
from assistant.api.schemas import LoginIn, MeOut, TokenOut
from assistant.service.credentials import issue_token, token_version
from assistant.service.directory import SOURCE_FILE, DirectoryUnavailable, PeopleStore
from core.access import Principal, UserRecord, load_users
from core.errors import ConfigurationError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["xác thực / auth"])


@router.post("/login", response_model=TokenOut, responses={
    401: {"description": "Sai tên hoặc mật khẩu (hoặc tài khoản bị khoá: không nói là lỗi nào)"},
    503: {"description": "Danh bạ cán bộ không trả lời"}})
def login(body: LoginIn, request: Request, state: State) -> dict:
    """Exchange a user id and password for a signed bearer token (claims: unit, roles, source).

    Limits, in order: attempts per client address; a user name locked after repeated failures (429 with
    Retry-After, before any password check or directory bind); concurrent verifications (503 beyond). Through
    a directory: the directory down gives 503 in Vietnamese (the users file instead only when configured as the
    fallback); a wrong password, an unknown name and a locked account give the same 401."""
    state.login_limiter.charge(f"ip:{client_address(request, state.trusted_proxies)}")
    people = state.people or state.runtime.people(state.users.get)
    file_user = state.users.get(body.username)
    who = file_user.principal() if file_user else Principal(user_id=mask_pii(body.username)[:128],
                                                            authenticated=False)

    def audit(outcome: str, principal: Principal | None = None) -> None:
        record(state.runtime.sessions, principal or who, "", "login", AuditDraft(outcome=outcome), 0.0)

    locked = state.login_throttle.retry_after(body.username)
    if locked > 0:
        audit("login_locked")
        raise locked_error(locked)
    with state.login_gate.slot():
        try:
            person = people.authenticate(body.username, body.password)
        except DirectoryUnavailable as exc:
            audit("directory_unavailable")
            raise directory_unavailable(exc) from None
        except ConfigurationError as exc:  # a broken mapping file: nobody signs in on a guess
            log.error("directory sign-in misconfigured: %s", exc)
            audit("directory_misconfigured")
            raise ApiError(503, "Cấu hình đăng nhập qua danh bạ bị lỗi, hãy báo quản trị hệ thống / directory "
                                "sign-in is misconfigured", "directory_misconfigured") from None
    if person is None:
        lock = state.login_throttle.failed(body.username)
        audit("locked_out" if lock > 0 else "bad_credentials")
        raise ApiError(401, "Sai tên đăng nhập hoặc mật khẩu / wrong user name or password", "bad_credentials")
    state.login_throttle.succeeded(body.username)
    audit("ok", person.principal())
    record_user = (state.users.get(person.id) if person.source == SOURCE_FILE else None) or \
        UserRecord(id=person.id, name=person.name, unit=person.unit, roles=person.roles)
    token, expires_in = issue_token(record_user, state.jwt_secret, state.settings.jwt_ttl_minutes,
                                    token_version(state.runtime.sessions, person.id), source=person.source)
    return {"access_token": token, "token_type": "bearer", "expires_in": expires_in,
            "user": {"id": person.id, "name": person.name, "unit": person.unit, "roles": list(person.roles)}}


@router.get("/me", response_model=MeOut)
def me(caller: CurrentPrincipal) -> dict:
    p = caller.principal
    return {"id": p.user_id, "name": p.name, "unit": p.unit, "roles": list(p.roles), "via": caller.via,
            "method": caller.method}


@router.get("/users", responses={403: {"description": "Chỉ quản trị viên"}})
def users(caller: AdminPrincipal, state: State) -> dict:
    """Everyone who may sign in, for administrators: the users file's people and the directory's people who
    have signed in (unit, roles, position, source, disabled, last sign-in), as ``assistant users`` lists them.
    A password is set only for users-file people (``password_settable``); a directory person's is changed in
    the directory."""
    rows: list[dict] = []
    try:
        file_users = load_users(state.settings.users_file)
    except ConfigurationError:
        file_users = {}
    for user in file_users.values():
        rows.append({**user.public_dict(), "position": "", "source": SOURCE_FILE, "disabled": False,
                     "last_sign_in": None, "password_settable": True})
    for stored in PeopleStore(state.runtime.sessions).all():
        rows.append({**stored.public_dict(), "password_settable": False})
    return {"users": rows, "directory": state.settings.directory, "oidc": bool(state.settings.oidc_issuer),
            "recheck_minutes": state.settings.directory_recheck_minutes}
