"""Login for people (the UI) against the users file, and who-am-I."""

from __future__ import annotations

from fastapi import APIRouter, Request

from assistant.api.audit import AuditDraft, record
from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.login_guard import client_address, locked_error
from assistant.api.masking import mask_pii
from assistant.api.schemas import LoginIn, MeOut, TokenOut
from assistant.service.credentials import issue_token, token_version, verify_password
from core.access import Principal

router = APIRouter(prefix="/v1", tags=["xác thực / auth"])


@router.post("/login", response_model=TokenOut, responses={401: {"description": "Sai tên hoặc mật khẩu"}})
def login(body: LoginIn, request: Request, state: State) -> dict:
    """Exchange a user id and password for a signed bearer token (claims: unit and roles).

    Limits, in order: attempts per client address; a user name locked after repeated failures (429 with
    Retry-After, without checking the password); concurrent verifications (503 beyond)."""
    state.login_limiter.charge(f"ip:{client_address(request, state.trusted_proxies)}")
    user = state.users.get(body.username)
    who = user.principal() if user else Principal(user_id=mask_pii(body.username)[:128], authenticated=False)

    def audit(outcome: str) -> None:
        record(state.runtime.sessions, who, "", "login", AuditDraft(outcome=outcome), 0.0)

    locked = state.login_throttle.retry_after(body.username)
    if locked > 0:
        audit("login_locked")
        raise locked_error(locked)
    with state.login_gate.slot():
        ok = verify_password(user.password_hash if user else None, body.password)
    if not ok or user is None:
        lock = state.login_throttle.failed(body.username)
        audit("locked_out" if lock > 0 else "bad_credentials")
        raise ApiError(401, "Sai tên đăng nhập hoặc mật khẩu / wrong user name or password", "bad_credentials")
    state.login_throttle.succeeded(body.username)
    audit("ok")
    token, expires_in = issue_token(user, state.jwt_secret, state.settings.jwt_ttl_minutes,
                                    token_version(state.runtime.sessions, user.id))
    return {"access_token": token, "token_type": "bearer", "expires_in": expires_in, "user": user.public_dict()}


@router.get("/me", response_model=MeOut)
def me(caller: CurrentPrincipal) -> dict:
    p = caller.principal
    return {"id": p.user_id, "name": p.name, "unit": p.unit, "roles": list(p.roles), "via": caller.via,
            "method": caller.method}
