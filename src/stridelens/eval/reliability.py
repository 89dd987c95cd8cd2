"""Reliability without labels: standard error of measurement (SEM) and smallest detectable difference (SDD)
of every metric, from equivalent parts of the same real run (issue #4, "Reliability without labels").

Method
------
For each clip, its confidently measured steps (time order) are split two ways into equivalent halves:

- first half vs second half of the steps (drift: fatigue, the camera or the pose model changing along
  the clip);
- odd vs even strides (stride k = steps 2k and 2k+1, so both halves hold left and right steps alike).

Each split gives a pair of half-clip means (m1, m2). The SEM of a half-clip mean is the within-pair SD
(Bland & Altman 1996, "Measurement error", BMJ 313:744; Weir 2005, J Strength Cond Res 19:231):

    SEM_half = sqrt(sum(d^2) / (2 P)),   d = m1 - m2 over the P pairs (two splits per clip),

and a whole clip averages twice as many steps, so ``SEM = SEM_half / sqrt(2)`` (independent step
errors; the inflation factor below says how far that holds). The smallest detectable difference between
two whole-clip means is ``SDD = 1.96 sqrt(2) SEM`` (Dingenen 2018, who used it for hand analysis: SDD
1.3-4.8 deg).

Why not the ICC form ``SEM = SD sqrt(1 - ICC)``: an ICC needs the spread *between* runners, and two
clips of two runners give none; the within-pair SD needs only repeated measures of one runner, which
the halves of each clip are.

Inflation: independent steps would make the halves differ by ``sqrt(SD^2 / n1 + SD^2 / n2)`` (SD the
step-to-step SD). The ratio of the measured SEM_half to that prediction (`inflation`, pooled over
both clips) is how much drift and slowly varying pose errors add; `metrics.uncertainty` multiplies each
analysis's own ``SD / sqrt(n)`` by it.

What this does not include: changes between sessions in camera placement, clothing, light or speed.
Dingenen's between-session SDDs include them, so ours are lower bounds for a re-filmed session; the
sweep's camera-tilt and resolution curves (docs/accuracy.md) give the size of those.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..config import Config
from ..metrics import StepMetrics
from .annotations import load_annotation
from .posecache import PoseRunCache
from .sweep import SWEEP_METRICS

__all__ = ["MetricReliability", "SplitPair", "clip_pairs", "reliability", "reliability_from_pairs", "sdd_from_sem",
           "sem_from_pairs", "split_halves"]

Z95 = 1.96


def sdd_from_sem(sem: float) -> float:
    """Smallest detectable difference between two measurements with this SEM: 1.96 sqrt(2) SEM."""
    return Z95 * math.sqrt(2.0) * sem


def sem_from_pairs(differences: list[float] | np.ndarray) -> float:
    """Within-pair SD from the differences of P pairs: sqrt(sum(d^2) / (2 P)) (Bland & Altman 1996)."""
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    if d.size == 0:
        return math.nan
    return float(np.sqrt(np.sum(d**2) / (2 * d.size)))


def split_halves(values: list[float]) -> dict[str, tuple[list[float], list[float]]]:
    """The two splits of a clip's step values (time order): first/second half, odd/even strides."""
    n = len(values)
    half = n // 2
    odd = [v for i, v in enumerate(values) if (i // 2) % 2 == 1]
    even = [v for i, v in enumerate(values) if (i // 2) % 2 == 0]
    return {"first_second": (values[:half], values[n - half:]), "odd_even_strides": (even, odd)}


@dataclass(frozen=True)
class SplitPair:
    """One split of one clip for one metric."""

    clip: str
    split: str
    key: str
    mean_a: float
    mean_b: float
    n_a: int
    n_b: int
    sd_steps: float  # step-to-step SD over the whole clip

    @property
    def difference(self) -> float:
        return self.mean_a - self.mean_b

    @property
    def expected_difference_sd(self) -> float:
        """SD of the difference if steps were independent: sqrt(SD^2 / n_a + SD^2 / n_b)."""
        return self.sd_steps * math.sqrt(1 / self.n_a + 1 / self.n_b) if self.n_a and self.n_b else math.nan


def _values(steps: list[StepMetrics], key: str) -> list[float]:
    rows = sorted((s for s in steps if not s.low_confidence), key=lambda s: s.ic_time_s)
    return [float(getattr(s, key)) for s in rows if getattr(s, key) is not None]


def _cadence_values(steps: list[StepMetrics]) -> list[float]:
    """Step times turned into cadence by halves (cadence = 60 / mean step time, METRICS.md)."""
    return _values(steps, "step_time_s")


def clip_pairs(clip: str, steps: list[StepMetrics], *, min_per_half: int = 3) -> list[SplitPair]:
    """Every metric's split pairs for one clip (halves with fewer than `min_per_half` steps are skipped)."""
    out = []
    for key in SWEEP_METRICS:
        values = _cadence_values(steps) if key == "cadence_spm" else _values(steps, key)
        if len(values) < 2 * min_per_half:
            continue
        sd = float(np.std(values, ddof=1))
        if key == "cadence_spm":  # step-time SD carried through cadence = 60 / T
            sd *= 60.0 / float(np.mean(values)) ** 2
        for split, (a, b) in split_halves(values).items():
            if len(a) < min_per_half or len(b) < min_per_half:
                continue
            ma, mb = float(np.mean(a)), float(np.mean(b))
            if key == "cadence_spm":  # means of step times -> cadences
                ma, mb = 60.0 / ma, 60.0 / mb
            out.append(SplitPair(clip, split, key, ma, mb, len(a), len(b), sd))
    return out


@dataclass(frozen=True)
class MetricReliability:
    """SEM and SDD of one metric: per clip and pooled over clips (module docstring)."""

    key: str
    pairs: int
    sem_half: float  # SEM of a half-clip mean
    sem: float  # SEM of a whole-clip mean
    sdd: float  # between two whole-clip means
    inflation: float  # measured / independent-steps prediction of the half-difference SD
    per_clip: dict[str, tuple[float, float]] = field(default_factory=dict)  # clip -> (SEM, SDD) of a whole clip
    steps_per_clip: dict[str, int] = field(default_factory=dict)


def reliability_from_pairs(pairs: list[SplitPair]) -> dict[str, MetricReliability]:
    """Pool split pairs into each metric's SEM, SDD and inflation (module docstring)."""
    out = {}
    for key in dict.fromkeys(p.key for p in pairs):
        mine = [p for p in pairs if p.key == key]
        sem_half = sem_from_pairs([p.difference for p in mine])
        predicted = sem_from_pairs([p.expected_difference_sd for p in mine])  # rms of the predictions / sqrt 2
        per_clip = {}
        steps = {}
        for clip in dict.fromkeys(p.clip for p in mine):
            c = [p for p in mine if p.clip == clip]
            sem_c = sem_from_pairs([p.difference for p in c]) / math.sqrt(2)
            per_clip[clip] = (sem_c, sdd_from_sem(sem_c))
            steps[clip] = c[0].n_a + c[0].n_b
        sem = sem_half / math.sqrt(2)
        out[key] = MetricReliability(key=key, pairs=len(mine), sem_half=sem_half, sem=sem, sdd=sdd_from_sem(sem),
                                     inflation=sem_half / predicted if predicted > 0 else math.nan,
                                     per_clip=per_clip, steps_per_clip=steps)
    return out


def reliability(data: Path, cache: PoseRunCache, *, config: Config | None = None
                ) -> tuple[dict[str, MetricReliability], list[SplitPair]]:
    """The study on every annotated clip under `data` (slow-motion clips at their annotated capture rate)."""
    from ..pipeline import analyze_track

    config = config or Config()
    pairs: list[SplitPair] = []
    for f in sorted((data / "annotations").glob("*.events.json")):
        ann = load_annotation(f)
        fps = ann.fps * float(ann.slowmo_factor_estimate) if ann.cadence_is_file_time and \
            ann.slowmo_factor_estimate else None
        pose = cache.pose(data / "videos" / ann.clip, fps_override=fps)
        a = analyze_track(pose.track, video=pose.video, config=config, camera_shift_pct=pose.camera_shift_pct,
                          other_people_fraction=pose.other_people_fraction)
        pairs += clip_pairs(ann.clip, a.steps)
    return reliability_from_pairs(pairs), pairs
