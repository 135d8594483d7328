"""Recomputing validity when a date arrives: a law whose ngày hiệu lực was tomorrow is in force today, a decree
whose replacement takes effect today has expired, and nothing was indexed to say so.

The index owner (``assistant serve``, not a read-only replica) runs one :class:`ValidityRefresher`: it
recomputes every legal document at start, then just after midnight Asia/Ho_Chi_Minh each day (every status
change falls on a date, so the day it happens is covered), in a daemon thread that stops with the service.
Only documents whose fields changed get a payload update (``RelationsObserver.refresh_all``). The clock and
the wait are injectable, so a test moves to tomorrow without sleeping for a day.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta

from assistant.validity.observer import RelationsObserver
from core.deadlines import VIETNAM

log = logging.getLogger(__name__)

AFTER_MIDNIGHT = timedelta(seconds=30)  # clear of the date boundary (clock skew between machines)


def vietnam_now() -> datetime:
    return datetime.now(VIETNAM)


def next_run(now: datetime) -> datetime:
    """Just after the next midnight in Vietnam."""
    local = now.astimezone(VIETNAM)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=VIETNAM) + AFTER_MIDNIGHT


class ValidityRefresher:
    """``refresh_all`` at start and after each midnight (Vietnam) until ``stop``.

    ``clock`` gives the current time; ``wait(seconds)`` returns True once stopped (default: the stop event's
    wait). The observer's own date is taken from the same clock."""

    def __init__(self, observer: RelationsObserver, clock: Callable[[], datetime] = vietnam_now,
                 wait: Callable[[float], bool] | None = None) -> None:
        self.observer = observer
        self.clock = clock
        self.observer.today = lambda: self.clock().astimezone(VIETNAM).date()
        self._stop = threading.Event()
        self.wait = wait or self._stop.wait
        self.runs = 0
        self._thread = threading.Thread(target=self._run, name="validity-refresh", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run_once(self) -> int:
        """Recompute every document now; returns how many points' payloads were updated."""
        updated = self.observer.refresh_all()
        self.runs += 1
        if updated:
            log.info("validity recomputed on %s: %d points updated", self.observer.today(), updated)
        return updated

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # a failed run must not stop the service; it is tried again tomorrow
                log.error("validity refresh failed: %s", type(exc).__name__)
            now = self.clock()
            if self.wait(max(1.0, (next_run(now) - now).total_seconds())) or self._stop.is_set():
                return
