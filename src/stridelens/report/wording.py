"""Plain words for the HTML report: verdict headlines, severity, status pills, the glossary.

Kept apart from the page layout (`report.html`) so wording can be edited (or translated) in one place.
"""

from __future__ import annotations

__all__ = ["GLOSSARY", "HEADLINE", "PILL", "SEVERITY"]

HEADLINE = {"neutral": "Hips in line", "hips_back": "Hips sitting back", "hips_forward": "Hips pushed forward"}
SEVERITY = {
    None: ("None", "Nothing to correct: your hip position is within the normal range."),
    "mild": ("Mild", "A little beyond the normal range: worth working on, nothing urgent."),
    "marked": ("Marked", "Clearly beyond the normal range, or several signs at once: the first thing to work on."),
}
PILL = {"green": "On target", "amber": "Slightly off", "red": "Off target", "info": "For info",
        "grey": "Not measured"}

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("% leg", "Lengths as a percentage of your leg length (hip to ankle, standing), so they do not depend on "
              "how far the camera was or how tall you are."),
    ("Ankle-hip-shoulder line", "At midstance the standing ankle, the hips and the shoulders should be roughly "
                                "on one straight line, leaning forward from the ankles like a plank."),
    ("Hip offset", "How far the hips are off that line: − = behind it (sitting back, bending at the waist), "
                   "+ = ahead of it (hips pushed forward, arched back)."),
    ("Centre of mass (COM)", "The balance point of your whole body, estimated from all body segments "
                             "(de Leva 1996)."),
    ("Landing (initial contact)", "The first frame a foot is on the ground."),
    ("Midstance", "The moment in the stance when your hips are lowest."),
    ("Toe-off", "The last frame a foot is on the ground."),
    ("Cadence", "Steps per minute, counting both feet."),
    ("Contact / flight time", "How long a foot is on the ground, and how long both feet are off it before the "
                              "next landing."),
    ("Trunk lean", "Tilt of the line from hips to shoulders, forward positive (Teng & Powers 2014: about 7 deg)."),
    ("Body lean", "Tilt of the line from the standing ankle to your centre of mass: the lean from the ankles."),
    ("Bend at the waist", "Trunk lean minus the lean of the ankle-hip line: 0 = one straight line."),
    ("Overstriding", "Landing with the foot far ahead of your centre of mass, which brakes every step "
                     "(Wille 2014; Lieberman 2015)."),
    ("Shin angle", "Tilt of the shin at landing; + = foot ahead of the knee (reaching)."),
    ("Knee bend", "Knee flexion: 0 = straight. About 35-45 deg at midstance absorbs the landing (Souza 2016)."),
    ("Hip extension", "How far the thigh is behind the trunk line when the foot leaves the ground."),
    ("Foot strike", "Rearfoot (heel first), midfoot or forefoot, from the foot angle at landing "
                    "(Altman & Davis 2012)."),
    ("Bounce (vertical oscillation)", "How far your centre of mass rises and falls in each step."),
    ("Symmetry index", "Difference between left and right relative to their mean, in %."),
    ("Confidence", "0-100 %: how clearly the body points were seen and how consistent the steps were."),
    ("± (expected error)", "How far an average may be from the truth for a video like yours (frame rate, picture "
                           "size, how steadily the body points were found), measured on test runs with known "
                           "answers. Amber means less precise than we aim for."),
    ("Smallest detectable change", "Between two films, a difference smaller than this is within measurement noise "
                                   "and your own step-to-step variation: no measurable change (1.96 × √2 × the "
                                   "standard error of measurement; Dingenen 2018)."),
)
