"""The danger detector against its own labelled sets (written apart from its rules and data)."""

from pathlib import Path

import pytest

from bot.nlu.danger_eval import main, score

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(
    "name", ["danger_tune.jsonl", "danger_tune_2.jsonl", "danger_tune_3.jsonl"]
)
def test_the_tuning_sets_where_the_rules_and_threshold_were_chosen(name):
    result = score(DATA / name)
    assert result.n >= 100
    assert result.recall >= 0.95
    assert result.precision >= 0.90


def test_the_hardest_tuning_set_does_not_slip():
    # Written last: indirect danger (farewells, veiled threats with a time) and 87 of its
    # 100 safe messages near misses (violent words, past danger, anger, jokes). The detector
    # does not yet reach the targets here; this holds where it stands so it cannot slip.
    result = score(DATA / "danger_tune_4.jsonl")
    assert result.n >= 100
    assert result.recall >= 0.88
    assert result.precision >= 0.85


def test_the_test_split_is_large_enough_to_report():
    # Its recall and precision are reported by `make eval-danger`, never held here: a gate
    # on this split would make it one more set that choices are made on.
    result = score(DATA / "danger_test.jsonl")
    assert result.n >= 100


def test_the_command_prints_one_summary_line_per_file(capsys):
    assert main([str(DATA / "danger_tune.jsonl")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("danger_tune.jsonl")
    assert out[-1].startswith("danger_recall=")


def test_the_command_needs_a_file():
    assert main([]) == 2


@pytest.mark.parametrize(
    "name",
    [
        "danger_tune.jsonl",
        "danger_tune_2.jsonl",
        "danger_tune_3.jsonl",
        "danger_tune_4.jsonl",
        "danger_test.jsonl",
    ],
)
def test_both_kinds_are_in_each_split(name):
    rows = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert sum('"danger": true' in r for r in rows) >= 50
    assert sum('"danger": false' in r for r in rows) >= 50
