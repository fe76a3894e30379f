from __future__ import annotations

from actions.answers import MIN_SCORE, Answerer, Contacts
from actions.faq import load_faq
from actions.reply import Responder
from bot import texts
from bot.types import Entity, NLUResult, Topic


def nlu(text, intent, topic, *, entities=(), uncertain=False, degraded=False):
    # An old-style card name ("admin_review_what") is the service's intent with that aspect.
    aspect = (
        intent.removeprefix(f"{topic.value}_") if intent.startswith(f"{topic.value}_") else None
    )
    return NLUResult(
        text,
        topic.value if aspect else intent,
        0.9,
        topic,
        0.9,
        tuple(entities),
        uncertain=uncertain,
        degraded=degraded,
        aspect=aspect,
    )


def test_faq_answer_quotes_the_statute_and_names_the_source(answerer):
    reply = answerer.for_intent("admin_review_deadline")
    assert "六十日" in reply.text
    assert "《中华人民共和国行政复议法》第二十条" in reply.sources
    assert "法条原文：《中华人民共和国行政复议法》第二十条：“" in reply.text
    assert texts.CASE_NOTICE in reply.text
    assert texts.CONTACT_DEFAULT in reply.text  # no contacts configured: 12348
    labels = [b.label for b in reply.buttons]
    assert texts.HUMAN_BUTTON in labels and texts.HELPFUL_BUTTON in labels


def test_configured_contacts_replace_the_hotline_line(retriever):
    contacts = Contacts({"legal_aid": "区法律援助中心（示例）"})
    reply = Answerer(load_faq(), retriever, contacts).for_intent("legal_aid_apply")
    assert "本地联系方式：区法律援助中心（示例）" in reply.text
    assert texts.CONTACT_DEFAULT not in reply.text


def test_local_fact_is_added_when_the_district_is_known(answerer):
    message = nlu(
        "我在通州 行政复议怎么申请",
        "admin_review_apply",
        Topic.ADMIN_REVIEW,
        entities=[Entity("district", "通州")],
    )
    reply = answerer.for_intent("admin_review_apply", message)
    assert "网上复议申请渠道" in reply.text
    assert any("通州区人民政府2023年法治政府建设情况报告" in s for s in reply.sources)


def test_gaogang_legal_aid_gets_its_service_circle(answerer):
    message = nlu("高港区怎么申请法援", "legal_aid_apply", Topic.LEGAL_AID,
                  entities=[Entity("district", "高港区")])  # fmt: skip
    assert "半小时法律援助服务圈" in answerer.for_intent("legal_aid_apply", message).text


def test_no_local_fact_without_a_district(answerer):
    reply = answerer.for_intent("admin_review_apply", nlu("怎么申请复议", "admin_review_apply",
                                                           Topic.ADMIN_REVIEW))  # fmt: skip
    assert texts.LOCAL_INTRO not in reply.text


def test_superseded_rules_are_never_first(retriever):
    for query, topic in [
        ("经济困难 申请法律援助 需要提交什么证明", "legal_aid"),
        ("行政复议申请书 应当载明 哪些事项", "admin_review"),
        ("法律援助 刑事案件 被告人 没有委托辩护人", "legal_aid"),
    ]:
        hits = retriever.search(query, topic)
        assert hits and hits[0].passage.status == "current", query


def test_retrieval_finds_the_right_article(retriever):
    top = retriever.search("调解 收费 吗", "mediation")[0].passage
    assert (top.doc_key, top.article) == ("人民调解法", "第四条")
    top = retriever.search("复议期间 行政行为 停止执行", "admin_review")[0].passage
    assert (top.doc_key, top.article) == ("行政复议法", "第四十二条")


def test_unrelated_question_finds_nothing(answerer, retriever):
    message = nlu("今天中午吃什么好呢", "nlu_fallback", Topic.MEDIATION, uncertain=True)
    assert answerer.from_corpus(message) is None
    best = retriever.search(message.text, "mediation")
    assert not best or best[0].score < MIN_SCORE


def test_emergency_is_answered_first_and_alone(answerer):
    message = nlu("他拿着刀在门口", "emergency", Topic.OTHER)
    replies = Responder(answerer).to_message(message, danger="weapon")
    assert "110" in replies[0].text and len(replies) == 1


def test_degraded_answers_say_so_first(answerer):
    replies = Responder(answerer).to_message(
        nlu("复议要交钱吗", "nlu_fallback", Topic.ADMIN_REVIEW, degraded=True)
    )
    assert replies[0].text == texts.DEGRADED_NOTICE
    assert len(replies) == 2


def test_uncertain_intent_says_what_it_understood(answerer):
    replies = Responder(answerer).to_message(
        nlu("那个复议的事情", "admin_review_what", Topic.ADMIN_REVIEW, uncertain=True)
    )
    assert "我理解您问的是「" in replies[-1].text or texts.RETRIEVED_INTRO in replies[-1].text


def test_buttons_lead_to_answers(answerer):
    responder = Responder(answerer)
    assert "七日" in responder.to_button("intent:legal_aid_time")[0].text
    assert "人民调解" in responder.to_button("topic:mediation")[0].text
    assert responder.to_button("nonsense:payload")[0].text == texts.UNSURE


def test_urgent_words_put_110_first_even_in_a_service_question(answerer):
    message = nlu("他拿着刀在门口 我想问调解", "mediation_what", Topic.MEDIATION)
    replies = Responder(answerer).to_message(message, danger="weapon")
    assert "110" in replies[0].text
    assert "人民调解" in replies[1].text


def test_the_quote_backs_the_answer_it_stands_under(answerer):
    question = "被城管罚了款 10月20号收到的决定书 过了多久就不能申请行政复议了"
    message = nlu(question, "admin_review_deadline", Topic.ADMIN_REVIEW)
    reply = answerer.for_intent("admin_review_deadline", message)
    quoted = reply.text.split("法条原文：", 1)[1].split("：“", 1)[0]
    cited = {f"《中华人民共和国行政复议法》{c.article}" for c in answerer.faq(
        "admin_review_deadline").citations}  # fmt: skip
    assert quoted in cited
    assert "第三十四条" not in reply.text


def test_the_quote_follows_the_question_among_cited_articles(answerer):
    message = nlu("老人要赡养费能申请法律援助吗", "legal_aid_what", Topic.LEGAL_AID)
    assert "赡养费" in answerer.for_intent("legal_aid_what", message).text.split("法条原文")[1]
