from stridelens.eval import score_contacts


def test_one_to_one_matching_within_tolerance():
    score = score_contacts([10, 11, 31, 52, 90], [10, 30, 50, 70], tol_frames=2)
    assert score.found == 3  # 10, 30 (31), 50 (52); 11 is spare, 70 is missed
    assert score.spurious == 1  # 11 is inside the span and matches nothing; 90 is outside the span
    assert score.errors_frames == (0, 1, 2)
    assert score.recall == 0.75


def test_nothing_detected():
    score = score_contacts([], [5, 15], tol_frames=1)
    assert score.found == 0 and score.spurious_fraction == 0.0
