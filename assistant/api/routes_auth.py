"""Login for people (the UI) against the users file, and who-am-I."""

from __future__ import annotations

from fastapi import APIRouter, Request

from assistant.api.audit import AuditDraft, record
from assistant.api.auth import issue_token, verify_password
from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.masking import mask_pii
from assistant.api.schemas import LoginIn, MeOut, TokenOut
from core.access import Principal

router = APIRouter(prefix="/v1", tags=["xác thực / auth"])


@router.post("/login", response_model=TokenOut, responses={401: {"description": "Sai tên hoặc mật khẩu"}})
def login(body: LoginIn, request: Request, state: State) -> dict:
    """Exchange a user id and password for a signed bearer token (claims: unit and roles)."""
    state.login_limiter.charge(f"ip:{request.client.host if request.client else '-'}")
    user = state.users.get(body.username)
    ok = verify_password(user.password_hash if user else None, body.password)
    who = user.principal() if user else Principal(user_id=mask_pii(body.username)[:128], authenticated=False)
    record(state.runtime.sessions, who, "", "login", AuditDraft(outcome="ok" if ok else "bad_credentials"), 0.0)
    if not ok or user is None:
        raise ApiError(401, "Sai tên đăng nhập hoặc mật khẩu / wrong user name or password", "bad_credentials")
    token, expires_in = issue_token(user, state.jwt_secret, state.settings.jwt_ttl_minutes)
    return {"access_token": token, "token_type": "bearer", "expires_in": expires_in, "user": user.public_dict()}


@router.get("/me", response_model=MeOut)
def me(caller: CurrentPrincipal) -> dict:
    p = caller.principal
    return {"id": p.user_id, "name": p.name, "unit": p.unit, "roles": list(p.roles), "via": caller.via,
            "method": caller.method}
