"""What one API process holds: the Runtime (store opened once, model loaded once), auth material,
rate limiters, metrics, the upload worker, and one answerer shared by request threads.

Thread safety: request handlers run in a thread pool and the upload worker in its own thread. The
embedded store (whose ``ensure_collection`` closes and reopens the shard) and the manifest's SQLite
handle are shared, so every call on them runs under ``runtime.lock`` (each call is short: a search, one
upsert batch). Request-path embedding-cache lookups take a separate lock; query embedding takes none;
the worker has its own cache handle, so indexing never makes an ask wait.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from assistant.api.auth import UsersDirectory, jwt_secret
from assistant.api.errors import ApiError
from assistant.api.metrics import ApiMetrics
from assistant.api.ratelimit import RateLimiter
from assistant.api.worker import IndexWorker, worker_indexer
from assistant.runtime import Runtime
from core.settings import Settings

# The embedding cache's SQLite handle is shared, so cache lookups take turns; query embedding is pure model
# work (the C engine is re-entrant) and runs concurrently, which measured better at 16 clients.
EMBED_LOCKED = frozenset({"embed_documents"})


class Locked:
    """Runs every method of the wrapped object (or only those named in ``only``) under ``lock``; plain
    attributes pass through."""

    def __init__(self, target: Any, lock: Any, only: frozenset[str] | None = None) -> None:
        self._locked_target = target
        self._locked_lock = lock
        self._locked_only = only

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._locked_target, name)
        if not callable(value) or (self._locked_only is not None and name not in self._locked_only):
            return value
        lock = self._locked_lock

        def call(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return value(*args, **kwargs)

        return call


class SerializedWrites:
    """A sessionmaker stand-in whose ``begin()`` (how every write here and in ConversationStore is made)
    takes one process-wide lock. SQLite allows one writer; without this, concurrent writers of one process
    meet in SQLite's busy handler, which sleeps in steps of up to 100 ms (the p95 tail at 16 clients)."""

    def __init__(self, sessions: Any, lock: Any) -> None:
        self._sessions = sessions
        self._lock = lock

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._sessions(*args, **kwargs)

    @contextmanager
    def begin(self) -> Iterator[Any]:
        with self._lock, self._sessions.begin() as session:
            yield session

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sessions, name)


def guard_runtime(runtime: Runtime) -> Any:
    """Swap the runtime's shared components for locked proxies (once); returns the raw embedder."""
    raw = runtime.__dict__.get("_api_raw_embedder")
    if raw is not None:
        return raw
    raw = runtime.embedder
    runtime.__dict__["store"] = Locked(runtime.store, runtime.lock)
    runtime.__dict__["manifest"] = Locked(runtime.manifest, runtime.lock)
    runtime.__dict__["embedder"] = Locked(raw, threading.Lock(), only=EMBED_LOCKED)
    runtime.__dict__["_api_raw_embedder"] = raw
    if runtime.settings.sql_url.startswith("sqlite"):
        runtime.__dict__["sessions"] = SerializedWrites(runtime.sessions, threading.RLock())
    return raw


@dataclass
class ApiState:
    settings: Settings
    runtime: Runtime
    owns_runtime: bool
    jwt_secret: str
    users: UsersDirectory
    limiter: RateLimiter
    login_limiter: RateLimiter
    metrics: ApiMetrics
    worker: IndexWorker
    answerer: Any  # remembers conversations
    stateless_answerer: Any  # OpenAI-compatible calls without a conversation id
    retriever: Any

    def close(self) -> None:
        self.worker.stop()
        close = getattr(self.worker.indexer.embedder, "close", None)
        if close and self.worker.indexer.embedder is not self.runtime.__dict__.get("_api_raw_embedder"):
            close()
        if self.owns_runtime:
            self.runtime.close()


def build_state(settings: Settings, runtime: Runtime | None, metrics: ApiMetrics) -> ApiState:
    """Open everything once, warm the model and the segmenter, start the worker (blocking; run in a thread)."""
    owns = runtime is None
    runtime = runtime or Runtime(settings)
    raw_embedder = guard_runtime(runtime)
    runtime.embedder.embed_query("khởi động")
    runtime.sparse.encode_query("khởi động hệ thống")
    runtime.store.count()
    worker = IndexWorker(runtime, worker_indexer(runtime, raw_embedder),
                         on_finish=lambda status: metrics.jobs.labels(status).inc())
    worker.start()
    return ApiState(settings=settings, runtime=runtime, owns_runtime=owns, jwt_secret=jwt_secret(settings),
                    users=UsersDirectory(settings.users_file), limiter=RateLimiter(settings.rate_limit_per_minute),
                    login_limiter=RateLimiter(settings.rate_limit_per_minute), metrics=metrics, worker=worker,
                    answerer=runtime.answerer(), stateless_answerer=runtime.answerer(remember=False),
                    retriever=runtime.retriever())


def api_state(request: Request) -> ApiState:
    state = getattr(request.app.state, "api", None)
    if state is None:
        raise ApiError(503, "Dịch vụ đang khởi động / service starting", "starting")
    return state


State = Annotated[ApiState, Depends(api_state)]
