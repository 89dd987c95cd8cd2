"""`python -m stridelens.eval sweep|reliability`: run the stress sweep or the reliability study, write
JSON figures, PNG plots, a Markdown section for docs/accuracy.md and (sweep --write-table) the
expected-error tables of `metrics.uncertainty`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .docs import add_docs_option, publish
from .posecache import PoseRunCache, default_cache_dir
from .reliability import MetricReliability, reliability
from .sweep import SWEEP_METRICS, ConditionSummary, SweepGrid, run_table, sweep
from .sweep_real import RealResult, default_real_conditions, run_real_sweep

__all__ = ["main", "markdown_real", "markdown_reliability", "markdown_reliable_when",
           "markdown_synthetic", "markdown_synthetic_metrics"]

ROOT = Path(__file__).resolve().parents[3]
TABLE_FPS = (25.0, 30.0, 50.0, 60.0, 120.0, 240.0)
TABLE_NOISE_PX = (0.0, 2.0, 4.0, 6.0, 9.0)  # at leg ~240 px: 0, 0.8, 1.7, 2.5, 3.7 % leg
TYPICAL_NOISE_PCT = 1.6  # the real clips' measured keypoint noise (1.1-1.8 % leg at full size)
_SHOW = ("trunk_lean_deg", "waist_bend_deg", "hip_offset_pct", "foot_ahead_com_pct", "knee_flexion_mid_deg",
         "shank_angle_ic_deg", "foot_strike_angle_deg", "hip_extension_to_deg", "vertical_oscillation_pct")
_ABBR = {"trunk_lean_deg": "trunk", "waist_bend_deg": "waist", "hip_offset_pct": "hip off.",
         "foot_ahead_com_pct": "foot-COM", "knee_flexion_mid_deg": "knee mid", "shank_angle_ic_deg": "shank IC",
         "foot_strike_angle_deg": "strike", "hip_extension_to_deg": "hip ext.", "vertical_oscillation_pct": "VO",
         "contact_time_ms": "contact", "cadence_spm": "cadence"}


def _f(x: float, fmt: str = ".2f") -> str:
    return "–" if x is None or not math.isfinite(x) else format(x, fmt)


def markdown_synthetic(rows: list[ConditionSummary]) -> str:
    head = ("| factor | level | ICs found | spurious | IC p95 ms | TO median fr | cadence spm | contact ms | "
            + " | ".join(_ABBR[k] for k in _SHOW) + " |\n|" + "---|" * (8 + len(_SHOW)) + "\n")
    body = []
    for r in rows:
        body.append(f"| {r.factor} | {r.level} | {r.recall:.0%} | {r.spurious_fraction:.0%} | "
                    f"{_f(r.ic_error_p95_abs_ms, '.0f')} | {_f(r.to_error_median_frames, '+.0f')} | "
                    f"{_f(r.cadence_rmse_spm)} | {_f(r.rmse['contact_time_ms'], '.0f')} | "
                    + " | ".join(_f(r.rmse[k], ".1f") for k in _SHOW) + " |")
    return head + "\n".join(body) + "\n"


def markdown_synthetic_metrics(s: ConditionSummary) -> str:
    """One condition's events and its error in every METRICS.md metric (clip mean and per step)."""
    from ..metrics.uncertainty import METRIC_UNITS

    text = (f"{s.runs} runners ({s.failed} refused) at {s.fps:g} fps: ICs found {s.recall:.0%}, spurious "
            f"{s.spurious_fraction:.0%}, IC error median {_f(s.ic_error_median_frames, '+.0f')} frames (p95 "
            f"{_f(s.ic_error_p95_abs_frames, '.1f')} frames, {_f(s.ic_error_p95_abs_ms, '.0f')} ms), TO error median "
            f"{_f(s.to_error_median_frames, '+.0f')} frames (p95 {_f(s.to_error_p95_abs_frames, '.1f')} frames, "
            f"{_f(s.to_error_p95_abs_ms, '.0f')} ms), cadence RMS {_f(s.cadence_rmse_spm)} steps/min, feet named "
            f"right {_f(s.sides_right * 100, '.0f')} %, foot-strike class agrees "
            f"{_f(s.strike_agreement * 100, '.0f')} %.\n\n"
            "| metric | unit | bias (median of clip-mean errors) | RMS error of the clip mean | RMS error per step |\n"
            "|---|---|---|---|---|\n")

    def g(x: float, fmt: str) -> str:  # 3 significant digits, float dust (1e-17) read as 0
        return _f(round(x, 9) + 0.0 if math.isfinite(x) else x, fmt)

    rows = [f"| {k} | {METRIC_UNITS.get(k, '')} | {g(s.bias[k], '+.3g')} | {g(s.rmse[k], '.3g')} | "
            f"{g(s.step_rmse[k], '.3g')} |" for k in SWEEP_METRICS]
    return text + "\n".join(rows) + "\n"


def _group_real(results: list[RealResult]) -> list[tuple[str, list[RealResult]]]:
    groups: dict[str, list[RealResult]] = defaultdict(list)
    for r in results:
        c = r.condition
        key = f"{c.clip.split('_')[0]} {c.transform.label}" + (f" @ {r.capture_fps:.0f} fps ({c.decimate} phases)"
                                                                 if c.decimate > 1 else "")
        groups[key].append(r)
    return list(groups.items())


def _rms(x: list[float]) -> float:
    a = np.asarray([v for v in x if v is not None and math.isfinite(v)], dtype=float)
    return float(np.sqrt(np.mean(a**2))) if a.size else math.nan


def markdown_real(results: list[RealResult]) -> str:
    keys = ("contact_time_ms", "trunk_lean_deg", "hip_offset_pct", "foot_ahead_com_pct", "knee_flexion_mid_deg",
            "shank_angle_ic_deg", "foot_strike_angle_deg")
    head = ("| clip, condition | fps | leg px | noise % leg | tilt seen | ICs found ≤2 fr | spurious | IC error median "
            "(p95) ms | contact time error ms | cadence error | "
            + " | ".join(f"Δ {_ABBR[k]}" for k in keys) + " |\n|" + "---|" * (10 + len(keys)) + "\n")
    body = []
    for name, rs in _group_real(results):
        ok = [r for r in rs if r.failed is None]
        if not ok:
            body.append(f"| {name} | refused: {rs[0].failed} |")
            continue
        ic = [e for r in ok for e in r.ic_errors_ms]
        ct = [float(np.mean(r.contact_time_errors_ms)) for r in ok if r.contact_time_errors_ms]
        found, ann = sum(r.found for r in ok), sum(r.annotated for r in ok)
        body.append(
            f"| {name} | {ok[0].capture_fps:.0f} | {np.median([r.leg_length_px for r in ok]):.0f} | "
            f"{np.median([r.noise_pct for r in ok]):.2f} | {np.median([r.camera_tilt_deg for r in ok]):+.1f}° | "
            f"{found}/{ann} | {sum(r.spurious for r in ok)} | "
            f"{np.median(ic):+.0f} ({np.percentile(np.abs(ic), 95):.0f}) | "
            f"{_f(_rms(ct), '.0f') if len(ok) > 1 else _f(ct[0] if ct else math.nan, '+.0f')} | "
            f"{_f(_rms([r.cadence_error_spm for r in ok]), '.2f')} | "
            + " | ".join(_f(_rms([r.changes.get(k, math.nan) for r in ok]) if len(ok) > 1 else
                            ok[0].changes.get(k, math.nan), ".1f" if len(ok) > 1 else "+.1f") for k in keys) + " |")
    note = ("\nΔ: change of the clip mean from the same clip's unchanged analysis (RMS over the thinned clips "
            "where there are several); contact time error and cadence error are against the hand annotation "
            "(RMS over thinned clips).\n")
    return head + "\n".join(body) + "\n" + note


def markdown_reliability(rel: dict[str, MetricReliability]) -> str:
    from ..metrics.uncertainty import METRIC_UNITS

    clips = sorted({c for r in rel.values() for c in r.per_clip})
    head = ("| metric | unit | " + " | ".join(f"{c.split('_')[0]}: steps, SEM, SDD" for c in clips)
            + " | pooled SEM | pooled SDD | measured / independent-steps SEM |\n|" + "---|" * (5 + len(clips)) + "\n")
    body = []
    for key, r in rel.items():
        cells = []
        for c in clips:
            if c in r.per_clip:
                sem, sdd = r.per_clip[c]
                cells.append(f"{r.steps_per_clip[c]}, {sem:.3g}, **{sdd:.3g}**")
            else:
                cells.append("–")
        body.append(f"| {key} | {METRIC_UNITS.get(key, '')} | " + " | ".join(cells)
                    + f" | {r.sem:.3g} | {r.sdd:.3g} | {r.inflation:.2f} |")
    return head + "\n".join(body) + "\n"


def _min_fps(key: str, noise: float) -> str:
    from ..metrics.uncertainty import TOLERANCE, Conditions, expected_error

    tol = TOLERANCE[key]
    ok = [f for f in TABLE_FPS if (expected_error(key, Conditions(f, noise, 250.0, 0.85)) or math.inf) <= tol]
    if not ok:
        return "not at any tested rate (≤ 240)"
    low = min(ok)
    return "any (≥ 25)" if low == TABLE_FPS[0] else f"≥ {low:.0f} fps"


def _max_noise(key: str, fps: float) -> str:
    from ..metrics.uncertainty import TOLERANCE, Conditions, expected_error

    tol = TOLERANCE[key]
    ok = [n for n in np.arange(0.0, 4.01, 0.2) if (expected_error(key, Conditions(fps, float(n), 250.0, 0.85))
                                                   or math.inf) <= tol]
    if not ok:
        return "never"
    return f"≤ {max(ok):.1f} %" if max(ok) < 4.0 else "≤ 4 % (all tested)"


def _min_leg(key: str, real: list[RealResult], tol: float) -> str:
    rows = sorted([r for r in real if r.failed is None and r.condition.clip.startswith("zzzhushi")
                   and r.condition.factor in ("original", "resolution")], key=lambda r: -r.leg_length_px)
    good = None
    for r in rows:
        if abs(r.changes.get(key, 0.0)) <= tol:
            good = r.leg_length_px
        else:
            break
    return f"≥ {good:.0f} px" if good is not None else "–"


def _tilt_limit(key: str, real: list[RealResult], tol: float) -> str:
    rows = [r for r in real if r.failed is None and r.condition.factor == "tilt"]
    sens = [abs(r.changes.get(key, 0.0)) / abs(r.condition.transform.rotate_deg) for r in rows]
    if not sens or max(sens) == 0:
        return "–"
    limit = tol / max(sens)
    return f"±{limit:.1f}°" if limit < 5 else "±5° (all tested)"


def markdown_reliable_when(real: list[RealResult]) -> str:
    from ..metrics.uncertainty import TOLERANCE, Conditions, expected_error

    head = (f"| metric | reliable = expected error ≤ | frame rate (noise {TYPICAL_NOISE_PCT} % leg) | keypoint noise "
            f"at 60 fps | leg in the picture (real, down-scaled) | camera level within (real, rotated) | "
            f"expected error at 30 / 60 / 120 fps |\n|---|---|---|---|---|---|---|\n")
    body = []
    for key, tol in TOLERANCE.items():
        errs = " / ".join(_f(expected_error(key, Conditions(f, TYPICAL_NOISE_PCT, 250.0, 0.85)) or math.nan, ".3g")
                          for f in (30.0, 60.0, 120.0))
        body.append(f"| {key} | {tol:g} | {_min_fps(key, TYPICAL_NOISE_PCT)} | {_max_noise(key, 60.0)} | "
                    f"{_min_leg(key, real, tol)} | {_tilt_limit(key, real, tol)} | {errs} |")
    return head + "\n".join(body) + "\n"


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data"), help="the shared data folder")
    p.add_argument("--cache", default=str(default_cache_dir()), help="cache of pose passes ('' for none)")
    p.add_argument("--markdown", default=None, help="write the Markdown section to this file")
    add_docs_option(p, "for full runs only")


def _run_sweep(args: argparse.Namespace) -> int:
    t0 = time.time()
    log = (lambda s: print(f"[{time.time() - t0:5.0f} s] {s}", file=sys.stderr)) if not args.quiet else None
    grid = SweepGrid(seeds=args.seeds) if not args.quick else SweepGrid(
        seeds=2, duration_s=6.0, factors={"noise_px": (0.0, 3.0), "fps": (60.0, 30.0), "setting": ("overground",)})
    synthetic = sweep(grid, progress=log)
    table_cells = run_table(TABLE_FPS if not args.quick else (30.0, 60.0),
                            TABLE_NOISE_PX if not args.quick else (0.0, 4.0),
                            seeds=args.seeds if not args.quick else 2, progress=log)
    real: list[RealResult] = []
    data = Path(args.data)
    if not args.no_real and (data / "annotations").is_dir():
        cache = PoseRunCache(Path(args.cache) if args.cache else None)
        real = run_real_sweep(default_real_conditions(quick=args.quick), data, cache, progress=log)
    out: dict[str, Any] = {"synthetic": [asdict(s) for s in synthetic], "table": [asdict(s) for s in table_cells],
                           "real": [{**asdict(r), "condition": {"factor": r.condition.factor, "clip": r.condition.clip,
                                                               "transform": r.condition.transform.label,
                                                               "decimate": r.condition.decimate,
                                                               "phase": r.condition.phase}} for r in real]}
    Path(args.out).write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")
    if args.write_table:
        _write_table(table_cells, real, data, args)
    if args.plots:
        from .plots import plot_real, plot_synthetic_factors, plot_uncertainty_model

        plot_synthetic_factors(synthetic, Path(args.plots))
        plot_real(real, Path(args.plots))
        plot_uncertainty_model(Path(args.plots))
    blocks = {"sweep-synthetic": markdown_synthetic(synthetic)}
    if real:
        blocks.update({"sweep-real": markdown_real(real), "sweep-reliable-when": markdown_reliable_when(real)})
    text = "#### Synthetic runners\n\n" + blocks["sweep-synthetic"]
    if real:
        text += ("\n#### Real clips\n\n" + blocks["sweep-real"] + "\n#### Reliable when\n\n"
                 + blocks["sweep-reliable-when"])
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    print(text)
    return publish(args.docs, blocks, full_run=not args.quick and args.seeds == 6, figures=args.out)


def _write_table(cells: list[ConditionSummary], real: list[RealResult], data: Path, args: argparse.Namespace) -> None:
    from ..metrics import _uncertainty_table, uncertainty
    from .fit import fit_noise_model, real_tables, synthetic_table, write_table_module

    fps, noise, clip = synthetic_table(cells)
    real_fps, timing, floor = real_tables(real) if real else ((25.0, 60.0), {}, {})
    rel = reliability(data, PoseRunCache(Path(args.cache) if args.cache else None))[0] if real else {}
    provenance = (f"Synthetic: {len(cells)} cells (fps {', '.join(f'{f:g}' for f in fps)} x noise\n"
                  f"{', '.join(f'{n:g}' for n in noise)} % leg), {args.seeds} runners each, 2 % dropouts and swaps.\n"
                  f"Real: {len(real)} conditions of the two annotated clips (eval/sweep_real.py).")
    path = Path(_uncertainty_table.__file__)
    write_table_module(path, fps=fps, noise=noise, clip_rmse={k: clip[k] for k in SWEEP_METRICS}, real_fps=real_fps,
                       real_timing=timing, real_floor=floor, noise_model=fit_noise_model(real), reliability=rel,
                       provenance=provenance)
    importlib.reload(_uncertainty_table)
    importlib.reload(uncertainty)
    print(f"wrote {path}", file=sys.stderr)


def _run_reliability(args: argparse.Namespace) -> int:
    rel, pairs = reliability(Path(args.data), PoseRunCache(Path(args.cache) if args.cache else None))
    Path(args.out).write_text(json.dumps({"metrics": {k: asdict(v) for k, v in rel.items()},
                                          "pairs": [asdict(p) for p in pairs]}, indent=1), encoding="utf-8")
    text = markdown_reliability(rel)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    print(text)
    return publish(args.docs, {"reliability": text}, full_run=True, figures=args.out)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m stridelens.eval", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sweep", help="stress sweep: synthetic runners and changed real clips")
    _common(s)
    s.add_argument("--out", default="sweep-results.json", help="JSON file of the figures")
    s.add_argument("--plots", default=None, help="folder for the PNG plots (e.g. docs/accuracy)")
    s.add_argument("--write-table", action="store_true", help="rewrite metrics/_uncertainty_table.py")
    s.add_argument("--seeds", type=int, default=6, help="synthetic runners per condition")
    s.add_argument("--quick", action="store_true", help="a small grid (seconds; for tests)")
    s.add_argument("--no-real", action="store_true", help="synthetic runners only (no pose model)")
    s.add_argument("--quiet", action="store_true")
    r = sub.add_parser("reliability", help="SEM and SDD of every metric from split halves of the real clips")
    _common(r)
    r.add_argument("--out", default="reliability-results.json", help="JSON file of the figures")
    args = p.parse_args(argv)
    return _run_sweep(args) if args.command == "sweep" else _run_reliability(args)
