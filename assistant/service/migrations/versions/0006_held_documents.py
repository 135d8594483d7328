"""Files held for review (issue 28): a possible secrecy stamp outside the header zone, or a doubtful one. The
file itself is never kept; its name (personal data masked), sha256, uploader, page, stamp and reason are, for
the administrators' list, until an administrator re-submits the file with a stated override.

Revision ID: 0006_held_documents
Revises: 0005_relation_names
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_held_documents"
down_revision = "0005_relation_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("uploader", sa.String(128), nullable=False),
        sa.Column("job_id", sa.String(36), nullable=True),
        sa.Column("page", sa.Integer, nullable=False, server_default="0"),
        sa.Column("stamp", sa.String(32), nullable=False, server_default=""),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="held"),  # held | overridden
        sa.Column("override_by", sa.String(128), nullable=True),
        sa.Column("override_reason", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("held_documents")
