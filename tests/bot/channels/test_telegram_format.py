from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram_format import keyboard, render, split
from bot.types import Button, Reply


def test_citizen_and_corpus_text_is_escaped():
    [html] = render(Reply("<b>罚款</b> & <a href='x'>", sources=("《法》<第一条>",)))
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    assert html.endswith("<i>依据：《法》&lt;第一条&gt;</i>")


def test_long_text_is_split_on_paragraphs_within_the_limit():
    paragraphs = ["甲" * 1500, "乙" * 1500, "丙" * 1500, "丁" * 100]
    pieces = split("\n\n".join(paragraphs))
    assert all(len(p) <= 4096 for p in pieces)
    assert pieces[0] == "\n\n".join(paragraphs[:2])
    assert pieces[1] == "\n\n".join(paragraphs[2:])


def test_a_paragraph_longer_than_the_limit_is_cut_after_a_sentence():
    paragraph = ("这是一句话。" * 1000)[:5000]
    pieces = split(paragraph)
    assert len(pieces) == 2
    assert pieces[0].endswith("。")
    assert "".join(pieces) == paragraph


def test_an_entity_is_never_cut():
    text = "&amp;" * 1000  # 5,000 characters with no sentence end
    pieces = split(text)
    assert all(p.startswith("&") and p.endswith(";") for p in pieces)
    assert "".join(pieces) == text


@given(st.text(alphabet=st.sampled_from("甲乙 。\n&<>ab"), max_size=12_000))
def test_split_keeps_every_character_and_the_limit(text):
    import html

    escaped = html.escape(text)
    pieces = split(escaped)
    assert all(len(p) <= 4096 for p in pieces)
    assert "".join(pieces).replace("\n", "") == escaped.replace("\n", "")


def test_buttons_two_to_a_row():
    markup = keyboard(Reply("x", tuple(Button(f"b{i}", f"p{i}") for i in range(3))))
    rows = markup.inline_keyboard
    assert [[b.callback_data for b in row] for row in rows] == [["p0", "p1"], ["p2"]]
    assert keyboard(Reply("x")) is None
