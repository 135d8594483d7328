"""Schema migrations: a fresh database reaches head, a database made by create_all before migrations is
adopted with its rows, and processes starting together apply each revision once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from assistant.service.db import make_engine
from assistant.service.migrations import alembic_config, current_revision, head_revision

REPO = Path(__file__).resolve().parents[3]


def test_fresh_database_is_migrated_to_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    assert current_revision(engine) == head_revision() == "0007_directory_people"
    tables = set(inspect(engine).get_table_names())
    assert {"conversations", "messages", "audit", "api_keys", "login_failures", "token_versions", "tasks",
            "task_units"} <= tables
    assert {"allowed_units", "allowed_users"} <= {c["name"] for c in inspect(engine).get_columns("api_keys")}


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
    assert "login_failures" in inspect(engine).get_table_names()


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
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
