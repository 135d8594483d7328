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

The UI (Streamlit, on the server) signs in through the same flow: its button opens
``/v1/oidc/login?return_to=<the UI's address>``; the address must be one of ``oidc_ui_return_urls`` exactly (no
open redirect). That browser also gets a random secret in an HttpOnly cookie (``tla_oidc_browser``, path ``/``,
so the UI's server sees it behind the same host name). The callback then answers not with the token but with a
302 to the UI carrying a one-time code (``assistant.service.oidc_handoff``: random, two minutes, used once,
only its hash in SQL, bound to that browser secret), or with ``oidc_error=<reason>`` when the sign-in failed;
the UI swaps the code and the browser's secret for the token at ``POST /v1/oidc/exchange``.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from assistant.api.audit import AuditDraft, record
from assistant.api.auth import directory_unavailable
from assistant.api.deps import State
from assistant.api.errors import ApiError
from assistant.api.login_guard import client_address
from assistant.api.schemas import OidcExchangeIn, TokenOut
from assistant.service.credentials import issue_token, token_version
from assistant.service.directory import (
    SOURCE_OIDC,
    DirectoryUnavailable,
    InvalidProviderToken,
    OidcProvider,
    PeopleStore,
    Person,
    pkce_pair,
)
from assistant.service.oidc_handoff import HandoffRefused, issue_handoff, redeem_handoff
from core.access import UserRecord
from core.errors import ConfigurationError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/oidc", tags=["xác thực / auth"])
COOKIE = "tla_oidc"
BROWSER_COOKIE = "tla_oidc_browser"  # the browser's secret a one-time code is bound to (read by the UI's server)
FLOW_TTL_S = 600  # the official has ten minutes at the provider's sign-in page
FLOW_AUDIENCE = "tro-ly-ao:oidc-flow"


def _provider(state: State) -> OidcProvider:
    if state.oidc is None:
        raise ApiError(404, "Chưa cấu hình đăng nhập qua cổng định danh của tỉnh / OpenID Connect is not "
                            "configured", "oidc_not_configured")
    return state.oidc


class OidcStatusOut(BaseModel):
    enabled: bool


@router.get("/status", response_model=OidcStatusOut)
def oidc_status(state: State) -> dict:
    """Whether sign-in through the province's provider is on (the UI shows its button then)."""
    return {"enabled": state.oidc is not None}


@router.get("/login", status_code=302, responses={
    302: {"description": "Chuyển tới trang đăng nhập của cổng định danh"},
    400: {"description": "Địa chỉ quay lại (return_to) không nằm trong danh sách được phép"},
    404: {"description": "Chưa cấu hình OpenID Connect"}, 503: {"description": "Cổng định danh không trả lời"}})
def oidc_login(request: Request, state: State, return_to: str = "") -> RedirectResponse:
    """Đăng nhập qua cổng định danh của tỉnh: redirect to the provider (state, nonce, PKCE S256).

    ``return_to``: the UI's address to come back to with a one-time code; only one of
    ``oidc_ui_return_urls``, compared exactly."""
    provider = _provider(state)
    state.login_limiter.charge(f"ip:{client_address(request, state.trusted_proxies)}")
    if return_to and return_to not in state.settings.oidc_return_urls:
        log.warning("OpenID sign-in asked to return to an address not on the list: %r", return_to[:200])
        raise ApiError(400, "Địa chỉ quay lại không nằm trong danh sách được phép của hệ thống / return address "
                            "not allowed", "oidc_return_not_allowed")
    verifier, challenge = pkce_pair()
    flow_state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    browser = secrets.token_urlsafe(32) if return_to else ""
    try:
        url = provider.authorization_url(flow_state, nonce, challenge)
    except DirectoryUnavailable as exc:
        raise directory_unavailable(exc) from None
    now = int(time.time())
    cookie = jwt.encode({"aud": FLOW_AUDIENCE, "iat": now, "exp": now + FLOW_TTL_S, "state": flow_state,
                         "nonce": nonce, "verifier": verifier, "return_to": return_to, "browser": browser},
                        state.jwt_secret, algorithm="HS256")
    response = RedirectResponse(url, status_code=302)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, cookie, max_age=FLOW_TTL_S, httponly=True, samesite="lax", secure=secure,
                        path="/v1/oidc")
    if browser:
        response.set_cookie(BROWSER_COOKIE, browser, max_age=FLOW_TTL_S, httponly=True, samesite="lax",
                            secure=secure, path="/")
    return response


@router.get("/callback", response_model=TokenOut, responses={
    302: {"description": "Về giao diện với mã dùng một lần (oidc_code) hoặc lý do lỗi (oidc_error)"},
    400: {"description": "Thiếu hoặc sai state/code (phiên đăng nhập không khớp)"},
    401: {"description": "Cổng định danh từ chối, hoặc mã định danh không hợp lệ"},
    503: {"description": "Cổng định danh không trả lời"}})
def oidc_callback(request: Request, state: State, code: str = "", error: str = "") -> Any:
    """The provider sends the official back here: code exchange with the PKCE verifier, id token verified
    (nonce included), then this service's own token as ``POST /v1/login`` gives, or, for a sign-in the UI
    started, a 302 back to the UI with a one-time code."""
    provider = _provider(state)
    try:
        flow = _flow(request, state.jwt_secret)
    except ApiError as exc:  # no flow of this browser: back to the UI (its first address) with the reason, if any
        if not state.settings.oidc_return_urls:
            raise
        return _back_to_ui(state.settings.oidc_return_urls[0], {"oidc_error": exc.code})
    try:
        _check_state(flow, request)
        person = _signed_in(state, provider, flow, code, error)
    except ApiError as exc:
        if not flow["return_to"]:
            raise
        return _back_to_ui(flow["return_to"], {"oidc_error": exc.code})
    if not flow["return_to"]:
        return _service_token(state, person)
    handoff = issue_handoff(state.runtime.sessions, person.id, flow["browser"])
    response = _back_to_ui(flow["return_to"], {"oidc_code": handoff})
    response.delete_cookie(COOKIE, path="/v1/oidc")  # the flow is spent
    return response


@router.post("/exchange", response_model=TokenOut, responses={
    400: {"description": "Mã dùng một lần không hợp lệ, đã dùng, đã hết hạn hoặc của trình duyệt khác"}})
def oidc_exchange(body: OidcExchangeIn, request: Request, state: State) -> dict:
    """The UI's server swaps the one-time code of a finished sign-in, with the secret of the browser that
    started it, for this service's token (once, within two minutes)."""
    _provider(state)
    state.login_limiter.charge(f"ip:{client_address(request, state.trusted_proxies)}")
    refused = ApiError(400, "Mã đăng nhập một lần không hợp lệ, đã được dùng, đã hết hạn hoặc không thuộc trình "
                            "duyệt này. Vui lòng đăng nhập lại / one-time sign-in code refused",
                       "oidc_code_refused")
    try:
        handoff = redeem_handoff(state.runtime.sessions, body.code, body.browser)
    except HandoffRefused:
        raise refused from None
    stored = PeopleStore(state.runtime.sessions).get(handoff.person_id)
    if stored is None or stored.disabled or stored.person.source != SOURCE_OIDC:
        raise refused
    return _service_token(state, stored.person)


def _signed_in(state: State, provider: OidcProvider, flow: dict[str, str], code: str, error: str) -> Person:
    """The person the provider vouches for after the code exchange, recorded and audited."""
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
    return person


def _service_token(state: State, person: Person) -> dict:
    """This service's token for a person the provider vouched for; it lives no longer than the re-check."""
    recheck = max(timedelta(minutes=state.settings.directory_recheck_minutes), timedelta(minutes=1))
    ttl_minutes = max(1, min(state.settings.jwt_ttl_minutes, int(recheck.total_seconds() // 60)))
    token, expires_in = issue_token(UserRecord(id=person.id, name=person.name, unit=person.unit,
                                               roles=person.roles),
                                    state.jwt_secret, ttl_minutes, token_version(state.runtime.sessions, person.id),
                                    source=person.source)
    return {"access_token": token, "token_type": "bearer", "expires_in": expires_in,
            "user": {"id": person.id, "name": person.name, "unit": person.unit, "roles": list(person.roles)}}


def _back_to_ui(return_to: str, params: dict[str, str]) -> RedirectResponse:
    """302 to the UI's allowed address (from our own signed flow cookie) with the code or the reason."""
    response = RedirectResponse(f"{return_to}{'&' if '?' in return_to else '?'}{urlencode(params)}",
                                status_code=302)
    response.headers["Referrer-Policy"] = "no-referrer"  # the code never travels on in a Referer
    response.headers["Cache-Control"] = "no-store"
    return response


def _flow(request: Request, secret: str) -> dict[str, str]:
    """The state, nonce, verifier, return address and browser secret this browser was given at
    ``/v1/oidc/login``; 400 when the cookie is missing, expired or forged."""
    raw = request.cookies.get(COOKIE, "")
    try:
        flow = jwt.decode(raw, secret, algorithms=["HS256"], audience=FLOW_AUDIENCE,
                          options={"require": ["exp", "state", "nonce", "verifier"]})
    except jwt.PyJWTError:
        raise ApiError(400, "Phiên đăng nhập qua cổng định danh không còn hoặc đã hết hạn, hãy bắt đầu lại / "
                            "sign-in flow missing or expired", "oidc_bad_callback") from None
    return {k: str(flow.get(k) or "") for k in ("state", "nonce", "verifier", "return_to", "browser")}


def _check_state(flow: dict[str, str], request: Request) -> None:
    """The state the provider sent back must be the one this browser's flow started with (a forged callback
    otherwise)."""
    if not secrets.compare_digest(flow["state"], request.query_params.get("state", "")):
        raise ApiError(400, "Tham số state không khớp, hãy bắt đầu đăng nhập lại / state mismatch",
                       "oidc_state_mismatch")
