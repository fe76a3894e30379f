import io
import json

import pytest

from bot.evaluate import Case, EvalFileError, Outcome, answer_hit, load_cases, macro_f1, report


def write(tmp_path, lines):
    path = tmp_path / "eval.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_cases_reads_text_topic_and_expect(tmp_path):
    path = write(
        tmp_path,
        [
            json.dumps({"text": "复议多久", "topic": "admin_review", "expect": ["六十日"]}),
            "",
            json.dumps({"text": "你好", "topic": "other"}),
        ],
    )
    cases = load_cases(path)
    assert [c.line for c in cases] == [1, 3]
    assert cases[0].expect == ("六十日",)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"topic": "other"}), '"text"'),
        (json.dumps({"text": "x", "topic": "divorce"}), '"topic"'),
        (json.dumps({"text": "x", "topic": "other", "expect": "六十日"}), '"expect"'),
    ],
)
def test_bad_lines_name_their_line(tmp_path, line, message):
    path = write(tmp_path, [json.dumps({"text": "x", "topic": "other"}), line])
    with pytest.raises(EvalFileError, match=rf":2: .*{message}"):
        load_cases(path)


def outcome(pairs, hits=None):
    cases = [Case(i + 1, f"t{i}", gold) for i, (gold, _) in enumerate(pairs)]
    return Outcome(cases, [p for _, p in pairs], hits or [None] * len(pairs))


def test_macro_f1_by_hand():
    # mediation: tp=1 fp=0 fn=1 -> p=1 r=.5 f1=.667; other: tp=1 fp=1 fn=0 -> f1=.667
    result = outcome([("mediation", "mediation"), ("mediation", "other"), ("other", "other")])
    assert macro_f1(result) == pytest.approx(2 / 3)


def test_answer_hit_is_none_without_expectations():
    assert answer_hit(outcome([("other", "other")])) is None
    assert answer_hit(outcome([("other", "other")] * 2, [True, False])) == 0.5


def test_report_ends_with_exactly_one_summary_line():
    out = io.StringIO()
    report(outcome([("mediation", "mediation"), ("other", "legal_aid")]), out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "macro_f1=0.333 lenient_macro_f1=0.333 answer_hit=n/a n=2"
    assert sum(line.startswith("macro_f1=") for line in lines) == 1
