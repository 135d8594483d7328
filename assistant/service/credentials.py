"""Credentials the service issues and checks, shared by the API, the command line and the index owner: password
hashes (argon2id), the JWT signing secret and token versions (revocation), API keys (stored as sha256 only).

Who is calling, and the HTTP errors for a bad credential, stay in ``assistant.api.auth``; this module raises
nothing HTTP-shaped, so ``assistant users``, ``assistant apikey`` and the index owner use it without the API.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from assistant.service.db import ApiKey, Sessions, TokenVersion, utcnow
from core.access import UserRecord
from core.errors import ConfigurationError
from core.settings import Settings
from core.vietnamese import normalize_text

JWT_ALGORITHM = "HS256"
JWT_ISSUER = "tro-ly-ao"
API_KEY_PREFIX = "tla_"

_hasher = PasswordHasher()  # argon2id with the library's current defaults
_DUMMY_HASH = _hasher.hash("không-phải-mật-khẩu")  # verified for unknown users so timing does not tell

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


def hash_fingerprint(password_hash: str | None) -> str:
    """A short digest of a person's password hash, carried by their tokens: when the hash in the users file
    changes or disappears (a reset, an edit by hand, a paste), every token issued under the old one is refused."""
    import hashlib

    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16] if password_hash else ""


def issue_token(user: UserRecord, secret: str, ttl_minutes: int, version: int = 0,
                source: str = "file") -> tuple[str, int]:
    """A signed token; ``src`` names where the person comes from (``file``, ``ldap``): the check on each
    request asks that source (a token without it is a users-file token, as all were before directories)."""
    now = int(time.time())
    claims = {"sub": user.id, "name": user.name, "unit": user.unit, "roles": list(user.roles),
              "iss": JWT_ISSUER, "iat": now, "exp": now + ttl_minutes * 60, "jti": secrets.token_hex(8),
              "tv": version, "ph": hash_fingerprint(user.password_hash), "src": source}
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM), ttl_minutes * 60


# -- API keys ----------------------------------------------------------------------------------------------
def secret_digest(secret: str) -> str:
    """How a random secret is kept at rest (an API key, the OIDC one-time code and its browser secret): its
    sha256, enough for a value with 256 random bits, where a password needs a slow hash."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_key(sessions: Sessions, name: str, may_act_for_users: bool = False,
                   user_id: str | None = None, units: list[str] | None = None,
                   users: list[str] | None = None) -> str:
    """Store a new key's hash and return the key itself, which is shown once and never stored. ``units`` /
    ``users`` limit whom an on-behalf key may act for (None: anyone in the users file)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    with sessions.begin() as s:
        s.add(ApiKey(name=name, key_hash=secret_digest(key), may_act_for_users=may_act_for_users,
                     user_id=user_id, allowed_units=[normalize_text(u) for u in units] if units else None,
                     allowed_users=list(users) if users else None))
    return key


def find_api_key(sessions: Sessions, key: str) -> ApiKey | None:
    digest = secret_digest(key)
    with sessions() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if row is None or row.revoked or not hmac.compare_digest(row.key_hash, digest):
        return None
    return row
