"""The generated tables of docs/accuracy.md.

The evaluation commands (`python -m stridelens.eval`, `... sweep`, `... reliability`) rewrite the text between
a ``<!-- generated:NAME -->`` line and its ``<!-- /generated:NAME -->`` line with their own tables and leave
the narrative around them, so the published figures are the ones the last run measured.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

__all__ = ["DocsBlockError", "add_docs_option", "default_docs_path", "docs_target", "publish", "write_blocks"]

_ROOT = Path(__file__).resolve().parents[3]


class DocsBlockError(ValueError):
    """The Markdown file lacks (or repeats) a block that a command wants to write."""


def default_docs_path() -> Path | None:
    """docs/accuracy.md of the source checkout this module runs from; None for an installed package."""
    path = _ROOT / "docs" / "accuracy.md"
    return path if path.is_file() else None


def docs_target(docs_option: str | None, full_run: bool) -> Path | None:
    """Where a command's generated blocks go: its `--docs` value when given ('' for nowhere), else this
    checkout's docs/accuracy.md, but only for a run at full size (a quick grid must not replace the
    published tables)."""
    if docs_option is not None:
        return Path(docs_option) if docs_option else None
    return default_docs_path() if full_run else None


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(^<!-- generated:{re.escape(name)} [^\n]*-->\n)(.*?)(^<!-- /generated:{re.escape(name)} -->$)",
                      re.MULTILINE | re.DOTALL)


def write_blocks(path: Path, blocks: dict[str, str]) -> None:
    """Replace the content of every named block in `path` (all or nothing: the file is written only when
    every block is found exactly once)."""
    text = path.read_text(encoding="utf-8")
    for name, content in blocks.items():
        pattern = _pattern(name)
        found = len(pattern.findall(text))
        if found != 1:
            raise DocsBlockError(
                f"{path}: block {name!r} found {found} times; it needs exactly one pair of lines "
                f"'<!-- generated:{name} (what writes it) -->' and '<!-- /generated:{name} -->' where its table "
                "goes (or pass --docs '' to write no docs)")
        body = content if content.endswith("\n") else content + "\n"
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(3), text)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def add_docs_option(parser: argparse.ArgumentParser, default_when: str) -> None:
    """`--docs`, the same for every evaluation command; `default_when` says when the default applies."""
    parser.add_argument("--docs", default=None,
                        help="Markdown file whose generated blocks are rewritten ('' for none; default: this "
                             f"checkout's docs/accuracy.md, {default_when})")


def publish(docs_option: str | None, blocks: dict[str, str], *, full_run: bool, figures: str) -> int:
    """Write `blocks` where `docs_target` says; the exit code (2, with a message naming where the figures
    are, when the file cannot take them)."""
    target = docs_target(docs_option, full_run)
    if target is None or not blocks:
        return 0
    try:
        write_blocks(target, blocks)
    except (DocsBlockError, OSError) as exc:
        print(f"the figures are in {figures}, but the docs were not written: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {', '.join(blocks)} into {target}", file=sys.stderr)
    return 0
