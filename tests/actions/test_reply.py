"""The responder's choices beyond the FAQ: deadlines, referrals, other languages."""

from __future__ import annotations

import pytest

from actions.reply import Responder
from bot import texts
from bot.types import Topic
from tests.actions.messages import TODAY, understood


@pytest.fixture
def responder(answerer):
    return Responder(answerer, today=lambda: TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "我今年3月5日进厂打工，老板拖欠了三个月工资，复议期限还来得及吗",
        "去年10月入职，工资从今年8月起就没发，申请期限是多少天",
        "他2月3日借了我五万块，到期不还，超过多久就不能要了",
        "上个月15号开始上班，老板说试用期不发工资，还能申请吗 期限多久",
    ],
)
def test_wage_job_start_and_loan_dates_never_give_the_review_deadline(responder, text):
    # Even when routed to administrative review by mistake, no deadline is computed.
    replies = responder.to_message(understood(text, Topic.ADMIN_REVIEW))
    assert all("还剩" not in r.text and "已经超过" not in r.text for r in replies), text


def test_a_real_act_and_its_date_give_the_deadline(responder):
    replies = responder.to_message(
        understood("11月20日城管罚了我五百块，我不服", Topic.ADMIN_REVIEW)
    )
    assert any("还剩" in r.text for r in replies)


def test_a_fine_disputed_in_plain_words_is_not_answered_about_mediation(responder):
    replies = responder.to_message(understood("城管罚了我五百块，我不服", Topic.ADMIN_REVIEW))
    assert not any((r.entry or "").startswith("mediation") for r in replies)
    assert "人民调解" not in "".join(r.text for r in replies)


def test_a_question_about_paying_a_fine_is_not_asked_for_the_review_date(responder):
    nlu = understood("收到交警罚单了，最晚几天内要交", Topic.ADMIN_REVIEW)
    assert texts.DEADLINE_ASK not in [r.text for r in responder.to_message(nlu)]


def test_a_legal_area_gets_its_referral_entry(responder):
    nlu = understood("法院出的调解书对方不履行怎么办", Topic.OTHER, "other_court")
    [reply] = responder.to_message(nlu)
    assert reply.entry == "other_court.mediation_doc_enforce"
    assert "人民法院申请执行" in reply.text and "人民调解" not in reply.text


def test_a_legal_area_no_entry_fits_gets_the_area_s_referral(responder):
    nlu = understood("足球比赛规则", Topic.OTHER, "other_consumer")
    [reply] = responder.to_message(nlu)
    assert reply.text == texts.AREA_REFERRALS["other_consumer"]


@pytest.mark.parametrize(
    ("text", "language"),
    [("How do I apply for legal aid?", "en"), ("Как получить юридическую помощь", "ru")],
)
def test_a_message_in_another_language_is_answered_in_it(responder, text, language):
    replies = responder.to_message(understood(text, Topic.LEGAL_AID))
    assert replies[-1].text == texts.NOT_CHINESE[language]
    assert "12348" in replies[-1].text


def test_danger_leads_every_reply(responder):
    replies = responder.to_message(understood("复议要钱吗", Topic.ADMIN_REVIEW), danger="threat")
    assert "110" in replies[0].text and len(replies) >= 2


def test_a_review_already_decided_gets_no_sixty_day_count(responder):
    text = "我家棚子被认定违建罚款，11月20日我向县政府申请了复议，前天收到复议决定书维持了，怎么办"
    replies = responder.to_message(understood(text, Topic.ADMIN_REVIEW))
    assert all("还剩" not in r.text and "六十日的复议期限" not in r.text for r in replies)
