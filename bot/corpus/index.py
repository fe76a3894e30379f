"""Building the corpus into the database and a BM25 index on disk, only when it changed."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import bm25s
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.corpus.parse import CORPUS_DIR, Document, load_manifest
from bot.corpus.tokenize import DICTIONARY, STOPWORDS, SYNONYMS, Tokenizer
from bot.storage import models

log = logging.getLogger(__name__)

# Bump when splitting or tokenising changes, so old indexes are rebuilt.
INDEX_VERSION = "2"


@dataclass(frozen=True, slots=True)
class PassageRecord:
    """A passage as retrieval and answers need it: text plus its document's provenance."""

    id: int
    doc_key: str
    doc_title: str
    publisher: str
    date: str
    kind: str
    status: str
    superseded_by: str | None
    topics: tuple[str, ...]
    regions: tuple[str, ...]
    section: str
    article: str | None
    text: str


def corpus_hash(documents: list[Document]) -> str:
    """Content hash of everything the index is made from."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for path in [
        CORPUS_DIR / "documents.yml",
        SYNONYMS,
        STOPWORDS,
        DICTIONARY,
        *(d.path for d in documents),
    ]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


async def store_documents(session: AsyncSession, documents: list[Document]) -> list[PassageRecord]:
    """Replace the corpus tables with `documents`; returns the passages in index order."""
    await session.execute(delete(models.Passage))
    await session.execute(delete(models.Document))
    records: list[PassageRecord] = []
    for doc in documents:
        row = models.Document(
            key=doc.key,
            kind=doc.kind,
            title=doc.title,
            publisher=doc.publisher,
            date=doc.date,
            status=doc.status,
            superseded_by=doc.superseded_by,
            file=doc.file,
            sha256=hashlib.sha256(doc.path.read_bytes()).hexdigest(),
        )
        row.passages = [
            models.Passage(
                ordinal=p.ordinal,
                section=" / ".join(p.section),
                article=p.article,
                text=p.text,
                search_text=p.search_text,
            )
            for p in doc.passages()
        ]
        session.add(row)
        await session.flush()
        records += [_record(doc, passage) for passage in row.passages]
    await session.commit()
    return records


def _record(doc: Document, passage: models.Passage) -> PassageRecord:
    return PassageRecord(
        id=passage.id,
        doc_key=doc.key,
        doc_title=doc.title,
        publisher=doc.publisher,
        date=doc.date.isoformat(),
        kind=doc.kind,
        status=doc.status,
        superseded_by=doc.superseded_by,
        topics=doc.topics,
        regions=doc.regions,
        section=passage.section,
        article=passage.article,
        text=passage.text,
    )


def build_index(records: list[PassageRecord], tokenizer: Tokenizer, directory: Path) -> None:
    """Tokenise every passage and save the BM25 index with the records beside it."""
    # The search text carries the section headings, so 第二章行政复议申请 helps find 第二十条.
    corpus = [tokenizer.tokens(f"{r.section} {r.text}") for r in records]
    retriever = bm25s.BM25(k1=1.2, b=0.6)
    retriever.index(corpus, show_progress=False)
    directory.mkdir(parents=True, exist_ok=True)
    retriever.save(str(directory), show_progress=False)
    with (directory / "passages.jsonl").open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")


async def ingest(session: AsyncSession, index_dir: Path, *, force: bool = False) -> bool:
    """Bring database and index up to date with `corpus/`; False when nothing changed."""
    documents = load_manifest()
    current = corpus_hash(documents)
    stamp = index_dir / "corpus-hash"
    stored = (await session.execute(select(models.Document.id).limit(1))).first()
    if not force and stored and stamp.exists() and stamp.read_text().strip() == current:
        log.info("corpus is up to date (%s)", current)
        return False
    records = await store_documents(session, documents)
    build_index(records, Tokenizer(), index_dir)
    stamp.write_text(current + "\n")
    log.info(
        "corpus ingested: %d documents, %d passages (%s)", len(documents), len(records), current
    )
    return True
