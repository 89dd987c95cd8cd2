"""Fixtures of the web tests: settings in a temporary data folder, the app with a fast fake analyser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from stridelens.web import Settings, create_app
from tests.fixtures.web_app import FakeAnalyser


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", secret_key="test-secret", max_upload_mb=5)


@pytest.fixture
def analyser(result_template) -> FakeAnalyser:
    return FakeAnalyser(result_template)


@pytest.fixture
def client(settings, analyser) -> Iterator[TestClient]:
    with TestClient(create_app(settings, analyser=analyser)) as c:
        yield c
