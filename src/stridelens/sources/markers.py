"""Marker (or 3D keypoint) names -> the canonical keypoints of stridelens, with joint centres where needed.

Names are matched case-insensitively after dropping a ``Subject:`` prefix and separators; the side comes
from a ``R``/``L``/``Right``/``Left`` prefix or an ``_r``/``_l`` suffix. Each canonical keypoint takes the
first source that the file offers (documented in docs/metrics.md, "Marker and keypoint files"):

- hip: a hip joint-centre point (``RHip``, ``RHJC``); else the functional centre (SCoRE) of the pelvis
  markers and a thigh cluster when it fits within `FUNCTIONAL_MAX_RMS_M`; else the Harrington 2007
  regression from ``LASI/RASI/LPSI/RPSI``.
- knee: a knee point (``RKnee``, ``RKJC``); else the femoral epicondyles (``RKNE``/``RLEK`` lateral; with
  the medial one, their midpoint); else the functional centre of the thigh and shank clusters.
- ankle: an ankle point (``RAnkle``, ``RAJC``); else the malleoli (``RANK``/``RLMAL``; with the medial one,
  their midpoint); else the functional centre of the shank cluster and the foot markers.
- heel ``RHeel``/``RHEE``/``RCAL``; toe ``RBigToe``/``RTOE`` (else the metatarsal heads).
- shoulder ``RShoulder``/``RSHO``/``RACR``; elbow ``RElbow``/``RELB`` or the epicondyles' mean; wrist
  ``RWrist`` or the mean of the wrist markers (``RWRA/RWRB``, ``RFAradius/RFAulna``).
- ears (the head): ``REar``; else the side's head markers (``RFHD/RBHD``); else a head-centre stand-in
  above the neck markers (``C7``, ``CLAV``): their midpoint plus `HEAD_ABOVE_NECK_M` along the
  hip-to-neck direction. nose: ``Nose``.

Joint centres found functionally are exact for model (inverse-kinematics) markers, which move rigidly
with their segments; for skin markers the residual tells whether the fit can be trusted.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._nan import nanmean
from ..config import VideoConfig
from ..errors import InputError
from .joints import functional_joint_centre, harrington_hip_centres
from .recording import Recording, ReferenceEvents, finish_recording
from .sagittal import PX_PER_M, SagittalPlane, estimate_plane, to_track

__all__ = ["FUNCTIONAL_MAX_RMS_M", "HEAD_ABOVE_NECK_M", "MarkerKeypoints", "keypoints_from_markers",
           "markers_to_recording", "parse_name"]

FUNCTIONAL_MAX_RMS_M = 0.01  # a functional centre whose two views disagree by more (RMS) is not used, heuristic
FUNCTIONAL_MIN_RANGE_DEG = 20.0  # the joint must move this much for a functional centre, heuristic
HEAD_ABOVE_NECK_M = 0.12  # head centre above the C7/CLAV midpoint: half of de Leva's 1996 head length
# (vertex to cervicale 24.3 cm, male), a stand-in used only for the COM's head segment
DERIVED_CONFIDENCE = 0.9  # confidence of estimated joint centres; measured markers have 1.0
STAND_IN_CONFIDENCE = 0.6  # the head stand-in (enough for the COM, flagged as approximate)

# part token (after the side is removed) -> role
_ROLES: tuple[tuple[str, str], ...] = (
    ("hip", r"hip|hjc|hipjc|hipjointcent(er|re)"),
    ("asis", r"asi|asis"),
    ("psis", r"psi|psis"),
    ("thigh", r"th\d+|thi|thigh\d*|fem\d+"),
    ("shank", r"tb\d+|tib|tibia\d*|sh\d+|shank\d*|sk\d+"),
    ("knee", r"knee|kjc|kneejc"),
    ("knee_lat", r"kne|lek|lfe|fle|kneelat(eral)?|latknee"),
    ("knee_med", r"knem|mek|mfe|fme|kneemed(ial)?|medknee"),
    ("ankle", r"ankle|ajc|anklejc"),
    ("ankle_lat", r"ank|lma|lmal|latank|anklelat(eral)?|fal"),
    ("ankle_med", r"mma|mmal|medank|anklemed(ial)?|tam"),
    ("heel", r"heel|hee|cal|calc|calcn|hel"),
    ("toe", r"toes?|bigtoe|toebig|footindex|tip"),
    ("mt1", r"mt1|mh1|fm1|mt1head"),
    ("mt5", r"mt5|mh5|fm5|vmh|mt5head|smalltoe"),
    ("shoulder", r"shoulder|sho|acr|acromion|sja"),
    ("elbow", r"elbow|elb|ejc"),
    ("elbow_epi", r"lel|mel|lhe|mhe|elbowlat|elbowmed"),
    ("wrist", r"wrist|wjc"),
    ("wrist_marker", r"wra|wrb|rsp|usp|faradius|faulna|wristlat|wristmed|wrt"),
    ("ear", r"ear"),
    ("head_marker", r"fhd|bhd|head"),
)
_CENTRE_ROLES: tuple[tuple[str, str], ...] = (
    ("nose", r"nose"),
    ("c7", r"c7|neck|cv7"),
    ("clav", r"clav|ij|jn|clavicle"),
)
_SIDE_PREFIX = re.compile(r"^(right|left|r|l)(.+)$")
_SIDE_SUFFIX = re.compile(r"^(.+?)(right|left|r|l)$")


def _clean(name: str) -> str:
    return name.split(":")[-1].strip()


def _role(token: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return next((role for role, pattern in table if re.fullmatch(pattern, token)), None)


def parse_name(name: str) -> tuple[str | None, str] | None:
    """(side "L"/"R" or None, role) of a marker or keypoint name, or None when it is not used.

    >>> parse_name("RASI"), parse_name("LBigToe"), parse_name("calcn_r"), parse_name("C7")
    (('R', 'asis'), ('L', 'toe'), ('R', 'heel'), (None, 'c7'))
    """
    raw = _clean(name)
    flat = re.sub(r"[^a-z0-9]", "", raw.lower())
    centre = _role(flat, _CENTRE_ROLES)
    if centre:
        return None, centre
    suffix = re.fullmatch(r"(.+?)[_.\s-](r|l|right|left)", raw.lower())
    candidates = []
    if suffix:
        candidates.append((suffix.group(2), re.sub(r"[^a-z0-9]", "", suffix.group(1))))
    m = _SIDE_PREFIX.match(flat)
    if m:
        candidates.append((m.group(1), m.group(2)))
    for side, token in candidates:
        role = _role(token, _ROLES)
        if role:
            return ("R" if side.startswith("r") else "L"), role
    return None


@dataclass
class MarkerKeypoints:
    """Canonical keypoints in 3D, with their confidence and where each came from."""

    points_m: dict[str, np.ndarray] = field(default_factory=dict)  # canonical name -> (T, 3)
    confidence: dict[str, float] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # canonical name -> how it was obtained

    def put(self, name: str, found: _Found) -> None:
        self.points_m[name] = found.xyz_m
        self.confidence[name] = found.confidence
        self.sources[name] = found.source


class _Index:
    """Markers grouped by (side, role)."""

    def __init__(self, names: tuple[str, ...], xyz_m: np.ndarray):
        self.xyz_m = xyz_m
        self.by_role: dict[tuple[str | None, str], list[int]] = {}
        for i, name in enumerate(names):
            parsed = parse_name(name)
            if parsed is not None:
                self.by_role.setdefault(parsed, []).append(i)
        self.names = names

    def get(self, side: str | None, role: str) -> list[int]:
        return self.by_role.get((side, role), [])

    def label(self, idx: list[int]) -> str:
        return ", ".join(_clean(self.names[i]) for i in idx)

    def mean(self, idx: list[int]) -> np.ndarray:
        return nanmean(self.xyz_m[:, idx], axis=1)

    def cluster(self, idx: list[int]) -> np.ndarray:
        return self.xyz_m[:, idx]


@dataclass(frozen=True, slots=True)
class _Found:
    xyz_m: np.ndarray  # (T, 3)
    source: str
    confidence: float


def _first_of(index: _Index, side: str, roles: tuple[str, ...], what: str) -> _Found | None:
    for role in roles:
        idx = index.get(side, role)
        if idx:
            several = len(idx) > 1
            return _Found(index.mean(idx), f"{'mean of ' if several else ''}{index.label(idx)} ({what})",
                          DERIVED_CONFIDENCE if several else 1.0)
    return None


def _functional(index: _Index, parent: list[int], child: list[int], what: str) -> _Found | None:
    if len(parent) < 3 or len(child) < 3:
        return None
    fit = functional_joint_centre(index.cluster(parent), index.cluster(child))
    if fit is None or fit.rms_residual_m > FUNCTIONAL_MAX_RMS_M or fit.range_deg < FUNCTIONAL_MIN_RANGE_DEG:
        return None
    return _Found(fit.position_m, f"functional centre (SCoRE) of {what}: {index.label(parent)} / "
                                  f"{index.label(child)}, residual {fit.rms_residual_m * 1000:.1f} mm RMS",
                  DERIVED_CONFIDENCE)


def _pair_or_one(index: _Index, side: str, lat: str, med: str, name: str) -> _Found | None:
    a, b = index.get(side, lat), index.get(side, med)
    if a and b:
        return _Found((index.mean(a) + index.mean(b)) / 2,
                      f"midpoint of {index.label(a)} and {index.label(b)} ({name}s)", DERIVED_CONFIDENCE)
    if a:
        return _Found(index.mean(a), f"{index.label(a)} (lateral {name}; the projection drops its lateral offset)",
                      1.0)
    return None


def _hips(index: _Index, out: MarkerKeypoints) -> None:
    pelvis = [i for s in ("L", "R", None) for r in ("asis", "psis") for i in index.get(s, r)]
    parts = [index.get(s, r) for s, r in (("L", "asis"), ("R", "asis"), ("L", "psis"), ("R", "psis"))]
    harrington = harrington_hip_centres(*(index.mean(p) for p in parts)) if all(parts) else None
    for side in "LR":
        found = (_first_of(index, side, ("hip",), "hip joint centre")
                 or _functional(index, pelvis, index.get(side, "thigh"), "pelvis / thigh"))
        if found is None and harrington is not None:
            found = _Found(harrington[side], f"Harrington 2007 regression from {index.label(pelvis)}",
                           DERIVED_CONFIDENCE)
        if found is not None:
            out.put(f"{'left' if side == 'L' else 'right'}_hip", found)


def _limb(index: _Index, side: str, out: MarkerKeypoints) -> None:
    foot = [i for r in ("heel", "toe", "mt1", "mt5") for i in index.get(side, r)]
    chains = {
        "knee": (_first_of(index, side, ("knee",), "knee point")
                 or _pair_or_one(index, side, "knee_lat", "knee_med", "femoral epicondyle")
                 or _functional(index, index.get(side, "thigh"), index.get(side, "shank"), "thigh / shank")),
        "ankle": (_first_of(index, side, ("ankle",), "ankle point")
                  or _pair_or_one(index, side, "ankle_lat", "ankle_med", "malleolus")
                  or _functional(index, index.get(side, "shank"), foot, "shank / foot")),
        "heel": _first_of(index, side, ("heel",), "heel"),
        "toe": _first_of(index, side, ("toe", "mt1", "mt5"), "toe"),
        "shoulder": _first_of(index, side, ("shoulder",), "shoulder"),
        "elbow": _first_of(index, side, ("elbow", "elbow_epi"), "elbow"),
        "wrist": _first_of(index, side, ("wrist", "wrist_marker"), "wrist"),
        "ear": _first_of(index, side, ("ear", "head_marker"), "head"),
    }
    for part, found in chains.items():
        if found is not None:
            out.put(f"{'left' if side == 'L' else 'right'}_{part}", found)


def _head_stand_in(index: _Index, out: MarkerKeypoints) -> None:
    """Both ears at a head-centre stand-in above the neck markers, when the file has no head points."""
    if "left_ear" in out.points_m or "right_ear" in out.points_m:
        return
    neck_idx = index.get(None, "c7") + index.get(None, "clav")
    hips = [out.points_m[n] for n in ("left_hip", "right_hip") if n in out.points_m]
    if not neck_idx or not hips:
        return
    neck = index.mean(neck_idx)
    axis = neck - np.mean(hips, axis=0)
    with np.errstate(all="ignore"):
        axis /= np.linalg.norm(axis, axis=1, keepdims=True)
    head = neck + HEAD_ABOVE_NECK_M * axis
    source = (f"head-centre stand-in: midpoint of {index.label(neck_idx)} + {HEAD_ABOVE_NECK_M * 100:.0f} cm "
              f"along hip->neck (approximate)")
    for name in ("left_ear", "right_ear"):
        out.put(name, _Found(head, source, STAND_IN_CONFIDENCE))


def keypoints_from_markers(names: tuple[str, ...], xyz_m: np.ndarray) -> MarkerKeypoints:
    """Canonical 3D keypoints from named markers (see the module docstring for the rules).

    Parameters
    ----------
    names
        Marker or keypoint names as the file gives them.
    xyz_m
        (T, M, 3) positions in metres, lab frame, NaN where missing.
    """
    index = _Index(names, xyz_m)
    out = MarkerKeypoints()
    nose = index.get(None, "nose")
    if nose:
        out.put("nose", _Found(index.mean(nose), f"{index.label(nose)} (nose)", 1.0))
    _hips(index, out)
    for side in "LR":
        _limb(index, side, out)
    _head_stand_in(index, out)
    return out


def markers_to_recording(names: tuple[str, ...], xyz_m: np.ndarray, *, time_s: np.ndarray, fps: float,
                         path: str | os.PathLike[str], fmt: str, file_unit: str, config: VideoConfig,
                         plane: SagittalPlane | None = None, reference: ReferenceEvents | None = None
                         ) -> Recording:
    """Named 3D markers -> canonical keypoints -> sagittal projection -> `Recording` (codec "markers").

    `plane` defaults to the one `sagittal.estimate_plane` finds. Raises `InputError` when the markers do not
    give the hips, a foot and the shoulders.
    """
    keypoints = keypoints_from_markers(names, xyz_m)
    have = set(keypoints.points_m)
    needed = {"hips": ("left_hip", "right_hip"), "feet (heel or toe)": ("left_heel", "right_heel", "left_toe",
                                                                          "right_toe"),
              "shoulders": ("left_shoulder", "right_shoulder")}
    missing = [what for what, names_ in needed.items() if not have.intersection(names_)]
    if missing:
        raise InputError(
            f"{Path(path).name}: the markers do not give the {', '.join(missing)} (markers found: "
            f"{', '.join(_clean(n) for n in names[:30])}{' ...' if len(names) > 30 else ''}).",
            "Use a marker set with pelvis (ASIS/PSIS) or hip markers, heel and toe markers and shoulder markers; "
            "the names stridelens understands are listed in docs/metrics.md (\"Marker and keypoint files\").")
    try:
        plane = plane or estimate_plane(keypoints.points_m)
        track, width, height = to_track(keypoints.points_m, keypoints.confidence, time_s=time_s,
                                        frame_index=np.arange(len(time_s)), fps=fps, plane=plane)
    except ValueError as exc:
        raise InputError(f"{Path(path).name}: {exc}.", "Check that the file holds a running trial.") from exc
    return finish_recording(track, path=path, codec="markers", fmt=fmt, file_unit=file_unit, width_px=width,
                            height_px=height, config=config, px_per_m=PX_PER_M, projection=plane.describe(),
                            keypoint_sources=keypoints.sources, reference=reference)
