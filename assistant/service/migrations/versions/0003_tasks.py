"""Tasks read from plans, decisions and directives (issue 16): one row per task, and one row per unit a task
names (lead or support, a group or a unit), so "my unit's tasks" is one indexed query.

Revision ID: 0003_tasks
Revises: 0002_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_tasks"
down_revision = "0002_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("task_id", sa.String(36), primary_key=True),
        sa.Column("doc_id", sa.String(500), nullable=False, index=True),
        sa.Column("citation", sa.String(300), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("due_start", sa.Date, nullable=True),
        sa.Column("due_end", sa.Date, nullable=True, index=True),
        sa.Column("recurs", sa.String(32), nullable=False),
        sa.Column("access_level", sa.String(16), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "task_units",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.String(36), sa.ForeignKey("tasks.task_id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("unit", sa.String(300), nullable=False, index=True),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("is_group", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("task_units")
    op.drop_table("tasks")
