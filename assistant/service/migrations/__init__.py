"""Versioned schema changes (Alembic) for the service's SQL records, applied once however many replicas
start together.

``upgrade_to_head(engine)`` is what ``assistant.service.db.make_engine`` runs: nothing when the database is already
at head; otherwise, under a lock every process of the database shares (a lock file beside a SQLite file, a
PostgreSQL advisory lock), it adopts a database that ``create_all`` made before migrations existed (stamped
at the initial revision, its data kept) and applies the missing revisions. New revisions go in
``versions/`` (``alembic revision`` with ``script_location`` pointed here, or by hand).

Two revisions written at the same time on different branches may both revise the same parent (say
``0007_conversation_channel`` and ``0007_directory_people`` both after ``0006_held_documents``). That leaves
two heads, which is fine here: the runner upgrades to every head (Alembic's ``heads``), and the database is
"at head" when its applied revisions are exactly the script directory's heads. No merge revision is needed;
a later revision may still revise both (``down_revision = ("a", "b")``) to join them.
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


def alembic_config(connection: Connection | None = None, scripts: Path = SCRIPT_LOCATION) -> Config:
    """Alembic's configuration in code: the scripts of this package (or ``scripts``), the connection to run on."""
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.attributes["connection"] = connection
    return config


@cache
def head_revisions(scripts: Path = SCRIPT_LOCATION) -> tuple[str, ...]:
    """The script directory's heads, sorted: one normally, several when parallel branches each added one."""
    heads = ScriptDirectory.from_config(alembic_config(scripts=scripts)).get_heads()
    if not heads:
        raise RuntimeError(f"no migration revisions in {scripts / 'versions'}")
    return tuple(sorted(heads))


def head_revision() -> str:
    """The head as one string (several heads joined by ``+``), comparable with :func:`current_revision`."""
    return "+".join(head_revisions())


def current_revisions(engine: Engine) -> tuple[str, ...]:
    """The revisions the database has applied last (sorted; empty for a database never migrated)."""
    with engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def current_revision(engine: Engine) -> str | None:
    """The database's revision as one string (several joined by ``+``), None when never migrated."""
    return "+".join(current_revisions(engine)) or None


def upgrade_to_head(engine: Engine, scripts: Path = SCRIPT_LOCATION) -> None:
    """Bring the database to every head (a no-op when it is there already); ``scripts``: another copy of
    the revisions (tests)."""
    if current_revisions(engine) == head_revisions(scripts):
        return
    with _process_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        config = alembic_config(conn, scripts)
        if not MigrationContext.configure(conn).get_current_heads() and \
                "conversations" in inspect(conn).get_table_names():
            command.stamp(config, ADOPTED_REVISION)
        command.upgrade(config, "heads")


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
