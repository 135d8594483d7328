"""The tables as ``Base.metadata.create_all`` made them before migrations existed (a database made that way
is stamped at this revision, not re-created).

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(36), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("answer_id", sa.String(36), nullable=True),
        sa.Column("data", sa.JSON, nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("answer_id", sa.String(36), nullable=False, index=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _TZ, nullable=False, index=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("via", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("retrieved_ids", sa.JSON, nullable=True),
        sa.Column("cited_ids", sa.JSON, nullable=True),
        sa.Column("answer_id", sa.String(36), nullable=True),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("outcome", sa.String(64), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(128), nullable=False, unique=True),
        sa.Column("may_act_for_users", sa.Boolean, nullable=False),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
    )
    op.create_table(
        "index_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("detail", sa.JSON, nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("finished_at", _TZ, nullable=True),
    )


def downgrade() -> None:
    for table in ("index_jobs", "api_keys", "audit", "feedback", "messages", "conversations"):
        op.drop_table(table)
