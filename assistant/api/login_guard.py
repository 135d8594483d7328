"""What stands between a guesser and the password check: the client's real address, a per-user-name
lock-out kept in SQL (every replica sees it, so rotating IPs or replicas resets nothing), and a bound on
concurrent argon2 verifications (64 MiB each), so a burst of logins cannot exhaust the API's memory."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy.exc import IntegrityError

from assistant.api.errors import ApiError
from assistant.service.db import LoginFailure, Sessions, utcnow
from assistant.service.pii import mask_pii
from core.vietnamese import normalize_text

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_LOCK_S = 3600.0
FORGET_AFTER = timedelta(days=1)  # failures older than this no longer count


def parse_trusted_proxies(value: str) -> tuple[Network, ...]:
    """``"10.0.0.5, 172.18.0.0/16"`` → networks; a bad entry is named."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"ASSISTANT_TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return tuple(networks)


def _in(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request: Request, trusted: tuple[Network, ...]) -> str:
    """The peer's address; X-Forwarded-For only when the peer is a trusted proxy, and then the right-most
    hop that is not one of our proxies (what a client writes in the header itself stands to its left)."""
    peer = request.client.host if request.client else "-"
    if not _in(peer, trusted):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted):
            return hop
    return peer


def username_key(username: str, key: str = "") -> str:
    """One key per person however the name is typed (NFC, case, surrounding spaces).

    A name that holds personal data (someone typed a phone number or CCCD as their user name) is kept masked
    with a tag keyed on the server's secret: the same name still meets its own count on every replica, yet the
    number is not stored (issue 28) and the tag cannot be turned back into it without the key."""
    name = normalize_text(username).strip().casefold()
    masked = mask_pii(name)
    if masked == name:
        return name[:128]
    tag = hmac.new(f"login-name:{key}".encode(), name.encode(), hashlib.sha256).hexdigest()[:16]
    return f"{masked[:100]}#{tag}"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite returns naive UTC


class LoginThrottle:
    """After ``max_failures`` failed logins for one user name, each further failure locks the name for
    ``base_s × 2^(failures − max_failures)`` seconds (at most an hour); a success clears the count."""

    def __init__(self, sessions: Sessions, max_failures: int, base_s: float, key: str = "") -> None:
        if max_failures <= 0:
            raise ValueError(f"login_max_failures must be positive, got {max_failures}")
        if base_s <= 0:
            raise ValueError(f"login_lockout_base_s must be positive, got {base_s}")
        self.sessions = sessions
        self.max_failures = max_failures
        self.base_s = base_s
        self.key = key  # the server's secret: tags the stored key of a user name that holds personal data

    def retry_after(self, username: str) -> float:
        """Seconds the name stays locked (0.0: it may try now)."""
        with self.sessions() as s:
            row = s.get(LoginFailure, username_key(username, self.key))
            if row is None or row.locked_until is None:
                return 0.0
            return max(0.0, (_aware(row.locked_until) - utcnow()).total_seconds())

    def failed(self, username: str) -> float:
        """Count one failure; the seconds of the lock it starts (0.0 while under the limit)."""
        key = username_key(username, self.key)
        for attempt in range(2):
            try:
                with self.sessions.begin() as s:
                    row = s.get(LoginFailure, key, with_for_update=True)
                    now = utcnow()
                    if row is None:
                        row = LoginFailure(username=key, failures=0, last_at=now)
                        s.add(row)
                    elif now - _aware(row.last_at) > FORGET_AFTER:
                        row.failures = 0
                    row.failures += 1
                    row.last_at = now
                    lock = 0.0
                    if row.failures >= self.max_failures:
                        lock = min(MAX_LOCK_S, self.base_s * 2 ** (row.failures - self.max_failures))
                        row.locked_until = now + timedelta(seconds=lock)
                    return lock
            except IntegrityError:  # another replica inserted the row first: count on it
                if attempt == 1:
                    raise
        return 0.0

    def succeeded(self, username: str) -> None:
        with self.sessions.begin() as s:
            row = s.get(LoginFailure, username_key(username, self.key))
            if row is not None:
                s.delete(row)


def locked_error(seconds: float) -> ApiError:
    wait = max(1, math.ceil(seconds))
    return ApiError(429, f"Tài khoản tạm khoá do đăng nhập sai nhiều lần, thử lại sau {wait} giây / too many "
                         "failed logins for this account", "login_locked", headers={"Retry-After": str(wait)})


class VerificationGate:
    """At most ``slots`` password verifications at once; a caller that finds none free within ``wait_s``
    gets 503 with Retry-After instead of queueing another 64 MiB."""

    def __init__(self, slots: int, wait_s: float = 2.0) -> None:
        if slots <= 0:
            raise ValueError(f"login_concurrency must be positive, got {slots}")
        self.slots = slots
        self.wait_s = wait_s
        self._semaphore = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._semaphore.acquire(timeout=self.wait_s):
            raise ApiError(503, "Hệ thống đang bận xác thực, thử lại sau / too many logins at once", "login_busy",
                           headers={"Retry-After": "1"})
        try:
            yield
        finally:
            self._semaphore.release()
