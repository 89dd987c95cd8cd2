"""Alembic environment: runs on the connection `store.db.migrate` hands over (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from stridelens.store.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - `alembic upgrade --sql` is not offered
    raise RuntimeError("stridelens migrations run online only (store.db.migrate)")
run_migrations_online()
