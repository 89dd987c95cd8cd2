"""Benchmark: how close the whole analysis comes to the pose model's own speed, and its memory.

    python bench/run.py [--clips PATH ...] [--out bench/results/latest.json] [--long-minutes 10]
                        [--looped-demo-minutes 1]

Each measurement runs in its own subprocess (so peak memory is that mode's alone), on the same machine,
one after the other:
- decode: frames decoded and converted to RGB, nothing else;
- pose: bare BlazePose inference over frames decoded beforehand, one model (the reference of issue #5);
- pose_two_models: the same with two models in two threads, each over half the frames (what the pose
  pass does on two cores: the model's own best on this machine, a stricter reference);
- full / full_no_video: `analyze` plus `write_outputs`, with and without annotated.mp4;
- long: full analysis (no video) of a clip made by looping a real one for `--long-minutes`, against the
  same for 10 s, to show that memory does not grow with the video's length.
Writes JSON (top level: pose_fps, decode_fps, full_fps, full_no_video_fps, ratio_full_to_pose, peak_rss_mb,
pose_two_models_fps, ratio_full_to_pose_two_models)
and prints a table. Not a test: speed targets are checked here, never by timed assertions in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "stridelens" / "data" / "demo_treadmill_side.mp4"
SHARED = ROOT.parent / "shared" / "data" / "videos"


# --- the measured modes (run inside a child process) -------------------------------------------------

def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _mode_decode(clip: str, options: dict) -> dict:
    from stridelens.config import Config
    from stridelens.io import iter_frames, probe_video

    cfg = Config().with_options(**options)
    info = probe_video(clip, cfg.video)
    t0 = time.perf_counter()
    n = sum(1 for _ in iter_frames(info, cfg.video, max_height_px=cfg.video.max_height_px))
    return {"frames": n, "seconds": time.perf_counter() - t0}


def _mode_pose(clip: str, options: dict, models: int = 1) -> dict:
    """Bare inference over decoded frames: one model (the reference), or `models` models in as many threads,
    each over its own contiguous part (what the pose pass does: the pose model's best on this machine)."""
    from concurrent.futures import ThreadPoolExecutor

    from stridelens.config import Config
    from stridelens.io import iter_frames, probe_video
    from stridelens.pose import make_estimator

    cfg = Config().with_options(**options)
    info = probe_video(clip, cfg.video)
    frames = [f.image for f in iter_frames(info, cfg.video, max_height_px=cfg.video.max_height_px)]
    parts = [list(p) for p in np.array_split(np.arange(1, len(frames)), models)]
    estimators = [make_estimator("blazepose", cfg.pose) for _ in parts]
    for estimator, part in zip(estimators, parts, strict=True):
        estimator.estimate(frames[part[0] - 1])  # model load and first-frame detection are not throughput

    def run(k: int) -> None:
        for i in parts[k]:
            estimators[k].estimate(frames[i])

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=models) as pool:
        list(pool.map(run, range(models)))
    seconds = time.perf_counter() - t0
    for estimator in estimators:
        estimator.close()
    return {"frames": len(frames) - 1, "seconds": seconds}


def _mode_full(clip: str, options: dict, video: bool) -> dict:
    from stridelens.config import Config
    from stridelens.pipeline import analyze
    from stridelens.report import write_outputs

    cfg = Config().with_options(**options)
    stages: dict[str, float] = {}
    last = {"stage": None, "t": time.perf_counter()}

    def progress(stage: str, fraction: float) -> None:
        now = time.perf_counter()
        if last["stage"] is not None:
            stages[last["stage"]] = stages.get(last["stage"], 0.0) + now - last["t"]
        last["stage"], last["t"] = stage, now

    t0 = time.perf_counter()
    analysis = analyze(clip, cfg, progress=progress)
    progress("write (json, csv, parquet, html)", 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        write_outputs(analysis, Path(tmp) / "out", video=video, progress=progress)
    progress("end", 1.0)
    return {"frames": len(analysis.raw_track), "seconds": time.perf_counter() - t0, "stages_s": stages}


def _child(mode: str, clip: str, options: dict) -> None:
    import logging

    logging.disable(logging.WARNING)
    runners = {"decode": lambda: _mode_decode(clip, options), "pose": lambda: _mode_pose(clip, options),
               "pose_two_models": lambda: _mode_pose(clip, options, models=2),
               "full": lambda: _mode_full(clip, options, True),
               "full_no_video": lambda: _mode_full(clip, options, False)}
    result = runners[mode]()
    result["peak_rss_mb"] = _peak_rss_mb()
    print("RESULT " + json.dumps(result), flush=True)


# --- the parent --------------------------------------------------------------------------------------

def run_mode(mode: str, clip: Path, options: dict) -> dict:
    env = {**os.environ, "GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, __file__, "--child", mode, str(clip), json.dumps(options)],
                          capture_output=True, text=True, env=env, check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"{mode} on {clip.name} failed:\n{proc.stderr[-2000:]}")
    result = json.loads(line[len("RESULT "):])
    result["fps"] = result["frames"] / result["seconds"]
    return result


def loop_clip(src: Path, dst: Path, minutes: float) -> Path:
    """Make a long clip by repeating `src`'s packets with shifted timestamps (no re-encoding)."""
    import av

    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        s_in = inp.streams.video[0]
        s_out = out.add_stream_from_template(s_in)
        packets = [p for p in inp.demux(s_in) if p.dts is not None]
        span = (packets[-1].pts - packets[0].pts) + (packets[1].pts - packets[0].pts)
        clip_s = float(span * s_in.time_base)
        for k in range(max(1, int(round(minutes * 60 / clip_s)))):
            for p in packets:
                p.pts += span if k else 0
                p.dts += span if k else 0
                p.stream = s_out
                out.mux(p)
    return dst


def cut_clip(src: Path, dst: Path, seconds: float) -> Path:
    return loop_clip(src, dst, seconds / 60.0)


def bench_clip(clip: Path, options: dict, repeat: int = 1) -> dict:
    """Every mode on `clip`, `repeat` rounds interleaved (so a busy spell of a shared machine hits all modes
    alike); each mode keeps its fastest round, and all rounds' seconds are recorded."""
    modes = ("decode", "pose", "pose_two_models", "full", "full_no_video")
    row: dict = {"clip": clip.name, "options": options, "repeat": repeat}
    for round_ in range(repeat):
        for mode in modes:
            result = run_mode(mode, clip, options)
            print(f"  {clip.name}: {mode:14s} {result['fps']:6.1f} frames/s  peak {result['peak_rss_mb']:.0f} MB"
                  + (f"  (round {round_ + 1}/{repeat})" if repeat > 1 else ""), file=sys.stderr)
            best = row.get(mode)
            rounds = [*(best or {}).get("rounds_s", []), result["seconds"]]
            if best is None or result["fps"] > best["fps"]:
                row[mode] = result
            row[mode]["rounds_s"] = rounds
    row["ratio_full_to_pose"] = row["full"]["fps"] / row["pose"]["fps"]
    row["ratio_full_no_video_to_pose"] = row["full_no_video"]["fps"] / row["pose"]["fps"]
    row["ratio_full_to_pose_two_models"] = row["full"]["fps"] / row["pose_two_models"]["fps"]
    # the same ratio within each round: shows the machine's spread
    full_n, pose_n = row["full"]["frames"], row["pose"]["frames"]
    row["ratio_full_to_pose_by_round"] = [(full_n / f) / (pose_n / p) for p, f in
                                          zip(row["pose"]["rounds_s"], row["full"]["rounds_s"], strict=True)]
    return row


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clips", nargs="*", type=Path, help="videos to measure (default: the demo clip and the "
                   "shared slow-motion clip at --fps 299.7 when present)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    p.add_argument("--repeat", type=int, default=1, help="rounds of every mode; each keeps its fastest (use 3 on a "
                   "shared machine)")
    p.add_argument("--long-minutes", type=float, default=10.0, help="length of the looped long clip (0: skip)")
    p.add_argument("--looped-demo-minutes", type=float, default=0.0,
                   help="also measure every mode on the demo looped to this length, where the one-off start "
                   "(imports, models) weighs less; the bare pose modes hold all its frames decoded (2.8 MB "
                   "each: 5 GB a minute)")
    args = p.parse_args(argv)
    clips: list[tuple[Path, dict]] = [(c, {}) for c in args.clips] if args.clips else [(DEMO, {})]
    slowmo = SHARED / "mhuang24_treadmill_side_lab_slowmo.mp4"
    if not args.clips and slowmo.exists():
        clips.append((slowmo, {"fps": 299.7}))
    with tempfile.TemporaryDirectory() as loops:
        if args.looped_demo_minutes > 0:
            looped = Path(loops) / f"demo_looped_{args.looped_demo_minutes:g}min.mp4"
            clips.append((loop_clip(DEMO, looped, args.looped_demo_minutes), {}))
        rows = [bench_clip(c, o, max(1, args.repeat)) for c, o in clips]
    long = {}
    if args.long_minutes > 0:
        with tempfile.TemporaryDirectory() as tmp:
            short = cut_clip(DEMO, Path(tmp) / "short.mp4", 10.0)
            longer = loop_clip(DEMO, Path(tmp) / "long.mp4", args.long_minutes)
            for name, clip in (("10s", short), (f"{args.long_minutes:g}min", longer)):
                long[name] = run_mode("full_no_video", clip, {})
                print(f"  long-clip memory, {name}: {long[name]['frames']} frames, peak "
                      f"{long[name]['peak_rss_mb']:.0f} MB, {long[name]['fps']:.1f} frames/s", file=sys.stderr)
    first = rows[0]
    result = {
        "pose_fps": first["pose"]["fps"], "decode_fps": first["decode"]["fps"], "full_fps": first["full"]["fps"],
        "full_no_video_fps": first["full_no_video"]["fps"], "ratio_full_to_pose": first["ratio_full_to_pose"],
        "pose_two_models_fps": first["pose_two_models"]["fps"],
        "ratio_full_to_pose_two_models": first["ratio_full_to_pose_two_models"],
        "peak_rss_mb": max(r[m]["peak_rss_mb"] for r in rows for m in ("full", "full_no_video")),
        "clips": rows, "long_clip": long,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_avg": os.getloadavg()},
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if long:
        peaks = [v["peak_rss_mb"] for v in long.values()]
        result["long_clip_peak_rss_growth_pct"] = (max(peaks) - min(peaks)) / min(peaks) * 100
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"{'clip':40s} {'decode':>8s} {'pose':>8s} {'2 models':>9s} {'full':>8s} {'no video':>9s} {'full/pose':>10s} "
          f"{'/2 models':>10s} {'peak MB':>8s}")
    for r in rows:
        print(f"{r['clip']:40s} {r['decode']['fps']:8.1f} {r['pose']['fps']:8.1f} {r['pose_two_models']['fps']:9.1f} "
              f"{r['full']['fps']:8.1f} {r['full_no_video']['fps']:9.1f} {r['ratio_full_to_pose']:10.2f} "
              f"{r['ratio_full_to_pose_two_models']:10.2f} "
              f"{max(r['full']['peak_rss_mb'], r['full_no_video']['peak_rss_mb']):8.0f}")
    for stage, seconds in first["full"]["stages_s"].items():
        print(f"  {stage:36s} {seconds:6.2f} s")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
