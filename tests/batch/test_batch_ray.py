"""Ray tasks (a private local Ray on 2 CPUs) give the same results as the local process pool."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from batch_clips import DEMO_CLIP, comparable

from stridelens.batch import LocalPool, RayCluster, discover_jobs, run_batch

ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'stridelens[ray]')")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[RayCluster]:
    cluster = RayCluster("local", num_cpus=2)
    cluster._init()
    yield cluster
    ray.shutdown()


def _same_results(folder: Path, tmp_path: Path, cluster: RayCluster, *, video: bool) -> list[str]:
    jobs = discover_jobs(str(folder))
    pool = run_batch(jobs, str(tmp_path / "pool"), executor=LocalPool(2), video=video)
    on_ray = run_batch(jobs, str(tmp_path / "ray"), executor=cluster, video=video)
    strip = ("seconds", "output")
    assert [{k: v for k, v in r.as_row().items() if k not in strip} for r in pool.results] == \
        [{k: v for k, v in r.as_row().items() if k not in strip} for r in on_ray.results]
    ok = [r.name for r in pool.results if r.status == "ok"]
    for name in ok:
        assert comparable(tmp_path / "pool" / name / "analysis.json") == \
            comparable(tmp_path / "ray" / name / "analysis.json")
    return ok


def test_ray_matches_pool_on_synthetic_and_corrupt_clips(squad: Path, tmp_path: Path, local_ray: RayCluster) -> None:
    ok = _same_results(squad, tmp_path, local_ray, video=False)
    assert ok == ["anna__run1", "ben__run1", "cleo"]
    rows = (tmp_path / "ray" / "summary.csv").read_text(encoding="utf-8")
    assert "broken,failed,,,bad_input" in rows


@pytest.mark.slow
def test_ray_matches_pool_on_the_real_clip(squad: Path, tmp_path: Path, local_ray: RayCluster) -> None:
    shutil.copy(DEMO_CLIP, squad / "demo.mp4")
    ok = _same_results(squad, tmp_path, local_ray, video=True)
    assert "demo" in ok and (tmp_path / "ray" / "demo" / "annotated.mp4").stat().st_size > 0
