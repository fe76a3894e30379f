"""Chinese tokens for retrieval: jieba with the legal dictionary, synonyms folded together."""

from __future__ import annotations

import logging
import re
from functools import cached_property
from pathlib import Path

import jieba
import yaml

from bot.nlu.normalize import for_model
from bot.settings import PROJECT_ROOT

DICTIONARY = PROJECT_ROOT / "nlu_data" / "dict" / "legal_terms.txt"
SYNONYMS = PROJECT_ROOT / "corpus" / "synonyms.yml"

STOPWORDS = PROJECT_ROOT / "corpus" / "stopwords.txt"


def _stopwords(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


_WORD = re.compile(r"[\w]", re.UNICODE)


class Tokenizer:
    """Turns text (citizen's or corpus's) into retrieval tokens."""

    def __init__(self, dictionary: Path = DICTIONARY, synonyms: Path = SYNONYMS) -> None:
        self._dictionary = dictionary
        self._synonyms_path = synonyms
        self._stop = _stopwords(STOPWORDS)

    @cached_property
    def _canonical(self) -> dict[str, str]:
        table = yaml.safe_load(self._synonyms_path.read_text(encoding="utf-8"))
        return {variant: canon for canon, variants in table.items() for variant in variants}

    @cached_property
    def _jieba(self) -> jieba.Tokenizer:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        if self._dictionary.exists():
            tokenizer.load_userdict(str(self._dictionary))
        for word in {*self._canonical, *self._canonical.values()}:
            tokenizer.add_word(word, freq=20000)
        return tokenizer

    def tokens(self, text: str) -> list[str]:
        """Content words of `text`, simplified, lower-cased, synonyms folded."""
        out = []
        for word in self._jieba.lcut(for_model(text).lower()):
            word = word.strip()
            if not word or word in self._stop or not _WORD.search(word):
                continue
            word = self._canonical.get(word, word)
            out.append(word)
            # jieba keeps compounds like 任何费用 whole; their bigrams let 费用 match them.
            if len(word) >= 3 and word not in self._canonical.values():
                out += [word[i : i + 2] for i in range(len(word) - 1)]
        return out
