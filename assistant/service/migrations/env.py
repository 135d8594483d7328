"""Alembic environment, configured by ``assistant.service.migrations.upgrade_to_head``: it hands in an open
connection (``config.attributes["connection"]``), so no alembic.ini and no URL are needed at run time."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
