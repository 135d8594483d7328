"""People signed in through a directory (issue 30): id, name, unit, roles, position, source, the directory
entry, whether the last re-check found them gone or locked, last sign-in and last re-check.

Revision ID: 0009_directory_people
Revises: 0008_held_overrides
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_directory_people"
down_revision = "0008_held_overrides"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, server_default=""),
        sa.Column("unit", sa.String(200), nullable=False, server_default=""),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("position", sa.String(200), nullable=False, server_default=""),
        sa.Column("source", sa.String(16), nullable=False, server_default="ldap"),
        sa.Column("dn", sa.String(1000), nullable=False, server_default=""),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_sign_in", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_people_unit", "people", ["unit"])


def downgrade() -> None:
    op.drop_index("ix_people_unit", table_name="people")
    op.drop_table("people")
