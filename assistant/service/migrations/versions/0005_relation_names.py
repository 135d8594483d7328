"""Relations whose target is named by title and date, with no số hiệu ("Pháp lệnh cán bộ, công chức ngày 26
tháng 02 năm 1998", issue 17): the indexed legal documents keep their ngày ban hành and a name key
("ten:phap lenh can bo cong chuc@1998-02-26") such a relation resolves by.

Revision ID: 0005_relation_names
Revises: 0004_relations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_relation_names"
down_revision = "0004_relations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("legal_documents") as batch:
        batch.add_column(sa.Column("ngay_ban_hanh", sa.String(10), nullable=True))
        batch.add_column(sa.Column("name_key", sa.String(120), nullable=True))
        batch.create_index("ix_legal_documents_name_key", ["name_key"])


def downgrade() -> None:
    with op.batch_alter_table("legal_documents") as batch:
        batch.drop_index("ix_legal_documents_name_key")
        batch.drop_column("name_key")
        batch.drop_column("ngay_ban_hanh")
