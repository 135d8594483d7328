"""Which channel a conversation came through (issue 31): ``ui`` (the web page, a person's own sign-in),
``api`` (a system's API key, on the official's behalf or as itself), ``cli`` (the command line of the
service's machine). An official's history labels each conversation by it instead of mixing questions a
system asked for them with their own. Conversations made before this revision keep NULL: their channel
was never recorded, and the history says nothing rather than guess.

Revision ID: 0007_conversation_channel
Revises: 0006_held_documents
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_conversation_channel"
down_revision = "0006_held_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("channel", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("channel")
