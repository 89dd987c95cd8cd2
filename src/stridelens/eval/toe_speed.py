"""How fast a toe still moves back after toe-off, and how fast the hip and knee turn around it, in marker
data with force-plate events and in the synthetic runner.

A TO found from the toe's speed (`gait.events`) comes late when the toe keeps moving back after it leaves
the belt. The synthetic runner's toe does (by this measure 0.72, 0.47, 0.22 x its stance speed 17, 33, 50 ms
after lift-off, docs/accuracy.md); this measures the same ratios on the Hamner & Delp treadmill trials, to tell
a property of the generator from one of running. A late TO costs "hip extension at TO" as much as the thigh
turns in that time, so the hip-extension and knee-flexion changes around TO are measured too, from the
inverse-kinematics angles and from the generator's noise-free keypoints at its true TO:

    python -m stridelens.eval.toe_speed [--data ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ..sources.mot import read_opensim_table
from ..sources.reference import complete_stances, read_reference_csv

__all__ = ["angle_change_around_to", "speed_ratios_after_to", "synthetic_angle_changes"]

AFTER_TO_S = (0.0, 0.017, 0.033, 0.050)  # one 60 fps frame apart, as the generator's figures
AROUND_TO_S = (-0.067, -0.033, -0.017, 0.0, 0.017, 0.033, 0.067)  # 60 fps frames (2 = a TO 2 frames late)


def speed_ratios_after_to(time_s: np.ndarray, toe_x_m: np.ndarray, stances_s: list[tuple[float, float]],
                          after_s: tuple[float, ...] = AFTER_TO_S) -> np.ndarray:
    """(stances, len(after_s)): the toe's forward velocity at TO + each `after_s`, over its stance velocity.

    The stance velocity is the median over the middle of the stance (30-60 % of IC -> TO), where the toe is
    flat on the belt. 1 = still moving back at belt speed, 0 = stopped; stances not wholly inside the data
    are left out.
    """
    velocity = np.gradient(toe_x_m, time_s)
    rows = []
    for ic, to in stances_s:
        if ic < time_s[0] or to + max(after_s) > time_s[-1]:
            continue
        middle = (time_s > ic + 0.3 * (to - ic)) & (time_s < ic + 0.6 * (to - ic))
        stance_v = float(np.median(velocity[middle]))
        rows.append([float(np.interp(to + dt, time_s, velocity)) / stance_v for dt in after_s])
    return np.array(rows).reshape(-1, len(after_s))


def angle_change_around_to(time_s: np.ndarray, angle_deg: np.ndarray, to_s: list[float],
                           around_s: tuple[float, ...] = AROUND_TO_S) -> np.ndarray:
    """(stances, len(around_s)): the angle at TO + each offset minus the angle at TO (linear interpolation);
    TOs whose window is not wholly inside the data are left out."""
    rows = [np.interp(np.add(to, around_s), time_s, angle_deg) - np.interp(to, time_s, angle_deg)
            for to in to_s if to + min(around_s) >= time_s[0] and to + max(around_s) <= time_s[-1]]
    return np.array(rows).reshape(-1, len(around_s))


def synthetic_angle_changes(fps: float = 60.0, seeds: tuple[int, ...] = (0, 1)) -> dict[str, np.ndarray]:
    """Hip extension (thigh behind the trunk line, METRICS.md) and knee flexion changes around the true TO of
    the sweep's three noise-free presets at `fps`: {"hip_extension_deg": (stances, offsets), "knee_flexion_deg":
    ...}."""
    from ..metrics.body import extension_behind_deg, flexion_deg
    from ..synthetic import hips_back_runner, hips_forward_runner, make_runner, neutral_runner

    hip_rows, knee_rows = [], []
    for preset in (neutral_runner, hips_back_runner, hips_forward_runner):
        for seed in seeds:
            spec = preset(fps=fps, seed=seed)
            track, truth = make_runner(spec)
            xy = track.xy * np.array([spec.facing, -1.0])  # runner axes: x forward, y up
            body = track.with_xy(xy)
            time_s = body.time_s
            hip, shoulder = body.mid("left_hip", "right_hip"), body.mid("left_shoulder", "right_shoulder")
            for side in "LR":
                to_s = [float(time_s[to]) for s, _ic, to in truth.contacts if s == side]
                knee, ankle = body.side_point(side, "knee"), body.side_point(side, "ankle")
                hip_rows.append(angle_change_around_to(time_s, extension_behind_deg(hip, shoulder, knee), to_s))
                knee_rows.append(angle_change_around_to(time_s, flexion_deg(body.side_point(side, "hip"), knee,
                                                                            ankle), to_s))
    return {"hip_extension_deg": np.concatenate(hip_rows), "knee_flexion_deg": np.concatenate(knee_rows)}


def _cells(rows: np.ndarray) -> str:
    return ", ".join(f"{v:+.1f}" for v in np.median(rows, 0))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args(argv)
    folder = args.data / "groundtruth" / "hamner2013_subject01"
    angles: dict[str, dict[str, np.ndarray]] = {}
    print("trial      stances  toe speed / stance speed at TO + " + ", ".join(f"{1000 * t:.0f}" for t in AFTER_TO_S)
          + " ms (median [min, max])")
    for path in sorted(folder.glob("Run_*_IK.mot")):
        table = read_opensim_table(path)
        reference = read_reference_csv(folder / "grf_events_thr50N.csv", trial_of=path.stem)
        stances = complete_stances(reference, float(table.time_s[0]), float(table.time_s[-1]))
        ratios = np.concatenate([speed_ratios_after_to(table.time_s, table.column(f"{side}TOE_tx"),
                                                       [(ic, to) for s, ic, to in stances if s == side])
                                 for side in "LR"])
        cells = [f"{np.median(c):.2f} [{c.min():.2f}, {c.max():.2f}]" for c in ratios.T]
        print(f"{path.stem.removesuffix('_IK'):10s} {len(ratios):7d}  " + "; ".join(cells))
        # OpenSim: hip_flexion positive in flexion, knee_angle negative in flexion; both negated
        angles[path.stem.removesuffix("_IK")] = {
            key: np.concatenate([angle_change_around_to(table.time_s, -table.column(f"{column}_{side.lower()}"),
                                                        [to for s, _ic, to in stances if s == side])
                                 for side in "LR"])
            for key, column in (("hip_extension_deg", "hip_flexion"), ("knee_flexion_deg", "knee_angle"))}
    angles["synthetic, 60 fps"] = synthetic_angle_changes()
    print("\nangle at TO + " + ", ".join(f"{1000 * t:.0f}" for t in AROUND_TO_S)
          + " ms minus the angle at TO, deg (median over stances)")
    for name, by_angle in angles.items():
        for key, rows in by_angle.items():
            print(f"{name:18s} {key:18s} n={len(rows):3d}  {_cells(rows)}")


if __name__ == "__main__":
    main()
