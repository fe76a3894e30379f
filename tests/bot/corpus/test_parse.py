import pytest

from bot.corpus.parse import CORPUS_DIR, load_manifest, split_policy, split_statute

DOCS = {d.key: d for d in load_manifest()}
FURNITURE = [
    *("繁体版", "无障碍浏览", "您当前的位置", "信息索引号", "相關詞條", "熱門詞條", "聯絡我們"),
    *("索引号 |", "来源:", "各街道,各委办局", "(此件公开发布)"),
]


def all_text(key):
    return "\n".join(p.text for p in DOCS[key].passages())


def test_every_document_in_the_manifest_exists_and_splits():
    for doc in DOCS.values():
        assert doc.path.exists(), doc.file
        assert len(doc.passages()) >= 10, doc.key


@pytest.mark.parametrize("key", [k for k, d in DOCS.items() if d.kind == "policy"])
def test_page_furniture_is_dropped(key):
    text = all_text(key)
    for junk in FURNITURE:
        assert junk not in text, f"{key}: {junk}"


def test_repeated_summary_paragraph_appears_once():
    passages = [p.text for p in DOCS["惠山实施方案"].passages()]
    assert len(passages) == len(set(passages))
    assert sum(t.startswith("法治政府建设是全面推进依法治区") for t in passages) == 1


@pytest.mark.parametrize(
    ("key", "articles"),
    [
        ("行政复议法", 90),
        ("法律援助法", 71),
        ("人民调解法", 35),
        ("司法确认规定", 13),
        # referral statutes
        ("劳动争议调解仲裁法", 54),
        ("保障农民工工资支付条例", 64),
        ("工伤保险条例", 67),
        ("行政处罚法", 86),
        ("行政诉讼法", 103),
        ("民事诉讼法", 306),
        ("消费者权益保护法", 63),
    ],
)
def test_statutes_split_by_article_in_order(key, articles):
    passages = DOCS[key].passages()
    assert len(passages) == articles
    assert passages[0].article == "第一条"
    assert all(p.text.startswith(p.article) for p in passages)
    assert len({p.article for p in passages}) == articles


def test_the_manifest_lists_the_statutes_of_corpus_laws():
    laws = {d.file for d in DOCS.values() if d.kind == "law"}
    on_disk = {f"laws/{path.name}" for path in (CORPUS_DIR / "laws").iterdir()}
    assert laws == on_disk


def test_topics_are_the_ones_retrieval_weighs():
    for doc in DOCS.values():
        assert set(doc.topics) <= {"mediation", "legal_aid", "admin_review", "other"}, doc.key


def test_chapter_and_section_are_kept_and_clean():
    article = next(p for p in DOCS["行政复议法"].passages() if p.article == "第二十条")
    assert article.section == ("第二章行政复议申请", "第三节申请的提出")
    assert all("\u200b" not in "".join(p.section) for p in DOCS["行政复议法"].passages())


def test_a_code_keeps_part_chapter_and_section():
    passages = {p.article: p for p in DOCS["民事诉讼法"].passages()}
    assert passages["第一百条"].section == ("第一编总则", "第八章调解")
    confirmation = ("第二编审判程序", "第十五章特别程序", "第七节确认调解协议案件")
    assert passages["第二百零五条"].section == confirmation
    assert passages["第二百四十七条"].section == ("第三编执行程序", "第二十章执行的申请和移送")
    assert "调解书和其他应当由人民法院执行的法律文书" in passages["第二百四十七条"].text
    assert all("#" not in "".join(p.section) for p in passages.values())


def test_multi_paragraph_articles_keep_every_paragraph():
    article = next(p for p in DOCS["行政复议法"].passages() if p.article == "第二十条")
    assert "障碍消除之日起继续计算" in article.text
    assert "最长不得超过一年" in article.text


def test_traditional_document_is_quoted_as_is_but_indexed_simplified():
    assert "行政复议" in " ".join(p.search_text for p in DOCS["赣州实施方案"].passages())
    assert "行政複議" in all_text("赣州实施方案")


def test_policy_headings_nest():
    passage = next(p for p in DOCS["通州2023年度报告"].passages() if "复议" in p.text)
    assert passage.section[0].startswith("一、")
    assert passage.section[1].startswith("(")


def test_policy_splitting_rules_on_a_small_text():
    text = "网站导航\n正文开始\n一、总体要求\n(一)第一项。内容一。\n1.细项。内容二。\n尾部链接"
    rules = {"body_start": "^正文开始$", "body_end": "^尾部链接$"}
    passages = split_policy(text, rules)
    assert [p.section for p in passages] == [("一、总体要求",), ("一、总体要求", "(一)第一项")]
    assert passages[1].text == "1.细项。内容二。"


def test_statute_splitting_on_a_small_text():
    text = (
        "# 法\n<!-- INFO END -->\n## 第一章 总 则\n第一条 甲。\n乙。\n## 第二章 其他\n第二条 丙。\n"
    )
    passages = split_statute(text)
    assert [(p.section, p.article, p.text) for p in passages] == [
        (("第一章总则",), "第一条", "第一条 甲。\n乙。"),
        (("第二章其他",), "第二条", "第二条 丙。"),
    ]


def test_statute_with_parts_on_a_small_text():
    text = (
        "# 法\n<!-- INFO END -->\n## 第一编 总则\n### 第一章 甲\n#### 第一节 乙\n第一条 子。\n"
        "### 第二章 丙\n第二条 丑。\n## 第二编 分则\n### 第三章 丁\n第三条 寅。\n"
    )
    assert [p.section for p in split_statute(text)] == [
        ("第一编总则", "第一章甲", "第一节乙"),
        ("第一编总则", "第二章丙"),
        ("第二编分则", "第三章丁"),
    ]
