"""The trained model behind a real Rasa server."""

from __future__ import annotations

import pytest

from bot.evaluate import load_cases, macro_f1, run_cases
from bot.types import Topic

pytestmark = pytest.mark.rasa

BAD_INPUTS = [
    "",
    "   \n\t  ",
    "邻居" * 5000,
    "😀😂🙏🔥",
    "How do I apply for legal aid in China?",
    "請問申請行政複議有期限嗎",
    "复\u200b议\u200d要\x00钱\x07吗\u202e",
    "<script>alert('x')</script><b>法援</b>",
    "'; DROP TABLE messages; --",
    "1=1 OR SELECT * FROM users",
    "\x00\x01\x02",
    "？？？？？",
]


@pytest.mark.parametrize("text", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
async def test_bad_input_gets_a_topic_from_the_model(nlu, text):
    result = await nlu.understand(text)
    assert isinstance(result.topic, Topic)
    assert not result.degraded, result.degraded_reason


async def test_traditional_characters_are_understood(nlu):
    result = await nlu.understand("請問申請行政複議有期限嗎")
    assert result.topic is Topic.ADMIN_REVIEW


async def test_rasa_needs_its_token(rasa, http):
    async with http.post(f"{rasa.url}/model/parse", json={"text": "复议"}) as response:
        assert response.status == 401


async def test_rasa_listens_on_loopback_only(rasa):
    psutil = pytest.importorskip("psutil")
    listening = [
        c.laddr
        for c in psutil.Process(rasa.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening
    assert all(addr.ip == "127.0.0.1" for addr in listening)


async def test_the_situation_is_read_with_the_topic(nlu):
    result = await nlu.understand("我在通州，两个月前被城管罚款了，还能复议吗")
    assert result.topic is Topic.ADMIN_REVIEW
    assert result.district == "通州"
    assert result.situation.act == "罚款"
    assert result.situation.learnt_of_act() is not None


async def test_the_test_split_reaches_the_target(dialogue, project_root):
    # No setting is chosen on this split: it is the honest measure of routing.
    cases = load_cases(project_root / "tests" / "data" / "routing_test.jsonl")
    outcome = await run_cases(dialogue, cases)
    assert outcome.degraded == 0
    assert macro_f1(outcome, lenient=True) >= 0.90


COURT_DOCUMENTS = [
    "法院出的民事调解书，对方到期不给钱怎么办",
    "离婚时在法院签了调解书，现在他不按调解书付抚养费",
    "法院调解书生效了还能反悔吗",
    "庭前调解的时候我没同意，法官会直接判吗",
    "法院组织的诉前调解签了字，对方不履行，能直接申请强制执行吗",
    "调解书上写的房子归我，可他就是不去过户",
    "法院的调解书和判决书效力一样吗",
    "我们在法庭上调解离婚，调解书上漏了一笔存款，还能要回来吗",
    "對方不履行法院調解書，我可以申請執行嗎",
    "法官让我们先调解，调解不成会怎么样",
]


@pytest.mark.parametrize("text", COURT_DOCUMENTS, ids=range(len(COURT_DOCUMENTS)))
async def test_court_mediation_documents_never_get_the_people_s_mediation_answer(dialogue, text):
    turn = await dialogue.handle_text(text, f"court-{text}")
    assert turn.nlu.topic is not Topic.MEDIATION, text
    said = "\n".join(r.text for r in turn.replies)
    assert "【什么是人民调解" not in said and "【怎么申请人民调解" not in said


PLAIN_WORDS = [
    ("城管把我摆摊的三轮车和货都拉走了", Topic.ADMIN_REVIEW),
    ("镇里来了一帮人把我家的棚子推倒了，也没给个说法", Topic.ADMIN_REVIEW),
    ("民警当场罚了我两百块现金，也没开票", Topic.ADMIN_REVIEW),
    ("复议要交钱吗 谢谢了", Topic.ADMIN_REVIEW),
    ("法援怎么申请啊 先这样 再见", Topic.LEGAL_AID),
    ("楼上天天半夜剁东西，说了好几次也不听，能找人来调一下吗 谢谢", Topic.MEDIATION),
]


@pytest.mark.parametrize(("text", "topic"), PLAIN_WORDS, ids=range(len(PLAIN_WORDS)))
async def test_plain_words_and_polite_endings_keep_their_service(nlu, text, topic):
    assert (await nlu.understand(text)).topic is topic


async def test_indirect_danger_puts_110_first(dialogue):
    turn = await dialogue.handle_text("邻居拿着镰刀站在我家门口，嘴里骂个不停", "danger-1")
    assert "110" in turn.replies[0].text
    follow = await dialogue.handle_text("他还在外面，我好怕", "danger-1")
    assert "110" in follow.replies[0].text


async def test_a_question_in_english_is_told_the_service_is_in_chinese(dialogue):
    turn = await dialogue.handle_text("How can I get a free lawyer in China?", "english-1")
    assert "Chinese" in turn.replies[-1].text and "12348" in turn.replies[-1].text
