"""Legal relations (issue 17): which document replaces, repeals, amends, guides or is based on which, read
from indexed texts or imported (Bộ pháp điển), and the indexed legal documents they resolve to, with the
validity computed from them.

Revision ID: 0004_relations
Revises: 0003_tasks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_relations"
down_revision = "0003_tasks"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "legal_relations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False, index=True),
        sa.Column("source_doc_id", sa.String(300), nullable=False, index=True),
        sa.Column("source_chunk_id", sa.String(64), nullable=False),
        sa.Column("actor_so_hieu", sa.String(120), nullable=False),
        sa.Column("actor_key", sa.String(120), nullable=False, index=True),
        sa.Column("actor_unit", sa.String(200), nullable=False),
        sa.Column("target_so_hieu", sa.String(120), nullable=False),
        sa.Column("target_key", sa.String(120), nullable=False, index=True),
        sa.Column("target_name", sa.String(300), nullable=False),
        sa.Column("units", sa.JSON, nullable=False),
        sa.Column("scope", sa.String(300), nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("effective", sa.String(10), nullable=True),
        sa.Column("extra", sa.JSON, nullable=True),
    )
    op.create_table(
        "legal_documents",
        sa.Column("doc_id", sa.String(300), primary_key=True),
        sa.Column("so_hieu", sa.String(120), nullable=False),
        sa.Column("key", sa.String(120), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("loai_van_ban", sa.String(100), nullable=False),
        sa.Column("ngay_hieu_luc", sa.String(10), nullable=True),
        sa.Column("metadata_status", sa.String(200), nullable=False),
        sa.Column("access", sa.JSON, nullable=False),
        sa.Column("payload", sa.JSON, nullable=True),
        sa.Column("updated_at", _TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("legal_documents")
    op.drop_table("legal_relations")
