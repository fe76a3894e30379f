"""`python -m bot …` run as a real process against a database file in a test's directory."""

import os
import subprocess
import sys
from pathlib import Path


def run_bot(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run one `python -m bot` command on `tmp_path`/bot.db; its output, never raising."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
