"""Who is calling: people with signed JWT bearer tokens, systems (the DMS) with API keys.

- People log in against the users file (argon2id hashes) and get an HS256 token whose claims carry unit
  and roles. Each request re-reads the users file (cached by mtime): a token whose claims no longer match
  the file (user removed, roles or unit changed) is refused, so a demotion takes effect at once.
- Systems send ``X-API-Key: tla_...`` (or ``Authorization: Bearer tla_...``, which is what OpenAI clients
  send). Keys are stored as sha256 hex only. A key acts as its own user id when it has one; it may act for
  a named person with ``X-On-Behalf-Of: <user id>`` only when created with that right.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi.security import APIKeyHeader, HTTPBearer
from sqlalchemy import select

from assistant.api.errors import ApiError
from assistant.db import ApiKey, Sessions
from core.access import Principal, UserRecord, load_users
from core.settings import Settings

JWT_ALGORITHM = "HS256"
JWT_ISSUER = "tro-ly-ao"
API_KEY_PREFIX = "tla_"

_hasher = PasswordHasher()  # argon2id with the library's current defaults
_DUMMY_HASH = _hasher.hash("không-phải-mật-khẩu")  # verified for unknown users so timing does not tell

bearer_scheme = HTTPBearer(auto_error=False, description="JWT from /v1/login, or an API key (tla_...)")
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="Service API key (tla_...)")
on_behalf_scheme = APIKeyHeader(name="X-On-Behalf-Of", auto_error=False, scheme_name="OnBehalfOf",
                                description="User id a key with the on-behalf right acts for")


# -- passwords ---------------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- JWT ---------------------------------------------------------------------------------------------------
def jwt_secret(settings: Settings) -> str:
    """The configured secret, else one random secret per data dir (0600 file) shared by its replicas."""
    if settings.jwt_secret is not None and settings.jwt_secret.get_secret_value():
        return settings.jwt_secret.get_secret_value()
    path = Path(settings.data_dir) / "jwt.secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def issue_token(user: UserRecord, secret: str, ttl_minutes: int) -> tuple[str, int]:
    now = int(time.time())
    claims = {"sub": user.id, "name": user.name, "unit": user.unit, "roles": list(user.roles),
              "iss": JWT_ISSUER, "iat": now, "exp": now + ttl_minutes * 60, "jti": secrets.token_hex(8)}
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM), ttl_minutes * 60


def decode_token(token: str, secret: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], issuer=JWT_ISSUER,
                          options={"require": ["sub", "exp", "iat", "iss"]})
    except jwt.ExpiredSignatureError:
        raise ApiError(401, "Phiên đăng nhập đã hết hạn / token expired", "token_expired") from None
    except jwt.PyJWTError:
        raise ApiError(401, "Mã xác thực không hợp lệ / invalid token", "invalid_token") from None


# -- API keys ----------------------------------------------------------------------------------------------
def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(sessions: Sessions, name: str, may_act_for_users: bool = False,
                   user_id: str | None = None) -> str:
    """Store a new key's hash and return the key itself, which is shown once and never stored."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with sessions.begin() as s:
        s.add(ApiKey(name=name, key_hash=hash_api_key(key), may_act_for_users=may_act_for_users,
                     user_id=user_id))
    return key


def find_api_key(sessions: Sessions, key: str) -> ApiKey | None:
    digest = hash_api_key(key)
    with sessions() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if row is None or row.revoked or not hmac.compare_digest(row.key_hash, digest):
        return None
    return row


# -- users file --------------------------------------------------------------------------------------------
class UsersDirectory:
    """The users file, re-read when it changes on disk (stat per call, parse only on change)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._users: dict[str, UserRecord] = {}

    def get(self, user_id: str) -> UserRecord | None:
        st = self.path.stat()
        with self._lock:
            if self._stamp != (st.st_mtime, st.st_size):
                self._users, self._stamp = load_users(self.path), (st.st_mtime, st.st_size)
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
    def bucket(self) -> str:
        """Rate-limit bucket: per API key, per person for tokens."""
        return f"key:{self.via}" if self.method == "api_key" else f"user:{self.principal.user_id}"


def caller_from_token(secret: str, users: UsersDirectory, token: str, on_behalf: str | None) -> Caller:
    if on_behalf:
        raise ApiError(403, "Chỉ khoá API được phép hành động thay người dùng / only API keys may act "
                            "on behalf of a user", "on_behalf_not_allowed")
    claims = decode_token(token, secret)
    user = users.get(str(claims["sub"]))
    if user is None or user.unit != claims.get("unit") or list(user.roles) != list(claims.get("roles") or []):
        raise ApiError(401, "Mã xác thực không còn phù hợp, hãy đăng nhập lại / token outdated, log in again",
                       "token_outdated")
    return Caller(user.principal(), method="jwt")


def caller_from_api_key(sessions: Sessions, users: UsersDirectory, key: str, on_behalf: str | None) -> Caller:
    row = find_api_key(sessions, key)
    if row is None:
        raise ApiError(401, "Khoá API không hợp lệ / invalid API key", "invalid_api_key")
    if on_behalf:
        if not row.may_act_for_users:
            raise ApiError(403, "Khoá API này không được hành động thay người dùng / this key may not act on "
                                "behalf of users", "on_behalf_not_allowed")
        user = users.get(on_behalf)
        if user is None:
            raise ApiError(403, "Người dùng được đại diện không tồn tại / unknown on-behalf user",
                           "unknown_on_behalf_user")
        return Caller(user.principal(), via=row.name, method="api_key", on_behalf=True)
    if row.user_id:
        user = users.get(row.user_id)
        if user is None:
            raise ApiError(401, "Khoá API gắn với người dùng không còn tồn tại / key's user no longer exists",
                           "invalid_api_key")
        return Caller(user.principal(), via=row.name, method="api_key")
    # A system key without a person: an authenticated official-level identity with no unit and no roles.
    return Caller(Principal(user_id=f"apikey:{row.name}", name=row.name), via=row.name, method="api_key")
