"""The overlay's pictures: the batched drawing paints what one OpenCV call per element painted."""

from __future__ import annotations

import cv2
import numpy as np

from stridelens.pose.base import KEYPOINT_INDEX, KEYPOINTS, SKELETON_EDGES
from stridelens.report.draw import _FONT, _PANEL_NOTES, COLOURS, Overlay, View, _dashed, draw_skeleton


def _background(h: int = 720, w: int = 640) -> np.ndarray:
    rng = np.random.default_rng(3)
    return cv2.GaussianBlur(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), (0, 0), 6)


def _figure_xy() -> np.ndarray:
    """A standing figure, image pixels, every keypoint distinct."""
    xy = np.zeros((len(KEYPOINTS), 2))
    for k, name in enumerate(KEYPOINTS):
        part = name.split("_")[-1]
        side = -1 if name.startswith("left") else 1 if name.startswith("right") else 0
        y = {"nose": 120, "ear": 115, "shoulder": 200, "elbow": 290, "wrist": 370, "hip": 400, "knee": 520,
             "ankle": 640, "heel": 655, "toe": 660}[part]
        xy[k] = (320 + side * (40 if part in ("shoulder", "elbow", "wrist") else 25) + (30 if part == "toe" else 0),
                 y)
    return xy


def test_skeleton_draws_every_limb_in_its_side_colour_and_every_joint_white():
    img = _background()
    xy = _figure_xy()
    draw_skeleton(img, xy, u=1.0)
    for k in range(3, len(KEYPOINTS)):
        assert tuple(img[int(xy[k, 1]), int(xy[k, 0])]) == COLOURS["white"], KEYPOINTS[k]
    for a, b in SKELETON_EDGES:
        if a.split("_")[0] != b.split("_")[0] or "toe" in a + b or "heel" in a + b:
            continue  # links across the body are white; feet are too short to leave the joints' discs
        mid = (xy[KEYPOINT_INDEX[a]] + xy[KEYPOINT_INDEX[b]]) / 2
        assert tuple(img[int(round(mid[1])), int(round(mid[0]))]) == COLOURS[a[0].upper()], (a, b)


def test_missing_points_leave_their_limbs_out():
    img, clean = _background(), _background()
    xy = _figure_xy()
    xy[KEYPOINT_INDEX["left_knee"]] = np.nan
    draw_skeleton(img, xy, u=1.0)
    mid = (xy[KEYPOINT_INDEX["left_hip"]] + xy[KEYPOINT_INDEX["left_ankle"]]) / 2  # where the knee would be
    assert np.array_equal(img[int(mid[1]) - 3:int(mid[1]) + 3, int(mid[0]) - 3:int(mid[0]) + 3],
                          clean[int(mid[1]) - 3:int(mid[1]) + 3, int(mid[0]) - 3:int(mid[0]) + 3])


def test_dashed_line_is_every_other_segment_of_the_line():
    img = np.zeros((200, 200, 3), np.uint8)
    a, b = np.array([10.0, 100.0]), np.array([190.0, 100.0])
    _dashed(img, a, b, COLOURS["white"], 1, 10.0)
    lit = img[100, :, 0] > 0
    assert lit[12:19].all() and not lit[23:29].any() and lit[32:39].all()  # 18 pieces of 10 px: on, off, on
    assert not lit[:8].any() and lit[172:179].all() and not lit[183:].any()  # the 18th piece is a gap


def _panel_as_drawn_line_by_line(overlay: Overlay, img: np.ndarray, row: int) -> np.ndarray:
    """The panel as it was painted before its fixed text was made once: addWeighted, then putText per line."""
    out = img.copy()
    overlay.draw_panel(out, row, View(unit=1.0))  # fixes the corner and size; repainted below from `img`
    u, th = 1.0, 1
    big, small = 0.55, 0.42
    values = overlay.panel_lines(row)
    notes = _PANEL_NOTES
    col = max(cv2.getTextSize(t, _FONT, big, th)[0][0] for t, _, _ in values) + 14
    width = max([col + max(cv2.getTextSize(v, _FONT, big, th)[0][0] for _, v, _ in values)]
                + [cv2.getTextSize(t, _FONT, small, th)[0][0] for t in notes]) + 24
    height = 30 * len(values) + 22 * len(notes) + 16
    x, y = overlay._corner_at
    ref = img.copy()
    roi = ref[y:y + height, x:x + width]
    cv2.addWeighted(roi, 0.4, np.full_like(roi, COLOURS["dark"]), 0.6, 0.0, dst=roi)
    x, y = x + int(12 * u), y + int(2 * u)
    for label, value, colour in values:
        y += 30
        cv2.putText(ref, label, (x, y), _FONT, big, COLOURS["muted"], th, cv2.LINE_AA)
        cv2.putText(ref, value, (x + col, y), _FONT, big, colour, th, cv2.LINE_AA)
    for text in notes:
        y += 22
        cv2.putText(ref, text, (x, y), _FONT, small, COLOURS["muted"], th, cv2.LINE_AA)
    return out, ref


def test_panel_with_its_fixed_text_made_once_matches_drawing_it_line_by_line(neutral_analysis):
    overlay = Overlay(neutral_analysis)
    img = _background()
    for row in (0, len(neutral_analysis.clean_track) // 2, len(neutral_analysis.clean_track) - 1):
        out, ref = _panel_as_drawn_line_by_line(overlay, img, row)
        diff = np.abs(out.astype(int) - ref.astype(int)).max(axis=2)
        assert (out != img).any(axis=2).sum() > 20_000  # a panel was painted
        assert diff.max() <= 6 and (diff > 1).mean() < 0.01, (row, diff.max(), (diff > 1).mean())
