"""`python -m bot crossval` reads Rasa's cross-validation results (a stand-in `rasa` here)."""

from __future__ import annotations

import json
import stat

from bot.rasa.crossval import main_crossval
from bot.settings import Settings

REPORT = {
    "mediation": {"precision": 0.9, "recall": 0.8, "f1-score": 0.85, "support": 10},
    "other_court": {"precision": 0.7, "recall": 0.6, "f1-score": 0.65, "support": 8},
    "micro avg": {"precision": 0.8, "recall": 0.8, "f1-score": 0.8, "support": 18},
    "accuracy": 0.8,
}


def fake_rasa(tmp_path, exit_code=0, accuracy_line="test Accuracy: 0.812 (0.004)"):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    script = venv / "bin" / "rasa"
    report = json.dumps(REPORT)
    script.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--out" ]; do shift; done; out="$2"\n'
        f"cat > \"$out/intent_report.json\" <<'EOF'\n{report}\nEOF\n"
        f'echo "INFO rasa.nlu.test - {accuracy_line}" >&2\n'
        f"exit {exit_code}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return Settings(rasa_venv=venv, _env_file=None)


def test_accuracy_and_the_weakest_intents_are_printed(tmp_path, capsys):
    assert main_crossval(fake_rasa(tmp_path), folds=3) == 0
    out = capsys.readouterr().out.splitlines()
    rows = [line.split()[0] for line in out[2:-1]]
    assert rows == ["other_court", "mediation"]  # weakest first, no averages
    assert out[-1].startswith("cv_intent_accuracy=0.812 (std 0.004) folds=3 intents=2")


def test_a_failed_run_is_an_error(tmp_path, capsys):
    assert main_crossval(fake_rasa(tmp_path, exit_code=1), folds=3) == 1
    assert "rasa test nlu failed" in capsys.readouterr().err
