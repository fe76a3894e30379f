from actions.quote import article_quote

LIST_ARTICLE = (
    "第四十二条 法律援助申请人有材料证明属于下列人员之一的，免予核查经济困难状况：\n\n"
    "（一）无固定生活来源的未成年人、老年人、残疾人等特定群体；\n\n"
    "（二）社会救助、司法救助或者优抚对象；\n\n"
    "（三）申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员；\n\n"
    "（四）法律、法规、规章规定的其他人员。"
)


def test_a_list_article_is_quoted_at_the_item_that_applies_with_its_lead():
    quoted = article_quote(LIST_ARTICLE, "申请支付劳动报酬")
    assert quoted.startswith("法律援助申请人有材料证明属于下列人员之一的，免予核查经济困难状况：")
    assert quoted.endswith("（三）申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员；")
    assert "（一）" not in quoted and "第四十二条" not in quoted


def test_a_phrase_of_the_lead_gives_the_lead_not_a_stub_of_the_first_item():
    quoted = article_quote(LIST_ARTICLE, "免予核查经济困难状况")
    assert quoted == "法律援助申请人有材料证明属于下列人员之一的，免予核查经济困难状况："


def test_a_short_article_is_quoted_whole():
    text = "第四条 人民调解委员会调解民间纠纷，不收取任何费用。"
    assert article_quote(text, "不收取任何费用") == "人民调解委员会调解民间纠纷，不收取任何费用。"


def test_a_long_article_is_quoted_by_the_whole_sentence_holding_the_phrase():
    text = "第九条 " + "甲" * 120 + "。申请人可以口头申请，也可以书面申请。" + "乙" * 80 + "。"
    assert article_quote(text, "可以口头申请") == "申请人可以口头申请，也可以书面申请。"
