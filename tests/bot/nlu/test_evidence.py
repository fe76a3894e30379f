import datetime as dt

from bot.nlu.evidence import by_statute, evidence_of
from bot.nlu.situation import extract
from bot.types import Topic

TODAY = dt.date(2026, 12, 2)


def test_a_government_act_is_evidence_an_employer_s_fine_is_not():
    assert evidence_of("城管上个月罚了我五百", TODAY).gov_act
    assert evidence_of("城管上个月罚了我五百", TODAY).gov_party
    employer = evidence_of("公司罚了我五百块", TODAY)
    assert not employer.gov_act and not employer.gov_party


def test_a_migrant_worker_s_wage_claim_goes_to_legal_aid():
    worker = extract("我在工地打工 包工头欠了我三个月工钱", TODAY)
    assert by_statute(Topic.OTHER, "other_labour", worker) is Topic.LEGAL_AID
    # Not for other matters, nor for other workers.
    assert by_statute(Topic.OTHER, "other_family", worker) is Topic.OTHER
    clerk = extract("公司欠了我三个月工资", TODAY)
    assert by_statute(Topic.OTHER, "other_labour", clerk) is Topic.OTHER
    assert by_statute(Topic.MEDIATION, "other_labour", worker) is Topic.MEDIATION


def test_court_led_mediation_is_not_people_s_mediation():
    none = extract("", TODAY)
    for text in ("法院调解书生效后他不履行", "法官让我们庭前调解", "诉前调解签了字不认账"):
        assert by_statute(Topic.MEDIATION, "mediation", none, text) is Topic.OTHER, text
    for text in ("调解协议能去法院司法确认吗", "不想去法院，想找村里调委会调解"):
        assert by_statute(Topic.MEDIATION, "mediation", none, text) is Topic.MEDIATION, text
