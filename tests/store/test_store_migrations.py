"""The shipped Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from stridelens.store import Base, database_url, migrate
from stridelens.store.db import current_revision, head_revision


def test_migrate_creates_every_table_at_head(engine):
    assert current_revision(engine) is None
    migrate(engine)
    assert current_revision(engine) == head_revision()
    assert {"users", "athletes", "analyses", "alembic_version"} <= set(inspect(engine).get_table_names())


def test_migrations_match_the_models(engine):
    migrate(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrate_twice_is_a_no_op(engine):
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == head_revision()


def test_downgrade_to_base_and_up_again(engine):
    migrate(engine)
    migrate(engine, "head")
    from alembic import command

    from stridelens.store.db import _alembic_config

    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "base")
    assert "analyses" not in inspect(engine).get_table_names()
    migrate(engine)
    assert "analyses" in inspect(engine).get_table_names()


def test_database_url_defaults_to_sqlite_in_the_data_dir(tmp_path):
    assert database_url(tmp_path, {}) == f"sqlite:///{tmp_path.resolve() / 'stridelens.db'}"


def test_database_url_gives_postgres_the_psycopg_driver(tmp_path):
    env = {"STRIDELENS_DATABASE_URL": "postgresql://u:p@db:5432/runs"}
    assert database_url(tmp_path, env) == "postgresql+psycopg://u:p@db:5432/runs"
    env = {"STRIDELENS_DATABASE_URL": "postgres://u@db/runs"}
    assert database_url(tmp_path, env) == "postgresql+psycopg://u@db/runs"
