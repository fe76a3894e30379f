from actions.bank import BankEntry, BankMatcher, load_bank


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


def test_a_word_no_entry_uses_makes_a_question_less_like_every_entry():
    bank = {
        "other_labour.arbitration_days": BankEntry(
            "other_labour.arbitration_days",
            "other_labour",
            "劳动仲裁多少天出结果",
            ("仲裁一共多少天", "仲裁要多少天"),
            "四十五日内。",
            (),
            "去。",
        ),
    }
    matcher = BankMatcher(bank)
    [(_, bare)] = matcher.scores("一共有多少天")
    [(_, unknown)] = matcher.scores("产假一共有多少天")
    assert unknown < bare * 0.9
