"""Bench scripts print their results and put them in docs/reliability.md as they go."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import psutil

DOC = Path(__file__).resolve().parent.parent / "docs" / "reliability.md"
RUNS_END = "<!-- /runs -->"  # new sections go just above this line


class Transcript:
    """Prints lines as they come and keeps them for the report."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def since(self, mark: int) -> list[str]:
        """The lines said after `mark` (a `len(lines)` taken earlier)."""
        return self.lines[mark:]


say = Transcript()


def machine() -> str:
    """When and on what a run was made, e.g. `2026-11-29, 2 cores, 24 GiB`."""
    memory = psutil.virtual_memory().total / 2**30
    return f"{dt.date.today():%Y-%m-%d}, {os.cpu_count()} cores, {memory:.0f} GiB"


def settings_line(changed: dict[str, str], defaults: dict[str, object]) -> str:
    """The bot settings a run changed, each with its default, for the published output."""
    if not changed:
        return "settings: the defaults"
    shown = (f"{k}={v} (default {defaults.get(k, 'unset')})" for k, v in changed.items())
    return "settings changed from the defaults: " + ", ".join(shown)


def publish(key: str, heading: str, lines: list[str], settings: str, doc: Path = DOC) -> None:
    """Replace the section `key` of the document with this run's output (or add it).

    `settings` (see `settings_line`) is required: a published figure says what it ran with.
    """
    start, end = f"<!-- run:{key} -->", f"<!-- /run:{key} -->"
    output = "\n".join([settings, *lines])
    block = f"{start}\n{heading} ({machine()}):\n\n```\n{output}\n```\n{end}"
    text = doc.read_text(encoding="utf-8")
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    elif RUNS_END in text:
        text = text.replace(RUNS_END, f"{block}\n\n{RUNS_END}", 1)
    else:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    doc.write_text(text, encoding="utf-8")
    print(f"(written to {doc.name}: {key})", flush=True)
