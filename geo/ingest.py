"""Ingestion: read documents, run the geoparser (in worker processes on large inputs), and store each
document with its events in one transaction. Stopping midway loses nothing: every finished document
is stored, and running again skips what is stored (by content hash)."""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geo.documents import iter_documents
from geo.records import Document

if TYPE_CHECKING:  # annotations only: importing the store (SQLAlchemy, pandas) takes a while
    from geo.pipeline import Geoparser
    from geo.store import Store

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


def _init_worker(factory: ParserFactory, parent: int) -> None:
    global _parser
    # Ctrl-C reaches the whole process group: the main process alone handles it (it stops the pool);
    # a worker interrupted halfway through sending a result would leave the main process waiting.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)
    _parser = factory()


def _exit_with_parent(parent: int) -> None:
    """Have the kernel end this worker when the main process dies (even by SIGKILL), rather than leave it
    parsing for nobody (Linux; elsewhere the pool's own clean-up has to do)."""
    if sys.platform != "linux":
        return
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the request was in place
        os._exit(1)


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
        with context.Pool(workers, initializer=_init_worker, initargs=(factory, os.getpid())) as pool:
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


_ctrl_c_presses: list[int] = []


def _note_ctrl_c(signum, frame) -> None:
    if _ctrl_c_presses:
        raise KeyboardInterrupt  # pressed twice: stop at once
    _ctrl_c_presses.append(signum)


@contextlib.contextmanager
def ctrl_c_between_documents() -> Iterator[Callable[[], bool]]:
    """Ctrl-C stops an ingest between two documents, not inside one: the first press is noted and acted on
    once the current document is read or stored (a KeyboardInterrupt raised just anywhere, say in a library's
    __del__, can be swallowed there and lost); a second press stops at once. Yields "was it pressed?".
    Nested uses share the first one's; off the main thread (the dashboard) signals are not ours."""
    handler = signal.getsignal(signal.SIGINT)
    if handler is _note_ctrl_c:
        yield lambda: bool(_ctrl_c_presses)
        return
    if threading.current_thread() is not threading.main_thread() or handler is not signal.default_int_handler:
        yield lambda: False
        return
    _ctrl_c_presses.clear()
    signal.signal(signal.SIGINT, _note_ctrl_c)
    try:
        yield lambda: bool(_ctrl_c_presses)
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _ctrl_c_presses.clear()


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
    with ctrl_c_between_documents() as interrupted:
        for done, (document, rows) in enumerate(_parsed(fresh, workers, parser_factory), 1):
            if store.add(document, rows, pins):
                summary.new += 1
            else:
                summary.duplicates += 1
            if progress:
                progress(done, len(fresh))
            if interrupted():
                raise KeyboardInterrupt
    if summary.new >= ANALYZE_AFTER:
        store.optimize()
    return summary


def ingest_paths(paths: list[str], store: Store, published: dt.date | None = None, workers: int | None = None,
                 show_progress: bool = True, summary: IngestSummary | None = None,
                 parser_factory: ParserFactory = _default_parser) -> IngestSummary:
    """Ingest files and folders. Pass a summary to keep the counts when interrupted (Ctrl-C)."""
    summary = summary if summary is not None else IngestSummary()
    with ctrl_c_between_documents() as interrupted:
        documents = []
        for document in iter_documents(paths, published, summary.failed):
            documents.append(document)
            if interrupted():
                raise KeyboardInterrupt
        return _ingest_with_progress(documents, store, workers, show_progress, summary, parser_factory)


def _ingest_with_progress(documents: list[Document], store: Store, workers: int | None, show_progress: bool,
                          summary: IngestSummary, parser_factory: ParserFactory) -> IngestSummary:
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
