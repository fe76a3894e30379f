"""Every statutory fact in the FAQ is checked against the statute it cites."""

from __future__ import annotations

import re

import pytest

from actions.faq import load_faq, squash
from bot.corpus.parse import load_manifest
from bot.nlu.aspect import ASPECTS

FAQ = load_faq()
DOCS = {d.key: d for d in load_manifest()}
ARTICLES = {
    (key, p.article): p.text for key, d in DOCS.items() if d.kind == "law" for p in d.passages()
}
INLINE = re.compile(r"《([^》]+)》((?:第[零〇一二三四五六七八九十百]+条、?)+)")
CITATIONS = [(e.intent, c) for e in FAQ.values() for c in e.citations]


def test_an_entry_for_every_aspect_the_rules_give():
    cards = {f"{topic.value}_{aspect}" for topic, aspects in ASPECTS.items() for aspect in aspects}
    assert cards <= set(FAQ)
    # The menu opens each service's overview.
    assert {f"{topic.value}_what" for topic in ASPECTS} <= set(FAQ)
    assert all(key.split("_")[0] in ("mediation", "legal", "admin") for key in FAQ)


@pytest.mark.parametrize(("intent", "citation"), CITATIONS, ids=lambda v: str(v)[:40])
def test_cited_article_exists_and_contains_the_quote(intent, citation):
    assert citation.law in DOCS, f"{intent}: unknown law {citation.law}"
    text = ARTICLES.get((citation.law, citation.article))
    assert text is not None, f"{intent}: {citation.law} has no {citation.article}"
    assert squash(citation.quote) in squash(text), f"{intent}: quote not in {citation.article}"


def test_superseded_rules_are_not_cited():
    superseded = {k for k, d in DOCS.items() if d.status == "superseded"}
    assert [(i, c.law) for i, c in CITATIONS if c.law in superseded] == []


@pytest.mark.parametrize("entry", FAQ.values(), ids=lambda e: e.intent)
def test_every_article_named_in_the_answer_is_cited(entry):
    cited = {(c.law, c.article) for c in entry.citations}
    for law, articles in INLINE.findall(entry.answer):
        for article in re.findall(r"第[^条]+条", articles):
            assert (law, article) in cited, f"{entry.intent}: {law}{article} not in citations"


@pytest.mark.parametrize("entry", FAQ.values(), ids=lambda e: e.intent)
def test_no_invented_numbers_or_contacts(entry):
    # The only number the FAQ may give is the national hotline; figures are written
    # as in the statutes (六十日), so a digit anywhere else is a made-up contact.
    assert re.findall(r"\d+", entry.answer) in ([], ["12348"], ["12348", "12348"])
    assert "电话" not in entry.answer.replace("12348", "")


@pytest.mark.parametrize("entry", FAQ.values(), ids=lambda e: e.intent)
def test_answers_fit_a_phone_screen_and_point_somewhere(entry):
    assert 80 <= len(entry.answer) <= 400
    assert entry.next and all(n in FAQ and n != entry.intent for n in entry.next)


def test_a_wrong_article_number_would_fail():
    entry = FAQ["admin_review_deadline"]
    good = next(c for c in entry.citations if c.article == "第二十条")
    assert squash(good.quote) in squash(ARTICLES[("行政复议法", "第二十条")])
    assert squash(good.quote) not in squash(ARTICLES[("行政复议法", "第二十一条")])
