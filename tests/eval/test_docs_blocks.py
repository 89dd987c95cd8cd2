"""The generated tables of docs/accuracy.md (`eval.docs`) and the evaluation command that writes them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stridelens.eval.docs import DocsBlockError, docs_target, write_blocks

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
# every block a command writes (eval/run.py, eval/study.py)
BLOCKS = ("eval-clips", "eval-timing", "eval-pose-sources", "eval-marker-events", "eval-marker-angles",
          "eval-synthetic", "sweep-synthetic", "sweep-real", "sweep-reliable-when", "reliability")


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "accuracy.md"
    page.write_text("# Accuracy\n\nBy hand.\n\n<!-- generated:t (a command) -->\n| old |\n<!-- /generated:t -->\n\n"
                    "More narrative.\n", encoding="utf-8")
    return page


def test_a_block_is_replaced_and_the_narrative_kept(tmp_path):
    page = _page(tmp_path)
    write_blocks(page, {"t": "| new |\n|---|"})
    text = page.read_text(encoding="utf-8")
    assert "| new |\n|---|\n<!-- /generated:t -->" in text and "| old |" not in text
    assert text.startswith("# Accuracy\n\nBy hand.\n\n<!-- generated:t (a command) -->\n") and "More narrative." in text
    write_blocks(page, {"t": "| newer |"})  # the markers survive, so the next run finds them again
    assert "| newer |" in page.read_text(encoding="utf-8")


def test_a_missing_or_repeated_block_writes_nothing(tmp_path):
    page = _page(tmp_path)
    before = page.read_text(encoding="utf-8")
    with pytest.raises(DocsBlockError, match="'u' found 0 times"):
        write_blocks(page, {"t": "| new |", "u": "| other |"})
    assert page.read_text(encoding="utf-8") == before  # all or nothing
    page.write_text(before + before, encoding="utf-8")
    with pytest.raises(DocsBlockError, match="found 2 times"):
        write_blocks(page, {"t": "| new |"})


def test_quick_runs_leave_the_published_tables_alone(tmp_path):
    assert docs_target(None, full_run=False) is None
    assert docs_target("", full_run=True) is None
    assert docs_target(str(tmp_path / "x.md"), full_run=False) == tmp_path / "x.md"


def test_docs_accuracy_holds_every_generated_block_once():
    text = (ROOT / "docs" / "accuracy.md").read_text(encoding="utf-8")
    for name in BLOCKS:
        assert len(re.findall(rf"^<!-- generated:{name} \(", text, re.MULTILINE)) == 1, name
        assert len(re.findall(rf"^<!-- /generated:{name} -->$", text, re.MULTILINE)) == 1, name


@pytest.mark.skipif(not (DATA / "groundtruth").is_dir(), reason="../shared/data (marker trials) is absent")
def test_the_evaluation_command_writes_its_json_and_tables(tmp_path):
    """`stridelens eval` on the marker trials alone (no pose model, no synthetic suite: seconds)."""
    from stridelens.cli.main import main

    page = tmp_path / "accuracy.md"
    page.write_text("".join(f"<!-- generated:{b} (x) -->\n<!-- /generated:{b} -->\n" for b in BLOCKS),
                    encoding="utf-8")
    out = tmp_path / "figures.json"
    assert main(["eval", "--data", str(DATA), "--skip-video", "--skip-synthetic", "--out", str(out),
                 "--docs", str(page)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert {r["trial"] for r in figures["marker_data"]} >= {"Run_20002_IK.mot", "Run_40002_IK.mot"}
    text = page.read_text(encoding="utf-8")
    events = text[text.index("generated:eval-marker-events"):text.index("/generated:eval-marker-events")]
    assert "| Run_40002_IK.mot | 100 Hz | 14/14" in events
    assert "<!-- generated:eval-clips (x) -->\n<!-- /generated:eval-clips -->" in text  # not run: left as it was


@pytest.mark.skipif(not (DATA / "groundtruth").is_dir(), reason="../shared/data (marker trials) is absent")
def test_a_docs_file_without_the_blocks_gets_a_message_not_a_traceback(tmp_path, capsys):
    from stridelens.eval.run import main

    page = tmp_path / "notes.md"
    page.write_text("# my notes\n", encoding="utf-8")
    out = tmp_path / "figures.json"
    assert main(["--data", str(DATA), "--skip-video", "--skip-synthetic", "--out", str(out), "--docs", str(page)]) == 2
    err = capsys.readouterr().err
    assert f"the figures are in {out}" in err and "found 0 times" in err and "Traceback" not in err
    assert out.is_file() and page.read_text(encoding="utf-8") == "# my notes\n"
