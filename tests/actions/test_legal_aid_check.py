from actions import legal_aid_check as check


def run(*answers):
    state, _ = check.start()
    replies = []
    for given in answers:
        state, replies = check.answer(state, given)
        if state is None:
            break
    return state, replies


def test_criminal_case_needs_one_question():
    state, replies = run("check:matter:criminal")
    assert state is None
    assert "第二十四条" in replies[0].text and "七日内" in replies[0].text


def test_listed_matter_of_a_low_income_family_depends_on_the_local_standard():
    state, replies = run("check:matter:listed", "check:group:none", "check:means:cannot")
    assert state is None
    assert "经济困难标准" in replies[0].text and "第三十四条" in replies[0].text


def test_migrant_worker_owed_wages_is_exempt_from_the_means_check():
    _, replies = run("讨薪", "我是农民工")
    assert "免予核查经济困难状况" in replies[0].text


def test_domestic_violence_is_not_means_tested():
    _, replies = run("check:matter:abuse")
    assert "不受经济困难条件的限制" in replies[0].text


def test_unlisted_matter_points_elsewhere():
    _, replies = run("check:matter:other", "check:group:none", "check:means:can")
    assert "人民调解" in replies[0].text and "12348" in replies[0].text


def test_free_text_that_fits_no_option_asks_again():
    state, _ = check.start()
    state2, replies = check.answer(state, "嗯嗯")
    assert state2 == state
    assert "没看明白" in replies[0].text and replies[1].buttons


def test_leaving_at_any_point():
    state, _ = check.start()
    state, _ = check.answer(state, "check:matter:listed")
    assert state is not None
    assert check.answer(state, "算了")[0] is None
    assert check.answer(state, "check:leave")[0] is None


def test_resume_asks_the_open_question_again():
    state, _ = check.start()
    state, _ = check.answer(state, "check:matter:listed")
    assert "（2/3）" in check.resume(state).text


def test_the_check_starts_from_what_the_citizen_already_said():
    state, replies = check.start("我是农民工，老板欠了我三个月工资，能申请法律援助吗")
    assert state is None  # wages and a migrant worker: the verdict at once
    assert "已经知道" in replies[0].text and "免予核查经济困难状况" in replies[0].text


def test_only_the_questions_left_are_asked():
    state, replies = check.start("我家里很困难，请不起律师，邻居占了我家的地")
    assert state is not None and state["answers"] == {"means": "cannot"}
    assert "（1/3）" in replies[0].text and "请不起律师" in replies[0].text
    state, replies = check.answer(state, "check:matter:other")
    assert "（2/3）" in replies[0].text


def test_a_plain_start_asks_everything():
    state, replies = check.start()
    assert state == {"step": 0, "answers": {}} and "已经知道" not in replies[0].text
