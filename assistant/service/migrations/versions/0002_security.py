"""Security hardening (issue 12): failed logins per user name (the throttle holds across replicas), token
versions (a password change revokes old tokens), and API keys limited to listed units / users.

Revision ID: 0002_security
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_security"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(128), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", _TZ, nullable=False),
        sa.Column("locked_until", _TZ, nullable=True),
    )
    op.create_table(
        "token_versions",
        sa.Column("user_id", sa.String(128), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", _TZ, nullable=False),
    )
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("allowed_units", sa.JSON, nullable=True))
        batch.add_column(sa.Column("allowed_users", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("allowed_users")
        batch.drop_column("allowed_units")
    op.drop_table("token_versions")
    op.drop_table("login_failures")
