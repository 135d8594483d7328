"""Sign-in through the province's OpenID Connect provider ("Đăng nhập qua cổng định danh của tỉnh"): the
authorization-code flow with PKCE (S256).

``GET /v1/oidc/login`` sends the browser to the provider with a fresh state, nonce and code challenge; the
three secrets travel in a short-lived cookie signed with the service's own key (no server-side session, so any
replica can take the callback). ``GET /v1/oidc/callback`` checks the state against that cookie, trades the code
at the provider's token endpoint with the verifier, verifies the id token (signature by the provider's keys,
issuer, audience, expiry, nonce), maps the person like a directory entry, keeps them in the people table
(source ``oidc``) and answers with this service's own token, as ``POST /v1/login`` does. That token lives no
longer than ``directory_recheck_minutes`` (at least one minute): the provider cannot be asked about a person
without a token of theirs, so they come back through it (one redirect while their session there lasts).
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import timedelta

import jwt
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from assistant.api.audit import AuditDraft, record
from assistant.api.auth import directory_unavailable
from assistant.api.deps import State
from assistant.api.errors import ApiError
from assistant.api.login_guard import client_address
from assistant.api.schemas import TokenOut
from assistant.directory import DirectoryUnavailable, InvalidProviderToken, OidcProvider, pkce_pair
from assistant.service.credentials import issue_token, token_version
from core.access import UserRecord
from core.errors import ConfigurationError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/oidc", tags=["xác thực / auth"])
COOKIE = "tla_oidc"
FLOW_TTL_S = 600  # the official has ten minutes at the provider's sign-in page
FLOW_AUDIENCE = "tro-ly-ao:oidc-flow"


def _provider(state: State) -> OidcProvider:
    if state.oidc is None:
        raise ApiError(404, "Chưa cấu hình đăng nhập qua cổng định danh của tỉnh / OpenID Connect is not "
                            "configured", "oidc_not_configured")
    return state.oidc


@router.get("/login", status_code=302, responses={
    302: {"description": "Chuyển tới trang đăng nhập của cổng định danh"},
    404: {"description": "Chưa cấu hình OpenID Connect"}, 503: {"description": "Cổng định danh không trả lời"}})
def oidc_login(request: Request, state: State) -> RedirectResponse:
    """Đăng nhập qua cổng định danh của tỉnh: redirect to the provider (state, nonce, PKCE S256)."""
    provider = _provider(state)
    state.login_limiter.charge(f"ip:{client_address(request, state.trusted_proxies)}")
    verifier, challenge = pkce_pair()
    flow_state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    try:
        url = provider.authorization_url(flow_state, nonce, challenge)
    except DirectoryUnavailable as exc:
        raise directory_unavailable(exc) from None
    now = int(time.time())
    cookie = jwt.encode({"aud": FLOW_AUDIENCE, "iat": now, "exp": now + FLOW_TTL_S, "state": flow_state,
                         "nonce": nonce, "verifier": verifier}, state.jwt_secret, algorithm="HS256")
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(COOKIE, cookie, max_age=FLOW_TTL_S, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/v1/oidc")
    return response


@router.get("/callback", response_model=TokenOut, responses={
    400: {"description": "Thiếu hoặc sai state/code (phiên đăng nhập không khớp)"},
    401: {"description": "Cổng định danh từ chối, hoặc mã định danh không hợp lệ"},
    503: {"description": "Cổng định danh không trả lời"}})
def oidc_callback(request: Request, state: State, code: str = "", error: str = "") -> dict:
    """The provider sends the official back here: code exchange with the PKCE verifier, id token verified
    (nonce included), then this service's own token as ``POST /v1/login`` gives."""
    provider = _provider(state)
    flow = _flow(request, state.jwt_secret)
    if error:
        log.info("OpenID provider answered error=%s", error[:100])
        raise ApiError(401, "Cổng định danh không xác nhận đăng nhập / the identity provider refused the "
                            "sign-in", "provider_refused")
    if not code:
        raise ApiError(400, "Thiếu mã (code) từ cổng định danh / missing code", "oidc_bad_callback")
    try:
        claims = provider.exchange(code, flow["verifier"], flow["nonce"])
    except DirectoryUnavailable as exc:
        raise directory_unavailable(exc) from None
    except InvalidProviderToken as exc:
        log.info("OpenID code flow refused: %s", exc)
        raise ApiError(401, "Cổng định danh không xác nhận đăng nhập / the identity provider refused the "
                            "sign-in", "provider_refused") from None
    try:
        person = provider.person(claims)
    except InvalidProviderToken as exc:
        log.info("OpenID id token unusable: %s", exc)
        raise ApiError(401, "Cổng định danh không cho biết bạn là ai / the id token names nobody",
                       "provider_refused") from None
    except ConfigurationError as exc:
        log.error("OpenID sign-in misconfigured: %s", exc)
        raise ApiError(503, "Cấu hình đăng nhập qua cổng định danh bị lỗi, hãy báo quản trị hệ thống / "
                            "identity provider sign-in is misconfigured", "directory_misconfigured") from None
    people = state.people or state.runtime.people(state.users.get)
    people.signed_in_by_provider(person)
    record(state.runtime.sessions, person.principal(), "", "login", AuditDraft(outcome="ok_oidc"), 0.0)
    recheck = max(timedelta(minutes=state.settings.directory_recheck_minutes), timedelta(minutes=1))
    ttl_minutes = max(1, min(state.settings.jwt_ttl_minutes, int(recheck.total_seconds() // 60)))
    token, expires_in = issue_token(UserRecord(id=person.id, name=person.name, unit=person.unit,
                                               roles=person.roles),
                                    state.jwt_secret, ttl_minutes, token_version(state.runtime.sessions, person.id),
                                    source=person.source)
    return {"access_token": token, "token_type": "bearer", "expires_in": expires_in,
            "user": {"id": person.id, "name": person.name, "unit": person.unit, "roles": list(person.roles)}}


def _flow(request: Request, secret: str) -> dict[str, str]:
    """The state, nonce and verifier this browser was given at ``/v1/oidc/login``; 400 when the cookie is
    missing, expired, forged, or its state is not the one the provider sent back (a forged callback)."""
    raw = request.cookies.get(COOKIE, "")
    try:
        flow = jwt.decode(raw, secret, algorithms=["HS256"], audience=FLOW_AUDIENCE,
                          options={"require": ["exp", "state", "nonce", "verifier"]})
    except jwt.PyJWTError:
        raise ApiError(400, "Phiên đăng nhập qua cổng định danh không còn hoặc đã hết hạn, hãy bắt đầu lại / "
                            "sign-in flow missing or expired", "oidc_bad_callback") from None
    if not secrets.compare_digest(str(flow["state"]), request.query_params.get("state", "")):
        raise ApiError(400, "Tham số state không khớp, hãy bắt đầu đăng nhập lại / state mismatch",
                       "oidc_bad_callback")
    return {k: str(flow[k]) for k in ("state", "nonce", "verifier")}
