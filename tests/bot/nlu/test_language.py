import pytest

from bot.nlu.language import language_of


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How do I apply for legal aid in China?", "en"),
        ("我想问一下 legal aid 怎么申请", "zh"),
        ("請問申請行政複議有期限嗎", "zh"),
        ("ok", "zh"),
        ("Hi there", "zh"),
        ("12348", "zh"),
        ("😀😂🙏", "zh"),
        ("法律扶助を受けるにはどうすればいいですか", "ja"),
        ("법률 지원을 받으려면 어떻게 해야 하나요", "ko"),
        ("Как получить юридическую помощь", "ru"),
    ],
)
def test_language_of(text, language):
    assert language_of(text) == language
