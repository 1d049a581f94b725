"""Ingestion: read documents, run the geoparser (in worker processes on large inputs), and store each
document with its events in one transaction. Stopping midway loses nothing: every finished document
is stored, and running again skips what is stored (by content hash)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geo.documents import iter_documents
from geo.records import Document
from geo.store import Store

if TYPE_CHECKING:
    from geo.pipeline import Geoparser

# Below this many new documents, starting workers (each loads the gazetteer) costs more than it saves.
PARALLEL_THRESHOLD = 64
# After this many new documents, refresh the database's statistics so the dashboard's queries stay fast.
ANALYZE_AFTER = 500

# Makes the geoparser an ingest uses: Geoparser by default, or anything with a parse(document) method. Worker
# processes call it once each.
ParserFactory = Callable[[], "Geoparser"]

# The geoparser of this process, made by the factory of the running ingest.
_parser = None


def _default_parser() -> Geoparser:
    from geo.pipeline import Geoparser

    return Geoparser()


def _init_worker(factory: ParserFactory) -> None:
    global _parser
    _parser = factory()


def _parse(numbered: tuple[int, Document]) -> tuple[int, list[dict]]:
    """A document's event rows, with its number: the document itself need not travel back from a worker."""
    number, document = numbered
    return number, [event.as_row() for event in _parser.parse(document)]


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    duplicates: int = 0
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"read {self.read}, new {self.new}, duplicates {self.duplicates}, failed {len(self.failed)}")


def _parsed(documents: list[Document], workers: int, factory: ParserFactory
            ) -> Iterator[tuple[Document, list[dict]]]:
    numbered = list(enumerate(documents))
    if workers > 1 and len(documents) >= PARALLEL_THRESHOLD:
        context = multiprocessing.get_context("spawn" if sys.platform != "linux" else "fork")
        with context.Pool(workers, initializer=_init_worker, initargs=(factory,)) as pool:
            for number, rows in pool.imap_unordered(_parse, numbered, chunksize=8):
                yield documents[number], rows
    else:
        parser = _shared_parser(factory)
        for document in documents:
            yield document, [event.as_row() for event in parser.parse(document)]


_made_by: dict[ParserFactory, object] = {}


def _shared_parser(factory: ParserFactory):
    """One geoparser per factory in this process (loading the gazetteer takes a while)."""
    if factory not in _made_by:
        _made_by[factory] = factory()
    return _made_by[factory]


def ingest_documents(documents: Iterable[Document], store: Store, workers: int | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     summary: IngestSummary | None = None, parser_factory: ParserFactory = _default_parser
                     ) -> IngestSummary:
    summary = summary or IngestSummary()
    documents = list(documents)
    stored = store.stored_ids([d.id for d in documents])
    fresh, seen = [], set()
    for document in documents:
        summary.read += 1
        if document.id in seen or document.id in stored:
            summary.duplicates += 1
        else:
            seen.add(document.id)
            fresh.append(document)
    workers = workers or min(2, os.cpu_count() or 1)
    pins = store.pins()
    for done, (document, rows) in enumerate(_parsed(fresh, workers, parser_factory), 1):
        if store.add(document, rows, pins):
            summary.new += 1
        else:
            summary.duplicates += 1
        if progress:
            progress(done, len(fresh))
    if summary.new >= ANALYZE_AFTER:
        store.optimize()
    return summary


def ingest_paths(paths: list[str], store: Store, published: dt.date | None = None, workers: int | None = None,
                 show_progress: bool = True, summary: IngestSummary | None = None,
                 parser_factory: ParserFactory = _default_parser) -> IngestSummary:
    """Ingest files and folders. Pass a summary to keep the counts when interrupted (Ctrl-C)."""
    summary = summary if summary is not None else IngestSummary()
    documents = list(iter_documents(paths, published, summary.failed))
    bar = None
    if show_progress and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=0, unit="doc", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.update(done - bar.n)

    try:
        return ingest_documents(documents, store, workers, progress, summary, parser_factory)
    finally:
        if bar is not None:
            bar.close()


def reprocess(store: Store, workers: int | None = None, parser_factory: ParserFactory = _default_parser) -> int:
    """Re-run extraction over every stored document (after a gazetteer import, a lexicon change or a
    pin); pins are applied again as events are rewritten."""
    documents = list(store.stored_documents())
    pins = store.pins()
    for document, rows in _parsed(documents, workers or min(2, os.cpu_count() or 1), parser_factory):
        store.replace_events(document.id, rows, pins)
    return len(documents)


def sample_paths() -> list[str]:
    """The sample corpus shipped with frontmap: short articles we wrote about dated events of the war."""
    from importlib import resources

    folder = resources.files("geo") / "data" / "samples"
    return sorted(str(folder / name) for name in (p.name for p in folder.iterdir()) if name.endswith(".md"))


def load_samples_if_empty(store: Store, parser_factory: ParserFactory = _default_parser) -> IngestSummary | None:
    """Fill an empty store with the sample corpus, so that a new user sees a populated map."""
    if store.counts()["documents"]:
        return None
    return ingest_paths(sample_paths(), store, show_progress=False, parser_factory=parser_factory)
