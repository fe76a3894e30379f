from actions.compose import FIRST_CHARS, first_sentences, gist
from bot import texts
from bot.types import Topic
from tests.actions.messages import TODAY
from tests.actions.messages import understood as nlu


def test_every_entry_answers_first_within_a_phone_screen(answerer):
    for entry in answerer.bank.values():
        reply = answerer.composer.answer(entry)
        assert len(reply.text) <= FIRST_CHARS, entry.id
        # The question it answers, then the answer's first sentence.
        named = texts.ANSWERS.format(question=entry.question.rstrip("？?") + "？")
        first = first_sentences(entry.answer, FIRST_CHARS)[0]
        assert reply.text.startswith(named + first), entry.id
        assert len(reply.buttons) <= 4, entry.id
        assert reply.entry == entry.id
        assert reply.text.count(texts.SHORT_NOTICE) == 1


def test_the_details_quote_every_cited_article_and_the_sources_name_each_once(answerer):
    entry = answerer.bank["legal_aid.migrant_wages"]
    reply = answerer.composer.answer(entry)
    assert "（三）申请支付劳动报酬" in reply.details
    assert "（一）无固定生活来源" not in reply.details
    assert len(reply.sources) == len(set(reply.sources)) >= 1
    assert all(source not in reply.text for source in reply.sources)


def test_a_real_act_s_date_counts_the_review_deadline_in_the_first_bubble(answerer):
    entry = answerer.bank["admin_review.scope_fine"]
    message = nlu("11月20日派出所罚了我五百块，我不服", Topic.ADMIN_REVIEW)
    reply = answerer.composer.answer(entry, message, today=TODAY)
    assert "2027年1月19日" in reply.text and "48 天" in reply.text
    assert "第二十一条" in reply.details  # the exceptions, behind 详细说明


def test_a_wage_date_counts_no_deadline_even_under_a_review_entry(answerer):
    entry = answerer.bank["admin_review.scope_fine"]
    message = nlu("老板3月5日起就没发工资了，还来得及吗", Topic.ADMIN_REVIEW)
    reply = answerer.composer.answer(entry, message, today=TODAY)
    assert "还剩" not in reply.text and "已过" not in reply.text


def test_a_choice_offers_at_most_three_questions_and_a_person(answerer):
    entries = tuple(list(answerer.bank.values())[:5])
    reply = answerer.composer.choices(entries)
    assert reply.text.startswith(texts.CHOOSE_PROMPT)
    assert [b.payload for b in reply.buttons[:3]] == [f"entry:{e.id}" for e in entries[:3]]
    assert reply.buttons[-1].payload == "human" and len(reply.buttons) == 4


def test_each_option_of_a_choice_shows_the_start_of_its_answer(answerer):
    pair = (answerer.bank["legal_aid.free"], answerer.bank["legal_aid.time"])
    reply = answerer.composer.choices(pair)
    for entry in pair:
        start = gist(entry.answer)
        assert start and start in reply.text and entry.answer.startswith(start.rstrip("…"))
    assert len(reply.text) <= FIRST_CHARS


def test_a_long_first_sentence_is_cut_at_a_comma_never_mid_word():
    assert gist("可以。罚款属于行政处罚。") == "可以。罚款属于行政处罚。"
    long = "普通程序自受理之日起六十日内作出决定，情况复杂的，" + "经批准可以延长，最多延长三十日。"
    cut = gist(long)
    assert cut.endswith("…") and len(cut) <= 41 and long.startswith(cut[:-1])


def test_the_details_on_their_own_offer_related_questions(answerer):
    entry = answerer.bank["legal_aid.free"]
    reply = answerer.composer.details(entry)
    assert reply.text and reply.entry == entry.id
    assert any(b.payload.startswith("entry:") for b in reply.buttons)
    assert len(reply.buttons) <= 4


def test_a_date_not_tied_to_the_decision_is_counted_only_behind_details(answerer):
    entry = answerer.bank["admin_review.chengguan_tricycle"]
    message = nlu("城管把我的三轮车拉走了，11月20日那天的事，我不服", Topic.ADMIN_REVIEW)
    learnt = message.situation.learnt_of_act()
    assert learnt is not None and learnt.meaning == "other"
    reply = answerer.composer.answer(entry, message, today=TODAY)
    assert "还剩" not in reply.text
    assert "六十日" in reply.details
