"""A held file released by an administrator's stated override (issue 28): when it was released and by which
upload job, beside who and why (0006 already keeps ``override_by`` and ``override_reason``).

Revision ID: 0008_held_overrides
Revises: 0007_conversation_channel
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_held_overrides"
down_revision = "0007_conversation_channel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("held_documents") as batch:
        batch.add_column(sa.Column("overridden_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("override_job_id", sa.String(36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("held_documents") as batch:
        batch.drop_column("override_job_id")
        batch.drop_column("overridden_at")
