"""Who is calling: people with signed JWT bearer tokens, systems (the DMS) with API keys.

- People log in against the users file (argon2id hashes) and get an HS256 token whose claims carry unit
  and roles. Each request re-reads the users file (cached by mtime): a token whose claims no longer match
  the file (user removed, roles or unit changed) is refused, so a demotion takes effect at once.
- People of a directory (LDAP) get the same token with ``src: ldap``; each request checks it against their
  record in the people table, which the directory re-checks when older than ``directory_recheck_minutes``
  (at most 15): gone, locked or moved there, their tokens stop working (``assistant.service.directory.People``).
- Bearer tokens of the province's OpenID Connect provider (when configured) are verified against its keys
  (issuer, audience, expiry) and mapped to a person like a directory entry; the record in the people table
  follows the newest token (``src: oidc``), and a provider token older than 15 minutes is refused, so what the
  provider says about a person is never older than that (``provider_caller``).
- Systems send ``X-API-Key: tla_...`` (or ``Authorization: Bearer tla_...``, which is what OpenAI clients
  send). Keys are stored as sha256 hex only. A key acts as its own user id when it has one; it may act for
  a named person with ``X-On-Behalf-Of: <user id>`` only when created with that right.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from fastapi.security import APIKeyHeader, HTTPBearer

from assistant.api.errors import ApiError
from assistant.service.conversations import Channel
from assistant.service.credentials import (
    JWT_ALGORITHM,
    JWT_ISSUER,
    find_api_key,
    hash_fingerprint,
    token_version,
)
from assistant.service.db import Sessions
from assistant.service.directory import (
    SOURCE_FILE,
    DirectoryUnavailable,
    InvalidProviderToken,
    OidcProvider,
    People,
    Person,
)
from assistant.service.index_owner import LOCAL_KEY_PREFIX
from core.access import Principal, UserRecord, load_users
from core.errors import ConfigurationError

log = logging.getLogger(__name__)
bearer_scheme = HTTPBearer(auto_error=False, description="JWT from /v1/login, or an API key (tla_...)")
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="Service API key (tla_...)")
on_behalf_scheme = APIKeyHeader(name="X-On-Behalf-Of", auto_error=False, scheme_name="OnBehalfOf",
                                description="User id a key with the on-behalf right acts for")


def decode_token(token: str, secret: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], issuer=JWT_ISSUER,
                          options={"require": ["sub", "exp", "iat", "iss"]})
    except jwt.ExpiredSignatureError:
        raise ApiError(401, "Phiên đăng nhập đã hết hạn / token expired", "token_expired") from None
    except jwt.PyJWTError:
        raise ApiError(401, "Mã xác thực không hợp lệ / invalid token", "invalid_token") from None


# -- users file --------------------------------------------------------------------------------------------
class UsersDirectory:
    """The users file, re-read when it changes on disk (stat per call, parse only on change)."""

    def __init__(self, path: Path, refuse_demo: bool = False) -> None:
        self.path = Path(path)
        self.refuse_demo = refuse_demo  # outside demo mode, an account with a demo password is refused
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._users: dict[str, UserRecord] = {}

    def get(self, user_id: str) -> UserRecord | None:
        st = self.path.stat()
        with self._lock:
            if self._stamp != (st.st_mtime, st.st_size):
                self._users, self._stamp = load_users(self.path), (st.st_mtime, st.st_size)
                if self.refuse_demo:  # on every reload, not only at start: a demo hash pasted in later
                    from assistant.api.startup_checks import demo_accounts

                    for user_id in demo_accounts(self.path):
                        self._users.pop(user_id, None)
            return self._users.get(user_id)


# -- the caller --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Caller:
    """The principal a request is made for, plus how it authenticated (``via`` = API key name)."""

    principal: Principal
    via: str = ""
    method: str = "jwt"  # jwt | api_key
    on_behalf: bool = False  # a key acting for ``principal``: never an administrator through that

    @property
    def channel(self) -> Channel:
        """The channel a question of this caller is kept under in the person's history: a person's own
        sign-in is the web page, the service's local key is its command line, any other key a system."""
        if self.method != "api_key":
            return Channel.UI
        return Channel.CLI if self.via.startswith(LOCAL_KEY_PREFIX) else Channel.API

    @property
    def bucket(self) -> str:
        """Rate-limit bucket: per API key, per person for tokens."""
        return f"key:{self.via}" if self.method == "api_key" else f"user:{self.principal.user_id}"


def directory_unavailable(exc: DirectoryUnavailable) -> ApiError:
    """503 in Vietnamese: the directory could not say who this is now, so nobody is let in on a guess."""
    log.warning("directory unavailable: %s", exc.detail or exc.message)
    return ApiError(503, exc.message, "directory_unavailable", headers={"Retry-After": "30"})


def directory_person(people: People, person_id: str, source: str) -> Principal | None:
    """A directory person's principal now (None: gone, locked, disabled), 503 when the directory must be
    asked and cannot answer."""
    try:
        person = people.current(person_id, source)
    except DirectoryUnavailable as exc:
        raise directory_unavailable(exc) from None
    return person.principal() if person is not None else None


def issued_elsewhere(token: str) -> bool:
    """True for a well-formed JWT that is not this service's own (another issuer or an asymmetric key): the
    OpenID provider's, to be checked against its keys. Nothing here is trusted; it only picks the check."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return header.get("alg") != JWT_ALGORITHM or claims.get("iss") != JWT_ISSUER


MAX_PROVIDER_TOKEN_AGE_S = 15 * 60  # what a provider token says about a person is at most this old


def provider_person(provider: OidcProvider, token: str) -> Person:
    """The person of a bearer token signed by the provider: 401 when it does not check out, 503 when the
    provider (its discovery, keys or userinfo) cannot be reached or the mapping file is broken."""
    try:
        return provider.person(provider.bearer_claims(token))
    except DirectoryUnavailable as exc:
        raise directory_unavailable(exc) from None
    except InvalidProviderToken as exc:
        log.info("provider token refused: %s", exc)
        raise ApiError(401, "Mã xác thực của cổng định danh không hợp lệ hoặc đã hết hạn / invalid or expired "
                            "identity provider token", "invalid_token") from None
    except ConfigurationError as exc:
        log.error("OpenID sign-in misconfigured: %s", exc)
        raise ApiError(503, "Cấu hình đăng nhập qua cổng định danh bị lỗi, hãy báo quản trị hệ thống / "
                            "identity provider sign-in is misconfigured", "directory_misconfigured") from None


def provider_caller(provider: OidcProvider, people: People | None, token: str) -> Caller:
    """A request with the provider's own bearer token. Its claims are the provider's word at issue time, so a
    token issued more than 15 minutes ago is refused (the person fetches a fresh one), whatever its own
    expiry: a person moved or disabled at the provider loses what the old claims gave within 15 minutes. The
    person's record follows the token presented (another unit or roles: the record changes and their tokens
    of this service, issued by the code flow, are revoked)."""
    iat = _issued_at(token)
    if iat is not None and time.time() - iat > MAX_PROVIDER_TOKEN_AGE_S:
        raise ApiError(401, "Mã của cổng định danh đã quá 15 phút, hãy lấy mã mới / identity provider token "
                            "older than 15 minutes", "token_expired")
    person = provider_person(provider, token)
    if people is not None:
        stored = people.store.get(person.id)
        if stored is None or stored.disabled or stored.person != person or \
                time.time() - stored.checked_at.timestamp() > 60:  # last activity kept to the minute
            people.signed_in_by_provider(person)
    return Caller(person.principal(), method="jwt")


def _issued_at(token: str) -> float | None:
    try:
        iat = jwt.decode(token, options={"verify_signature": False}).get("iat")
    except jwt.PyJWTError:
        return None
    return float(iat) if isinstance(iat, (int, float)) else None


def caller_from_token(secret: str, users: UsersDirectory, token: str, on_behalf: str | None,
                      sessions: Sessions, people: People | None = None,
                      provider: OidcProvider | None = None) -> Caller:
    if on_behalf:
        raise ApiError(403, "Chỉ khoá API được phép hành động thay người dùng / only API keys may act "
                            "on behalf of a user", "on_behalf_not_allowed")
    if provider is not None and issued_elsewhere(token):
        return provider_caller(provider, people, token)
    claims = decode_token(token, secret)
    source = str(claims.get("src") or SOURCE_FILE)
    if source != SOURCE_FILE:
        return _directory_caller(claims, source, people, sessions)
    user = users.get(str(claims["sub"]))
    if user is None or user.unit != claims.get("unit") or list(user.roles) != list(claims.get("roles") or []):
        raise ApiError(401, "Mã xác thực không còn phù hợp, hãy đăng nhập lại / token outdated, log in again",
                       "token_outdated")
    if not user.password_hash or claims.get("ph") != hash_fingerprint(user.password_hash):
        raise ApiError(401, "Mật khẩu đã thay đổi, hãy đăng nhập lại / password changed, log in again",
                       "token_revoked")
    if claims.get("tv", 0) != token_version(sessions, user.id):
        raise ApiError(401, "Mã xác thực đã bị thu hồi, hãy đăng nhập lại / token revoked, log in again",
                       "token_revoked")
    return Caller(user.principal(), method="jwt")


def _directory_caller(claims: dict[str, Any], source: str, people: People | None, sessions: Sessions) -> Caller:
    try:
        person = people.current(str(claims["sub"]), source) if people is not None else None
    except DirectoryUnavailable as exc:
        raise directory_unavailable(exc) from None
    if person is None:
        raise ApiError(401, "Tài khoản không còn hiệu lực trong danh bạ, hãy đăng nhập lại / account no longer "
                            "active in the directory", "token_revoked")
    if person.unit != claims.get("unit") or list(person.roles) != list(claims.get("roles") or []):
        raise ApiError(401, "Đơn vị hoặc vai trò của bạn đã thay đổi, hãy đăng nhập lại / unit or roles changed, "
                            "log in again", "token_outdated")
    if claims.get("tv", 0) != token_version(sessions, person.id):
        raise ApiError(401, "Mã xác thực đã bị thu hồi, hãy đăng nhập lại / token revoked, log in again",
                       "token_revoked")
    return Caller(person.principal(), method="jwt")


def _resolve(users: UsersDirectory, people: People | None, user_id: str) -> Principal | None:
    """A person an API key names: the users file first, then the directory's people (same records and the
    same re-check as their tokens)."""
    user = users.get(user_id)
    if user is not None:
        return user.principal()
    if people is None or people.source == SOURCE_FILE:
        return None
    return directory_person(people, user_id, people.source)


def caller_from_api_key(sessions: Sessions, users: UsersDirectory, key: str, on_behalf: str | None,
                        people: People | None = None) -> Caller:
    row = find_api_key(sessions, key)
    if row is None:
        raise ApiError(401, "Khoá API không hợp lệ / invalid API key", "invalid_api_key")
    if on_behalf:
        if not row.may_act_for_users:
            raise ApiError(403, "Khoá API này không được hành động thay người dùng / this key may not act on "
                                "behalf of users", "on_behalf_not_allowed")
        principal = _resolve(users, people, on_behalf)
        if principal is None:
            raise ApiError(403, "Người dùng được đại diện không tồn tại / unknown on-behalf user",
                           "unknown_on_behalf_user")
        if (row.allowed_users and principal.user_id not in row.allowed_users) or \
                (row.allowed_units and principal.unit not in row.allowed_units):
            raise ApiError(403, "Khoá API này không được hành động thay người dùng này / this key may not act "
                                "for this user", "on_behalf_not_allowed")
        return Caller(principal, via=row.name, method="api_key", on_behalf=True)
    if row.user_id:
        principal = _resolve(users, people, row.user_id)
        if principal is None:
            raise ApiError(401, "Khoá API gắn với người dùng không còn tồn tại / key's user no longer exists",
                           "invalid_api_key")
        return Caller(principal, via=row.name, method="api_key")
    # A system key without a person: an authenticated official-level identity with no unit and no roles.
    return Caller(Principal(user_id=f"apikey:{row.name}", name=row.name), via=row.name, method="api_key")
