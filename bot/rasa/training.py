"""Training the NLU model, skipped when its inputs are unchanged (by content hash)."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

MODEL_PREFIX = "nlu-"
REQUIREMENTS = PROJECT_ROOT / "requirements" / "rasa.txt"


class TrainingError(RuntimeError):
    """`rasa train nlu` failed or is not installed."""


def _inputs(settings: Settings) -> list[Path]:
    files = [settings.nlu_config, REQUIREMENTS]
    files += sorted(p for p in settings.nlu_data_dir.rglob("*") if p.is_file())
    return files


def inputs_hash(settings: Settings) -> str:
    """A hash of everything the model is made from: config, data, Rasa's pinned versions."""
    digest = hashlib.sha256()
    for path in _inputs(settings):
        if not path.exists():
            continue
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    """Where the model for the current inputs lives (whether or not it exists yet)."""
    return settings.models_dir / f"{MODEL_PREFIX}{inputs_hash(settings)}.tar.gz"


def rasa_executable(settings: Settings) -> Path:
    """The `rasa` command of the Rasa environment; a clear error if it is missing."""
    exe = settings.rasa_venv / "bin" / "rasa"
    if not exe.exists():
        raise TrainingError(f"{exe} not found: run `make install` to create the Rasa environment")
    return exe


def train(settings: Settings, *, force: bool = False) -> Path:
    """The trained model for the current inputs, training it only when it does not exist."""
    target = model_path(settings)
    if target.exists() and not force:
        log.info("NLU model is up to date: %s", target.name)
        _calibrate(settings, target, force=False)
        return target
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(rasa_executable(settings)),
        "train",
        "nlu",
        "--config",
        str(settings.nlu_config),
        "--nlu",
        str(settings.nlu_data_dir),
        "--out",
        str(settings.models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    print(f"==> training the NLU model ({target.name}); this takes a few minutes", flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=PROJECT_ROOT, check=False)  # noqa: S603
    if done.returncode != 0 or not target.exists():
        raise TrainingError(f"rasa train nlu failed (exit {done.returncode})")
    print(f"==> model trained in {time.monotonic() - started:.0f}s: {target}", flush=True)
    _remove_stale(settings, keep=target)
    _calibrate(settings, target, force=True)
    return target


def _calibrate(settings: Settings, model: Path, *, force: bool) -> None:
    # Imported here: fitting needs numpy and the extractors, a plain check does not.
    from bot.nlu.calibrate import calibrate
    from bot.rasa.batch import BatchParseError

    try:
        calibrate(settings, model, force=force)
    except BatchParseError as exc:
        raise TrainingError(f"fitting the topic decision failed: {exc}") from exc
    # The danger classifier is cached beside the model, so no citizen waits for its training.
    from bot.nlu.danger import classifier as danger_model

    danger_model()


def _remove_stale(settings: Settings, keep: Path) -> None:
    keep_stem = keep.name.removesuffix(".tar.gz")
    for old in settings.models_dir.glob(f"{MODEL_PREFIX}*"):
        if old != keep and not old.name.startswith(f"{keep_stem}."):
            old.unlink(missing_ok=True)


def main_train(settings: Settings, force: bool) -> int:
    """CLI body of `python -m bot train`."""
    try:
        train(settings, force=force)
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
