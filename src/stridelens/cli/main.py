"""The `stridelens` command line. Imports stay lazy so `stridelens --help` starts fast."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["build_parser", "main"]

EXIT_USER_ERROR = 2

_DESCRIPTION = """\
stridelens watches a runner on a side-view video and answers: are my hips where they should be?
It finds every foot contact, measures lean, hip position, overstride, cadence and more, gives a
verdict (neutral, hips back, hips pushed forward) with the frames that show it, and prescribes drills.
"""

_ANALYZE_EPILOG = """\
outputs (in the output folder):
  analysis.json      everything measured (schema: `stridelens schema`)
  steps.csv          one row per step
  keypoints.parquet  raw and cleaned keypoint trajectories with confidence
  report.html        the report to read or send to a coach (works offline)
  annotated.mp4      the video with skeleton, ankle-hip-shoulder line, centre of mass, contacts (videos only)

inputs: a video, or (told from the content) marker data -- OpenSim .mot/.sto with marker columns, TRC,
C3D (pip install 'stridelens[markers]') -- or keypoints -- an OpenPose JSON folder (with --fps),
gaitlab.pose JSON (RTMPose, BlazePose), or the keypoints.parquet of an earlier analysis. Marker data are
projected onto the sagittal plane; force-plate or annotated events (--events, a *events*.csv beside the
file, or a C3D file's own events) are compared with the detected ones.

examples:
  stridelens analyze run.mp4 --height-cm 178
  stridelens analyze Run_40002_IK.mot --events grf_events_thr50N.csv
  stridelens analyze slowmo.mov --fps 240 --start 2.5 --end 14 --out results/tuesday
  stridelens analyze run.mp4 --quiet --json > summary.json

exit codes: 0 done, 2 a problem with the input (the message says what to do), 130 interrupted.
"""


_DEFAULT_OUT_ATTEMPTS = 5  # concurrent runs of one video without --out


def _number(kind: type, minimum: float, inclusive: bool, what: str) -> Callable[[str], Any]:
    """An argparse type: parse `kind` and refuse values below `minimum` (or equal to it unless `inclusive`)."""
    below = f"{minimum:g} or more" if inclusive else f"greater than {minimum:g}"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < minimum or (value == minimum and not inclusive):
            raise argparse.ArgumentTypeError(f"{text!r} must be {below}")
        return value

    return parse


_positive_float = _number(float, 0, False, "a number")
_non_negative_float = _number(float, 0, True, "a number")
_positive_int = _number(int, 1, True, "a whole number")
_non_negative_int = _number(int, 0, True, "a whole number")


def _max_height_option(max_height_px: int | None) -> dict[str, int | None]:
    """--max-height as a config option: absent keeps the default, 0 means never down-scale."""
    if max_height_px is None:
        return {}
    return {"max_height_px": max_height_px or None}


def _add_analysis_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--height-cm", type=_positive_float, metavar="CM",
                   help="runner's height: lengths are then also given in cm (otherwise in %% of leg length)")
    p.add_argument("--treadmill-speed-kmh", type=_positive_float, metavar="KMH",
                   help="treadmill speed, shown in the report")
    p.add_argument("--fps", type=_positive_float, metavar="FPS",
                   help="real capture frame rate of a slow-motion video (e.g. 240); by default the file's "
                        "rate, or the phone's capture-rate metadata when present")
    p.add_argument("--start", type=_non_negative_float, metavar="S", help="analyse from this time (seconds)")
    p.add_argument("--end", type=_positive_float, metavar="S", help="analyse up to this time (seconds)")
    p.add_argument("--max-height", type=_non_negative_int, metavar="PX",
                   help="down-scale taller frames to this height before pose estimation (default 1920; 0: never)")
    p.add_argument("--workers", type=_positive_int, metavar="N",
                   help="pose models run side by side, each on one half of the video (default: 2 with 2 or "
                        "more cores; 1: one model)")
    p.add_argument("--out", metavar="DIR",
                   help="output folder (default: results/<video name>, made unique; never overwritten)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the output folder if it exists (only once the new result is complete)")
    p.add_argument("--no-video", action="store_true", help="skip annotated.mp4 (faster)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no summary text")
    p.add_argument("--json", action="store_true",
                   help="print a machine-readable summary (JSON) on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stridelens", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"stridelens {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyze = sub.add_parser("analyze", help="analyse a side-view running video",
                             description="Analyse a side-view running video into a report.",
                             epilog=_ANALYZE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyze.add_argument("video", help="the video file (MP4, MOV, MKV, WebM, AVI), or a marker or keypoint file "
                                       "or folder (see inputs below)")
    _add_analysis_options(analyze)
    analyze.add_argument("--events", metavar="CSV",
                         help="marker/keypoint files: reference gait events to compare with (columns side, event "
                              "foot_strike/toe_off, time_s, optional trial)")
    demo = sub.add_parser("demo", help="analyse the bundled demo clip (a treadmill run)",
                          description="Analyse the bundled demo clip (MIT licence, see its notice) into "
                                      "results/demo_treadmill_side[-N].",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_analysis_options(demo)
    _add_serve_parser(sub)
    _add_batch_parser(sub)
    # listed for --help only: `main` hands `stridelens eval ...` to the validation suite's own parser
    sub.add_parser("eval", help="measure the accuracy on the annotated clips, marker data and synthetic runners "
                                "(= python -m stridelens.eval; `stridelens eval --help`)", add_help=False)
    schema = sub.add_parser("schema", help="print the JSON Schema of analysis.json",
                            description="Print the JSON Schema of analysis.json.")
    schema.add_argument("--out", metavar="FILE", help="write to this file instead of stdout")
    return parser


_SERVE_EPILOG = """\
examples:
  stridelens serve                                   on this computer: open the printed address
  stridelens serve --data-dir ~/runs --port 8080
  stridelens serve --auth --host 0.0.0.0             for a team: accounts and login (put HTTPS in front)

the database is SQLite in the data folder, or STRIDELENS_DATABASE_URL (e.g. postgresql://user@host/db).
"""


def _add_serve_parser(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the web app (upload, progress, reports, athletes)",
                           description="Run the stridelens web app.", epilog=_SERVE_EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                                                           "computer only; other addresses need --auth)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--data-dir", metavar="DIR", help="uploads, results and the SQLite database (default: "
                                                         "$STRIDELENS_DATA_DIR or ~/.local/share/stridelens)")
    serve.add_argument("--auth", action="store_true", help="accounts with passwords; each user sees only their own")
    serve.add_argument("--signup-code", metavar="CODE", help="with --auth: new accounts need this code")
    serve.add_argument("--jobs", type=int, default=1, metavar="N", help="analyses run at the same time (default 1)")
    serve.add_argument("--max-upload-mb", type=_positive_float, default=1024.0, metavar="MB")
    serve.add_argument("--max-duration-s", type=_positive_float, default=300.0, metavar="S")
    serve.add_argument("--max-resolution", default="3840x2160", metavar="WxH",
                       help="largest picture accepted, long x short side (default 3840x2160)")
    serve.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (behind HTTPS)")


def _serve(args: argparse.Namespace) -> int:
    from ..errors import InputError

    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.auth:
        raise InputError(f"--host {args.host} without --auth would let anyone who can reach this computer read "
                         f"every report.", "Add --auth (accounts and login), or keep the default --host 127.0.0.1.")
    try:
        long_px, short_px = (int(x) for x in args.max_resolution.lower().split("x"))
    except ValueError:
        raise InputError(f"--max-resolution {args.max_resolution!r} is not WxH.", "E.g. --max-resolution 1920x1080.") \
            from None
    from ..web.server import serve
    from ..web.settings import LOOPBACK_HOSTS, Settings, default_data_dir

    local = args.host in LOOPBACK_HOSTS
    settings = Settings(data_dir=Path(args.data_dir).expanduser() if args.data_dir else default_data_dir(),
                        auth=args.auth, signup_code=args.signup_code, max_concurrent_jobs=max(1, args.jobs),
                        max_upload_mb=args.max_upload_mb, max_duration_s=args.max_duration_s,
                        max_long_side_px=max(long_px, short_px), max_short_side_px=min(long_px, short_px),
                        secure_cookies=args.secure_cookies,
                        allowed_hosts=(*LOOPBACK_HOSTS, "[::1]") if local and not args.auth else None)
    return serve(settings, host=args.host, port=args.port)


_BATCH_EPILOG = """\
input: a folder (every video, marker or keypoint file below it, picked by extension: .mp4 .mov .m4v .mkv
.webm .avi .trc .c3d .mot .sto .parquet; the other files are listed as skipped, not analysed) or a CSV
manifest with a 'path' column and optional athlete, height_cm, treadmill_speed_kmh, fps and notes columns.
Paths may be fsspec URLs (s3://..., gs://...; install the file system's package, e.g. s3fs).

outputs (in --out): one folder per video (the files of `stridelens analyze`, plus done.json when complete),
summary.csv and summary.parquet (one row per video: status ok/failed, error, cadence_spm, verdict, ...),
squad.html (verdicts, cadence distribution, who needs which drill, failures).

A second run skips finished videos and retries failed ones. Exit codes: 0 all analysed, 1 some videos failed
(see summary.csv), 2 a problem with the input, 130 interrupted (finished videos are kept).

examples:
  stridelens batch squad/ --out results/squad
  stridelens batch trials.csv --out results/trials --workers 2 --no-video
  stridelens batch s3://lab/trials/ --out s3://lab/results/ --ray auto
"""


def _add_batch_parser(sub: Any) -> None:
    batch = sub.add_parser("batch", help="analyse many videos (a folder or a CSV manifest), locally or on Ray",
                           description="Analyse many videos into one folder each, with a squad summary.",
                           epilog=_BATCH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    batch.add_argument("input", help="folder of videos, or a CSV manifest (local path or fsspec URL)")
    batch.add_argument("--out", required=True, metavar="DIR", help="output folder (local path or fsspec URL)")
    batch.add_argument("--workers", type=int, metavar="N", help="local processes (default: one per core)")
    batch.add_argument("--ray", metavar="ADDRESS",
                       help="run as Ray tasks on this cluster ('auto', 'ray://head:10001'; 'local' starts one "
                            "here); needs pip install 'stridelens[ray]'")
    batch.add_argument("--max-height", type=_non_negative_int, metavar="PX",
                       help="down-scale taller frames to this height before pose estimation (default 1920; 0: never)")
    batch.add_argument("--no-video", action="store_true", help="skip annotated.mp4 (faster)")
    batch.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no summary text")


def _batch(args: argparse.Namespace) -> int:
    from ..batch import LocalPool, RayCluster, describe_skipped, discover_inputs, run_batch
    from ..config import Config
    from ..errors import InputError

    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers} must be 1 or more.", "E.g. --workers 2.")
    inputs = discover_inputs(args.input, exclude=args.out)
    skipped = describe_skipped(inputs.skipped)  # files that are not videos: never skipped silently
    if not inputs.jobs:
        raise InputError(f"{args.input}: no videos found" + "".join(f"; {line}" for line in skipped) + ".",
                         "Give a folder with videos or a CSV manifest.")
    if not args.quiet:
        for line in skipped:
            print(f"stridelens: {line}", file=sys.stderr)
    executor = RayCluster(args.ray, num_cpus=args.workers) if args.ray else LocalPool(args.workers)
    config = Config().with_options(**_max_height_option(args.max_height))
    bar = _BatchBar(enabled=not args.quiet)
    try:
        result = run_batch(inputs.jobs, args.out, config, executor=executor, video=not args.no_video,
                           on_start=bar.start, on_result=bar.update, skipped_files=inputs.skipped)
    finally:
        bar.close()
    if not args.quiet:
        print(f"{len(result.results) - len(result.failed)} analysed ({len(result.skipped)} from an earlier run), "
              f"{len(result.failed)} failed; summary: {args.out.rstrip('/')}/summary.csv, squad.html")
        for r in result.failed:
            print(f"  failed: {r.video}: {r.error}")
        for line in skipped:
            print(f"  {line}")
    return 1 if result.failed else 0


class _BatchBar:
    """Overall progress bar with ETA on stderr, and one status line per finished video."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar: Any = None

    def start(self, to_run: int, skipped: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if skipped:
            tqdm.write(f"{skipped} videos already finished (skipped)", file=sys.stderr)
        self.bar = tqdm(total=to_run, desc="Videos", unit="video", file=sys.stderr)

    def update(self, r: Any) -> None:
        if self.bar is None:
            return
        status = (f"ok      {r.name}: {r.verdict}, cadence {r.cadence_spm or 0:.0f} spm ({r.seconds:.0f} s)"
                  if r.status == "ok" else f"FAILED  {r.name}: {r.error}")
        self.bar.write(status, file=sys.stderr)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _version() -> str:
    from .. import __version__

    return __version__


def _progress_bar(enabled: bool) -> Any:
    """A progress callback: one tqdm bar per stage on stderr."""
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    labels = {"reading": "Reading video", "loading": "Reading the file", "pose": "Finding the runner",
              "events": "Foot contacts", "metrics": "Measuring", "video": "Annotated video", "report": "Writing report"}
    bars: dict[str, Any] = {}

    def update(stage: str, fraction: float) -> None:
        if stage not in bars:
            for other in bars.values():
                other.close()
            bars[stage] = tqdm(total=100, desc=labels.get(stage, stage), unit="%", leave=False,
                               file=sys.stderr, bar_format="{desc:<20} {bar} {percentage:3.0f}% {elapsed}")
        bar = bars[stage]
        bar.update(max(0, int(fraction * 100) - bar.n))

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return update, close


def _print_summary(report: Any, out_dir: Path) -> None:
    v = report.verdict
    overall = report.summary.overall
    label = {"neutral": "Neutral", "hips_back": "Hips back", "hips_forward": "Hips pushed forward"}[v.label]
    sev = f" ({v.severity})" if v.severity else ""
    lines = [f"Verdict: {label}{sev}, confidence {v.confidence:.0%}", f"  {v.summary}"]
    cad = overall["cadence_spm"].mean
    if cad is not None:
        lines.append(f"Cadence: {cad:.0f} steps/min over {len(report.steps)} steps")
    for f in report.findings:
        lines.append(f"Finding: {f.title}: {f.message}")
    for w in report.warnings:
        lines.append(f"Warning: {w}")
    lines.append(f"Report: {out_dir / 'report.html'}")
    print("\n".join(lines))


def _run_analysis(args: argparse.Namespace, video: str) -> int:
    from ..config import Config
    from ..pipeline import analyze
    from ..report import default_output_dir, dumps_summary, to_report

    options = {"height_cm": args.height_cm, "treadmill_speed_kmh": args.treadmill_speed_kmh,
               "fps_override": args.fps, "start_s": args.start, "end_s": args.end,
               "workers": args.workers, **_max_height_option(args.max_height)}
    from ..errors import InputError

    if args.start is not None and args.end is not None and args.end <= args.start:
        raise InputError(f"--end {args.end} is not after --start {args.start}.", "Give --end later than --start.")
    out_dir = Path(args.out) if args.out else default_output_dir(video)
    if out_dir.exists() and not args.overwrite:
        from ..errors import OutputExistsError

        raise OutputExistsError(f"{out_dir}: already exists; stridelens never overwrites an earlier result.",
                                "Choose another --out folder, or pass --overwrite to replace it.")
    progress, close = _progress_bar((not args.quiet and sys.stderr.isatty()) or os.environ.get("STRIDELENS_PROGRESS")
                                    == "1")
    try:
        config = Config().with_options(**{k: v for k, v in options.items() if v is not None})
        analysis = analyze(video, config, progress=progress, reference_events=getattr(args, "events", None))
        out_dir = _write(analysis, out_dir, args, video, progress)
    finally:
        close()
    report = to_report(analysis)
    comparison = _reference_comparison(analysis)
    if args.json:
        summary = json.loads(dumps_summary(report, out_dir))
        if comparison is not None:
            summary["reference_events"] = comparison.as_dict()
        print(json.dumps(summary))
    elif not args.quiet:
        _print_summary(report, out_dir)
        if comparison is not None:
            print(_comparison_text(comparison))
    return 0


def _write(analysis: Any, out_dir: Path, args: argparse.Namespace, video: str, progress: Any) -> Path:
    """Write the outputs; without --out, a default folder another run took meanwhile moves on to the next name."""
    from ..errors import OutputExistsError
    from ..report import default_output_dir, write_outputs

    for _ in range(_DEFAULT_OUT_ATTEMPTS):
        try:
            return write_outputs(analysis, out_dir, overwrite=args.overwrite, video=not args.no_video,
                                 progress=progress)
        except OutputExistsError:
            if args.out:
                raise
            out_dir = default_output_dir(video)
    return write_outputs(analysis, out_dir, overwrite=args.overwrite, video=not args.no_video, progress=progress)


def _reference_comparison(analysis: Any) -> Any:
    """Our events against the reference events a marker or keypoint file carries (None when it has none)."""
    reference = getattr(analysis.video, "reference", None)
    if reference is None:
        return None
    from ..sources import compare_events

    t = analysis.raw_track.time_s
    return compare_events(analysis.contacts, reference, analysed_s=(float(t[0]), float(t[-1])),
                          cadence_spm=analysis.cadence_spm)


def _comparison_text(c: Any) -> str:
    lines = [f"Events vs reference ({c.source}):"]
    for name, a in (("initial contact", c.ic), ("toe-off", c.to)):
        lines.append(f"  {name}: {a.matched}/{a.reference} found, {a.spurious} spurious, error median "
                     f"{a.median_abs_ms:.0f} ms (95th percentile {a.p95_abs_ms:.0f} ms)")
    if c.cadence_error_spm is not None:
        lines.append(f"  cadence: {c.cadence_spm:.1f} vs {c.cadence_reference_spm:.1f} steps/min "
                     f"({c.cadence_error_spm:+.1f})")
    return "\n".join(lines)


def _demo_clip() -> str:
    from importlib.resources import files

    return str(files("stridelens") / "data" / "demo_treadmill_side.mp4")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["eval"]:  # the validation suite parses its own options (eval/run.py, eval/study.py)
        from ..eval.run import main as eval_main

        return eval_main(argv[1:])
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from ..errors import StridelensError

    try:
        if args.command == "schema":
            from ..report.schema import AnalysisReport

            text = json.dumps(AnalysisReport.model_json_schema(), indent=1)
            if args.out:
                Path(args.out).write_text(text + "\n", encoding="utf-8")
            else:
                print(text)
            return 0
        if args.command == "serve":
            return _serve(args)
        if args.command == "batch":
            return _batch(args)
        video = _demo_clip() if args.command == "demo" else args.video
        return _run_analysis(args, video)
    except StridelensError as exc:
        print(f"stridelens: error: {exc.message}", file=sys.stderr)
        if exc.advice:
            print(f"  what to do: {exc.advice}", file=sys.stderr)
        if getattr(args, "json", False):
            print(json.dumps({"error": exc.code, "message": exc.message, "advice": exc.advice}))
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("stridelens: interrupted; finished videos are kept: run the same command again to resume."
              if args.command == "batch" else "stridelens: interrupted; no output was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
