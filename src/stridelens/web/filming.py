"""How to film a run from the side: the tips of the "How to film" page, and which tip answers which failed
capture-quality check or error, so the report and the error page repeat the advice that applies."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TIPS", "Tip", "tips_for", "web_advice"]


@dataclass(frozen=True, slots=True)
class Tip:
    anchor: str
    title: str
    text: str
    keys: tuple[str, ...]  # quality-check keys and error codes this tip answers


TIPS: tuple[Tip, ...] = (
    Tip("tripod", "Phone on a tripod, not in a hand",
        "A still camera is what makes the measurements possible. Use a tripod or prop the phone on something "
        "steady; do not pan, follow the runner or zoom.", ("camera_still", "camera_motion")),
    Tip("hip-height", "At hip height, level",
        "Put the lens at the runner's hip height and keep the phone level: a camera looking down or tilted "
        "distorts lean and hip position.", ("camera_level",)),
    Tip("side", "From the side, square to the path",
        "Film exactly from the side, the phone perpendicular to the running direction (treadmill: facing its "
        "side). Front, back and diagonal views cannot show the hip line.", ("side_view", "wrong_view")),
    Tip("distance", "Far enough for the whole body",
        "Head to feet in the picture all the time, with a little room around; on a track, far enough back that "
        "the runner crosses the frame for several strides (3-5 m on a treadmill, 8-10 m on a track).",
        ("runner_visible", "constant_scale", "no_runner")),
    Tip("strides", "10 or more strides of steady running",
        "Record at least 10 strides (20 steps) at your normal pace after you have settled in; 15-30 seconds on "
        "a treadmill is plenty.", ("too_few_steps", "not_running", "running", "cadence_plausible")),
    Tip("fps", "60 frames/s or slow motion",
        "Choose 60 fps (or 120/240 fps slow motion) in the camera settings. For slow motion, enter the capture "
        "rate in the upload form's 'Slow-motion frame rate' field.", ("frame_rate", "slow_motion")),
    Tip("light", "Good light, clothes that stand out",
        "Film in daylight or a bright room, with the light behind the camera; fitted clothes that contrast "
        "with the background make the joints easy to see.", ("keypoint_confidence", "no_runner")),
    Tip("alone", "One runner in the picture",
        "Keep other people out of the frame, or the wrong person may be measured.", ("one_person",)),
)


def tips_for(keys: list[str] | tuple[str, ...]) -> list[Tip]:
    """The tips that answer any of `keys` (quality-check keys or error codes), in page order."""
    return [t for t in TIPS if any(k in t.keys for k in keys)]


_FIELD = "the upload form's 'Slow-motion frame rate' field"
_FLAG_WORDS = ((re.compile(r"pass --fps with its capture rate"), f"enter its capture rate in {_FIELD}"),
               (re.compile(r"; in a batch manifest: the fps column\)"), ")"),  # no manifests on the web
               (re.compile(r"with --fps \(e\.g\. --fps (\d+)\)"), rf"in {_FIELD} (e.g. \1)"),
               (re.compile(r"e\.g\. --fps (\d+)"), rf"e.g. \1 in {_FIELD}"),
               (re.compile(r"Check the --fps value given"), f"Check the value in {_FIELD}"),
               (re.compile(r"with --fps"), f"in {_FIELD}"),
               (re.compile(r"--fps"), _FIELD),
               (re.compile(r"--height-cm"), "the 'Height' field"),
               (re.compile(r"Check --start/--end, or re-export"), "Re-export"),
               (re.compile(r"analyse the intact part with --end"), "trim the video to its intact part"),
               (re.compile(r"\+-"), "±"))


def web_advice(advice: str) -> str:
    """The engine's advice with command-line flags replaced by the upload form's fields."""
    for pattern, words in _FLAG_WORDS:
        advice = pattern.sub(words, advice)
    return advice[:1].upper() + advice[1:] if advice else advice
