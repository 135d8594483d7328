"""Schema migrations: a fresh database reaches head, a database made by create_all before migrations is
adopted with its rows, and processes starting together apply each revision once."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from assistant.service.db import make_engine
from assistant.service.migrations import (
    SCRIPT_LOCATION,
    alembic_config,
    current_revision,
    current_revisions,
    head_revision,
    head_revisions,
    upgrade_to_head,
)

REPO = Path(__file__).resolve().parents[3]


def test_fresh_database_is_migrated_to_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    assert current_revision(engine) == head_revision() == "0010_oidc_handoffs"
    tables = set(inspect(engine).get_table_names())
    assert {"conversations", "messages", "audit", "api_keys", "login_failures", "token_versions", "tasks",
            "task_units", "people", "oidc_handoffs"} <= tables
    assert {"allowed_units", "allowed_users"} <= {c["name"] for c in inspect(engine).get_columns("api_keys")}
    assert "channel" in {c["name"] for c in inspect(engine).get_columns("conversations")}


def test_database_made_by_create_all_is_adopted_and_keeps_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_engine(url)
    with old.begin() as conn:  # the schema as today's create_all made it, without Alembic's table
        command.upgrade(alembic_config(conn), "0001_initial")
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("INSERT INTO conversations (id, user_id, title, created_at, updated_at) VALUES "
                          "('c1', 'syt.lethicuc', 'Lịch tiêm chủng', '2026-01-05', '2026-01-05')"))
    old.dispose()
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM conversations WHERE id = 'c1'")).scalar() == "Lịch tiêm chủng"
        # its channel was never recorded: NULL, not a guessed "ui"
        assert conn.execute(text("SELECT channel FROM conversations WHERE id = 'c1'")).scalar() is None
    assert "login_failures" in inspect(engine).get_table_names()


def test_a_conversation_keeps_its_messages_when_the_channel_column_is_added(tmp_path: Path) -> None:
    """0007 adds a column to ``conversations``; SQLite must not rebuild the table (dropping it would cascade
    to every message)."""
    url = f"sqlite:///{tmp_path / 'before-channel.sqlite'}"
    old = create_engine(url)
    with old.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=ON"))
        command.upgrade(alembic_config(conn), "0006_held_documents")
        conn.execute(text("INSERT INTO conversations (id, user_id, title, created_at, updated_at) VALUES "
                          "('c1', 'syt.lethicuc', 'Lịch tiêm chủng', '2026-01-05', '2026-01-05')"))
        conn.execute(text("INSERT INTO messages (conversation_id, role, content, created_at) VALUES "
                          "('c1', 'user', 'Lịch tiêm chủng quý III?', '2026-01-05')"))
    old.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM messages WHERE conversation_id = 'c1'")).scalar() == 1


PARALLEL = '''"""A revision written beside 0007_conversation_channel on another branch.

Revision ID: 0007_parallel_branch
Revises: 0006_held_documents
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_parallel_branch"
down_revision = "0006_held_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("parallel_people", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("parallel_people")
'''


def test_two_revisions_after_the_same_parent_are_both_applied(tmp_path: Path) -> None:
    """Two branches each adding a 0007 (this issue's channel, another's directory people) leave two heads:
    the runner applies both, once, and reads the database as at head."""
    scripts = tmp_path / "migrations"
    shutil.copytree(SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0007_parallel_branch.py").write_text(PARALLEL, encoding="utf-8")
    own = head_revision()  # this tree's head, whatever its number
    assert head_revisions(scripts) == tuple(sorted((own, "0007_parallel_branch")))
    engine = create_engine(f"sqlite:///{tmp_path / 'two-heads.sqlite'}")
    with engine.begin() as conn:  # a database already at this branch's head, before the other one merged
        command.upgrade(alembic_config(conn, scripts), own)
    upgrade_to_head(engine, scripts)
    assert current_revisions(engine) == head_revisions(scripts)
    assert {"parallel_people", "conversations"} <= set(inspect(engine).get_table_names())
    upgrade_to_head(engine, scripts)  # at head: nothing more to do
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()) == \
            sorted([own, "0007_parallel_branch"])


def test_processes_starting_together_apply_the_migrations_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'together.sqlite'}"
    code = ("import sys; from assistant.service.db import make_engine; "
            "from assistant.service.migrations import current_revision;"
            "print(current_revision(make_engine(sys.argv[1])))")
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == [head_revision()] * 4
    with create_engine(url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == len(head_revisions())
