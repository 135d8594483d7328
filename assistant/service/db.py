"""The service's own records in SQL (SQLite by default, PostgreSQL by URL): conversations, answers,
feedback, audit, API keys, indexing jobs. Shared by every API replica, never kept in process memory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # ui | api | cli (migration 0007): how the conversation came in; None for those made before it was kept
    channel: Mapped[str | None] = mapped_column(String(8), nullable=True)


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    answer_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # citations, refused, sources
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str] = mapped_column(String(128))
    rating: Mapped[str] = mapped_column(String(8))  # up | down
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    unit: Mapped[str] = mapped_column(String(200), default="")
    via: Mapped[str] = mapped_column(String(128), default="")  # api key name when on behalf of a user
    action: Mapped[str] = mapped_column(String(32))  # ask | search | upload | delete | login
    question: Mapped[str] = mapped_column(Text, default="")  # personal data masked
    retrieved_ids: Mapped[list | None] = mapped_column(JSON, nullable=True)
    cited_ids: Mapped[list | None] = mapped_column(JSON, nullable=True)
    answer_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    outcome: Mapped[str] = mapped_column(String(64), default="ok")


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    may_act_for_users: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[str | None] = mapped_column(String(128), nullable=True)  # the key's own identity
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # On-behalf keys may be limited to people of these units / these user ids (None: anyone).
    allowed_units: Mapped[list | None] = mapped_column(JSON, nullable=True)
    allowed_users: Mapped[list | None] = mapped_column(JSON, nullable=True)


class LoginFailure(Base):
    """Failed logins per user name, shared by every replica, so rotating IPs or replicas resets nothing."""

    __tablename__ = "login_failures"
    username: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TokenVersion(Base):
    """A person's token version: tokens carry it, and bumping it (a password change) revokes older ones."""

    __tablename__ = "token_versions"
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndexJob(Base):
    __tablename__ = "index_jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|done|rejected|failed
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class HeldDocumentRow(Base):
    """A file held for review (migration 0006): never the file, only what identifies it and why."""

    __tablename__ = "held_documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    filename: Mapped[str] = mapped_column(String(300))  # personal data masked
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploader: Mapped[str] = mapped_column(String(128))
    job_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    page: Mapped[int] = mapped_column(Integer, default=0)
    stamp: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="held")  # held | overridden
    override_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    overridden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)  # 0007
    override_job_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class PersonRow(Base):
    """A person a directory signed in (migration 0009_directory_people): who they were at the last sign-in or
    re-check, so tokens, API keys on their behalf and ``assistant users`` resolve without asking the directory
    on every request. Users-file people stay in their file."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")  # "" = no mapped unit: public documents only
    roles: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(16), default="ldap")
    dn: Mapped[str] = mapped_column(String(1000), default="")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)  # gone or locked at the last re-check
    last_sign_in: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OidcHandoffRow(Base):
    """A one-time code by which the UI takes over a sign-in the API finished at the OpenID provider (migration
    0010_oidc_handoffs): only its sha256 is kept, with the sha256 of the browser secret it is bound to, the
    person it signs in, and when it expires (two minutes) or was used. In SQL so any API replica can take the
    exchange."""

    __tablename__ = "oidc_handoffs"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def make_engine(url: str) -> Engine:
    """The engine for ``url``, its tables migrated to head. On SQLite: WAL (readers never wait for the writer)
    and ``synchronous=NORMAL``.

    Why NORMAL: under WAL it fsyncs at each checkpoint, not at each commit. A commit is still atomic and the
    database never corrupts; a power cut (not a crash of the process: the WAL is in the OS) may lose the
    last commits before the checkpoint, i.e. the last seconds of conversation and audit rows. FULL fsynced the
    WAL on every answer's exchange and every audit row, the commit's share of the ~22 ms a conversation append
    cost under 32 clients (issue 24). A deployment that must keep every row across power cuts runs PostgreSQL
    (its own durability settings) rather than SQLite."""
    # A server's connections can drop (restart, idle timeout): ping before use. A SQLite file's never do, and
    # the ping was a "SELECT 1" before every session of every request (~3 % of the API's CPU under 32 clients).
    kwargs: dict = {"future": True, "pool_pre_ping": not url.startswith("sqlite")}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # per connection: see the docstring
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    from assistant.service.migrations import upgrade_to_head

    upgrade_to_head(engine)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


class Sessions:
    """Sessions on one database: ``sessions()`` to read, ``with sessions.begin() as s:`` to write.

    On SQLite, one process's writers take turns on a lock: SQLite allows one writer, and without the lock
    concurrent writers meet in SQLite's busy handler, which sleeps in steps of up to 100 ms (the p95 tail at
    16 clients). PostgreSQL writers run concurrently.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._maker = make_sessionmaker(engine)
        self._write_lock: AbstractContextManager[Any] = (
            threading.RLock() if engine.url.get_backend_name() == "sqlite" else nullcontext())

    def __call__(self) -> Session:
        return self._maker()

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self._write_lock, self._maker.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_sessions(url: str) -> Sessions:
    """The service's records at ``url`` (migrated to the newest schema revision first)."""
    return Sessions(make_engine(url))
