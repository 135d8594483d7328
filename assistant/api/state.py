"""What one API process holds: the Runtime (which builds the parts and owns their thread safety), auth
material, rate limiters, metrics, the upload worker, and the answerers shared by request threads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.answer.answering import Answerer
from assistant.api.auth import UsersDirectory
from assistant.api.login_guard import LoginThrottle, Network, VerificationGate, parse_trusted_proxies
from assistant.api.metrics import ApiMetrics
from assistant.api.ratelimit import RateLimiter
from assistant.api.startup_checks import refuse_demo_accounts
from assistant.api.worker import IndexWorker
from assistant.search.retrieval import Retriever
from assistant.service.credentials import jwt_secret
from assistant.service.directory import OidcProvider, People
from assistant.service.retention import RetentionJob, RetentionPolicy
from assistant.service.runtime import Runtime
from assistant.validity import ValidityRefresher
from core.settings import Settings
from indexing.dense_backfill import DenseBackfill


@dataclass
class ApiState:
    settings: Settings
    runtime: Runtime
    owns_runtime: bool
    jwt_secret: str
    users: UsersDirectory
    limiter: RateLimiter
    login_limiter: RateLimiter  # per client address
    login_throttle: LoginThrottle  # per user name, in SQL
    login_gate: VerificationGate  # concurrent argon2 verifications
    trusted_proxies: tuple[Network, ...]  # peers whose X-Forwarded-For is believed
    metrics: ApiMetrics
    worker: IndexWorker
    answerer: Answerer  # remembers conversations
    stateless_answerer: Answerer  # OpenAI-compatible calls without a conversation id
    retriever: Retriever
    retention: RetentionJob  # purges expired records at start and daily
    backfill: DenseBackfill  # fills the dense vectors of chunks indexed sparse-only (first start)
    people: People | None = None  # sign-in and directory people (None: the users file as before)
    oidc: OidcProvider | None = None  # the province's OpenID Connect provider, when configured
    validity_refresh: ValidityRefresher | None = None  # the index owner recomputes validity daily
    incoming_jobs: Any = None  # the reader of incoming scans (assistant.api.routes_incoming), started on first use

    def close(self) -> None:
        if self.incoming_jobs is not None:
            self.incoming_jobs.shutdown(wait=False, cancel_futures=True)
        if self.validity_refresh is not None:
            self.validity_refresh.stop()
        self.backfill.stop()
        self.retention.stop()
        self.worker.stop()
        if self.owns_runtime:
            self.runtime.close()


def build_state(settings: Settings, runtime: Runtime | None, metrics: ApiMetrics) -> ApiState:
    """Open everything once, warm the model and the segmenter, start the worker (blocking; run in a thread)."""
    refuse_demo_accounts(settings)
    secret = jwt_secret(settings)
    trusted = parse_trusted_proxies(settings.trusted_proxies)
    owns = runtime is None
    runtime = runtime or Runtime(settings)
    runtime.embedder.embed_query("khởi động")
    runtime.sparse.encode_query("khởi động hệ thống")
    runtime.store.count()
    worker = IndexWorker(runtime.indexer(), runtime.manifest, runtime.sessions, settings,
                         on_finish=lambda status: metrics.jobs.labels(status).inc())
    if not settings.index_read_only:  # a read-only copy of the index indexes nothing
        worker.start()
    retention = RetentionJob(runtime.sessions, RetentionPolicy.from_settings(settings))
    retention.start()
    backfill = runtime.dense_backfill()  # this process owns the index: it fills what was indexed sparse-only
    if not settings.index_read_only:  # a read-only replica's copy is filled where it was made, never here
        backfill.start()
    refresher = None
    if not settings.index_read_only:  # the owner writes the payloads; a replica reads the copy it was given
        refresher = ValidityRefresher(runtime.relations_observer())
        refresher.start()
    users = UsersDirectory(settings.users_file, refuse_demo=not settings.demo)
    return ApiState(settings=settings, runtime=runtime, owns_runtime=owns, jwt_secret=secret,
                    users=users, people=runtime.people(users.get), oidc=runtime.oidc(),
                    limiter=RateLimiter(settings.rate_limit_per_minute),
                    login_limiter=RateLimiter(settings.login_rate_limit_per_minute),
                    login_throttle=LoginThrottle(runtime.sessions, settings.login_max_failures,
                                                 settings.login_lockout_base_s, key=secret),
                    login_gate=VerificationGate(settings.login_concurrency), trusted_proxies=trusted,
                    metrics=metrics, worker=worker,
                    answerer=runtime.answerer(), stateless_answerer=runtime.answerer(remember=False),
                    retriever=runtime.retriever(), retention=retention, backfill=backfill,
                    validity_refresh=refresher)
