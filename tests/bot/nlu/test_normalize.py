import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.normalize import MAX_MODEL_CHARS, clean, for_model, shorten, to_simplified


def test_full_width_digits_and_letters_become_half_width():
    assert clean("罚款５００元ＡＢＣ") == "罚款500元ABC"


def test_traditional_becomes_simplified():
    assert to_simplified("請問申請行政複議有期限嗎") == "请问申请行政复议有期限吗"


def test_zero_width_and_control_characters_are_removed():
    assert clean("行政\u200b复议\x00\x07\u202e有期限吗") == "行政复议有期限吗"


def test_whitespace_is_collapsed_and_trimmed():
    assert clean("  邻居\n\n\t漏水　怎么办  ") == "邻居 漏水 怎么办"


def test_long_text_keeps_head_and_tail():
    text = "头" * 300 + "中" * 9000 + "尾" * 400
    short = shorten(text)
    assert len(short) == MAX_MODEL_CHARS
    assert short.startswith("头" * 100)
    assert short.endswith("尾" * 300)


def test_empty_and_blank_give_empty():
    assert for_model("") == ""
    assert for_model(" \u200b\n\t ") == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_becomes_a_short_clean_model_input(text):
    prepared = for_model(text)
    assert isinstance(prepared, str) and len(prepared) <= MAX_MODEL_CHARS
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in prepared)
    assert for_model(prepared) == prepared  # nothing left to clean
