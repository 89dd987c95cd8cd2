"""Page contexts: the report, the athlete's sessions and trends, and the comparison of two sessions,
built from analysis.json (read from the result folder) and the database rows."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

from ..store.models import AnalysisRow
from .compare import COMPARED, METHOD_CHANGE_EFFECT, compare_sessions, comparison_caveats, method_label
from .filming import tips_for, web_advice
from .results import DOWNLOADS, KEY_FRAMES, read_report_dict

__all__ = ["athlete_context", "compare_context", "fmt", "report_context", "session_row"]

HEADLINE = {"neutral": "Hips in line", "hips_back": "Hips sitting back", "hips_forward": "Hips pushed forward"}
SEVERITY = {None: "Nothing to correct: your hip position is within the normal range.",
            "mild": "A little beyond the normal range: worth working on, nothing urgent.",
            "marked": "Clearly beyond the normal range: the first thing to work on."}
SETTING = {True: "Treadmill", False: "Overground", None: "Setting unknown"}
PILL = {"green": "On target", "amber": "Slightly off", "red": "Off target", "info": "For info", "grey": "Not measured"}
STEP_COLUMNS = (("cadence_spm", "Cadence", ".0f"), ("contact_time_ms", "Contact ms", ".0f"),
                ("hip_offset_pct", "Hip offset % leg", "+.1f"), ("trunk_lean_deg", "Trunk lean°", ".1f"),
                ("foot_ahead_com_pct", "Foot ahead % leg", "+.1f"), ("knee_flexion_mid_deg", "Knee bend°", ".0f"))
PLOTS = (("hip_offset_pct", "Hip position", "% leg", (-3.0, 3.0)), ("trunk_lean_deg", "Trunk lean", "deg", (3.7, 10.9)),
         ("foot_ahead_com_pct", "Landing ahead of the body", "% leg", (None, None)),
         ("contact_time_ms", "Ground contact time", "ms", (None, None)))


def fmt(value: Any, spec: str = ".1f", unit: str = "") -> str:
    """A number for display ("–" when missing), with a real minus sign."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = format(value, spec).replace("-", "−")
    return f"{text} {unit}".rstrip()


def _pm(text: str) -> str:
    """The engine's ASCII "+-" as "±"."""
    return text.replace("+-", "±")


def _verdict_status(v: dict[str, Any]) -> str:
    return "green" if v["label"] == "neutral" else ("red" if v["severity"] == "marked" else "amber")


def _key_numbers(data: dict[str, Any]) -> list[dict[str, Any]]:
    from ..config import Config
    from ..report.schema import AnalysisReport
    from ..report.targets import key_numbers

    out = []
    for k in key_numbers(AnalysisReport.model_validate(data), Config()):
        t = k.target
        value = k.value if isinstance(k.value, str) else fmt(k.value, t.fmt or ".1f", t.unit)
        cm = fmt(k.cm, "+.1f", "cm") if k.cm is not None else None
        out.append({"key": t.key, "name": t.name, "value": value, "cm": cm, "target": t.target, "explain": t.explain,
                    "status": k.status, "pill": PILL.get(k.status, ""), "n": k.n})
    return out


def _seek_s(data: dict[str, Any], time_s: float | None) -> float | None:
    """Position in annotated.mp4 of an event at real time `time_s` (the video starts at the first analysed
    frame and plays at the file's rate, so slow motion stays slow)."""
    if time_s is None:
        return None
    v = data["video"]
    return max(0.0, (time_s - v["analysed_start_s"]) * v["slowmo_factor"])


def _steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for n, s in enumerate(data["steps"]):
        rows.append({"n": n + 1, "side": "Left" if s["side"] == "L" else "Right", "side_key": s["side"],
                     "time": fmt(s["ic_time_s"], ".2f", "s"), "seek_s": _seek_s(data, s["ic_time_s"]),
                     "cells": [fmt(s.get(k), spec) for k, _, spec in STEP_COLUMNS],
                     "low_confidence": bool(s.get("low_confidence")), "strike": s.get("foot_strike") or "–"})
    return rows


def _plot_data(data: dict[str, Any]) -> dict[str, Any]:
    steps = [{"t": s["ic_time_s"], "seek": _seek_s(data, s["ic_time_s"]), "side": s["side"], "n": n + 1,
              "low": bool(s.get("low_confidence")), **{k: s.get(k) for k, *_ in PLOTS}}
             for n, s in enumerate(data["steps"])]
    return {"steps": steps, "plots": [{"key": k, "title": t, "unit": u, "band": list(b)} for k, t, u, b in PLOTS]}


def report_context(row: AnalysisRow, result_dir: Path) -> dict[str, Any]:
    """Everything the report page shows, from analysis.json and the files present."""
    data = read_report_dict(result_dir)
    v = data["verdict"]
    issues = [q for q in data["quality"] if q["status"] != "ok"]
    steps = data["steps"]
    per_side = {s: sum(1 for x in steps if x["side"] == s) for s in "LR"}
    frames = [k for k in KEY_FRAMES if (result_dir / "frames" / f"{k}.jpg").is_file()]
    worst_step, typical_step = v.get("worst_step"), v.get("typical_step")
    return {
        "data": data,
        "verdict": {"headline": HEADLINE[v["label"]], "status": _verdict_status(v), "label": v["label"],
                    "severity": (v["severity"] or "none").capitalize(),
                    "severity_text": SEVERITY.get(v["severity"], ""),
                    "confidence_pct": round(100 * v["confidence"]), "summary": v["summary"].replace("+-", "±")},
        "facts": {"steps": len(steps), "left": per_side["L"], "right": per_side["R"],
                  "duration": fmt(data["video"]["analysed_end_s"] - data["video"]["analysed_start_s"], ".1f", "s"),
                  "fps": fmt(data["video"]["capture_fps"], ".0f", "frames/s"),
                  "setting": SETTING[data["setting"]["treadmill"]],
                  "cadence": fmt(data["summary"]["overall"].get("cadence_spm", {}).get("mean"), ".0f", "steps/min")},
        "key_numbers": _key_numbers(data),
        "issues": [{**q, "message": q["message"].replace("+-", "±"), "advice": web_advice(q["advice"]),
                    "tips": tips_for([q["key"]])} for q in issues],
        "findings": [{**f, "message": _pm(f["message"])} for f in data["findings"]],
        "drills": [{k: _pm(v) if isinstance(v, str) else v for k, v in d.items()} for d in data["coaching"]["drills"]],
        "disclaimer": data["coaching"]["disclaimer"],
        "steps": _steps(data),
        "step_columns": [label for _, label, _ in STEP_COLUMNS],
        "plot_data": _plot_data(data),
        "frames": frames,
        "frame_steps": {"typical": typical_step, "worst": worst_step},
        "downloads": [(key, label, name) for key, (name, _, label) in DOWNLOADS.items()
                      if (result_dir / name).is_file()],
        "has_video": (result_dir / "annotated.mp4").is_file(),
    }


def session_row(row: AnalysisRow) -> dict[str, Any]:
    """One line of the athlete's session table (from the summary kept in the database)."""
    metrics = (row.summary or {}).get("metrics", {})
    values = {m.key: metrics.get(m.key, {}).get("mean") for m in COMPARED}
    return {"id": row.id, "date": _date(row.created_at), "day": row.created_at.strftime("%d %b %Y"),
            "time": row.created_at.strftime("%H:%M"), "iso": row.created_at.isoformat(), "status": row.status,
            "file": row.original_filename, "notes": row.notes, "verdict": HEADLINE.get(row.verdict_label or "", ""),
            "verdict_label": row.verdict_label, "values": values, "method": (row.summary or {}).get("analysis_method"),
            "cells": {m.key: fmt(values[m.key], m.fmt) for m in COMPARED}}


def _date(when: datetime) -> str:
    return when.strftime("%d %b %Y, %H:%M")


TREND_CHARTS = (("cadence_spm", "Cadence", "steps/min", (170.0, 180.0)), ("hip_offset_pct", "Hip position", "% leg",
                                                                         (-3.0, 3.0)),
                ("trunk_lean_deg", "Trunk lean", "deg", (3.7, 10.9)),
                ("foot_ahead_com_pct", "Landing ahead of the body", "% leg", (None, 25.0)))
SHORT_NAMES = {"cadence_spm": "Cadence", "hip_offset_pct": "Hip position", "trunk_lean_deg": "Trunk lean",
               "foot_ahead_com_pct": "Landing ahead"}


def athlete_context(rows: list[AnalysisRow]) -> dict[str, Any]:
    sessions = [session_row(r) for r in rows]
    done = [s for s in sessions if s["status"] == "done"]
    trends = {"sessions": [{"id": s["id"], "date": s["date"], "iso": s["iso"], **s["values"]} for s in done],
              "charts": [{"key": k, "title": t, "unit": u, "band": list(b)} for k, t, u, b in TREND_CHARTS]}
    table_metrics = [m for m in COMPARED if m.key in ("cadence_spm", "hip_offset_pct", "trunk_lean_deg",
                                                      "foot_ahead_com_pct")]
    return {"sessions": sessions, "done": done, "trends": trends, "table_metrics": table_metrics,
            "short_names": SHORT_NAMES, "caveats": _method_caveats(done)}


def _method_caveats(done: list[dict[str, Any]]) -> list[str]:
    """A trend across sessions analysed by different methods can show a change the runner did not make."""
    newest = max((s["method"] or "" for s in done), default="")  # methods are ISO dates
    older = [s for s in done if (s["method"] or "") != newest]
    if not older:
        return []
    one = len(older) == 1
    return [f"{len(older)} of these {len(done)} sessions ({'; '.join(s['date'] for s in older)}) "
            f"{'was' if one else 'were'} analysed by an older version of the analysis than {method_label(newest)}, "
            f"{METHOD_CHANGE_EFFECT}. Upload {'that film' if one else 'those films'} again before reading a trend "
            "across them."]


def compare_context(before: AnalysisRow, after: AnalysisRow, results_dir: Path) -> dict[str, Any]:
    dirs = [results_dir / r.result_name for r in (before, after)]  # type: ignore[operator]
    data = [read_report_dict(d) for d in dirs]
    changes = compare_sessions(data[0], data[1])
    rows = [{"name": c.metric.name, "unit": c.metric.unit, "before": fmt(c.before, c.metric.fmt),
             "after": fmt(c.after, c.metric.fmt),
             "change": fmt(c.change, "+" + c.metric.fmt.lstrip("+")) if c.change is not None else "–",
             "sdd": fmt(c.sdd, ".1f"), "verdict": c.verdict, "measurable": c.measurable} for c in changes]
    sides = []
    for row, d, folder in zip((before, after), data, dirs, strict=True):
        sides.append({"row": session_row(row), "headline": HEADLINE[d["verdict"]["label"]],
                      "status": _verdict_status(d["verdict"]),
                      "frames": [k for k in KEY_FRAMES if (folder / "frames" / f"{k}.jpg").is_file()]})
    return {"rows": rows, "sides": sides, "caveats": comparison_caveats(data[0], data[1]),
            "all_measured": all(c.source == "measured" for c in changes),
            "measurable": sum(r["measurable"] for r in rows), "unchanged": sum(r["verdict"] == "no measurable change"
                                                                             for r in rows)}
