"""Joint centres from skin or model markers: rigid segment poses, functional centres (SCoRE), Harrington hips.

All positions are (T, 3) or (T, M, 3) arrays in metres in the lab frame, NaN where missing.

References
----------
Ehrig RM, Taylor WR, Duda GN, Heller MO (2006). A survey of formal methods for determining the centre of
rotation of ball joints. J Biomech 39:2798-2809 (SCoRE: symmetrical centre of rotation estimation).
Harrington ME, Zavatsky AB, Lawson SEM, Yuan Z, Theologis TN (2007). Prediction of the hip joint centre in
adults, children, and patients with cerebral palsy based on magnetic resonance imaging. J Biomech 40:595-602.
Söderkvist I, Wedin PA (1993). Determining the movements of the skeleton using well-configured markers.
J Biomech 26:1473-1477 (least-squares rigid pose).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FunctionalCentre", "functional_joint_centre", "harrington_hip_centres", "rigid_poses"]

_MIN_MARKERS = 3


def _unit(v: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)


def rigid_poses(markers_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares rigid pose of a marker cluster in every frame (Söderkvist & Wedin 1993).

    Parameters
    ----------
    markers_m
        (T, M, 3) positions of the M >= 3 markers of one segment.

    Returns
    -------
    rotation
        (T, 3, 3) rotation from the segment's local frame to the lab (NaN where fewer than 3 markers are seen).
    origin_m
        (T, 3) the cluster's centroid in the lab; the local frame is the cluster's shape in its first complete
        frame, centred on its centroid (so local coordinates are relative to the cluster).
    """
    t, m, _ = markers_m.shape
    rotation = np.full((t, 3, 3), np.nan)
    origin = np.full((t, 3), np.nan)
    seen = np.isfinite(markers_m).all(-1)
    complete = np.flatnonzero(seen.all(1))
    if m < _MIN_MARKERS or not complete.size:
        return rotation, origin
    ref = markers_m[complete[0]] - markers_m[complete[0]].mean(0)
    for i in np.flatnonzero(seen.sum(1) >= _MIN_MARKERS):
        ok = seen[i]
        local = ref[ok] - ref[ok].mean(0)
        lab_centre = markers_m[i, ok].mean(0)
        lab = markers_m[i, ok] - lab_centre
        u, _, vt = np.linalg.svd(local.T @ lab)
        d = np.sign(np.linalg.det(vt.T @ u.T))
        r = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
        rotation[i] = r
        origin[i] = lab_centre - r @ ref[ok].mean(0)
    return rotation, origin


@dataclass(frozen=True, slots=True)
class FunctionalCentre:
    """A joint centre found from the relative motion of two segments.

    Attributes
    ----------
    position_m
        (T, 3) the centre in the lab: the mean of its positions as seen from either segment.
    rms_residual_m
        RMS distance between the two segments' views of the centre (0 for a perfect ball joint).
    range_deg
        Range of the relative rotation between the segments (about 0: the centre is undetermined).
    """

    position_m: np.ndarray
    rms_residual_m: float
    range_deg: float


def _relative_rotation_range_deg(r1: np.ndarray, r2: np.ndarray, ok: np.ndarray) -> float:
    rel = np.einsum("tji,tjk->tik", r1[ok], r2[ok])  # R1^T R2
    ref = rel[0]
    cos = (np.einsum("ij,tij->t", ref, rel) - 1) / 2  # trace(ref^T rel) = 1 + 2 cos(angle)
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))).max())


def functional_joint_centre(parent_m: np.ndarray, child_m: np.ndarray) -> FunctionalCentre | None:
    """Centre of rotation between two marker clusters, SCoRE (Ehrig et al. 2006).

    Definition: the point fixed in both segments, found by least squares over all frames,
    ``R1(t) a + o1(t) = R2(t) b + o2(t)`` for the local coordinates ``a`` (parent) and ``b`` (child).

    Notes
    -----
    For a hinge (the knee and ankle in most musculoskeletal models) any point on the axis fits; the
    minimum-norm solution is taken, the point of the axis nearest both clusters' centroids. After the
    sagittal projection the position along a medio-lateral axis does not matter.

    Returns None when fewer than 10 frames see both clusters.
    """
    r1, o1 = rigid_poses(parent_m)
    r2, o2 = rigid_poses(child_m)
    ok = np.isfinite(r1).all((1, 2)) & np.isfinite(r2).all((1, 2))
    if ok.sum() < 10:
        return None
    a = np.concatenate([r1[ok], -r2[ok]], axis=2).reshape(-1, 6)
    b = (o2[ok] - o1[ok]).reshape(-1)
    sol, *_ = np.linalg.lstsq(a, b, rcond=None)
    local_parent, local_child = sol[:3], sol[3:]
    from_parent = np.einsum("tij,j->ti", r1, local_parent) + o1
    from_child = np.einsum("tij,j->ti", r2, local_child) + o2
    residual = np.linalg.norm(from_parent - from_child, axis=1)
    position = (from_parent + from_child) / 2
    return FunctionalCentre(position_m=position, rms_residual_m=float(np.sqrt(np.mean(residual[ok] ** 2))),
                            range_deg=_relative_rotation_range_deg(r1, r2, ok))


def harrington_hip_centres(lasi_m: np.ndarray, rasi_m: np.ndarray, lpsi_m: np.ndarray, rpsi_m: np.ndarray
                           ) -> dict[str, np.ndarray]:
    """Left and right hip joint centres from the four pelvis markers (Harrington et al. 2007).

    In the pelvis frame (origin mid-ASIS; Z toward the right ASIS, X anterior in the plane of the ASISs and
    the mid-PSIS, Y superior), with pelvis width PW (inter-ASIS) and depth PD (mid-ASIS to mid-PSIS), in mm:
    ``X = -0.24 PD - 9.9``, ``Y = -0.30 PW - 10.9``, ``Z = ±(0.33 PW + 7.3)`` (right positive).

    Returns
    -------
    dict
        ``{"L": (T, 3), "R": (T, 3)}`` in metres.
    """
    mid_asis = (lasi_m + rasi_m) / 2
    mid_psis = (lpsi_m + rpsi_m) / 2
    z = _unit(rasi_m - lasi_m)
    y = _unit(np.cross(z, _unit(mid_asis - mid_psis)))
    x = np.cross(y, z)
    pw_mm = np.linalg.norm(rasi_m - lasi_m, axis=1) * 1000
    pd_mm = np.linalg.norm(mid_asis - mid_psis, axis=1) * 1000
    along_x = (-0.24 * pd_mm - 9.9) / 1000
    along_y = (-0.30 * pw_mm - 10.9) / 1000
    lateral = (0.33 * pw_mm + 7.3) / 1000
    base = mid_asis + along_x[:, None] * x + along_y[:, None] * y
    return {"L": base - lateral[:, None] * z, "R": base + lateral[:, None] * z}
