"""Plots of the stress sweep (matplotlib, Agg backend, PNG) for docs/accuracy.md."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from .sweep import ConditionSummary
from .sweep_real import RealResult

__all__ = ["plot_real", "plot_synthetic_factors", "plot_uncertainty_model"]

ANGLES = ("trunk_lean_deg", "waist_bend_deg", "body_lean_deg", "knee_flexion_mid_deg", "shank_angle_ic_deg",
          "foot_strike_angle_deg", "hip_extension_to_deg")
LENGTHS = ("hip_offset_pct", "hip_com_offset_pct", "foot_ahead_com_pct", "vertical_oscillation_pct")
_FACTOR_AXIS = {"noise_px": "keypoint noise SD (px, leg ≈ 240 px)", "dropout_fraction": "missing keypoints (fraction)",
                "swap_fraction": "frames with left/right swapped (fraction)", "fps": "frame rate (frames/s)",
                "camera_tilt_deg": "camera tilt (deg)"}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_synthetic_factors(summaries: list[ConditionSummary], out_dir: Path) -> list[Path]:
    """One PNG per numeric factor: events, cadence and contact time, angle and length errors."""
    plt = _plt()
    out_dir.mkdir(parents=True, exist_ok=True)
    by_factor: dict[str, list[ConditionSummary]] = defaultdict(list)
    for s in summaries:
        by_factor[s.factor].append(s)
    paths = []
    for factor, rows in by_factor.items():
        if factor not in _FACTOR_AXIS:
            continue
        rows = sorted(rows, key=lambda r: float(r.level))
        x = np.array([float(r.level) for r in rows])
        fig, ax = plt.subplots(1, 4, figsize=(17, 3.6))
        ax[0].plot(x, [r.ic_error_p95_abs_ms for r in rows], "o-", label="IC |error| p95 (ms)")
        ax[0].plot(x, [r.to_error_p95_abs_ms for r in rows], "s--", label="TO |error| p95 (ms)")
        ax0b = ax[0].twinx()
        ax0b.plot(x, [100 * r.recall for r in rows], "k^:", label="ICs found (%)")
        ax0b.plot(x, [100 * r.spurious_fraction for r in rows], "rv:", label="spurious (%)")
        ax0b.set_ylim(0, 105)
        ax[0].set_title("events")
        h1, l1 = ax[0].get_legend_handles_labels()
        h2, l2 = ax0b.get_legend_handles_labels()
        ax[0].legend(h1 + h2, l1 + l2, fontsize=7, loc="center left")
        ax[1].plot(x, [r.cadence_rmse_spm for r in rows], "o-", label="cadence (steps/min)")
        ax1b = ax[1].twinx()
        ax1b.plot(x, [r.rmse["contact_time_ms"] for r in rows], "s--", color="C1", label="contact time (ms)")
        ax[1].set_title("RMS error of the clip mean: timing")
        h1, l1 = ax[1].get_legend_handles_labels()
        h2, l2 = ax1b.get_legend_handles_labels()
        ax[1].legend(h1 + h2, l1 + l2, fontsize=7)
        for i, k in enumerate(ANGLES):
            ax[2].plot(x, [r.rmse[k] for r in rows], "o-", ms=3, color=f"C{i}", label=k.removesuffix("_deg"))
        ax[2].axhline(2.0, color="grey", lw=0.8, ls=":")
        ax[2].set_title("angles (deg); target 2")
        ax[2].legend(fontsize=6)
        for i, k in enumerate(LENGTHS):
            ax[3].plot(x, [r.rmse[k] for r in rows], "o-", ms=3, color=f"C{i}", label=k.removesuffix("_pct"))
        ax[3].axhline(2.0, color="grey", lw=0.8, ls=":")
        ax[3].set_title("lengths (% leg); hip offset target 2")
        ax[3].legend(fontsize=6)
        for a in ax:
            a.set_xlabel(_FACTOR_AXIS[factor])
            a.grid(alpha=0.3)
        if factor == "fps":
            for a in ax:
                a.set_xscale("log")
                a.set_xticks([25, 30, 50, 60, 120, 240], ["25", "30", "50", "60", "120", "240"])
                a.minorticks_off()
        fig.suptitle(f"Synthetic runners: {_FACTOR_AXIS[factor]} (others at the base condition)", fontsize=10)
        fig.tight_layout()
        path = out_dir / f"sweep_{factor}.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        paths.append(path)
    return paths


def _rms(x: list[float]) -> float:
    a = np.asarray([v for v in x if math.isfinite(v)], dtype=float)
    return float(np.sqrt(np.mean(a**2))) if a.size else math.nan


def plot_real(results: list[RealResult], out_dir: Path) -> list[Path]:
    """Real clips: metric change against the runner's size in pixels, and timing errors against frame rate."""
    plt = _plt()
    out_dir.mkdir(parents=True, exist_ok=True)
    ok = [r for r in results if r.failed is None]
    paths = []
    res = sorted([r for r in ok if r.condition.clip.startswith("zzzhushi") and r.condition.factor in
                  ("original", "resolution")], key=lambda r: r.leg_length_px)
    if res:
        fig, ax = plt.subplots(1, 2, figsize=(11, 3.6))
        x = [r.leg_length_px for r in res]
        for i, k in enumerate(ANGLES):
            ax[0].plot(x, [abs(r.changes.get(k, math.nan)) for r in res], "o-", ms=3, color=f"C{i}",
                       label=k.removesuffix("_deg"))
        ax[0].axhline(2.0, color="grey", lw=0.8, ls=":")
        ax[0].set_title("|change| of angle means (deg)")
        ax[0].legend(fontsize=6)
        for i, k in enumerate(LENGTHS):
            ax[1].plot(x, [abs(r.changes.get(k, math.nan)) for r in res], "o-", ms=3, color=f"C{i}",
                       label=k.removesuffix("_pct"))
        ax[1].plot(x, [r.noise_pct for r in res], "k^--", label="keypoint noise (% leg)")
        ax[1].set_title("|change| of length means (% leg); noise")
        ax[1].legend(fontsize=6)
        for a in ax:
            a.set_xscale("log")
            a.set_xticks([30, 50, 100, 200, 300], ["30", "50", "100", "200", "300"])
            a.minorticks_off()
            a.set_xlabel("leg length in the picture the pose model saw (px)")
            a.grid(alpha=0.3)
        fig.suptitle("Real 30 fps clip down-scaled (change from the full-size analysis)", fontsize=10)
        fig.tight_layout()
        path = out_dir / "real_resolution.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        paths.append(path)
    slow = [r for r in ok if r.condition.clip.startswith("mhuang24") and r.condition.factor in ("original", "fps")]
    if slow:
        by_fps: dict[float, list[RealResult]] = defaultdict(list)
        for r in slow:
            by_fps[round(r.capture_fps, 1)].append(r)
        f = sorted(by_fps)
        fig, ax = plt.subplots(1, 3, figsize=(15, 3.6))
        ax[0].plot(f, [_rms([float(np.mean(r.contact_time_errors_ms)) for r in by_fps[v] if r.contact_time_errors_ms])
                       for v in f], "o-", label="contact time (ms), vs annotation")
        ax[0].plot(f, [float(np.median([e for r in by_fps[v] for e in r.ic_errors_ms])) for v in f], "s--",
                   label="IC error median (ms)")
        ax[0].plot(f, [float(np.median([e for r in by_fps[v] for e in r.to_errors_ms])) for v in f], "v--",
                   label="TO error median (ms)")
        ax[0].axhline(0, color="grey", lw=0.8)
        ax[0].set_title("events (RMS over thinned clips)")
        ax[0].legend(fontsize=7)
        ax[1].plot(f, [100 * np.mean([r.recall for r in by_fps[v]]) for v in f], "o-", label="ICs found (%)")
        ax[1].plot(f, [_rms([r.cadence_error_spm for r in by_fps[v]]) for v in f], "s--",
                   label="cadence RMS error (steps/min)")
        ax[1].set_title("detection and cadence (9 stances, 3.2 s)")
        ax[1].legend(fontsize=7)
        for i, k in enumerate(("foot_ahead_com_pct", "shank_angle_ic_deg", "foot_strike_angle_deg",
                               "knee_flexion_mid_deg", "trunk_lean_deg", "hip_offset_pct")):
            ax[2].plot(f, [_rms([r.changes.get(k, math.nan) for r in by_fps[v]]) for v in f], "o-", ms=3,
                       color=f"C{i}", label=k)
        ax[2].set_title("RMS change from the full-rate analysis")
        ax[2].legend(fontsize=6)
        for a in ax:
            a.set_xscale("log")
            a.set_xticks([25, 30, 50, 60, 100, 150, 300], ["25", "30", "50", "60", "100", "150", "300"])
            a.minorticks_off()
            a.set_xlabel("frame rate (frames/s)")
            a.grid(alpha=0.3)
        fig.suptitle("Real slow-motion clip (299.7 frames/s) thinned to lower frame rates, every sampling phase",
                     fontsize=10)
        fig.tight_layout()
        path = out_dir / "real_fps.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        paths.append(path)
    return paths


def plot_uncertainty_model(out_dir: Path, keys: tuple[str, ...] = ("contact_time_ms", "cadence_spm", "trunk_lean_deg",
                                                                  "hip_offset_pct", "foot_ahead_com_pct",
                                                                  "knee_flexion_mid_deg")) -> Path:
    """The product's expected error against frame rate at three noise levels (`metrics.uncertainty`)."""
    from ..metrics.uncertainty import TOLERANCE, Conditions, expected_error

    plt = _plt()
    out_dir.mkdir(parents=True, exist_ok=True)
    fps = np.geomspace(24, 240, 40)
    fig, ax = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3.2))
    for a, key in zip(ax, keys, strict=True):
        for noise, style in ((0.8, ":"), (1.6, "-"), (3.2, "--")):
            e = [expected_error(key, Conditions(float(f), noise, 250.0, 0.85)) for f in fps]
            a.plot(fps, e, style, label=f"noise {noise} % leg")
        a.axhline(TOLERANCE[key], color="grey", lw=0.8, ls=":")
        a.set_xscale("log")
        a.set_xticks([25, 30, 60, 120, 240], ["25", "30", "60", "120", "240"])
        a.minorticks_off()
        a.set_title(key, fontsize=9)
        a.set_xlabel("frames/s")
        a.grid(alpha=0.3)
    ax[0].legend(fontsize=7)
    fig.suptitle("Expected error of the clip mean shown in the report (grey: 'reliable' limit)", fontsize=10)
    fig.tight_layout()
    path = out_dir / "uncertainty_model.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
