"""`python -m bot crossval`: Rasa's own k-fold cross-validation of the intents in nlu_data/."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.rasa.training import TrainingError, rasa_executable
from bot.settings import PROJECT_ROOT, Settings

_ACCURACY = re.compile(r"test Accuracy: ([0-9.]+) \(([0-9.]+)\)")


def crossval(settings: Settings, folds: int = 3) -> int:
    """Run `rasa test nlu --cross-validation` and print accuracy and the weakest intents."""
    with tempfile.TemporaryDirectory(prefix="crossval-") as out:
        command = [
            str(rasa_executable(settings)),
            "test",
            "nlu",
            "--nlu",
            str(settings.nlu_data_dir),
            "--config",
            str(settings.nlu_config),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            out,
        ]
        print(f"==> {folds}-fold cross-validation of {settings.nlu_config.name}", flush=True)
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603
            command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        )
        log = done.stdout + done.stderr
        found = _ACCURACY.search(log)
        report_path = Path(out) / "intent_report.json"
        if done.returncode != 0 or found is None or not report_path.exists():
            print("\n".join(log.splitlines()[-20:]), file=sys.stderr)
            raise TrainingError(f"rasa test nlu failed (exit {done.returncode})")
        report = json.loads(report_path.read_text(encoding="utf-8"))
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v}
    intents = {k: v for k, v in intents.items() if not k.endswith(" avg")}
    print(f"{'intent':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'n':>6}")
    for name, row in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"]):
        print(
            f"{name:<16}{row['precision']:>10.3f}{row['recall']:>10.3f}"
            f"{row['f1-score']:>10.3f}{row['support']:>6}"
        )
    minutes = (time.monotonic() - started) / 60
    print(
        f"cv_intent_accuracy={float(found.group(1)):.3f} (std {found.group(2)}) "
        f"folds={folds} intents={len(intents)} minutes={minutes:.1f}"
    )
    return 0


def main_crossval(settings: Settings, folds: int) -> int:
    """CLI body of `python -m bot crossval`."""
    try:
        return crossval(settings, folds)
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
