from actions.bank import BankCitation, BankEntry, BankMatcher
from actions.finder import Finder, Found
from bot.types import Topic
from tests.actions.messages import understood

CITE = (BankCitation("人民调解法", "第四条", "不收取任何费用"),)


def entry(id_: str, question: str, *paraphrases: str, related: tuple[str, ...] = ()):
    service = id_.split(".")[0]
    return BankEntry(id_, service, question, paraphrases, "答。", CITE, "去。", related=related)


BANK = {
    e.id: e
    for e in (
        entry("mediation.cost", "人民调解收费吗", "调解要钱吗", "调委会收不收钱"),
        entry("mediation.materials", "申请调解要带什么材料", "调解带啥证件", "需要什么材料"),
        entry("mediation.apply", "怎么申请人民调解", "去哪里申请调解", related=("mediation.cost",)),
        entry("legal_aid.materials", "申请法律援助要带什么材料", "法援要啥材料"),
        entry("legal_aid.migrant_wages", "农民工讨薪能申请法律援助吗", "包工头欠工资找法援"),
        entry("legal_aid.free", "法律援助收费吗", "法援要钱吗"),
    )
}


def finder() -> Finder:
    return Finder(BankMatcher(BANK))


def test_the_service_narrows_the_entries():
    found = finder().find(understood("调解要钱吗", Topic.MEDIATION))
    assert found.kind is Found.ANSWER and found.entries[0].id == "mediation.cost"
    found = finder().find(understood("法援要钱吗", Topic.LEGAL_AID))
    assert found.entries[0].id == "legal_aid.free"


def test_a_migrant_worker_owed_wages_gets_the_exemption_whatever_the_words():
    text = "我在工地干了一年活，老板欠我八千块工资，我是农民工，能不能帮帮我"
    found = finder().find(understood(text, Topic.LEGAL_AID))
    assert found.kind is Found.ANSWER and found.entries[0].id == "legal_aid.migrant_wages"


def test_a_follow_up_stays_in_the_service_of_the_answer_it_follows():
    follow = understood("要带什么材料", Topic.OTHER, "other_general", uncertain=True)
    found = finder().find(follow, last=BANK["mediation.apply"])
    assert found.entries and found.entries[0].id == "mediation.materials"
    found = finder().find(follow, last=BANK["legal_aid.free"])
    assert found.entries and found.entries[0].id == "legal_aid.materials"


def test_nothing_is_searched_for_a_greeting_and_nothing_fits_unrelated_words():
    assert finder().find(understood("你好", Topic.OTHER, "greet")).kind is Found.NONE
    unrelated = understood("今天天气晴朗", Topic.MEDIATION)
    assert finder().find(unrelated).kind is Found.NONE


def test_two_equally_close_entries_are_offered_as_a_choice():
    twins = {
        e.id: e
        for e in (
            entry("mediation.a", "调解协议反悔怎么办"),
            entry("mediation.b", "调解协议反悔怎么办"),
            entry("mediation.c", "人民调解收费吗", "调解要钱吗"),
        )
    }
    found = Finder(BankMatcher(twins)).find(understood("调解协议反悔", Topic.MEDIATION))
    assert found.kind is Found.CHOOSE
    assert {e.id for e in found.entries} == {"mediation.a", "mediation.b"}


def test_another_services_entry_answers_only_a_message_that_names_that_service():
    bank = {
        e.id: e
        for e in (
            entry("mediation.government", "被城管罚款能找人民调解吗", "城管罚我两千我不服能调解吗"),
            entry("admin_review.fine", "被罚款不服能申请复议吗", "对罚款不服怎么办"),
        )
    }
    plain = understood("城管罚了我两千块，我不服", Topic.ADMIN_REVIEW)
    found = Finder(BankMatcher(bank)).find(plain)
    assert all(e.service == "admin_review" for e in found.entries)
    asks = understood("城管罚了我两千块，能找调委会调解吗", Topic.ADMIN_REVIEW)
    assert Finder(BankMatcher(bank)).find(asks).entries[0].id == "mediation.government"
