"""Queries and job state changes, on SQLite and PostgreSQL: ownership filters, the job life cycle, recovery."""

from __future__ import annotations

import pytest

from stridelens.store import repo
from stridelens.store.db import session_scope
from stridelens.store.models import AnalysisRow


def _new(name: str = "a.mp4") -> repo.NewAnalysis:
    return repo.NewAnalysis(upload_name=f"gen-{name}", upload_bytes=10 * 1024**3, original_filename=name,
                            height_cm=178.0, notes="easy run")


@pytest.fixture
def two_users(sessions):
    with session_scope(sessions) as s:
        alice = repo.create_user(s, "alice", "hash-a")
        bob = repo.create_user(s, "bob", "hash-b")
        a_athlete = repo.create_athlete(s, alice.id, "  Alice  ")
        b_athlete = repo.create_athlete(s, bob.id, "Bob")
        row = repo.create_analysis(s, alice.id, a_athlete.id, _new())
        return {"alice": alice.id, "bob": bob.id, "a_athlete": a_athlete.id, "b_athlete": b_athlete.id,
                "analysis": row.id}


def test_ids_are_random_tokens(two_users):
    assert len(two_users["analysis"]) == 16 and len(two_users["a_athlete"]) == 16
    assert two_users["analysis"] != two_users["a_athlete"]


def test_one_user_never_sees_another_users_rows(sessions, two_users):
    with sessions() as s:
        assert repo.get_analysis(s, two_users["alice"], two_users["analysis"]) is not None
        assert repo.get_analysis(s, two_users["bob"], two_users["analysis"]) is None
        assert repo.get_athlete(s, two_users["bob"], two_users["a_athlete"]) is None
        assert [a.name for a in repo.list_athletes(s, two_users["bob"])] == ["Bob"]
        assert repo.list_analyses(s, two_users["bob"]) == []


def test_cannot_file_an_analysis_under_another_users_athlete(sessions, two_users):
    with pytest.raises(LookupError), session_scope(sessions) as s:
        repo.create_analysis(s, two_users["bob"], two_users["a_athlete"], _new())


def test_usernames_are_unique_and_local_is_reserved(sessions, two_users):
    with pytest.raises(repo.UsernameTakenError), session_scope(sessions) as s:
        repo.create_user(s, "alice", "x")
    with pytest.raises(repo.UsernameTakenError), session_scope(sessions) as s:
        repo.create_user(s, "local", "x")
    with session_scope(sessions) as s:
        first = repo.ensure_local_user(s).id
    with session_scope(sessions) as s:
        assert repo.ensure_local_user(s).id == first


def test_analysis_fields_round_trip(sessions, two_users):
    with sessions() as s:
        row = repo.get_analysis(s, two_users["alice"], two_users["analysis"])
        assert (row.status, row.progress, row.attempts) == ("queued", 0.0, 0)
        assert row.upload_bytes == 10 * 1024**3  # BigInteger: uploads over 2 GiB
        assert row.original_filename == "a.mp4" and row.height_cm == 178.0 and row.notes == "easy run"
        assert row.athlete.name == "Alice"


def test_job_life_cycle(sessions, two_users):
    aid = two_users["analysis"]
    with session_scope(sessions) as s:
        assert repo.queued_job_ids(s) == [aid]
        assert repo.job_started(s, aid) is not None
    with session_scope(sessions) as s:
        assert repo.job_started(s, aid) is None  # already running: not started twice
        repo.job_progress(s, aid, "pose", 0.4)
        repo.job_progress(s, aid, "pose", 0.3)  # progress never goes back
    with session_scope(sessions) as s:
        row = s.get(AnalysisRow, aid)
        assert (row.status, row.stage, row.progress, row.attempts) == ("running", "pose", 0.4, 1)
        repo.job_done(s, aid, result_name=aid, verdict_label="hips_back", summary={"metrics": {"x": {"mean": 1.5}}})
    with sessions() as s:
        row = s.get(AnalysisRow, aid)
        assert (row.status, row.progress, row.verdict_label) == ("done", 1.0, "hips_back")
        assert row.summary == {"metrics": {"x": {"mean": 1.5}}} and row.finished_at is not None
        assert repo.queued_job_ids(s) == []


def test_failed_job_keeps_its_reason(sessions, two_users):
    aid = two_users["analysis"]
    with session_scope(sessions) as s:
        repo.job_started(s, aid)
        repo.job_failed(s, aid, code="no_runner", message="No runner.", advice="Film the whole body.")
    with sessions() as s:
        row = s.get(AnalysisRow, aid)
        assert (row.status, row.error_code, row.error_message, row.error_advice) == \
            ("failed", "no_runner", "No runner.", "Film the whole body.")


def test_recovery_requeues_then_fails_after_max_attempts(sessions, two_users):
    aid = two_users["analysis"]
    for attempt in (1, 2):
        with session_scope(sessions) as s:
            assert repo.job_started(s, aid) is not None
            repo.job_progress(s, aid, "pose", 0.5)
        with session_scope(sessions) as s:  # the server was killed here
            recovery = repo.recover_interrupted(s, max_attempts=2)
        if attempt == 1:
            assert recovery == repo.Recovery(requeued=[aid], failed=[])
            with sessions() as s:
                row = s.get(AnalysisRow, aid)
                assert (row.status, row.progress, row.stage) == ("queued", 0.0, None)
    assert recovery == repo.Recovery(requeued=[], failed=[aid])
    with sessions() as s:
        row = s.get(AnalysisRow, aid)
        assert row.status == "failed" and row.error_code == "interrupted"
        assert "server stopped" in row.error_message and "2 times" in row.error_message


def test_graceful_requeue_does_not_count_the_attempt(sessions, two_users):
    aid = two_users["analysis"]
    with session_scope(sessions) as s:
        repo.job_started(s, aid)
    with session_scope(sessions) as s:
        repo.job_requeued(s, aid)
    with sessions() as s:
        row = s.get(AnalysisRow, aid)
        assert (row.status, row.attempts) == ("queued", 0)


def test_analyses_are_listed_oldest_first_per_athlete(sessions, two_users):
    with session_scope(sessions) as s:
        other = repo.create_athlete(s, two_users["alice"], "Carla")
        second = repo.create_analysis(s, two_users["alice"], two_users["a_athlete"], _new("b.mp4")).id
        repo.create_analysis(s, two_users["alice"], other.id, _new("c.mp4"))
    with sessions() as s:
        ids = [r.id for r in repo.list_analyses(s, two_users["alice"], athlete_id=two_users["a_athlete"])]
        assert ids == [two_users["analysis"], second]
        assert len(repo.list_analyses(s, two_users["alice"])) == 3
