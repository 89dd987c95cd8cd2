"""How fast a toe still moves back after toe-off, in marker data with force-plate events.

A TO found from the toe's speed (`gait.events`) comes late when the toe keeps moving back after it leaves
the belt. The synthetic runner's toe does (by this measure 0.72, 0.47, 0.22 x its stance speed 17, 33, 50 ms
after lift-off, docs/accuracy.md); this measures the same ratios on the Hamner & Delp treadmill trials, to tell
a property of the generator from one of running:

    python -m stridelens.eval.toe_speed [--data ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ..sources.mot import read_opensim_table
from ..sources.reference import complete_stances, read_reference_csv

__all__ = ["speed_ratios_after_to"]

AFTER_TO_S = (0.0, 0.017, 0.033, 0.050)  # one 60 fps frame apart, as the generator's figures


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args(argv)
    folder = args.data / "groundtruth" / "hamner2013_subject01"
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


if __name__ == "__main__":
    main()
