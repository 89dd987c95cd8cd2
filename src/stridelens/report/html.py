"""report.html: one self-contained page a runner can open offline or send to a coach.

No external URLs: the CSS is inlined, plots are inline SVG (`report.plots`) and the step stills are
base64 JPEG data URIs (`report.stills`). The order follows what a runner asks first: the verdict in plain
words, key numbers against targets, plots over time, the typical and the worst step, drills, disclaimer,
findings, recording quality, the step table and a glossary.
"""

from __future__ import annotations

import base64
import logging
import math
from datetime import datetime
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .schema import AnalysisReport
from .targets import KeyNumber, Target, band_status, key_numbers, targets
from .wording import GLOSSARY, HEADLINE, PILL, SEVERITY

if TYPE_CHECKING:
    from .stills import StillFrames

__all__ = ["pm_text", "render_html", "write_html"]

log = logging.getLogger(__name__)

_SIDE = {"L": "left", "R": "right"}


def _e(x: Any) -> str:
    return escape(str(x), quote=True)


def _t(x: str) -> str:
    """Escaped prose from the core, with ASCII "+-" shown as "±"."""
    return _e(x.replace("+-", "±"))


def _num(v: float | None, fmt: str, unit: str = "", none: str = "–") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return none
    text = format(v, fmt).replace("-", "−")
    return f"{text} {unit}".rstrip() if unit else text


_PRECISION_CSS = """
.metric .value .pm { font-size: 14px; font-weight: 500; color: var(--muted); white-space: nowrap; }
.metric .value .pm.coarse { color: #a15c00; }
.metric .sdd { font-size: 12.5px; color: var(--muted); }
"""


def _css() -> str:
    return (resources.files(__package__) / "templates" / "report.css").read_text(encoding="utf-8") + _PRECISION_CSS


def _verdict_status(report: AnalysisReport) -> str:
    v = report.verdict
    return "green" if v.label == "neutral" else ("red" if v.severity == "marked" else "amber")


# ---------------------------------------------------------------------------------------------------------
# sections


def _header(report: AnalysisReport) -> str:
    v = report.video
    n = len(report.steps)
    per_side = {s: sum(1 for r in report.steps if r.side == s) for s in "LR"}
    setting = {True: "treadmill", False: "overground", None: "setting unknown"}[report.setting.treadmill]
    try:
        created = datetime.fromisoformat(report.created_utc).strftime("%d %b %Y")
    except ValueError:
        created = report.created_utc
    facts = [v.file, f"{v.analysed_end_s - v.analysed_start_s:.1f} s analysed",
             f"{n} steps ({per_side['L']} left, {per_side['R']} right)", setting, f"{v.capture_fps:.0f} frames/s",
             created]
    if report.setting.height_cm:
        facts.insert(4, f"height {report.setting.height_cm:.0f} cm")
    nav = [("verdict", "Verdict"), ("numbers", "Key numbers"), ("plots", "Over time"), ("stills", "Typical step"),
           ("drills", "Drills"), ("findings", "Findings"), ("quality", "Recording"), ("steps", "All steps"),
           ("glossary", "Glossary")]
    return (f'<header><div class="brand">stridelens</div><h1>Running form report</h1>'
            f'<p class="meta">{"".join(f"<span>{_e(f)}</span>" for f in facts)}</p></header>'
            f'<nav class="toc">{"".join(f"<a href=#{k}>{t}</a>" for k, t in nav)}</nav>')


def _bar(t: Target, value: float | None, sd: float | None = None) -> str:
    """Coloured range bar: red background, amber and green bands, the value as a mark, ± SD as a whisker."""
    if t.green is None or value is None or not math.isfinite(value):
        return ""
    lo, hi = t.scale

    def pos(x: float | None, default: float) -> float:
        x = default if x is None else x
        return min(100.0, max(0.0, (x - lo) / (hi - lo) * 100))

    def band(b: tuple[float | None, float | None] | None, cls: str) -> str:
        if b is None:
            return ""
        a, z = pos(b[0], lo), pos(b[1], hi)
        return f'<i class="{cls}" style="left:{a:.1f}%;width:{z - a:.1f}%"></i>'

    whisker = ""
    if sd:
        a, z = pos(value - sd, lo), pos(value + sd, hi)
        whisker = f'<i class="sd" style="left:{a:.1f}%;width:{z - a:.1f}%"></i>'
    return (f'<div class="bar" title="{_e(t.target)}">{band(t.amber, "amb")}{band(t.green, "grn")}{whisker}'
            f'<i class="mark" style="left:{pos(value, lo):.1f}%"></i></div>')


def _step_agreement(report: AnalysisReport, config: Any) -> tuple[int, int]:
    """How many confidently measured steps agree with the verdict (as the verdict's confidence counts them)."""
    a = config.assess
    offsets = [s.hip_offset_pct for s in report.steps if s.hip_offset_pct is not None and not s.low_confidence]
    label = report.verdict.label
    if label == "hips_back":
        agree = sum(o <= a.hip_offset_back_pct / 2 for o in offsets)
    elif label == "hips_forward":
        agree = sum(o >= a.hip_offset_forward_pct / 2 for o in offsets)
    else:
        agree = sum(a.hip_offset_back_pct < o < a.hip_offset_forward_pct for o in offsets)
    return int(agree), len(offsets)


def _confidence_text(report: AnalysisReport, config: Any) -> tuple[str, str]:
    c = report.verdict.confidence
    level = "High" if c >= 0.7 else "Moderate" if c >= 0.4 else "Low"
    agree, n = _step_agreement(report, config)
    per_side = min(sum(1 for s in report.steps if s.side == side and not s.low_confidence) for side in "LR")
    stable = config.quality.stable_steps_per_side
    parts = [f"{agree} of {n} steps agree with it" if n else "no step could be measured with confidence"]
    kp = [s.confidence for s in report.steps if not s.low_confidence]
    if kp:
        parts.append(f"body points seen with {sum(kp) / len(kp):.0%} confidence")
    parts.append(f"{per_side}+ steps per side" + (f" ({stable}+ give a stable average)" if per_side >= stable
                                                  else f", fewer than the {stable}+ that give a stable average"))
    advice = {"High": "You can rely on it.", "Moderate": "A good first read; film again to confirm.",
              "Low": "Treat it as a first impression and film again (see Recording quality)."}[level]
    return f"{level} ({c:.0%})", f"{advice} Based on: {'; '.join(parts)}."


def _driver_text(d: Any, names: dict[str, Target]) -> str:
    t = names.get(d.key)
    name = t.name if t else d.key
    fmt = t.fmt if t and t.fmt else "+.1f"
    word = "above" if d.direction == "above" else "below"
    return f"{name}: {_num(d.value, fmt, d.unit)} ({word} the limit of {_num(d.threshold, fmt, d.unit)})"


def _verdict(report: AnalysisReport, config: Any) -> str:
    v = report.verdict
    status = _verdict_status(report)
    sev_word, sev_text = SEVERITY.get(v.severity, (str(v.severity), ""))
    conf_word, conf_text = _confidence_text(report, config)
    names = {t.key: t for t in targets(config)}
    hip = names["hip_offset_pct"]
    offset = report.summary.overall.get("hip_offset_pct")
    gauge = ""
    if offset is not None and offset.mean is not None:
        gauge = (f'<div class="gauge">{_bar(hip, offset.mean, offset.sd)}<div class="ends"><span>hips behind '
                 f'the line</span><span>your average {_num(offset.mean, "+.1f", "% leg")}</span><span>hips '
                 f'ahead</span></div></div>')
    drivers = ""
    if v.drivers or v.supporting:
        items = [f"<li><b>Decided by</b> {_e(_driver_text(d, names))}</li>" for d in v.drivers]
        items += [f"<li><b>Also seen</b> {_e(_driver_text(d, names))}</li>" for d in v.supporting]
        drivers = f'<ul class="drivers">{"".join(items)}</ul>'
    warn = ""
    if report.warnings:
        n = len(report.warnings)
        warn = (f'<div class="callout s-amber"><p><strong>{n} recording warning{"s" if n > 1 else ""}</strong> '
                f'make{"" if n > 1 else "s"} some numbers less certain: {_t(report.warnings[0])} '
                f'<a href="#quality">See Recording quality</a>.</p></div>')
    return (f'<section id="verdict" class="card verdict s-{status}"><div class="eyebrow">Hip position verdict</div>'
            f'<div class="headline">{_e(HEADLINE.get(v.label, v.label))}</div>'
            f'<p class="summary">{_t(v.summary)}</p>{gauge}{drivers}'
            f'<div class="facts"><div class="fact"><div class="k">Severity</div><div class="v">{_e(sev_word)}</div>'
            f'<p>{_e(sev_text)}</p></div><div class="fact"><div class="k">Confidence</div>'
            f'<div class="v">{_e(conf_word)}</div><p>{_e(conf_text)}</p></div></div>{warn}</section>')


def _pm_fmt(x: float) -> str:
    """Two significant figures for an error: 0.34, 2.1, 17."""
    return ".1f" if abs(x) < 10 else ".0f"


def pm_text(k: KeyNumber, fps: float) -> str:
    """"±17 ms at 60 fps": the expected error of a key number for this video ("" when not modelled)."""
    if k.expected_error is None or isinstance(k.value, str) or k.value is None:
        return ""
    unit = f" {k.target.unit}" if k.target.unit else ""
    return f"±{format(k.expected_error, _pm_fmt(k.expected_error))}{unit} at {fps:.0f} fps"


def _precision(k: KeyNumber, fps: float) -> tuple[str, str]:
    """The ± next to the value, and the line on detectable change below the target."""
    pm = pm_text(k, fps)
    if pm:
        coarse = k.reliable is False
        title = "less precise than our target for this measure: see Recording quality" if coarse else \
            "expected error of this average for your video's frame rate, picture size and keypoint jitter"
        pm = f' <span class="pm{" coarse" if coarse else ""}" title="{_e(title)}">{_e(pm)}</span>'
    sdd = ""
    if k.sdd is not None and not isinstance(k.value, str) and k.value is not None:
        unit = f" {k.target.unit}" if k.target.unit else ""
        sdd = (f'<div class="sdd">Smallest change you can detect between two films: '
               f'{_e(format(k.sdd, _pm_fmt(k.sdd)))}{_e(unit)}</div>')
    return pm, sdd


def _metric_card(k: KeyNumber, fps: float) -> str:
    t = k.target
    pm, sdd = _precision(k, fps)
    if isinstance(k.value, str):
        value = _e(k.value.split(" (")[0])
    else:
        value = _e(_num(k.value, t.fmt)) + (f" <small>{_e(t.unit)}</small>" if k.value is not None else "")
        if k.cm is not None:
            value += f" <small>({_e(_num(k.cm, t.fmt.replace('.1f', '.0f')))} cm)</small>"
    spread = f" · steps vary ±{_num(k.sd, t.fmt.lstrip('+'))} (SD of {k.n})" if k.sd is not None and k.n > 1 else ""
    if isinstance(k.value, str) and " (" in k.value:
        spread = " · " + k.value.split(" (", 1)[1].rstrip(")")
    return (f'<div class="metric s-{k.status}"><div class="head"><span class="name">{_e(t.name)}</span>'
            f'<span class="pill">{PILL[k.status]}</span></div><div class="value">{value}{pm}</div>'
            f'{_bar(t, k.value if not isinstance(k.value, str) else None, k.sd)}'
            f'<div class="target">Target: {_e(t.target)}{_e(spread)}</div>{sdd}'
            f'<p class="explain">{_e(t.explain)}</p></div>')


def _key_numbers(report: AnalysisReport, config: Any) -> str:
    fps = report.video.capture_fps
    cards = "".join(_metric_card(k, fps) for k in key_numbers(report, config))
    precision = (f' The <b>±</b> after a number is the error to expect from this video ({fps:.0f} frames/s, '
                 f'its picture size and how steadily the body points were found), measured on test runs with known '
                 f'answers; amber ± = less precise than we aim for. Two films differ by more than the "smallest '
                 f'change you can detect" only if you really changed.') if report.uncertainty else ""
    return (f'<section id="numbers" class="card"><h2>Key numbers</h2><p class="lead">Your averages over all '
            f'steps against the target range. On the bars: green = target, amber = slightly off, red = off; '
            f'the black mark is you, the grey whisker your step-to-step spread. "% leg" = percent of your leg '
            f'length, so the numbers compare between people.{precision}</p><div class="grid">{cards}</div>'
            f'{_sides(report, config)}</section>')


def _sides(report: AnalysisReport, config: Any) -> str:
    names = {t.key: t for t in targets(config)}
    rows = []
    for key in ("contact_time_ms", "knee_flexion_mid_deg", "foot_ahead_com_pct", "hip_offset_pct", "trunk_lean_deg"):
        t = names[key]
        left, right = report.summary.L.get(key), report.summary.R.get(key)
        sym = report.symmetry.get(key)
        if sym is not None:
            diff = _num(sym, "+.0f", "%" if key != "foot_ahead_com_pct" else "")
        elif left and right and left.mean is not None and right.mean is not None:
            diff = _num(left.mean - right.mean, t.fmt if "+" in t.fmt else "+" + t.fmt)
        else:
            diff = "–"
        rows.append(f'<tr><td class="l">{_e(t.name)} <small>({_e(t.unit)})</small></td>'
                    f'<td>{_e(_num(left.mean if left else None, t.fmt))}</td>'
                    f'<td>{_e(_num(right.mean if right else None, t.fmt))}</td><td>{_e(diff)}</td></tr>')
    limit = config.assess.asymmetry_max_pct
    return (f'<h3 style="margin-top:22px">Left vs right</h3><div class="table-wrap"><table class="narrow"><thead><tr>'
            f'<th class="l">Measure</th><th>Left</th><th>Right</th><th>Difference</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div><p class="note">Difference: for contact time and knee '
            f'bend the symmetry index in % (0 = equal, + = left larger; within ±{limit:.0f} % is normal); for the '
            f'others left − right.</p>')


def _plots(analysis: Any) -> str:
    from .plots import SIDE_HEX, time_plots

    cards = "".join(f'<div class="plot-card"><h3>{_e(p.title)}</h3><p>{_e(p.caption)}</p>{p.svg}</div>'
                    for p in time_plots(analysis))
    legend = (f'<p class="legend-line">Colours:<span class="swatch" style="background:{SIDE_HEX["L"]}"></span>left '
              f'foot<span class="swatch" style="background:{SIDE_HEX["R"]}"></span>right foot. Faint vertical '
              f'lines: the moments a foot lands.</p>')
    return (f'<section id="plots" class="card"><h2>Over time</h2><p class="lead">How the numbers move step by '
            f'step. Steady, repeating waves are good; one odd step is usually a measurement blip.</p>{legend}'
            f'<div class="plots">{cards}</div></section>')


def _img(jpeg: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/jpeg;base64,{base64.b64encode(jpeg).decode("ascii")}">'


def _still_card(title: str, step_no: int, step: Any, still: Any, config: Any) -> str:
    names = {t.key: t for t in targets(config)}
    cm = f" ({abs(step.foot_ahead_com_cm):.0f} cm)" if step.foot_ahead_com_cm is not None else ""
    if step.foot_ahead_com_pct is not None:
        where = "ahead of" if step.foot_ahead_com_pct >= 0 else "behind"
        landing = (f"The foot lands {abs(step.foot_ahead_com_pct):.0f} % of leg length{cm} {where} your centre "
                   f"of mass (target: {names['foot_ahead_com_pct'].target}).")
    else:
        landing = "The landing distance could not be measured in this step."
    landing += (f" Shin {_num(step.shank_angle_ic_deg, '+.0f', 'deg')}, knee bent "
                f"{_num(step.knee_flexion_ic_deg, '.0f', 'deg')}.")
    if step.hip_offset_pct is not None:
        where = "ahead of" if step.hip_offset_pct >= 0 else "behind"
        mid = (f"Hips {abs(step.hip_offset_pct):.1f} % of leg length {where} the straight ankle-shoulder line "
               f"(dashed; target {names['hip_offset_pct'].target}).")
    else:
        mid = "The hip position could not be measured in this step."
    mid += f" Trunk lean {_num(step.trunk_lean_deg, '+.0f', 'deg')}."
    return (f'<div class="still"><h3>{_e(title)}</h3><p class="note" style="margin:0">Step {step_no} · '
            f'{_SIDE.get(step.side, step.side)} foot · at {step.ic_time_s:.2f} s</p><div class="pair">'
            f'<figure>{_img(still.landing_jpeg, "Landing, step " + str(step_no))}<figcaption><b>Landing</b>'
            f'{_e(landing)}</figcaption></figure>'
            f'<figure>{_img(still.midstance_jpeg, "Midstance, step " + str(step_no))}<figcaption><b>Midstance</b>'
            f'{_e(mid)}</figcaption></figure></div></div>')


def _still_picks(label: str, typical: int | None, worst: int | None) -> list[tuple[int, str]]:
    """(step index, title) of the steps the report shows as stills: the most typical and the worst."""
    picks = [(i, t) for i, t in ((typical, "Most typical step"),
                                 (worst, "The step furthest from the line" if label == "neutral"
                                  else "The step that shows it most")) if i is not None]
    if len(picks) == 2 and picks[0][0] == picks[1][0]:
        picks = [(picks[0][0], "Most typical step (also the one that shows it most)")]
    return picks


def still_steps(analysis: Any) -> list[int]:
    """Indices of the steps whose stills report.html shows (what `StillFrames` collects for it)."""
    v = analysis.verdict
    return [i for i, _ in _still_picks(v.label, v.typical_step_index, v.worst_step_index)]


def _stills(report: AnalysisReport, analysis: Any, frames: StillFrames | None) -> str:
    from .stills import step_stills

    v = report.verdict
    picks = _still_picks(v.label, v.typical_step, v.worst_step)
    body = '<p>No step was measured with enough confidence to show.</p>'
    if picks:
        stills = step_stills(analysis, [i for i, _ in picks], frames=frames)
        cards = [_still_card(title, i + 1, report.steps[i], stills[i], analysis.config)
                 for i, title in picks if i in stills]
        if cards:
            body = f'<div class="stills">{"".join(cards)}</div>'
    return (f'<section id="stills" class="card"><h2>Your typical step, and the extreme one</h2>'
            f'<p class="lead">Frames from your video at the moment the foot lands and at midstance (hips at their '
            f'lowest). Coloured line: ankle → hip → shoulder (green = hips in line, amber/red = not); dashed '
            f'white: the straight ankle-shoulder line; quartered disc: your centre of mass (COM); ring: the '
            f'landing foot. Blue = left side, purple = right.</p>{body}</section>')


def _drills(report: AnalysisReport) -> str:
    titles = {f.key: f.title for f in report.findings}
    titles.update({"hips_back": "hips sitting back", "hips_forward": "hips pushed forward",
                   "progress": "tracking progress"})
    items = []
    for d in report.coaching.drills:
        tags = "".join(f'<span class="tag">{_e(titles.get(a, a))}</span>' for a in d.addresses)
        rows = [("What to do", d.how), ("How much", d.dose), ("Why", d.why)]
        items.append(f'<li class="drill"><h3>{_e(d.name)}{tags}</h3><dl>'
                     f'{"".join(f"<dt>{k}</dt><dd>{_t(x)}</dd>" for k, x in rows if x)}</dl></li>')
    return (f'<section id="drills" class="card"><h2>Drills for you</h2><p class="lead">Chosen from what the video '
            f'showed; each says why, with your number and the target. Change one thing at a time.</p>'
            f'<ol class="drills">{"".join(items)}</ol>'
            f'<div class="callout s-info"><p><strong>Coaching, not diagnosis.</strong> '
            f'{_e(report.coaching.disclaimer)}</p></div></section>')


def _findings(report: AnalysisReport, config: Any) -> str:
    rows = []
    for f in report.findings:
        status = "red" if f.severity == "marked" else "amber"
        coached = "" if f.confidence >= config.assess.min_confidence else \
            " Measured with low confidence, so no drill is given for it."
        rows.append(f'<div class="finding s-{status}"><span class="pill">{_e(f.severity.capitalize())}</span>'
                    f'<div class="body"><h3>{_e(f.title)}</h3><p>{_t(f.message)}</p><p class="small">Target: '
                    f'{_t(f.target)} · measured with {f.confidence:.0%} confidence.{_e(coached)}</p></div></div>')
    body = "".join(rows) or "<p>Nothing else stood out: the other measures are within their ranges.</p>"
    return (f'<section id="findings" class="card"><h2>Findings</h2><p class="lead">Everything beyond the hip '
            f'verdict that is outside its range, each on its own.</p>{body}</section>')


def _quality(report: AnalysisReport) -> str:
    problems = [q for q in report.quality if q.status != "ok"]
    calls = "".join(
        f'<div class="callout s-{"red" if q.status == "fail" else "amber"}"><p><strong>'
        f'{"Problem" if q.status == "fail" else "Warning"}:</strong> {_t(q.message)}</p>'
        + (f'<p><b>Next time:</b> {_t(q.advice)}</p>' if q.advice else "") + "</div>" for q in problems)
    ok = "".join(f"<li>{_t(q.message)}</li>" for q in report.quality if q.status == "ok")
    head = ("Everything checked out." if not problems else
            f"{len(problems)} thing{'s' if len(problems) > 1 else ''} to improve when you film again:")
    return (f'<section id="quality" class="card"><h2>Recording quality</h2><p class="lead">{head}</p>{calls}'
            f'<ul class="checks">{ok}</ul></section>')


_STEP_COLUMNS: tuple[tuple[str, str, str], ...] = (  # header, key, format
    ("Contact ms", "contact_time_ms", ".0f"), ("Flight ms", "flight_time_ms", ".0f"),
    ("Hip offset % leg", "hip_offset_pct", "+.1f"), ("Trunk lean deg", "trunk_lean_deg", "+.1f"),
    ("Foot ahead of COM % leg", "foot_ahead_com_pct", "+.1f"), ("Knee bend deg", "knee_flexion_mid_deg", ".0f"),
)


def _step_table(report: AnalysisReport, config: Any) -> str:
    bands = {t.key: t for t in targets(config)}
    v = report.verdict
    marks = {v.typical_step: "typical", v.worst_step: "extreme"} if v.typical_step != v.worst_step else \
        {v.typical_step: "typical"}
    has_cm = any(s.foot_ahead_com_cm is not None for s in report.steps)
    head = "".join(f"<th>{h}</th>" for h, _, _ in _STEP_COLUMNS[:5])
    head += "<th>Foot ahead cm</th>" if has_cm else ""
    head += f"<th>{_STEP_COLUMNS[5][0]}</th><th class=l>Foot strike</th>"
    rows = []
    for i, s in enumerate(report.steps):
        cells = []
        for _, key, fmt in _STEP_COLUMNS:
            value = getattr(s, key)
            t = bands.get(key)
            status = band_status(value, t.green, t.amber) if t else "info"
            cls = f' class="c-{status}"' if status in ("amber", "red") and not s.low_confidence else ""
            cells.append(f"<td{cls}>{_e(_num(value, fmt))}</td>")
            if key == "foot_ahead_com_pct" and has_cm:
                cells.append(f"<td>{_e(_num(s.foot_ahead_com_cm, '+.0f'))}</td>")
        tag = f'<span class="tag">{marks[i]}</span>' if i in marks else ""
        low = ' <span class="tag" title="low keypoint confidence: left out of averages">low conf.</span>' \
            if s.low_confidence else ""
        cls = " ".join(c for c in ("low" if s.low_confidence else "", "mark-row" if i in marks else "") if c)
        rows.append(f'<tr class="{cls}"><td>{i + 1}{tag}{low}</td><td class="l"><span class="side {s.side}">'
                    f'{s.side}</span></td><td>{s.ic_time_s:.2f}</td>{"".join(cells)}'
                    f'<td class="l">{_e(s.foot_strike or "–")}</td></tr>')
    return (f'<section id="steps" class="card"><h2>All steps</h2><p class="lead">One row per foot contact. '
            f'Shaded cells are outside the target range; striped rows were measured with low confidence and are '
            f'left out of the averages and the verdict.</p><div class="table-wrap"><table><thead><tr><th>#</th>'
            f'<th class="l">Side</th><th>Landing at s</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            f'</table></div></section>')


def _glossary(report: AnalysisReport) -> str:
    fps = report.video.capture_fps
    extra = {"% leg": f" For you, 10 % leg is about {report.setting.leg_length_px / report.setting.px_per_m * 10:.0f} "
                      f"cm." if report.setting.px_per_m else "",
             "Contact / flight time": f" At {fps:.0f} frames/s one frame is {1000 / fps:.0f} ms"
                                      + (", so these are coarse." if fps < 60 else ".")}
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v + extra.get(k, ''))}</dd>" for k, v in GLOSSARY)
    return (f'<section id="glossary" class="card"><h2>What the numbers mean</h2>'
            f'<dl class="glossary">{items}</dl></section>')


def render_html(report: AnalysisReport, analysis: Any, *, still_frames: StillFrames | None = None) -> str:
    """The report page as one self-contained HTML string (see module docstring). The stills' frames come
    from `still_frames` where given (the annotated video's pass), else they are decoded here."""
    config = analysis.config
    body = "".join([
        _header(report), _verdict(report, config), _key_numbers(report, config), _plots(analysis),
        _stills(report, analysis, still_frames), _drills(report), _findings(report, config), _quality(report),
        _step_table(report, config), _glossary(report),
    ])
    method = f" (method of {_e(report.analysis_method)})" if report.analysis_method else ""
    footer = (f"<footer>Made with stridelens {_e(report.stridelens_version)}{method} · analysis.json schema "
              f"{_e(report.schema_version)} · {_e(report.created_utc)}</footer>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="color-scheme" content="light"><meta name="generator" content="stridelens">'
            f'<title>Running form report – {_e(report.video.file)}</title><style>{_css()}</style></head>'
            f'<body><main>{body}{footer}</main></body></html>\n')


def write_html(report: AnalysisReport, analysis: Any, path: Path, *, still_frames: StillFrames | None = None
               ) -> None:
    """Write report.html for `report` (analysis.json content) and its `analysis` (tracks, video) to `path`."""
    Path(path).write_text(render_html(report, analysis, still_frames=still_frames), encoding="utf-8")
