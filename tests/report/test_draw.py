"""The overlay's pictures: the batched drawing paints what one OpenCV call per element painted."""

from __future__ import annotations

import cv2
import numpy as np

from stridelens.pose.base import KEYPOINT_INDEX, KEYPOINTS, SKELETON_EDGES
from stridelens.report.draw import _FONT, _PANEL_NOTES, COLOURS, Overlay, View, _dashed, draw_skeleton, unit_of


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


def test_the_overlay_paints_only_within_its_draw_box_and_the_same_on_a_crop(any_analysis):
    """The video pass converts only `draw_box` to RGB and draws on that crop: the crop must be painted exactly
    as the whole frame is, and nothing outside it."""
    overlay = Overlay(any_analysis)
    h, w = any_analysis.video.height_px, any_analysis.video.width_px
    view = View(unit=unit_of(h, w))
    drawn_rows = 0
    for row in range(overlay.n_rows):
        full = np.zeros((h, w, 3), np.uint8)
        overlay.draw(full, row, view)
        box = overlay.draw_box(row, view, (h, w))
        if box is None:
            assert not full.any(), row
            continue
        x0, y0, x1, y1 = box
        crop = np.zeros((y1 - y0, x1 - x0, 3), np.uint8)
        overlay.draw(crop, row, view.cropped(x0, y0))
        outside = full.copy()
        outside[y0:y1, x0:x1] = 0
        assert not outside.any(), (row, box)
        assert np.array_equal(crop, full[y0:y1, x0:x1]), (row, box)
        drawn_rows += full.any()
    assert drawn_rows == overlay.n_rows  # every analysed frame shows the runner


def test_the_panel_paints_only_within_its_panel_box_and_the_same_on_a_crop(neutral_analysis):
    overlay = Overlay(neutral_analysis)
    img = _background()
    h, w = img.shape[:2]
    view = View(unit=unit_of(h, w))
    for row in (0, overlay.n_rows // 2, overlay.n_rows - 1):
        full = img.copy()
        overlay.draw_panel(full, row, view)
        x0, y0, x1, y1 = overlay.panel_box(row, view, (h, w))
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        outside = (full != img).any(axis=2)
        outside[y0:y1, x0:x1] = False
        assert not outside.any(), row
        crop = img[y0 - 2:y1 + 2, x0 - 2:x1 + 2].copy()  # a crop with a margin, as `_even_box` may leave
        overlay.draw_panel(crop, row, view.cropped(x0 - 2, y0 - 2), at=(2, 2))
        assert np.array_equal(crop, full[y0 - 2:y1 + 2, x0 - 2:x1 + 2]), row


def test_opencv_draws_on_one_thread():
    """OpenCV's own threads only spent CPU the decoder and x264 need beside the drawing (`stridelens._opencv`)."""
    import stridelens.report.draw  # noqa: F401  (imports OpenCV through stridelens._opencv)

    assert cv2.getNumThreads() == 1
