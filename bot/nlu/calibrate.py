"""Fitting the topic decision on the tuning split, for the model it will read."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from pathlib import Path

from bot.nlu import decision
from bot.nlu.decision import Decision, features
from bot.nlu.evidence import evidence_of
from bot.nlu.normalize import for_model
from bot.rasa.batch import parse_batch, ranking
from bot.settings import PROJECT_ROOT, Settings
from bot.types import Topic

DATA = PROJECT_ROOT / "tests" / "data"
# The tuning split and its supplements (routing_tune_*.jsonl): every choice is made on these.
TUNE = tuple(sorted(DATA.glob("routing_tune*.jsonl")))
# Whatever changes what the decision reads changes the file it is kept in.
_SOURCES = (
    *TUNE,
    Path(decision.__file__),
    PROJECT_ROOT / "bot" / "nlu" / "evidence.py",
    PROJECT_ROOT / "bot" / "nlu" / "situation.py",
)
# The day the tuning split is read as of; fixed so that a refit gives the same file.
AS_OF = dt.date(2026, 12, 1)


def decision_path(model: Path) -> Path:
    """Where the decision fitted for `model` and the current tuning inputs is kept."""
    digest = hashlib.sha256()
    for source in _SOURCES:
        digest.update(source.read_bytes() if source.exists() else b"")
    stem = model.name.removesuffix(".tar.gz")
    return model.with_name(f"{stem}.decision-{digest.hexdigest()[:12]}.json")


def load_rows(path: Path) -> list[dict[str, object]]:
    """The JSON lines of an evaluation or tuning file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def calibrate(settings: Settings, model: Path, *, force: bool = False) -> Path:
    """The decision for `model`, fitted on the tuning split unless it already exists."""
    target = decision_path(model)
    if target.exists() and not force:
        return target
    rows = [row for path in TUNE for row in load_rows(path)]
    texts = [str(r["text"]) for r in rows]
    print(f"==> fitting the topic decision on {len(rows)} tuning questions", flush=True)
    started = time.monotonic()
    parsed = parse_batch(settings, model, texts)
    x = [
        features(ranking(p), for_model(t), evidence_of(for_model(t), AS_OF))
        for t, p in zip(texts, parsed, strict=True)
    ]
    fitted = decision.fit(x, [Topic(str(r["topic"])) for r in rows])
    names = [str(path.relative_to(PROJECT_ROOT)) for path in TUNE]
    about = {"fitted_on": names, "n": len(rows), "model": model.name}
    fitted.to_json(target, about)
    for stale in model.parent.glob(f"{model.name.removesuffix('.tar.gz')}.decision-*.json"):
        if stale != target:
            stale.unlink(missing_ok=True)
    print(f"==> topic decision fitted in {time.monotonic() - started:.0f}s: {target.name}")
    return target


def load_decision(model: Path) -> Decision | None:
    """The decision fitted for `model`, or None when there is none (the mass decides)."""
    path = decision_path(model)
    return Decision.from_json(path) if path.exists() else None
