from __future__ import annotations

from actions.answers import Answerer, Contacts
from actions.reply import Responder
from bot import texts
from bot.nlu.aspect import aspect_of
from bot.types import Entity, NLUResult, Topic


def nlu(text, topic, intent=None, *, entities=(), uncertain=False, degraded=False):
    return NLUResult(
        text,
        intent or topic.value,
        0.9,
        topic,
        0.9,
        tuple(entities),
        uncertain=uncertain,
        degraded=degraded,
        aspect=aspect_of(topic, text),
    )


def test_a_bank_answer_comes_first_and_names_its_sources_once(answerer):
    reply = answerer.composer.answer(answerer.bank["admin_review.deadline"])
    assert "六十日" in reply.text
    assert "《中华人民共和国行政复议法》第二十条" in reply.sources
    assert "《中华人民共和国行政复议法》第二十条：“" in reply.details
    assert texts.SHORT_NOTICE in reply.text
    assert texts.CONTACT_DEFAULT in reply.details  # no contacts configured: 12348
    labels = [b.label for b in reply.buttons]
    assert texts.DETAILS_BUTTON in labels and texts.HUMAN_BUTTON in labels


def test_configured_contacts_replace_the_hotline_line(retriever):
    contacts = Contacts({"legal_aid": "区法律援助中心（示例）"})
    answerer = Answerer(retriever, contacts)
    reply = answerer.composer.answer(answerer.bank["legal_aid.apply_where"])
    assert "本地联系方式：区法律援助中心（示例）" in reply.details
    assert texts.CONTACT_DEFAULT not in reply.details


def test_local_fact_is_added_when_the_district_is_known(answerer):
    message = nlu("我在通州 行政复议怎么申请", Topic.ADMIN_REVIEW,
                  entities=[Entity("district", "通州")])  # fmt: skip
    reply = answerer.composer.answer(answerer.bank["admin_review.apply_online"], message)
    assert texts.LOCAL_INTRO in reply.details
    assert any("通州区人民政府2023年法治政府建设情况报告" in s for s in reply.sources)


def test_gaogang_legal_aid_gets_its_service_circle(answerer):
    message = nlu("高港区怎么申请法援", Topic.LEGAL_AID, entities=[Entity("district", "高港区")])
    reply = answerer.composer.answer(answerer.bank["legal_aid.apply_where"], message)
    assert "半小时法律援助服务圈" in reply.details


def test_no_local_fact_without_a_district(answerer):
    reply = answerer.composer.answer(
        answerer.bank["admin_review.apply_how"], nlu("怎么申请复议", Topic.ADMIN_REVIEW)
    )
    assert texts.LOCAL_INTRO not in reply.details


def test_superseded_rules_are_never_first(retriever):
    for query, topic in [
        ("经济困难 申请法律援助 需要提交什么证明", "legal_aid"),
        ("行政复议申请书 应当载明 哪些事项", "admin_review"),
        ("法律援助 刑事案件 被告人 没有委托辩护人", "legal_aid"),
    ]:
        hits = retriever.search(query, topic)
        assert hits and hits[0].passage.status == "current", query


def test_a_message_outside_every_topic_gets_no_bank_answer(answerer):
    message = nlu("今天中午吃什么好呢", Topic.OTHER, "nlu_fallback", uncertain=True)
    replies = Responder(answerer).to_message(message)
    assert replies[-1].text == texts.UNSURE
    assert replies[-1].entry is None


def test_emergency_is_answered_first_and_alone(answerer):
    message = nlu("他拿着刀在门口", Topic.OTHER, "emergency")
    replies = Responder(answerer).to_message(message, danger="weapon")
    assert "110" in replies[0].text and len(replies) == 1


def test_degraded_answers_say_so_first(answerer):
    replies = Responder(answerer).to_message(
        nlu("复议要交钱吗", Topic.ADMIN_REVIEW, "nlu_fallback", degraded=True)
    )
    assert replies[0].text == texts.DEGRADED_NOTICE
    assert len(replies) == 2


def test_a_vague_question_is_answered_or_offered_never_a_lone_statute_sentence(answerer):
    replies = Responder(answerer).to_message(
        nlu("那个复议的事情", Topic.ADMIN_REVIEW, uncertain=True)
    )
    last = replies[-1]
    offered = [b.payload for b in last.buttons if b.payload.startswith("entry:")]
    assert last.entry is not None or offered or texts.NOT_FOUND in last.text


def test_buttons_lead_to_answers(answerer):
    responder = Responder(answerer)
    assert "七日" in responder.to_button("entry:legal_aid.time")[0].text
    assert "人民调解" in responder.to_button("topic:mediation")[0].text
    more = responder.to_button("more:legal_aid.free")[0]
    assert more.text and more.entry == "legal_aid.free"
    assert responder.to_button("nonsense:payload")[0].text == texts.UNSURE
    assert responder.to_button("entry:no.such_entry")[0].text == texts.UNSURE


def test_urgent_words_put_110_first_even_in_a_service_question(answerer):
    message = nlu("他拿着刀在门口 我想问调解收费吗", Topic.MEDIATION)
    replies = Responder(answerer).to_message(message, danger="weapon")
    assert "110" in replies[0].text
    assert "不收费" in replies[1].text
