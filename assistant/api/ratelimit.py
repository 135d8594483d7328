"""Per-key / per-user token buckets, in memory, one set per process.

With N replicas the effective limit is N times the setting; that is acceptable for protecting each
process from a runaway client (the goal here), not as a billing quota.
"""

from __future__ import annotations

import math
import threading
import time

from assistant.api.errors import ApiError

_MAX_BUCKETS = 10_000


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill time)

    def try_take(self, key: str, now: float | None = None) -> float:
        """0.0 when a token was taken, else the seconds until one will be available."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate

    def charge(self, key: str) -> None:
        wait = self.try_take(key)
        if wait > 0:
            raise ApiError(429, f"Quá nhiều yêu cầu, thử lại sau {math.ceil(wait)} giây / too many requests",
                           headers={"Retry-After": str(max(1, math.ceil(wait)))})

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled completely, so memory stays bounded."""
        if len(self._buckets) <= _MAX_BUCKETS:
            return
        full_after = 60.0
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
