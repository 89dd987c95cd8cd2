"""Summary rows and the squad page, without running any analysis."""

from __future__ import annotations

from stridelens.batch import JobResult, SkippedFile, squad_html
from stridelens.batch.summary import summary_csv


def _ok(name: str, athlete: str, cadence: float, verdict: str, drills: str) -> JobResult:
    return JobResult(video=f"/v/{name}.mp4", name=name, status="ok", athlete=athlete, cadence_spm=cadence,
                     verdict=verdict, drills=drills)


def test_squad_page_groups_drills_and_escapes_text() -> None:
    rows = [_ok("a", "Anna <A>", 162.0, "hips_back", "Ankle lean drill;Cadence step-up"),
            _ok("b", "Ben", 181.0, "neutral", "Cadence step-up"),
            JobResult(video="/v/c.mp4", name="c", status="failed", error="not a video <x>", advice="re-export")]
    page = squad_html(rows)
    assert "Anna &lt;A&gt;" in page and "<A>" not in page and "not a video &lt;x&gt;" in page
    assert "<b>Cadence step-up</b>: Anna &lt;A&gt;, Ben" in page
    assert "Hips back: 1" in page and "Neutral: 1" in page and "Failed (1)" in page
    assert "median 181, range 162-181" in page


def test_summary_csv_has_the_issue_columns_first_and_empty_cells_for_none() -> None:
    text = summary_csv([JobResult(video="/v/c.mp4", name="c", status="failed", error_code="bad_input",
                                  error="broken")])
    header, row = text.splitlines()
    assert header.startswith("video,name,status,") and "error" in header.split(",")
    assert "cadence_spm" in header.split(",") and "verdict" in header.split(",")
    assert row.startswith("/v/c.mp4,c,failed,,,bad_input,broken,")


def test_rows_round_trip_through_done_json() -> None:
    r = _ok("a", "Anna", 170.0, "neutral", "")
    assert JobResult.from_row(r.as_row(), skipped=True) == r


def test_squad_page_lists_the_files_not_analysed() -> None:
    rows = [_ok("a", "Anna", 170.0, "neutral", "")]
    skipped = [SkippedFile("notes.txt"), SkippedFile("clip.3gp", looks_like_video=True)]
    page = squad_html(rows, skipped_files=skipped)
    assert "1 videos: 1 analysed, 0 failed. 2 other files not analysed (below)." in page
    assert "Not analysed (2 files)" in page and "skipped 1 file that is not a video: notes.txt" in page
    assert "<td>clip.3gp</td><td>looks like a video, but has no video extension</td>" in page
    assert "Not analysed" not in squad_html(rows)
