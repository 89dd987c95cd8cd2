"""SEM and SDD arithmetic of the split-half reliability study (`stridelens.eval.reliability`)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stridelens.eval.reliability import (
    SplitPair,
    clip_pairs,
    reliability_from_pairs,
    sdd_from_sem,
    sem_from_pairs,
    split_halves,
)
from stridelens.synthetic import neutral_runner
from tests.fixtures.synth import analyse_synthetic


def test_sem_is_the_within_pair_sd():
    # pairs (10, 12), (11, 10), (9, 9): d = -2, 1, 0 -> sqrt((4 + 1 + 0) / (2 * 3)) = sqrt(5 / 6)
    assert sem_from_pairs([-2.0, 1.0, 0.0]) == pytest.approx(math.sqrt(5 / 6))
    assert sem_from_pairs([3.0]) == pytest.approx(3.0 / math.sqrt(2))
    assert math.isnan(sem_from_pairs([]))


def test_sdd_is_1_96_sqrt2_sem():
    assert sdd_from_sem(1.0) == pytest.approx(2.7719, abs=1e-4)
    assert sdd_from_sem(0.5) == pytest.approx(1.96 * math.sqrt(2) * 0.5)


def test_split_halves_first_second_and_odd_even_strides():
    values = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    splits = split_halves(values)
    first, second = splits["first_second"]
    assert first == [0.0, 1.0, 2.0, 3.0] and second == [5.0, 6.0, 7.0, 8.0]
    even, odd = splits["odd_even_strides"]
    assert even == [0.0, 1.0, 4.0, 5.0, 8.0]  # strides 0, 2, 4: both feet of each stride
    assert odd == [2.0, 3.0, 6.0, 7.0]


def test_pooled_sem_sdd_and_inflation_from_known_pairs():
    pairs = [SplitPair("a", "first_second", "x", 10.0, 12.0, 4, 4, 2.0),
             SplitPair("a", "odd_even_strides", "x", 11.0, 11.0, 4, 4, 2.0),
             SplitPair("b", "first_second", "x", 5.0, 4.0, 4, 4, 2.0),
             SplitPair("b", "odd_even_strides", "x", 4.5, 4.5, 4, 4, 2.0)]
    rel = reliability_from_pairs(pairs)["x"]
    sem_half = math.sqrt((4 + 0 + 1 + 0) / 8)
    assert rel.sem_half == pytest.approx(sem_half)
    assert rel.sem == pytest.approx(sem_half / math.sqrt(2))
    assert rel.sdd == pytest.approx(1.96 * math.sqrt(2) * sem_half / math.sqrt(2))
    # independent steps: the halves would differ by SD sqrt(1/4 + 1/4) = sqrt(2): predicted SEM_half = 1
    assert rel.inflation == pytest.approx(sem_half / 1.0)
    assert rel.per_clip["a"][0] == pytest.approx(math.sqrt(4 / 4) / math.sqrt(2))


def test_clip_pairs_of_a_steady_synthetic_runner_have_small_differences():
    result, truth = analyse_synthetic(neutral_runner(noise_px=2.0, seed=3))
    pairs = clip_pairs("synthetic", result.steps)
    keys = {p.key for p in pairs}
    assert {"cadence_spm", "trunk_lean_deg", "hip_offset_pct", "contact_time_ms"} <= keys
    by = {(p.key, p.split): p for p in pairs}
    cad = by[("cadence_spm", "first_second")]
    assert cad.mean_a == pytest.approx(truth.cadence_spm, abs=3.0)  # a cadence, not a step time
    rel = reliability_from_pairs(pairs)
    assert rel["trunk_lean_deg"].sdd < 1.0  # a steady runner, 2 px noise
    assert np.isfinite(rel["hip_offset_pct"].inflation)
