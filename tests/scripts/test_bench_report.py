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
    report.publish("soak", "`bench/soak.py`", ["PASS: first"], doc)
    report.publish("faults-rasa", "`bench/faults.py rasa`", ["PASS: rasa"], doc)
    report.publish("soak", "`bench/soak.py`", ["FAIL: second"], doc)
    text = doc.read_text(encoding="utf-8")
    assert "hand-written" in text and text.rstrip().endswith("after")
    assert "FAIL: second" in text and "PASS: first" not in text
    assert text.count("<!-- run:soak -->") == 1
    assert text.index("<!-- run:soak -->") < text.index("<!-- run:faults-rasa -->")
    assert text.index("<!-- run:faults-rasa -->") < text.index("<!-- /runs -->")
    assert "cores" in text  # each section says what machine it ran on


def test_the_transcript_prints_and_keeps(capsys):
    say = report.Transcript()
    say("one")
    mark = len(say.lines)
    say("two")
    assert say.since(mark) == ["two"]
    assert capsys.readouterr().out == "one\ntwo\n"
