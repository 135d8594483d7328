"""Versioned schema changes (Alembic) for the service's SQL records, applied once however many replicas
start together.

``upgrade_to_head(engine)`` is what ``assistant.service.db.make_engine`` runs: nothing when the database is already
at head; otherwise, under a lock every process of the database shares (a lock file beside a SQLite file, a
PostgreSQL advisory lock), it adopts a database that ``create_all`` made before migrations existed (stamped
at the initial revision, its data kept) and applies the missing revisions. New revisions go in
``versions/`` (``alembic revision`` with ``script_location`` pointed here, or by hand).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

SCRIPT_LOCATION = Path(__file__).resolve().parent
ADOPTED_REVISION = "0001_initial"  # the schema create_all made before migrations
_PG_LOCK_KEY = 0x7470_6C61  # "tpla": one advisory lock id for this product's migrations


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration in code: the scripts of this package, the connection to run on."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration revisions in {SCRIPT_LOCATION / 'versions'}")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the newest revision (a no-op when it is there already)."""
    if current_revision(engine) == head_revision():
        return
    with _process_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        config = alembic_config(conn)
        if MigrationContext.configure(conn).get_current_revision() is None and \
                "conversations" in inspect(conn).get_table_names():
            command.stamp(config, ADOPTED_REVISION)
        command.upgrade(config, "head")


@contextmanager
def _process_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock file beside a SQLite database file (processes starting together take turns);
    nothing for an in-memory database or a server database (which takes its own lock in the transaction)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate.lock")
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
