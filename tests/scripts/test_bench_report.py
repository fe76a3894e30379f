import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "report.py"
spec = importlib.util.spec_from_file_location("bench_report", SCRIPT)
assert spec is not None and spec.loader is not None
report = importlib.util.module_from_spec(spec)
sys.modules["bench_report"] = report
spec.loader.exec_module(report)


def test_a_run_replaces_its_own_section_and_leaves_the_rest(tmp_path, capsys):
    doc = tmp_path / "reliability.md"
    doc.write_text("# Guarantees\n\nhand-written\n\n<!-- /runs -->\n\nafter\n", encoding="utf-8")
    report.publish("soak", "`bench/soak.py`", ["PASS: first"], "settings: the defaults", doc)
    report.publish("faults-rasa", "`bench/faults.py rasa`", ["PASS: rasa"], "x", doc)
    report.publish("soak", "`bench/soak.py`", ["FAIL: second"], "settings: the defaults", doc)
    text = doc.read_text(encoding="utf-8")
    assert "hand-written" in text and text.rstrip().endswith("after")
    assert "FAIL: second" in text and "PASS: first" not in text
    assert text.count("<!-- run:soak -->") == 1
    assert text.index("<!-- run:soak -->") < text.index("<!-- run:faults-rasa -->")
    assert text.index("<!-- run:faults-rasa -->") < text.index("<!-- /runs -->")
    assert "cores" in text  # each section says what machine it ran on


def test_every_published_run_says_which_settings_it_changed(tmp_path):
    doc = tmp_path / "reliability.md"
    doc.write_text("<!-- /runs -->\n", encoding="utf-8")
    line = report.settings_line({"RASA_TIMEOUT": "30"}, {"RASA_TIMEOUT": 3.0})
    report.publish("chat", "`bench/chat.py`", ["p50=1 ms"], line, doc)
    text = doc.read_text(encoding="utf-8")
    assert "settings changed from the defaults: RASA_TIMEOUT=30 (default 3.0)" in text
    assert text.index("RASA_TIMEOUT=30") < text.index("p50=1 ms")


def test_the_bench_settings_are_all_real_bot_settings():
    sys.path.insert(0, str(SCRIPT.parent))
    import chat

    line = chat.changed_settings()
    assert "RASA_TIMEOUT=30 (default 3.0)" in line and "TELEGRAM_MAX_RATE=100000" in line
    assert "unset" not in line


def test_the_transcript_prints_and_keeps(capsys):
    say = report.Transcript()
    say("one")
    mark = len(say.lines)
    say("two")
    assert say.since(mark) == ["two"]
    assert capsys.readouterr().out == "one\ntwo\n"
