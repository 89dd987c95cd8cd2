"""Synthetic analyses shared by the report tests (built once per session; see tests/fixtures/report_clips)."""

from __future__ import annotations

import pytest

from stridelens.pipeline import Analysis
from stridelens.report import to_report
from stridelens.synthetic import hips_back_runner, neutral_runner
from tests.fixtures.report_clips import small_spec, synthetic_analysis


@pytest.fixture(scope="session")
def hips_back_analysis(tmp_path_factory) -> Analysis:
    """A runner facing image left whose hips sit back (marked)."""
    return synthetic_analysis(tmp_path_factory.mktemp("hips_back"), small_spec(hips_back_runner, facing=-1))


@pytest.fixture(scope="session")
def neutral_analysis(tmp_path_factory) -> Analysis:
    """A runner facing image right, hips in line."""
    return synthetic_analysis(tmp_path_factory.mktemp("neutral"), small_spec(neutral_runner))


@pytest.fixture(scope="session", params=["hips_back", "neutral"])
def any_analysis(request) -> Analysis:
    return request.getfixturevalue(f"{request.param}_analysis")


@pytest.fixture(scope="session")
def any_report(any_analysis):
    return to_report(any_analysis)
