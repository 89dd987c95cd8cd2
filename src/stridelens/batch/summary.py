"""summary.csv, summary.parquet and the squad overview page (squad.html) of a batch."""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Sequence

from .jobs import SUMMARY_COLUMNS, JobResult
from .manifest import SkippedFile, describe_skipped
from .storage import join, write_bytes

__all__ = ["squad_html", "summary_csv", "summary_parquet", "write_summaries"]

_VERDICTS = {"neutral": "Neutral", "hips_back": "Hips back", "hips_forward": "Hips pushed forward"}


def write_summaries(results: Sequence[JobResult], out_url: str, *,
                    skipped_files: Sequence[SkippedFile] = ()) -> None:
    """Write summary.csv, summary.parquet and squad.html into `out_url` (rows sorted by output name).

    `skipped_files`: files of the input folder that are not analysed (listed on squad.html only: the
    summary tables keep one row per analysed video)."""
    rows = sorted(results, key=lambda r: r.name)
    write_bytes(join(out_url, "summary.csv"), summary_csv(rows).encode("utf-8"))
    write_bytes(join(out_url, "summary.parquet"), summary_parquet(rows))
    write_bytes(join(out_url, "squad.html"), squad_html(rows, skipped_files=skipped_files).encode("utf-8"))


def summary_csv(results: Sequence[JobResult]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        writer.writerow({k: ("" if v is None else v) for k, v in r.as_row().items()})
    return buf.getvalue()


def summary_parquet(results: Sequence[JobResult]) -> bytes:
    import pandas as pd

    frame = pd.DataFrame([r.as_row() for r in results], columns=list(SUMMARY_COLUMNS))
    for column in ("cadence_spm", "confidence", "hip_offset_pct", "seconds"):
        frame[column] = frame[column].astype("float64")
    for column in ("steps", "warnings"):
        frame[column] = frame[column].astype("Int64")
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def squad_html(results: Sequence[JobResult], *, skipped_files: Sequence[SkippedFile] = ()) -> str:
    """A self-contained overview page: verdict counts, cadence distribution, who needs which drill, failures,
    and the files of the input folder that were not analysed."""
    ok = [r for r in results if r.status == "ok"]
    failed = [r for r in results if r.status == "failed"]
    not_analysed = f" {len(skipped_files)} other files not analysed (below)." if skipped_files else ""
    parts = [_HEAD, f"<h1>Squad overview</h1><p>{len(results)} videos: {len(ok)} analysed, {len(failed)} failed."
                    f"{not_analysed}</p>", _verdict_section(ok), _cadence_section(ok), _runner_table(ok),
             _drill_section(ok), _failure_section(failed), _skipped_section(skipped_files), "</body></html>\n"]
    return "\n".join(parts)


_HEAD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>stridelens squad overview</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}
.bar{fill:#3a7bd5}.failed{color:#b00}</style></head><body>"""


def _who(r: JobResult) -> str:
    return html.escape(r.athlete or r.name)


def _verdict_section(ok: Sequence[JobResult]) -> str:
    counts = Counter(r.verdict for r in ok)
    items = "".join(f"<li>{html.escape(_VERDICTS.get(v, v))}: {n}</li>" for v, n in counts.most_common())
    return f"<h2>Verdicts</h2><ul>{items or '<li>none</li>'}</ul>"


def _cadence_section(ok: Sequence[JobResult], bin_spm: int = 5) -> str:
    """A histogram of mean cadence as inline SVG (bins of `bin_spm` steps/min)."""
    values = [r.cadence_spm for r in ok if r.cadence_spm is not None]
    if not values:
        return "<h2>Cadence</h2><p>No cadence measured.</p>"
    bins = Counter(int(v // bin_spm) * bin_spm for v in values)
    lo, hi = min(bins), max(bins)
    edges = list(range(lo, hi + bin_spm, bin_spm))
    top = max(bins.values())
    w, h, bar_w = 40 * len(edges), 140, 34
    bars = "".join(
        f'<rect class="bar" x="{i * 40 + 3}" y="{h - 20 - 110 * bins[e] / top:.1f}" width="{bar_w}" '
        f'height="{110 * bins[e] / top:.1f}"><title>{e}-{e + bin_spm} spm: {bins[e]}</title></rect>'
        f'<text x="{i * 40 + 3}" y="{h - 5}" font-size="10">{e}</text>' for i, e in enumerate(edges))
    return (f"<h2>Cadence (steps/min)</h2><p>median {sorted(values)[len(values) // 2]:.0f}, range "
            f"{min(values):.0f}-{max(values):.0f}</p><svg width=\"{w}\" height=\"{h}\" role=\"img\" "
            f"aria-label=\"cadence histogram\">{bars}</svg>")


def _runner_table(ok: Sequence[JobResult]) -> str:
    rows = "".join(
        f"<tr><td>{_who(r)}</td><td>{html.escape(r.name)}</td><td>{html.escape(_VERDICTS.get(r.verdict, r.verdict))}"
        f"{' (' + html.escape(r.severity) + ')' if r.severity else ''}</td>"
        f"<td>{'' if r.cadence_spm is None else f'{r.cadence_spm:.0f}'}</td>"
        f"<td><a href=\"{html.escape(r.name)}/report.html\">report</a></td></tr>" for r in ok)
    return ("<h2>Runners</h2><table><tr><th>athlete</th><th>video</th><th>verdict</th><th>cadence</th><th></th>"
            f"</tr>{rows}</table>")


def _drill_section(ok: Sequence[JobResult]) -> str:
    by_drill: dict[str, list[str]] = {}
    for r in ok:
        for drill in filter(None, r.drills.split(";")):
            by_drill.setdefault(drill, []).append(_who(r))
    items = "".join(f"<li><b>{html.escape(d)}</b>: {', '.join(sorted(set(who)))}</li>"
                    for d, who in sorted(by_drill.items()))
    return f"<h2>Who needs which drill</h2><ul>{items or '<li>no drills prescribed</li>'}</ul>"


def _failure_section(failed: Sequence[JobResult]) -> str:
    if not failed:
        return ""
    rows = "".join(f"<tr><td>{html.escape(r.video)}</td><td>{html.escape(r.error)}</td>"
                   f"<td>{html.escape(r.advice)}</td></tr>" for r in failed)
    return (f"<h2 class=\"failed\">Failed ({len(failed)})</h2><table><tr><th>video</th><th>reason</th>"
            f"<th>what to do</th></tr>{rows}</table>")


def _skipped_section(skipped: Sequence[SkippedFile]) -> str:
    if not skipped:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in describe_skipped(skipped))
    rows = "".join(f"<tr><td>{html.escape(f.path)}</td><td>"
                   f"{'looks like a video, but has no video extension' if f.looks_like_video else 'not a video'}"
                   "</td></tr>" for f in skipped)
    return (f"<h2>Not analysed ({len(skipped)} files)</h2><ul>{items}</ul><table><tr><th>file</th><th>why</th></tr>"
            f"{rows}</table>")
