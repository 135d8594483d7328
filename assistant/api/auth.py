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
from assistant.db import ApiKey, Sessions, TokenVersion, utcnow
from core.access import Principal, UserRecord, load_users
from core.errors import ConfigurationError
from core.settings import Settings
from core.vietnamese import normalize_text

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
MIN_SECRET_BYTES = 32


def jwt_secret(settings: Settings) -> str:
    """The configured secret, else one random secret per data dir (0600 file) shared by its replicas.

    A secret under 32 bytes is refused (HS256 keys that short can be guessed offline from one token). With a
    server database (replicas on several machines, each with its own data dir) a generated secret would differ
    per replica, so one must be configured. The generated file appears whole or not at all (written aside,
    then linked into place), so a replica starting at the same moment never reads half a secret."""
    configured = settings.jwt_secret.get_secret_value() if settings.jwt_secret is not None else ""
    if configured:
        if len(configured.encode("utf-8")) < MIN_SECRET_BYTES:
            raise ConfigurationError(f"ASSISTANT_JWT_SECRET has {len(configured.encode('utf-8'))} bytes; "
                                     f"at least {MIN_SECRET_BYTES} are required")
        return configured
    if not settings.sql_url.startswith("sqlite"):
        raise ConfigurationError("ASSISTANT_JWT_SECRET must be set when ASSISTANT_DATABASE_URL is a server "
                                 "database: replicas would otherwise sign with different secrets")
    path = Path(settings.data_dir) / "jwt.secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        _write_secret_once(path)
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        raise ConfigurationError(f"{path} holds a secret under {MIN_SECRET_BYTES} bytes; delete it to generate one")
    return secret


def _write_secret_once(path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(48))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails when another process won the race: keep theirs
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def token_version(sessions: Sessions, user_id: str) -> int:
    with sessions() as s:
        row = s.get(TokenVersion, user_id)
        return row.version if row is not None else 0


def bump_token_version(sessions: Sessions, user_id: str) -> int:
    """Revoke every token issued to ``user_id`` so far (a password change, an erasure); the new version."""
    with sessions.begin() as s:
        row = s.get(TokenVersion, user_id)
        if row is None:
            row = TokenVersion(user_id=user_id, version=0)
            s.add(row)
        row.version += 1
        row.changed_at = utcnow()
        return row.version


def issue_token(user: UserRecord, secret: str, ttl_minutes: int, version: int = 0) -> tuple[str, int]:
    now = int(time.time())
    claims = {"sub": user.id, "name": user.name, "unit": user.unit, "roles": list(user.roles),
              "iss": JWT_ISSUER, "iat": now, "exp": now + ttl_minutes * 60, "jti": secrets.token_hex(8),
              "tv": version}
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
                   user_id: str | None = None, units: list[str] | None = None,
                   users: list[str] | None = None) -> str:
    """Store a new key's hash and return the key itself, which is shown once and never stored. ``units`` /
    ``users`` limit whom an on-behalf key may act for (None: anyone in the users file)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with sessions.begin() as s:
        s.add(ApiKey(name=name, key_hash=hash_api_key(key), may_act_for_users=may_act_for_users,
                     user_id=user_id, allowed_units=[normalize_text(u) for u in units] if units else None,
                     allowed_users=list(users) if users else None))
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


def caller_from_token(secret: str, users: UsersDirectory, token: str, on_behalf: str | None,
                      sessions: Sessions) -> Caller:
    if on_behalf:
        raise ApiError(403, "Chỉ khoá API được phép hành động thay người dùng / only API keys may act "
                            "on behalf of a user", "on_behalf_not_allowed")
    claims = decode_token(token, secret)
    user = users.get(str(claims["sub"]))
    if user is None or user.unit != claims.get("unit") or list(user.roles) != list(claims.get("roles") or []):
        raise ApiError(401, "Mã xác thực không còn phù hợp, hãy đăng nhập lại / token outdated, log in again",
                       "token_outdated")
    if claims.get("tv", 0) != token_version(sessions, user.id):
        raise ApiError(401, "Mã xác thực đã bị thu hồi, hãy đăng nhập lại / token revoked, log in again",
                       "token_revoked")
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
        if (row.allowed_users and user.id not in row.allowed_users) or \
                (row.allowed_units and user.unit not in row.allowed_units):
            raise ApiError(403, "Khoá API này không được hành động thay người dùng này / this key may not act "
                                "for this user", "on_behalf_not_allowed")
        return Caller(user.principal(), via=row.name, method="api_key", on_behalf=True)
    if row.user_id:
        user = users.get(row.user_id)
        if user is None:
            raise ApiError(401, "Khoá API gắn với người dùng không còn tồn tại / key's user no longer exists",
                           "invalid_api_key")
        return Caller(user.principal(), via=row.name, method="api_key")
    # A system key without a person: an authenticated official-level identity with no unit and no roles.
    return Caller(Principal(user_id=f"apikey:{row.name}", name=row.name), via=row.name, method="api_key")
