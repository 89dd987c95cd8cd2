"""Every storage test runs against SQLite and against a real PostgreSQL server (see tests/fixtures/web_app)."""

from __future__ import annotations

import pytest

from stridelens.store import make_engine, session_factory
from tests.fixtures.web_app import database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    from stridelens.store import migrate

    migrate(engine)
    return session_factory(engine)
