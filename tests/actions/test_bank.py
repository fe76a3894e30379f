from actions.bank import BankMatcher, load_bank


def test_the_bank_loads_every_entry_with_its_citations():
    bank = load_bank()
    assert len(bank) >= 250
    assert {e.service for e in bank.values()} >= {"mediation", "legal_aid", "admin_review"}
    assert all(e.citations or e.service.startswith("other_") for e in bank.values())


def test_an_entry_s_own_question_finds_it_within_its_service():
    bank = load_bank()
    matcher = BankMatcher(bank)
    entry = bank["mediation.cost"] if "mediation.cost" in bank else next(iter(bank.values()))
    [best, *_] = matcher.match(entry.question, [entry.service])
    assert best.entry.id == entry.id
    assert 0.0 <= best.margin <= 1.0
    assert all(
        m.entry.service == entry.service for m in matcher.match(entry.question, [entry.service])
    )
    assert matcher.match("", [entry.service]) == []
