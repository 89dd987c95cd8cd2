"""Drawing on video frames with OpenCV, shared by the annotated video and the report's still images.

`Overlay` precomputes, once per analysis, everything that is drawn per frame (skeleton points in image
pixels, the centre of mass, which step is in stance, live panel values); `Overlay.draw` then paints one
analysed frame. Frames are RGB uint8 arrays (as `io.iter_frames` yields them) and are drawn on in place.
A `View` maps image pixels of the full-size upright video to the pixels of the array drawn on (a scaled
frame or a crop of one). `Overlay.draw_box` and `Overlay.panel_box` say where on a frame a row's marks
and panel go, so a caller may draw on crops of the frame only (the annotated video converts just those
to RGB).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .._opencv import cv2
from ..metrics.body import centre_of_mass
from ..pose.base import KEYPOINT_INDEX, SKELETON_EDGES

__all__ = ["COLOURS", "Overlay", "View", "draw_com", "draw_contact", "draw_foot_ahead", "draw_skeleton",
           "draw_stance_line", "hip_offset_status", "status_colour", "unit_of"]

Colour = tuple[int, int, int]  # RGB

COLOURS: dict[str, Colour] = {
    "green": (46, 158, 79),
    "amber": (232, 163, 23),
    "red": (214, 69, 69),
    "grey": (140, 140, 140),
    "muted": (205, 210, 218),
    "L": (58, 141, 222),  # left side: blue
    "R": (179, 95, 201),  # right side: purple
    "white": (255, 255, 255),
    "dark": (24, 28, 36),
}
_FONT = cv2.FONT_HERSHEY_DUPLEX
_CONTACT_HOLD_S = 0.25  # playback seconds a contact ring stays on screen
_EDGE_COLOURS: tuple[Colour, ...] = tuple(  # limbs by side; links across the body white
    COLOURS[a.split("_")[0][0].upper()] if a.split("_")[0] == b.split("_")[0] else COLOURS["white"]
    for a, b in SKELETON_EDGES)


_ON_DARK: dict[str, Colour] = {"green": (110, 215, 135), "amber": (255, 196, 80), "red": (255, 120, 120)}


def status_colour(status: str, *, on_dark: bool = False) -> Colour:
    """RGB colour of a green / amber / red status (grey for anything else); lighter for text on dark."""
    if on_dark and status in _ON_DARK:
        return _ON_DARK[status]
    return COLOURS.get(status, COLOURS["grey"])


def hip_offset_status(offset_pct: float | None, assess: Any) -> str:
    """green within the neutral band (METRICS.md verdict thresholds), amber up to marked, red beyond."""
    if offset_pct is None or not math.isfinite(offset_pct):
        return "grey"
    if assess.hip_offset_back_pct < offset_pct < assess.hip_offset_forward_pct:
        return "green"
    return "amber" if abs(offset_pct) < assess.hip_offset_marked_pct else "red"


@dataclass(frozen=True, slots=True)
class View:
    """Image pixels of the full-size upright video -> pixels of the array drawn on: (p - origin) * scale."""

    scale: float = 1.0
    x0_px: float = 0.0
    y0_px: float = 0.0
    unit: float | None = None  # size of lines and text (1.0 ~ a 1000-px frame); None: from the image size

    def __call__(self, xy: np.ndarray) -> np.ndarray:
        return (np.asarray(xy, dtype=float) - (self.x0_px, self.y0_px)) * self.scale

    def cropped(self, x_px: int, y_px: int) -> View:
        """This view for a crop of its array whose top-left corner is its pixel (x_px, y_px)."""
        return View(self.scale, self.x0_px + x_px / self.scale, self.y0_px + y_px / self.scale, self.unit)


# ---------------------------------------------------------------------------------------------------------
# primitives


def unit_of(height_px: int, width_px: int) -> float:
    """Size unit for line widths and fonts: 1.0 for a 1000-px frame."""
    return max(0.8, max(height_px, width_px) / 1000.0)


def _unit(img: np.ndarray) -> float:
    return unit_of(*img.shape[:2])


def _pt(p: np.ndarray) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def _ok(*points: np.ndarray) -> bool:
    return all(np.isfinite(p).all() for p in points)


def _dashed(img: np.ndarray, a: np.ndarray, b: np.ndarray, colour: Colour, thickness: int, dash_px: float) -> None:
    length = float(np.hypot(*(b - a)))
    n = max(1, int(length / dash_px))
    ends = np.rint(a + (b - a) * (np.arange(n + 1) / n)[:, None]).astype(np.int32)
    dashes = [ends[i:i + 2] for i in range(0, n, 2)]
    cv2.polylines(img, dashes, False, colour, thickness, cv2.LINE_AA)  # one call: see draw_skeleton


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour: Colour,
          thickness: int = 1) -> None:
    """Text with a dark outline so it reads on any background."""
    cv2.putText(img, text, org, _FONT, scale, COLOURS["dark"], thickness + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, _FONT, scale, colour, thickness, cv2.LINE_AA)


def _label_place(text: str, anchor: np.ndarray, u: float, above: bool, image_hw: tuple[int, int]
                 ) -> tuple[tuple[int, int], tuple[int, int, int, int]]:
    """Where `_label` puts its tag: (text origin, tag rectangle x0, y0, x1, y1), kept inside the image."""
    scale, th = 0.5 * u, max(1, int(round(u)))
    (w, h), base = cv2.getTextSize(text, _FONT, scale, th)
    pad = int(4 * u)
    x, y = int(anchor[0] + 10 * u), int(anchor[1] - (h + 14 * u if above else -h / 2))
    x = min(max(0, x), image_hw[1] - w - 2 * pad)
    y = min(max(h + pad, y), image_hw[0] - pad - base)
    return (x, y), (x - pad, y - h - pad, x + w + pad, y + base + pad // 2)


def _label(img: np.ndarray, text: str, anchor: np.ndarray, colour: Colour, *, above: bool = False,
           u: float | None = None) -> None:
    """A small filled tag with `text`, placed right of (or above) `anchor` and kept inside the image."""
    u = u or _unit(img)
    org, (x0, y0, x1, y1) = _label_place(text, anchor, u, above, img.shape[:2])
    cv2.rectangle(img, (x0, y0), (x1, y1), colour, -1, cv2.LINE_AA)
    cv2.putText(img, text, org, _FONT, 0.5 * u, COLOURS["white"], max(1, int(round(u))), cv2.LINE_AA)


def draw_com(img: np.ndarray, p: np.ndarray, *, u: float | None = None) -> None:
    """The centre-of-mass symbol: a quartered black and white disc."""
    if not _ok(p):
        return
    u = u or _unit(img)
    r = max(4, int(round(9 * u)))
    c = _pt(p)
    cv2.circle(img, c, r + 1, COLOURS["dark"], -1, cv2.LINE_AA)
    cv2.circle(img, c, r, COLOURS["white"], -1, cv2.LINE_AA)
    for start in (0, 180):
        cv2.ellipse(img, c, (r, r), 0, start, start + 90, COLOURS["dark"], -1, cv2.LINE_AA)


def draw_skeleton(img: np.ndarray, xy: np.ndarray, *, u: float | None = None) -> None:
    """Limbs coloured by side (left blue, right purple), joints as white dots. `xy`: (K, 2) in `img` pixels.

    One OpenCV call per colour, not per limb: each call gives up the GIL and waits to get it back from the
    threads beside the drawing (decoder, encoder, the HTML report), which took longer than the drawing
    (46 `line` calls a frame: 54 us each in the video pass against 24 us alone). All dark outlines go first,
    so no outline crosses a limb drawn before it. A joint is a segment of zero length, whose round caps make
    a disc.
    """
    u = u or _unit(img)
    th = max(1, int(round(2.5 * u)))
    ok = np.isfinite(xy).all(axis=1)
    pts = np.rint(np.where(ok[:, None], xy, 0)).astype(np.int32)
    limbs: dict[Colour, list[np.ndarray]] = {}
    for (a, b), colour in zip(SKELETON_EDGES, _EDGE_COLOURS, strict=True):
        i, j = KEYPOINT_INDEX[a], KEYPOINT_INDEX[b]
        if ok[i] and ok[j]:
            limbs.setdefault(colour, []).append(pts[[i, j]])
    if limbs:
        cv2.polylines(img, [seg for segs in limbs.values() for seg in segs], False, COLOURS["dark"], th + 2,
                      cv2.LINE_AA)
        for colour, segs in limbs.items():
            cv2.polylines(img, segs, False, colour, th, cv2.LINE_AA)
    r = max(2, int(round(3 * u)))
    joints = [pts[[k, k]] for k in range(3, len(xy)) if ok[k]]  # body joints (no face points)
    if joints:
        cv2.polylines(img, joints, False, COLOURS["white"], 2 * r, cv2.LINE_AA)


def draw_stance_line(img: np.ndarray, ankle: np.ndarray, hip: np.ndarray, shoulder: np.ndarray,
                     colour: Colour, *, emphasis: bool = False, u: float | None = None) -> None:
    """The straight ankle -> shoulder reference (dashed) and the ankle -> hip -> shoulder line (coloured)."""
    if not _ok(ankle, hip, shoulder):
        return
    u = u or _unit(img)
    _dashed(img, ankle, shoulder, COLOURS["white"], max(1, int(round(1.5 * u))), 10 * u)
    th = max(2, int(round((6 if emphasis else 4) * u)))
    pts = np.array([_pt(ankle), _pt(hip), _pt(shoulder)], dtype=np.int32)
    cv2.polylines(img, [pts], False, COLOURS["dark"], th + 2, cv2.LINE_AA)
    cv2.polylines(img, [pts], False, colour, th, cv2.LINE_AA)
    cv2.circle(img, _pt(hip), th + 2, colour, -1, cv2.LINE_AA)


def draw_contact(img: np.ndarray, foot: np.ndarray, side: str, fade: float, *, u: float | None = None) -> None:
    """A ring at the landing foot labelled L/R; `fade` 1 at initial contact down to 0."""
    if not _ok(foot):
        return
    u = u or _unit(img)
    colour = COLOURS[side]
    r = int(round((14 + 10 * (1 - fade)) * u))
    cv2.circle(img, _pt(foot), r, COLOURS["dark"], max(1, int(4 * u)) + 2, cv2.LINE_AA)
    cv2.circle(img, _pt(foot), r, colour, max(1, int(4 * u)), cv2.LINE_AA)
    _text(img, side, (int(foot[0] - 6 * u), int(foot[1] - r - 6 * u)), 0.7 * u, colour, max(1, int(round(u))))


def draw_foot_ahead(img: np.ndarray, com: np.ndarray, com_floor: np.ndarray, foot_floor: np.ndarray,
                    text: str, colour: Colour, *, u: float | None = None) -> None:
    """Plumb line from the COM to the floor and the horizontal distance to the landing foot, labelled."""
    if not _ok(com, com_floor, foot_floor):
        return
    u = u or _unit(img)
    _dashed(img, com, com_floor, COLOURS["white"], max(1, int(round(1.5 * u))), 8 * u)
    th = max(2, int(round(3 * u)))
    cv2.line(img, _pt(com_floor), _pt(foot_floor), COLOURS["dark"], th + 2, cv2.LINE_AA)
    cv2.arrowedLine(img, _pt(com_floor), _pt(foot_floor), colour, th, cv2.LINE_AA, tipLength=0.25)
    tick = np.array([0.0, 8 * u])
    for p in (com_floor, foot_floor):
        cv2.line(img, _pt(p - tick), _pt(p + tick), colour, th, cv2.LINE_AA)
    _label(img, text, np.minimum(com_floor, foot_floor) + np.array([0.0, 30 * u]), colour, u=u)


# ---------------------------------------------------------------------------------------------------------
# per-analysis overlay


@dataclass(frozen=True, slots=True)
class _StepRows:
    index: int
    side: str
    ic_row: int
    to_row: int
    mid_row: int
    hip_offset_pct: float | None
    status: str


class Overlay:
    """What to draw on each analysed frame, precomputed from an `Analysis`.

    Parameters
    ----------
    analysis
        A `pipeline.Analysis`: its cleaned image-pixel track, runner-coordinate track, scene and steps.
    """

    def __init__(self, analysis: Any):
        a = analysis
        self.analysis = a
        track = a.clean_track
        self.n_rows = len(track)
        self.xy = track.xy  # (T, K, 2) image pixels
        self.time_s = track.time_s
        self.row_of_frame = {int(f): r for r, f in enumerate(track.frame_index)}
        com_body, _ = centre_of_mass(a.body_track)
        self.com_body = com_body
        self.com = a.scene.to_image(com_body)
        self.hip = track.mid("left_hip", "right_hip")
        self.shoulder = track.mid("left_shoulder", "right_shoulder")
        self.steps = [s for s in (self._rows(i, s) for i, s in enumerate(a.steps)) if s is not None]
        self.stance_step = np.full(self.n_rows, -1)
        self.last_mid_step = np.full(self.n_rows, -1)
        for k, s in enumerate(self.steps):
            self.stance_step[s.ic_row:s.to_row + 1] = k
        for k in sorted(range(len(self.steps)), key=lambda k: self.steps[k].mid_row):
            self.last_mid_step[self.steps[k].mid_row:] = k
        self.cadence_so_far = self._cadence_so_far()
        self.hold_rows = max(3, int(round(_CONTACT_HOLD_S * a.video.file_fps)))
        self._corner_key: tuple | None = None
        self._backing: tuple | None = None  # the panel's backing and fixed text, made once per panel size
        self._corner_at = (0, 0)

    def _rows(self, index: int, step: Any) -> _StepRows | None:
        rows = [self.row_of_frame.get(int(f)) for f in (step.ic_frame, step.to_frame, step.midstance_frame)]
        if any(r is None for r in rows):
            return None
        ic, to, mid = rows
        return _StepRows(index, step.side, ic, to, mid, step.hip_offset_pct,
                         hip_offset_status(step.hip_offset_pct, self.analysis.config.assess))

    def _cadence_so_far(self) -> np.ndarray:
        """Cadence from the steps completed by each frame (60 / mean step time); NaN before two steps."""
        known_s, step_s = [], []
        for s in self.analysis.steps:
            if s.step_time_s:
                known_s.append(s.ic_time_s + s.step_time_s)
                step_s.append(s.step_time_s)
        out = np.full(self.n_rows, np.nan)
        if not known_s:
            return out
        order = np.argsort(known_s)
        known, times = np.asarray(known_s)[order], np.asarray(step_s)[order]
        count = np.searchsorted(known, self.time_s + 1e-6, side="right")
        csum = np.concatenate([[0.0], np.cumsum(times)])
        ok = count >= 2
        out[ok] = 60.0 / (csum[count[ok]] / count[ok])
        return out

    # -- geometry -------------------------------------------------------------------------------------

    def stance_points(self, row: int, step: _StepRows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Stance ankle, hip centre and shoulder centre in image pixels."""
        ankle = self.analysis.clean_track.side_point(step.side, "ankle")[row]
        return ankle, self.hip[row], self.shoulder[row]

    def foot_point(self, row: int, side: str) -> np.ndarray:
        """The heel (or the ankle when the heel is missing) in image pixels."""
        track = self.analysis.clean_track
        heel = track.side_point(side, "heel")[row]
        return heel if np.isfinite(heel).all() else track.side_point(side, "ankle")[row]

    def foot_ahead_points(self, step_index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """COM, its foot on the floor, and the landing heel on the floor, image pixels, at a step's IC."""
        step = next((s for s in self.steps if s.index == step_index), None)
        if step is None:
            return None
        body = self.analysis.body_track
        row = step.ic_row
        heel = body.side_point(step.side, "heel")[row]
        heel = heel if np.isfinite(heel).all() else body.side_point(step.side, "ankle")[row]
        floor_y = min(float(heel[1]), self.analysis.scene.floor_y_px.get(step.side, 0.0))
        com = self.com_body[row]
        pts = np.array([com, (com[0], floor_y), (heel[0], floor_y)])
        image = self.analysis.scene.to_image(pts)
        return image[0], image[1], image[2]

    def runner_box(self, rows: list[int], pad: float = 0.18) -> tuple[float, float, float, float] | None:
        """Bounding box (x0, y0, x1, y1) of the runner over `rows`, image pixels, padded by `pad` of its height."""
        pts = self.xy[rows].reshape(-1, 2)
        pts = pts[np.isfinite(pts).all(1)]
        if len(pts) == 0:
            return None
        lo, hi = pts.min(0), pts.max(0)
        p = pad * (hi[1] - lo[1])
        return float(lo[0] - p), float(lo[1] - p), float(hi[0] + p), float(hi[1] + p)

    def draw_box(self, row: int, view: View, image_hw: tuple[int, int], *, stance_line: bool = True,
                 contacts: bool = True) -> tuple[int, int, int, int] | None:
        """Where `draw` paints for `row`: (x0, y0, x1, y1) in the pixels of the `image_hw` array `view` maps
        to, within it; None when nothing is drawn. Each mark's reach beyond its points is bounded from the
        sizes `draw` uses (lines, discs, rings with their letter, the hip tag), with a few pixels to spare."""
        u = view.unit or unit_of(*image_hw)
        boxes: list[tuple[float, float, float, float]] = []

        def around(points: np.ndarray, reach_px: float) -> None:
            points = np.asarray(points, dtype=float).reshape(-1, 2)
            points = points[np.isfinite(points).all(axis=1)]
            if len(points):
                lo, hi = points.min(axis=0) - reach_px, points.max(axis=0) + reach_px
                boxes.append((lo[0], lo[1], hi[0], hi[1]))

        around(view(self.xy[row]), 6 * u + 4)  # limbs' outlines, joint discs
        around(view(self.com[row]), 10 * u + 4)
        k = self.stance_step[row]
        if k >= 0 and stance_line:
            step = self.steps[k]
            points = [view(p) for p in self.stance_points(row, step)]
            around(np.array(points), 8 * u + 6)  # the emphasised line's outline and the hip disc
            if step.hip_offset_pct is not None and np.isfinite(points[1]).all():
                _, (x0, y0, x1, y1) = _label_place(f"hip {step.hip_offset_pct:+.1f}% leg", points[1], u, False,
                                                   image_hw)
                pad = 4 * u + 2  # the tag inside a crop is kept inside the crop: leave it its margin
                boxes.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        if contacts:
            for step in self.steps:
                if 0 <= row - step.ic_row < self.hold_rows:
                    around(view(self.foot_point(row, step.side)), 52 * u + 4)  # the widest ring, its letter above
        if not boxes:
            return None
        h, w = image_hw
        lo, hi = np.min(boxes, axis=0)[:2], np.max(boxes, axis=0)[2:]
        x0, y0 = max(0, int(np.floor(lo[0]))), max(0, int(np.floor(lo[1])))
        x1, y1 = min(w, int(np.ceil(hi[0])) + 1), min(h, int(np.ceil(hi[1])) + 1)
        return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None

    # -- drawing --------------------------------------------------------------------------------------

    def draw(self, img: np.ndarray, row: int, view: View, *, stance_line: bool = True, contacts: bool = True
             ) -> None:
        """Skeleton, stance line (coloured by the step's hip offset), COM and contact rings for one frame."""
        u = view.unit
        draw_skeleton(img, view(self.xy[row]), u=u)
        k = self.stance_step[row]
        if k >= 0 and stance_line:
            step = self.steps[k]
            ankle, hip, shoulder = (view(p) for p in self.stance_points(row, step))
            draw_stance_line(img, ankle, hip, shoulder, status_colour(step.status), emphasis=row == step.mid_row,
                             u=u)
            if step.hip_offset_pct is not None:
                _label(img, f"hip {step.hip_offset_pct:+.1f}% leg", hip, status_colour(step.status), u=u)
        draw_com(img, view(self.com[row]), u=u)
        if contacts:
            for step in self.steps:
                age = row - step.ic_row
                if 0 <= age < self.hold_rows:
                    draw_contact(img, view(self.foot_point(row, step.side)), step.side, 1 - age / self.hold_rows,
                                 u=u)

    def panel_lines(self, row: int) -> list[tuple[str, str, Colour]]:
        """The live panel as (label, value, colour): cadence so far, lean and hip offset at the last midstance."""
        cad = self.cadence_so_far[row]
        white = COLOURS["white"]
        k = self.last_mid_step[row]
        s = self.analysis.steps[self.steps[k].index] if k >= 0 else None

        def fmt(key: str, f: str, unit: str) -> str:
            v = None if s is None else getattr(s, key)
            return "--" if v is None else format(v, f) + unit

        side = f" ({s.side})" if s is not None else ""
        return [("Time", f"{self.time_s[row] - self.time_s[0]:.2f} s", white),
                ("Cadence", f"{cad:.0f} spm" if np.isfinite(cad) else "--", white),
                ("Trunk lean", fmt("trunk_lean_deg", "+.0f", " deg"), white),
                ("Body lean", fmt("body_lean_deg", "+.0f", " deg"), white),
                ("Hip offset", fmt("hip_offset_pct", "+.1f", " % leg") + side,
                 status_colour(self.steps[k].status, on_dark=True) if k >= 0 else white)]

    def _corner(self, image_hw: tuple[int, int], view: View, width: int, height: int) -> tuple[int, int]:
        """Top-left of the panel: the image corner where it covers least of the runner (whole clip)."""
        box = self.runner_box(list(range(0, self.n_rows, max(1, self.n_rows // 50))), pad=0.0)
        h, w = image_hw
        m = int(8 * unit_of(h, w))
        corners = [(m, m), (w - width - m, m), (m, h - height - m), (w - width - m, h - height - m)]
        if box is None:
            return corners[0]
        (x0, y0), (x1, y1) = view(np.array(box[:2])), view(np.array(box[2:]))

        def overlap(c: tuple[int, int]) -> float:
            return max(0.0, min(x1, c[0] + width) - max(x0, c[0])) * max(0.0, min(y1, c[1] + height) - max(y0, c[1]))

        return min(corners, key=overlap)

    def _panel_layout(self, row: int, u: float, legend: bool) -> _PanelLayout:
        big, small, th = 0.55 * u, 0.42 * u, max(1, int(round(u)))
        values = self.panel_lines(row)
        labels = tuple(label for label, _, _ in values)
        notes = _PANEL_NOTES if legend else ()
        col = max(_text_width(t, big, th) for t in labels) + int(14 * u)
        width = max([col + max(_text_width(v, big, th) for _, v, _ in values)]
                    + [_text_width(t, small, th) for t in notes]) + int(24 * u)
        big_h, small_h = int(30 * u), int(22 * u)
        height = big_h * len(values) + small_h * len(notes) + int(16 * u)
        return _PanelLayout(values, labels, notes, col, width, height, big, small, th, big_h, small_h)

    def _panel_at(self, image_hw: tuple[int, int], view: View, layout: _PanelLayout) -> tuple[int, int]:
        """The panel's top-left corner, chosen once per frame size and view (it stays put while it plays)."""
        key = (image_hw, view)
        if self._corner_key != key:
            self._corner_key, self._corner_at = key, self._corner(image_hw, view, layout.width, layout.height)
        return self._corner_at

    def panel_box(self, row: int, view: View, image_hw: tuple[int, int], *, legend: bool = True
                  ) -> tuple[int, int, int, int]:
        """Where `draw_panel` paints for `row` on an `image_hw` array: (x0, y0, x1, y1), its top-left corner
        first (it reaches beyond an image smaller than the panel; only the part within is painted)."""
        layout = self._panel_layout(row, view.unit or unit_of(*image_hw), legend)
        x, y = self._panel_at(image_hw, view, layout)
        return x, y, x + layout.width, y + layout.height

    def draw_panel(self, img: np.ndarray, row: int, view: View, *, legend: bool = True,
                   at: tuple[int, int] | None = None) -> None:
        """Semi-transparent panel with `panel_lines` and (optionally) what the marks mean.

        `at`: its top-left corner in `img` (for a crop of the frame, from `panel_box`); by default the image
        corner where it covers least of the runner.
        """
        u = view.unit or _unit(img)
        layout = self._panel_layout(row, u, legend)
        big, small, th, big_h, small_h = layout.big, layout.small, layout.thickness, layout.big_h, layout.small_h
        x, y = at if at is not None else self._panel_at(img.shape[:2], view, layout)
        origin = (max(0, x), max(0, y))
        roi = img[origin[1]:y + layout.height, origin[0]:x + layout.width]
        x += int(12 * u)
        y += int(2 * u)
        rows = [y + big_h * (i + 1) for i in range(len(layout.values))]
        note_rows = [rows[-1] + small_h * (i + 1) for i in range(len(layout.notes))]
        texts = tuple((t, (x, r), big) for t, r in zip(layout.labels, rows, strict=True)) + \
            tuple((t, (x, r), small) for t, r in zip(layout.notes, note_rows, strict=True))
        backing_key = (roi.shape, texts, th)  # the texts' positions carry the corner
        if self._backing is None or self._backing[0] != backing_key:
            self._backing = (backing_key, *_panel_backing(roi.shape, origin, texts, th))
        _, keep, ink = self._backing
        cv2.multiply(roi, keep, dst=roi, scale=1 / 255)
        cv2.add(roi, ink, dst=roi)
        for (_, value, colour), r in zip(layout.values, rows, strict=True):
            cv2.putText(img, value, (x + layout.col, r), _FONT, big, colour, th, cv2.LINE_AA)


@dataclass(frozen=True, slots=True)
class _PanelLayout:
    values: list[tuple[str, str, Colour]]
    labels: tuple[str, ...]
    notes: tuple[str, ...]
    col: int  # where the values start, right of the labels
    width: int
    height: int
    big: float  # font scales of the lines and of the notes
    small: float
    thickness: int
    big_h: int  # line heights
    small_h: int


_PANEL_NOTES = ("Line ankle-hip-shoulder: green = hips", "in line, amber/red = back (-) / fwd (+)",
                "Disc = centre of mass, ring = landing")


@lru_cache(maxsize=256)
def _text_width(text: str, scale: float, thickness: int) -> int:
    return cv2.getTextSize(text, _FONT, scale, thickness)[0][0]


def _panel_backing(shape: tuple[int, ...], origin: tuple[int, int], texts: tuple, thickness: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The panel's dark backing (60 % over the picture) with its fixed text (labels, notes) drawn in.

    Returns (keep, ink), uint8 images of the panel's size: the panel is picture x keep / 255 + ink, which
    keeps 40 % of the picture, and 40 % x (1 - text coverage) under the text, so two calls
    (`cv2.multiply`, `cv2.add`) paint the backing and the fixed text, as `addWeighted` and a `putText` per
    line did (pixels within 6 of those, at the edges of letters). Made once per panel size: each OpenCV
    call gives up the GIL to the threads beside the drawing, and 13 calls a frame cost more in waiting than
    in drawing. `origin`: the image pixel of the panel's top-left corner; `texts`: (text, image pixel of its
    baseline start, font scale).
    """
    coverage = np.zeros(shape[:2], np.uint8)
    for text, (x, y), scale in texts:
        cv2.putText(coverage, text, (x - origin[0], y - origin[1]), _FONT, scale, 255, thickness, cv2.LINE_AA)
    c = coverage.astype(np.float32)[..., None] / 255.0
    dark, muted = np.float32(COLOURS["dark"]), np.float32(COLOURS["muted"])
    keep = np.rint(255 * 0.4 * (1.0 - c)).astype(np.uint8)
    ink = np.rint(0.6 * dark * (1.0 - c) + muted * c).astype(np.uint8)
    return np.broadcast_to(keep, shape).copy(), ink
