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


async def test_golden_rows_score_the_entry_answered_offered_and_every_must_not(tmp_path):
    from bot.evaluate import entry_scores, run_cases
    from bot.types import Button, Reply, Topic, Turn
    from tests.bot.dialogue.fakes import TableNLU

    rows = [
        {"text": "调解要钱吗", "entry": "mediation.cost", "must": ["不收费"], "must_not": []},
        {"text": "法援要钱吗", "entry": "legal_aid.free", "must_not": ["六十日"]},
        {"text": "复议多久", "entry": "admin_review.deadline", "also": []},
        {"text": "离婚怎么分财产", "entry": None},
    ]
    cases = load_cases(write(tmp_path, [json.dumps(r, ensure_ascii=False) for r in rows]))
    answers = {
        "调解要钱吗": [Reply("不收费。", entry="mediation.cost")],
        "法援要钱吗": [Reply("不收费，六十日内", entry="legal_aid.cost_if_lose")],
        "复议多久": [Reply("您是想问", (Button("期限", "entry:admin_review.deadline"),))],
        "离婚怎么分财产": [Reply("这个问题不在我能解答的范围内")],
    }

    class Canned:
        async def handle_text(self, text, conversation):
            nlu = await TableNLU({text: ("other_general", Topic.OTHER)}).understand(text)
            return Turn(nlu, answers[text])

    outcome = await run_cases(Canned(), cases)
    scores = entry_scores(outcome)
    assert scores["entry_accuracy"] == 0.5  # the first and the last (no entry for none)
    assert scores["entry_reached"] == 0.75  # the choice holding the entry counts here
    assert scores["must_not_violations"] == 1 and scores["must_hit"] == 1.0
    out = io.StringIO()
    report(outcome, out)
    assert "MUST-NOT line 2: ('六十日',)" in out.getvalue()
    assert "entry_accuracy=0.500 entry_reached=0.750" in out.getvalue()
