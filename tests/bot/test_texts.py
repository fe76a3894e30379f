"""Every article the fixed texts cite exists and is current law."""

import re

import pytest

from bot import texts
from bot.corpus.parse import load_manifest

DOCS = {d.key: d for d in load_manifest()}
TITLES = {d.title: d.key for d in DOCS.values()}
ARTICLES = {(k, p.article) for k, d in DOCS.items() if d.kind == "law" for p in d.passages()}
CITED = re.compile(r"《([^》]+)》((?:第[零一二三四五六七八九十百]+条、?)+)")


def cited():
    for name, value in vars(texts).items():
        if isinstance(value, str):
            for title, articles in CITED.findall(value):
                for article in re.findall(r"第[^条、]+条", articles):
                    yield name, title, article


@pytest.mark.parametrize(("name", "title", "article"), list(cited()))
def test_cited_article_exists_in_current_law(name, title, article):
    key = TITLES.get(title) or title
    assert key in DOCS, f"{name}: unknown law {title}"
    assert DOCS[key].status == "current", f"{name}: cites superseded {title}"
    assert (key, article) in ARTICLES, f"{name}: {title} has no {article}"
