"""FastAPI dependencies: the process's state, the authenticated caller, the administrator caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from assistant.api.auth import (
    Caller,
    api_key_scheme,
    bearer_scheme,
    caller_from_api_key,
    caller_from_token,
    on_behalf_scheme,
)
from assistant.api.errors import ApiError
from assistant.api.state import ApiState
from assistant.service.credentials import API_KEY_PREFIX
from assistant.service.index_owner import LOCAL_KEY_PREFIX


async def api_state(request: Request) -> ApiState:
    """The process's state. A coroutine although it awaits nothing: FastAPI runs a plain function dependency
    in its thread pool, a hand-off to a worker thread and back for one attribute read on every request."""
    state = getattr(request.app.state, "api", None)
    if state is None:
        raise ApiError(503, "Dịch vụ đang khởi động / service starting", "starting")
    return state


State = Annotated[ApiState, Depends(api_state)]


def current_caller(
    request: Request,
    state: State,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
    on_behalf: Annotated[str | None, Depends(on_behalf_scheme)],
) -> Caller:
    """Authenticate, then charge the caller's rate-limit bucket (429 with Retry-After when empty)."""
    on_behalf = (on_behalf or "").strip() or None
    key = api_key or (bearer.credentials if bearer and bearer.credentials.startswith(API_KEY_PREFIX) else None)
    if key:
        caller = caller_from_api_key(state.runtime.sessions, state.users, key.strip(), on_behalf, state.people)
    elif bearer:
        caller = caller_from_token(state.jwt_secret, state.users, bearer.credentials.strip(), on_behalf,
                                   state.runtime.sessions, state.people, state.oidc)
    else:
        raise ApiError(401, headers={"WWW-Authenticate": "Bearer"})
    state.limiter.charge(caller.bucket)
    request.state.caller = caller
    return caller


def admin_caller(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    """Administrators only; a key acting on behalf of a person never gains that person's admin role."""
    if not caller.principal.is_admin or caller.on_behalf:
        raise ApiError(403, "Chỉ quản trị viên / administrators only", "admin_only")
    return caller


def local_owner_caller(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    """The CLI of this machine, with the key the service wrote to its data dir (``assistant.service.index_owner``)."""
    if caller.method != "api_key" or caller.on_behalf or not caller.via.startswith(LOCAL_KEY_PREFIX):
        raise ApiError(403, "Chỉ dòng lệnh trên máy chủ dịch vụ / local command line only", "local_only")
    return caller


CurrentPrincipal = Annotated[Caller, Depends(current_caller)]
AdminPrincipal = Annotated[Caller, Depends(admin_caller)]
LocalOwner = Annotated[Caller, Depends(local_owner_caller)]
