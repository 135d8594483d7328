"""One-time codes by which the UI takes over a sign-in through the province's OpenID provider (issue 30):
the code's sha256, the sha256 of the browser secret it is bound to, the person, created, expires, used.

Revision ID: 0010_oidc_handoffs
Revises: 0009_directory_people
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_oidc_handoffs"
down_revision = "0009_directory_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oidc_handoffs",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("browser_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_oidc_handoffs_expires_at", "oidc_handoffs", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_oidc_handoffs_expires_at", table_name="oidc_handoffs")
    op.drop_table("oidc_handoffs")
