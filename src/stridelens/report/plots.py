"""Plots over time for the HTML report (matplotlib, Agg/SVG, imported only when a plot is drawn).

Continuous series (trunk lean, knee bend) are computed per frame from the runner-coordinate track with
the functions the metrics use (`metrics.body`); the per-step metrics (at midstance or initial contact)
are drawn as dots, and initial contacts as vertical lines coloured by side.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..metrics.body import flexion_deg, lean_deg
from .draw import COLOURS

__all__ = ["Plot", "frame_series", "time_plots"]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


SIDE_HEX = {side: _hex(COLOURS[side]) for side in "LR"}
GREEN_BAND, AMBER_BAND = "#2e9e4f", "#e8a317"
_SIDE_WORD = {"L": "left", "R": "right"}
_INK = "#1f2430"


@dataclass(frozen=True, slots=True)
class Plot:
    key: str
    title: str
    caption: str  # plain words: how to read it
    svg: str  # inline <svg> element, responsive (no width/height attributes)


def frame_series(analysis: Any) -> dict[str, np.ndarray]:
    """Per-frame series in runner coordinates: time since the first frame, trunk lean, knee flexion per
    side and whether each foot is in stance (per-step values come from `analysis.steps`)."""
    a = analysis
    body = a.body_track
    out: dict[str, np.ndarray] = {
        "time_s": body.time_s - body.time_s[0],
        "trunk_lean_deg": lean_deg(body.mid("left_hip", "right_hip"), body.mid("left_shoulder", "right_shoulder")),
    }
    row_of = {int(f): r for r, f in enumerate(body.frame_index)}
    for side in "LR":
        out[f"knee_flexion_deg_{side}"] = flexion_deg(body.side_point(side, "hip"), body.side_point(side, "knee"),
                                                      body.side_point(side, "ankle"))
        out[f"stance_{side}"] = np.zeros(len(body), dtype=bool)
    for s in a.steps:
        ic, to = row_of.get(int(s.ic_frame)), row_of.get(int(s.to_frame))
        if ic is not None and to is not None:
            out[f"stance_{s.side}"][ic:to + 1] = True
    return out


def _svg(fig: Any, label: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)  # RDF block, not needed inline
    # inline in HTML: the parser knows the SVG namespaces (so the page holds no URL at all); responsive:
    # drop the fixed size, the viewBox keeps the aspect ratio
    head, rest = text.split(">", 1)
    head = re.sub(r'\s(width|height|xmlns|xmlns:xlink|version)="[^"]*"', "", head)
    return f'{head} role="img" aria-label="{label}" class="plot">{rest}'


_MAX_CURVE_POINTS = 2000  # a 5-inch plot shows ~500 pixel columns; more points only cost memory and bytes


def _thin(t: np.ndarray, y: np.ndarray, max_points: int = _MAX_CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """A long per-frame curve cut to about `max_points`: each bin's lowest and highest point, in time order,
    so peaks stay visible (min-max decimation); gaps (NaN) inside a bin are dropped with it."""
    if len(t) <= max_points:
        return t, y
    keep = []
    for idx in np.array_split(np.arange(len(t)), max_points // 2):
        seen = idx[np.isfinite(y[idx])]
        if seen.size:
            lo, hi = seen[np.argmin(y[seen])], seen[np.argmax(y[seen])]
            keep.extend(sorted({int(lo), int(hi)}))
        else:
            keep.append(int(idx[0]))  # keeps the NaN: a gap stays a gap
    return t[keep], y[keep]


_FIG_IN = (5.0, 2.9)  # width, height
# Margins in inches, fixed instead of matplotlib's constrained layout, which measures every text's extent
# before drawing (demo's four plots: 0.57 -> 0.35 s, docs/performance.md). They fit tick labels of up to four
# characters beside the y label, and the x label below.
_LEFT_IN, _RIGHT_IN, _BOTTOM_IN, _TOP_IN = 0.68, 0.1, 0.45, 0.06
_LEGEND_ROW_IN = 0.21  # one row of 9-pt legend entries above the axes


def _figure(ylabel: str) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    w, h = _FIG_IN
    fig = Figure(figsize=_FIG_IN)
    fig.subplots_adjust(left=_LEFT_IN / w, right=1 - _RIGHT_IN / w, bottom=_BOTTOM_IN / h, top=1 - _TOP_IN / h)
    ax = fig.add_subplot()
    ax.set_ylabel(ylabel)
    ax.set_xlabel("time (s)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, color="#e3e6eb", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _contacts(ax: Any, analysis: Any, t0_s: float) -> None:
    """A faint vertical line at every landing, coloured by foot: one artist for all of them (an `axvline`
    each cost ~5 kB a step: 50 MB for the plots of a 10-minute clip)."""
    if not analysis.steps:
        return
    ax.vlines([s.ic_time_s - t0_s for s in analysis.steps], 0, 1, transform=ax.get_xaxis_transform(),
              colors=[SIDE_HEX[s.side] for s in analysis.steps], linewidth=0.7, alpha=0.3, zorder=1)


def _band(ax: Any, low: float | None, high: float | None, label: str) -> None:
    y0, y1 = ax.get_ylim()
    ax.axhspan(y0 if low is None else low, y1 if high is None else high, color=GREEN_BAND, alpha=0.12,
               linewidth=0, label=label, zorder=0)
    ax.set_ylim(y0, y1)


def _step_dots(ax: Any, a: Any, key: str, anchor: str, t0: float, t: np.ndarray, row_of: dict[int, int]) -> None:
    """One dot per step and side for `key`, at the step's `anchor` time, with a zero line."""
    for side in "LR":
        x, y = _steps_xy(a, key, anchor, side, t0, t, row_of)
        ax.plot(x, y, "o-", color=SIDE_HEX[side], markersize=5.5, linewidth=0.9, markeredgecolor="white",
                markeredgewidth=0.6, label=f"{_SIDE_WORD[side]} foot")
    ax.axhline(0, color="#9aa3b2", linewidth=0.8)


def _steps_xy(analysis: Any, key: str, time_key: str, side: str, t0_s: float, series_t: np.ndarray,
              row_of: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for s in analysis.steps:
        v = getattr(s, key)
        if s.side != side or v is None:
            continue
        if time_key == "ic_time_s":
            xs.append(s.ic_time_s - t0_s)
        else:
            row = row_of.get(int(s.midstance_frame))
            if row is None:
                continue
            xs.append(series_t[row])
        ys.append(v)
    return np.asarray(xs), np.asarray(ys)


def _legend(ax: Any) -> None:
    """The legend in rows above the axes, which give up the room it takes."""
    n = len(ax.get_legend_handles_labels()[0])
    cols = n if n <= 3 else 2
    rows = -(-n // cols) if n else 0
    ax.figure.subplots_adjust(top=1 - (_TOP_IN + rows * _LEGEND_ROW_IN) / _FIG_IN[1])
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0, 1, 0.2), ncols=cols, frameon=False,
              fontsize=9, borderaxespad=0.2, handlelength=1.6, mode="expand")


def time_plots(analysis: Any) -> list[Plot]:
    """Lean, hip position, knee bend and foot position over time, as inline SVG."""
    import matplotlib

    a = analysis
    cfg = a.config.assess
    ser = frame_series(a)
    t = ser["time_s"]
    t0 = float(a.body_track.time_s[0])
    row_of = {int(f): r for r, f in enumerate(a.body_track.frame_index)}
    plots = []
    style = {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 10, "axes.edgecolor": "#9aa3b2",
             "axes.labelcolor": _INK, "xtick.color": "#5b6475", "ytick.color": "#5b6475"}
    with matplotlib.rc_context(style):
        # 1. lean
        fig, ax = _figure("lean (deg, forward +)")
        ax.plot(*_thin(t, ser["trunk_lean_deg"]), color=_INK, linewidth=1.1, label="trunk")
        for side in "LR":
            x, y = _steps_xy(a, "body_lean_deg", "midstance", side, t0, t, row_of)
            ax.plot(x, y, "o-", color=SIDE_HEX[side], markersize=5, linewidth=0.9, markeredgecolor="white",
                    markeredgewidth=0.6, label=f"from the ankle, {_SIDE_WORD[side]}")
        _contacts(ax, a, t0)
        _band(ax, 3.7, 10.9, "typical trunk")
        _legend(ax)
        plots.append(Plot("lean", "Lean", "Black line: trunk lean (hips to shoulders). Dots: lean of the whole "
                          "body from the standing ankle at each midstance. Green band: typical trunk lean "
                          "(7 ± 4 deg).", _svg(fig, "Lean over time")))
        # 2. hip offset at each midstance
        fig, ax = _figure("hip offset (% leg)")
        _step_dots(ax, a, "hip_offset_pct", "midstance", t0, t, row_of)
        lim = max(cfg.hip_offset_marked_pct + 4, float(np.nanmax(np.abs([*ax.get_ylim(), 0]))))
        ax.set_ylim(-lim, lim)
        ax.axhspan(-cfg.hip_offset_marked_pct, cfg.hip_offset_marked_pct, color=AMBER_BAND, alpha=0.12,
                   linewidth=0)
        _contacts(ax, a, t0)
        _band(ax, cfg.hip_offset_back_pct, cfg.hip_offset_forward_pct, "hips in line")
        _legend(ax)
        plots.append(Plot("hip_offset", "Hip position", "Hips ahead (+) or behind (−) the ankle-shoulder line "
                          "at each midstance. Green band: in line; amber band: mild; outside: marked.",
                          _svg(fig, "Hip offset over time")))
        # 3. knee
        fig, ax = _figure("knee bend (deg)")
        for side in "LR":
            y = ser[f"knee_flexion_deg_{side}"]
            ax.plot(*_thin(t, y), color=SIDE_HEX[side], linewidth=0.7, alpha=0.5)
            ax.plot(*_thin(t, np.where(ser[f"stance_{side}"], y, np.nan)), color=SIDE_HEX[side], linewidth=2.4,
                    label=_SIDE_WORD[side])
        _contacts(ax, a, t0)
        _band(ax, cfg.knee_flexion_mid_min_deg, 45, "target at midstance")
        _legend(ax)
        plots.append(Plot("knee", "Knee bend", "Knee bend of each leg; thick while that foot is on the ground. "
                          f"The peak of each thick part should reach the green band "
                          f"({cfg.knee_flexion_mid_min_deg:.0f}-45 deg).", _svg(fig, "Knee bend over time")))
        # 4. foot vs COM at each landing
        fig, ax = _figure("foot ahead of COM (% leg)")
        _step_dots(ax, a, "foot_ahead_com_pct", "ic_time_s", t0, t, row_of)
        y0, y1 = ax.get_ylim()
        ax.set_ylim(min(y0, -10.0), max(y1, cfg.foot_ahead_com_max_pct + 8))
        _contacts(ax, a, t0)
        _band(ax, None, cfg.foot_ahead_com_max_pct, "not overstriding")
        _legend(ax)
        plots.append(Plot("foot_ahead", "Landing: foot vs centre of mass", "How far ahead (+) of your centre of "
                          "mass each heel lands (0 = right under it). Inside the green band is fine; above it "
                          f"is overstriding (more than {cfg.foot_ahead_com_max_pct:.0f} % of leg length ahead).",
                          _svg(fig, "Foot position at landing over time")))
    return plots
