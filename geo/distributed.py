"""The pipeline on a Dask cluster: `python -m geo extract|ingest ... --engine dask [--scheduler ADDRESS]`.

The client plans partitions (whole small files, byte blocks of large JSON Lines files, row ranges of
Parquet files; any fsspec URL), and each partition runs as one task on a worker: read, skip what the
store has, parse with the worker's Geoparser (loaded once per worker by GeoparserPlugin), then write
Parquet (partitioned by date) and, with a PostgreSQL store, bulk-load into it. A SQLite store is written
by the client. A failed partition is reported and submitted again; after the last attempt it is listed
as failed, never dropped silently. A bad record is reported and the rest of its partition lands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import fsspec
from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
from fsspec.implementations.local import LocalFileSystem
from fsspec.utils import read_block

from geo.documents import READERS, DocumentError, read_bytes
from geo.errors import FrontmapError
from geo.ingest import IngestSummary
from geo.parquet import PARQUET_SUFFIXES, read_rows, record_columns, write_events
from geo.records import Document

PLUGIN = "frontmap-geoparser"
ATTEMPTS = 3  # a partition is tried this many times before it is reported as failed
MIN_BLOCK, MAX_BLOCK = 64 * 1024, 32 * 1024 * 1024
PARTITIONS_PER_WORKER = 8  # enough partitions that a slow one does not leave the other workers idle
DONE_FOLDER = "_frontmap/done"  # in --output: one marker per partition written (ignored by Parquet readers)

# What frontmap's LocalCluster changes in Dask's defaults, for a batch of CPU-bound tasks: the workers' statistical
# profiler (a sample of the running task's stack every 10 ms, for the dashboard's Profile page) took about a tenth
# of each worker's CPU, and the event loops' 20 ms tick and the 100 to 500 ms monitors kept the client and the
# workers busy between tasks. A value set in Dask's own configuration (a YAML file, DASK_* variables) wins.
LEAN_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "200ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}


class ClusterError(FrontmapError):
    """Inputs or a cluster the Dask engine cannot use; the message says why."""


# -- planning (on the client) -------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """Part of one input: a whole file, a byte range of a JSON Lines file, or rows of a Parquet row group."""

    kind: str  # "file" | "lines" | "parquet"
    url: str
    start: int = 0
    stop: int = 0
    row_group: int = 0
    version: str = ""  # the filesystem's key for this version of the file: an edited file is read again

    def describe(self) -> str:
        if self.kind == "lines":
            return f"{self.url} bytes {self.start}-{self.stop}"
        if self.kind == "parquet":
            return f"{self.url} row group {self.row_group} rows {self.start}-{self.stop}"
        return self.url


@dataclass(frozen=True)
class Partition:
    number: int
    pieces: tuple[Piece, ...]

    @property
    def key(self) -> str:
        """Stable across runs over the same inputs, new when a file changes: names the partition's marker."""
        return hashlib.sha256(repr(self.pieces).encode()).hexdigest()[:16]

    @property
    def name(self) -> str:
        """Names the partition's Parquet files: the same for an edited file, whose new events replace its old."""
        where = [(p.kind, p.url) + ((p.start, p.stop, p.row_group) if p.kind != "file" else ()) for p in self.pieces]
        return hashlib.sha256(repr(where).encode()).hexdigest()[:16]

    def describe(self) -> str:
        shown = ", ".join(p.describe() for p in self.pieces[:2])
        more = f" and {len(self.pieces) - 2} more" if len(self.pieces) > 2 else ""
        return f"partition {self.number} ({shown}{more})"


def _suffix(path: str) -> str:
    return PurePosixPath(path).suffix.lower()


def _files(path: str, errors: list[str]) -> Iterator[tuple[fsspec.AbstractFileSystem, str]]:
    fs, root = fsspec.core.url_to_fs(path)
    if fs.isdir(root):
        found = sorted((f for f in fs.find(root) if _suffix(f) in READERS.keys() | PARQUET_SUFFIXES), key=PurePosixPath)
        yield from ((fs, f) for f in found)
    elif fs.exists(root):
        yield fs, root
    elif any(c in path for c in "*?["):
        matches = sorted(fs.glob(root))
        if not matches:
            errors.append(f"{path}: matches no file")
        yield from ((fs, f) for f in matches)
    else:
        errors.append(f"{path}: no such file")


def _pieces(fs, path: str, block: int, errors: list[str]) -> Iterator[tuple[Piece, int]]:
    """A file's pieces with their weight in bytes."""
    url = path if isinstance(fs, LocalFileSystem) else fs.unstrip_protocol(path)
    info = fs.info(path)
    size, version = int(info.get("size") or 0), str(fs.ukey(path))
    suffix = _suffix(path)
    if suffix in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        try:
            with fs.open(path, "rb") as file:
                parquet = pq.ParquetFile(file)
                record_columns(parquet.schema_arrow, url)
                meta = parquet.metadata
        except DocumentError as exc:
            errors.append(str(exc))
            return
        except Exception as exc:  # pyarrow's errors for a file that is not Parquet
            errors.append(f"{url}: not a readable Parquet file ({exc})")
            return
        for group in range(meta.num_row_groups):
            rows, weight = meta.row_group(group).num_rows, meta.row_group(group).total_byte_size
            step = max(1, int(rows * block / max(weight, 1)))
            for start in range(0, rows, step):
                stop = min(rows, start + step)
                yield Piece("parquet", url, start, stop, group, version), weight * (stop - start) // max(rows, 1)
    elif suffix in READERS and READERS[suffix].feed and suffix != ".csv" and size > block:  # lines: split anywhere
        for start in range(0, size, block):
            yield Piece("lines", url, start, min(size, start + block), 0, version), min(block, size - start)
    else:
        yield Piece("file", url, 0, size, 0, version), size


def block_size(total: int, workers: int) -> int:
    """Bytes per partition for inputs of `total` bytes: PARTITIONS_PER_WORKER partitions per worker, within
    MIN_BLOCK and MAX_BLOCK. (Kept as it was: a rerun of extract --output finds its partitions by their pieces.)"""
    return min(MAX_BLOCK, max(MIN_BLOCK, total // max(1, workers * PARTITIONS_PER_WORKER)))


def plan(paths: list[str], workers: int = 2, block: int | None = None) -> tuple[list[Partition], list[str]]:
    """Partitions of the inputs (files, folders, globs, Parquet datasets; local or fsspec URLs), and the
    inputs that cannot be read. Without a block size, aim at PARTITIONS_PER_WORKER partitions per worker."""
    errors: list[str] = []
    files = [(fs, f) for path in paths for fs, f in _files(path, errors)]
    if block is None:
        block = block_size(sum(int(fs.size(f) or 0) for fs, f in files), workers)
    partitions: list[Partition] = []
    current: list[Piece] = []
    weight = 0
    for fs, f in files:
        for piece, size in _pieces(fs, f, block, errors):
            current.append(piece)
            weight += size
            if weight >= block:
                partitions.append(Partition(len(partitions), tuple(current)))
                current, weight = [], 0
    if current:
        partitions.append(Partition(len(partitions), tuple(current)))
    return partitions, errors


# -- on the workers -----------------------------------------------------------------------------


class GeoparserPlugin(WorkerPlugin):
    """One Geoparser per worker, loaded when the worker starts (or joins), not once per task; and the
    worker's connection to the store, opened on first use."""

    idempotent = True  # registering again (a second run on the same cluster) keeps the loaded parser

    def __init__(self):
        self.parser = None
        self.loads = 0
        self._stores: dict = {}

    def setup(self, worker) -> None:
        from geo.pipeline import Geoparser

        self.parser = Geoparser()
        self.loads += 1

    def teardown(self, worker) -> None:
        for store in self._stores.values():
            store.engine.dispose()

    def store(self, url: str):
        from geo.store import Store

        if url not in self._stores:
            self._stores[url] = Store(url)
        return self._stores[url]


@dataclass(frozen=True)
class Job:
    """What every partition task does, besides reading and parsing."""

    published: dt.date | None = None
    skip_stored_in: str | None = None  # a store URL the workers can read: documents stored there are skipped
    load_into: str | None = None  # a PostgreSQL URL the workers bulk-load into
    output: str | None = None  # a folder or fsspec URL for Parquet
    return_rows: bool = False  # extract: rows back to the client, in partition order
    return_documents: bool = False  # ingest into SQLite: documents and rows back, the client stores them
    mark_done: bool = False  # extract with output: leave a marker per partition written, for reruns to skip
    pins: dict = field(default_factory=dict)


@dataclass
class PartitionResult:
    number: int
    read: int = 0
    parsed: int = 0
    new: int = 0
    duplicates: int = 0
    events: int = 0
    errors: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    documents: list[tuple[Document, list[dict]]] = field(default_factory=list)
    # CPU seconds of the task's thread per step ("read", "parse", "write", "load"): where a worker's time goes.
    cpu: dict[str, float] = field(default_factory=dict)


def read_piece(piece: Piece, published: dt.date | None) -> Iterator[Document | DocumentError]:
    fs, path = fsspec.core.url_to_fs(piece.url)
    if piece.kind == "parquet":
        with fs.open(path, "rb") as file:
            yield from read_rows(file, piece.url, piece.row_group, piece.start, piece.stop, published)
        return
    if piece.kind == "lines":
        # The block starts after the first line break at or past `start` and ends at the first past
        # `stop`: each line is read by exactly one block.
        with fs.open(path, "rb") as file:
            data = read_block(file, piece.start, piece.stop - piece.start, delimiter=b"\n")
        if data.strip():
            origin = f"{piece.url}@{piece.start}"
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:  # as the plain run does for a whole file: reported, not guessed
                raise DocumentError(f"{origin}: not valid UTF-8 text (byte {exc.start} of the block); "
                                    "convert it to UTF-8 first, e.g. with iconv") from exc
            yield from READERS[_suffix(path)].read(text, origin, published)
        return
    with fs.open(path, "rb") as file:
        data = file.read()
    yield from read_bytes(data, piece.url, published)


class _StepClock:
    """The calling thread's CPU seconds since the last lap, added to a step's total."""

    def __init__(self, totals: dict[str, float]):
        self.totals = totals
        self.last = time.thread_time()

    def lap(self, step: str) -> None:
        now = time.thread_time()
        self.totals[step] = self.totals.get(step, 0.0) + now - self.last
        self.last = now


def _plugin() -> GeoparserPlugin:
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN)
    if plugin is None or plugin.parser is None:
        raise ClusterError(f"worker {worker.address} has no geoparser: register GeoparserPlugin first")
    return plugin


def run_partition(partition: Partition, job: Job) -> PartitionResult:
    """One partition, on a worker. Unreadable input (OSError) fails the task so that it is tried again."""
    plugin = _plugin()
    result = PartitionResult(partition.number)
    clock = _StepClock(result.cpu)
    documents: list[Document] = []
    for piece in partition.pieces:
        try:
            for item in read_piece(piece, job.published):
                if isinstance(item, DocumentError):
                    result.errors.append(str(item))
                else:
                    documents.append(item)
        except DocumentError as exc:
            result.errors.append(str(exc))
    result.read = len(documents)
    if job.skip_stored_in:
        stored = plugin.store(job.skip_stored_in).stored_ids([d.id for d in documents])
        fresh, seen = [], set()
        for document in documents:
            if document.id in stored or document.id in seen:
                result.duplicates += 1
            else:
                seen.add(document.id)
                fresh.append(document)
        documents = fresh
    clock.lap("read")
    parsed: list[tuple[Document, list[dict]]] = []
    for document in documents:
        try:
            rows = [event.as_row() for event in plugin.parser.parse(document)]
        except Exception as exc:  # one article the parser cannot read must not cost the partition
            result.errors.append(f"{document.path or 'input'}: document {document.id} could not be parsed "
                                 f"({type(exc).__name__}: {exc})")
            continue
        parsed.append((document, rows))
    result.parsed = len(parsed)
    all_rows = [row for _, rows in parsed for row in rows]
    result.events = len(all_rows)
    clock.lap("parse")
    if job.output:
        fs, root = fsspec.core.url_to_fs(job.output)
        write_events(all_rows, fs, root, f"part-{partition.name}")
        clock.lap("write")
    if job.load_into:
        new = plugin.store(job.load_into).add_many(parsed, job.pins)
        result.new = len(new)
        result.duplicates += len(parsed) - len(new)
        clock.lap("load")
    if job.output and job.mark_done:  # last: the marker says the partition is written
        fs, root = fsspec.core.url_to_fs(job.output)
        fs.makedirs(f"{root}/{DONE_FOLDER}", exist_ok=True)
        with fs.open(f"{root}/{DONE_FOLDER}/{partition.key}", "w") as marker:
            marker.write(f"{partition.describe()}\n")
    if job.return_rows:
        result.rows = all_rows
    if job.return_documents:
        result.documents = parsed
    return result


# -- the client ---------------------------------------------------------------------------------


def lean_config() -> dict:
    """LEAN_CLUSTER's settings that the user has not chosen: not in Dask's YAML files or DASK_* variables, and
    not changed in this process (dask.config.set)."""
    import dask

    chosen, unset = dask.config.collect(), object()
    defaults = dask.config.merge(*dask.config.defaults)
    return {key: value for key, value in LEAN_CLUSTER.items()
            if dask.config.get(key, unset, config=chosen) is unset
            and dask.config.get(key, None) == dask.config.get(key, None, config=defaults)}


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a LocalCluster of `workers` processes (one thread
    each: the geoparser is pure Python, so threads would share one core) with LEAN_CLUSTER's settings."""
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    workers = workers or os.cpu_count() or 1
    import logging

    import dask

    # Quiet: a run that stops early (Ctrl-C, a closed pipe) would log every cancelled task. The settings reach
    # the worker processes through their nannies, which copy the configuration when they start.
    with dask.config.set(lean_config()), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                         silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def is_local(client: Client) -> bool:
    """Whether every worker runs on this machine (a SQLite file is readable by them)."""
    import socket

    local = {"127.0.0.1", "localhost", "::1", socket.gethostname()}
    with suppress(OSError):
        local.add(socket.gethostbyname(socket.gethostname()))
    hosts = {address.split("://")[-1].rsplit(":", 1)[0].strip("[]") for address in client.scheduler_info()["workers"]}
    return bool(hosts) and hosts <= local


def prepare(client: Client) -> None:
    """Load a Geoparser on every worker (once: workers that have one keep it)."""
    client.register_plugin(GeoparserPlugin(), name=PLUGIN)


def run(client: Client, partitions: list[Partition], job: Job, *, report: Callable[[str], None] | None = None,
        progress: bool = False, on_retry: Callable[[Partition, int], None] | None = None
        ) -> Iterator[PartitionResult]:
    """Run partitions and yield their results in partition order. A partition that raises is reported and
    submitted again, up to ATTEMPTS times; then a result with only its error is yielded (never dropped)."""
    report = report or (lambda message: print(f"frontmap: {message}", file=sys.stderr))
    prepare(client)
    attempts = {p.number: 1 for p in partitions}
    by_number = {p.number: p for p in partitions}

    def submit(partition: Partition):
        future = client.submit(run_partition, partition, job, pure=False,
                               key=f"frontmap-{partition.key}-{partition.number}-{attempts[partition.number]}")
        future.partition_number = partition.number
        return future

    futures = as_completed([submit(p) for p in partitions])
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(partitions), unit="partition", file=sys.stderr)
    done: dict[int, PartitionResult] = {}
    order = iter(sorted(by_number))
    following = next(order, None)
    try:
        for future in futures:
            number = future.partition_number
            partition = by_number[number]
            try:
                result = future.result()
            except Exception as exc:
                message = f"{partition.describe()} failed on attempt {attempts[number]} of {ATTEMPTS}: " \
                          f"{type(exc).__name__}: {exc}"
                if attempts[number] < ATTEMPTS:
                    report(f"{message}; trying again")
                    attempts[number] += 1
                    if on_retry:
                        on_retry(partition, attempts[number])
                    futures.add(submit(partition))
                    continue
                result = PartitionResult(number, errors=[f"{message}; nothing from it was stored, run again"])
            finally:
                future.release()
            done[number] = result
            if bar is not None:
                bar.update(1)
            while following is not None and following in done:
                yield done.pop(following)
                following = next(order, None)
    finally:
        if bar is not None:
            bar.close()


def written_partitions(output: str, partitions: list[Partition]) -> set[int]:
    """Partitions whose marker is in the output folder: a rerun of extract skips them."""
    fs, root = fsspec.core.url_to_fs(output)
    folder = f"{root}/{DONE_FOLDER}"
    if not fs.exists(folder):
        return set()
    markers = {PurePosixPath(name).name for name in fs.ls(folder, detail=False)}
    return {p.number for p in partitions if p.key in markers}


# -- the commands -------------------------------------------------------------------------------


@dataclass
class RunSummary(IngestSummary):
    """An ingest's counts, with the partitions and (for extract) the events."""

    partitions: int = 0
    skipped_partitions: int = 0
    events: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # the tasks' CPU seconds per step, summed

    def add(self, result: PartitionResult) -> None:
        self.read += result.read
        self.events += result.events
        self.duplicates += result.duplicates
        self.new += result.new
        self.failed.extend(result.errors)
        for step, seconds in result.cpu.items():
            self.cpu[step] = self.cpu.get(step, 0.0) + seconds

    def line(self, ingest: bool = True) -> str:
        counts = f"new {self.new}, duplicates {self.duplicates}" if ingest else f"events {self.events}"
        skipped = f" ({self.skipped_partitions} already written, skipped)" if self.skipped_partitions else ""
        return (f"partitions {self.partitions}{skipped}, read {self.read}, {counts}, failed {len(self.failed)}")


def _usable_paths(paths: list[str]) -> list[str]:
    if "-" in paths:
        raise ClusterError("the Dask engine reads files and URLs, not standard input")
    return paths


def extract(client: Client, paths: list[str], *, published: dt.date | None = None, output: str | None = None,
            rows: bool = True, progress: bool = False, summary: RunSummary | None = None,
            report: Callable[[str], None] | None = None, block: int | None = None) -> Iterator[dict]:
    """Event rows of every document in paths, in the order of the plain run (when rows); with output, also
    written as Parquet, and partitions written by an earlier run are skipped."""
    summary = summary if summary is not None else RunSummary()
    workers = max(1, len(client.scheduler_info()["workers"]))
    partitions, errors = plan(_usable_paths(paths), workers, block)
    summary.failed.extend(errors)
    summary.partitions = len(partitions)
    if output:
        written = written_partitions(output, partitions)
        summary.skipped_partitions = len(written)
        partitions = [p for p in partitions if p.number not in written]
    job = Job(published=published, output=output, return_rows=rows, mark_done=True)
    for result in run(client, partitions, job, progress=progress, report=report):
        summary.add(result)
        yield from result.rows


def ingest(client: Client, paths: list[str], store, *, published: dt.date | None = None,
           output: str | None = None, progress: bool = False, summary: RunSummary | None = None,
           report: Callable[[str], None] | None = None, block: int | None = None) -> RunSummary:
    """Store every document in paths that the store does not have, with its events; a PostgreSQL store is
    bulk-loaded by the workers, a SQLite store by this process."""
    from geo.ingest import ANALYZE_AFTER

    summary = summary if summary is not None else RunSummary()
    workers = max(1, len(client.scheduler_info()["workers"]))
    partitions, errors = plan(_usable_paths(paths), workers, block)
    summary.failed.extend(errors)
    summary.partitions = len(partitions)
    postgres = store.engine.dialect.name == "postgresql"
    url = store.engine.url.render_as_string(hide_password=False)
    if not postgres and store.engine.url.database:
        url = f"sqlite:///{os.path.abspath(store.engine.url.database)}"
    readable = postgres or is_local(client)
    job = Job(published=published, skip_stored_in=url if readable else None, load_into=url if postgres else None,
              output=output, return_documents=not postgres, pins=store.pins())
    for result in run(client, partitions, job, progress=progress, report=report):
        if result.documents:
            new = store.add_many(result.documents, job.pins)
            result.new = len(new)
            result.duplicates += len(result.documents) - len(new)
        summary.add(result)
    if summary.new >= ANALYZE_AFTER:
        store.optimize()
    return summary


def _report(summary: RunSummary, ingest: bool) -> int:
    for message in summary.failed:
        print(f"frontmap: {message}", file=sys.stderr)
    print(summary.line(ingest), file=sys.stderr)
    return 1 if summary.failed else 0


def cli_extract(args) -> int:
    from geo.writers import write_rows

    summary = RunSummary()
    try:
        with connect(args.scheduler, args.workers) as client:
            rows = extract(client, args.paths, published=args.published, output=args.output,
                           rows=not args.output, progress=sys.stderr.isatty(), summary=summary)
            if args.output:
                for _ in rows:
                    pass
            else:
                write_rows(rows, args.format, sys.stdout)
    except BrokenPipeError:
        raise
    except (ClusterError, OSError) as exc:
        print(f"frontmap: {exc}", file=sys.stderr)
        return 2
    return _report(summary, ingest=False)


def cli_ingest(args, store) -> int:
    summary = RunSummary()
    try:
        with connect(args.scheduler, args.workers) as client:
            ingest(client, args.paths, store, published=args.published, output=args.output,
                   progress=sys.stderr.isatty(), summary=summary)
    except (ClusterError, OSError) as exc:
        print(f"frontmap: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: {summary.line(True)}; every finished partition is stored, run again to go on",
              file=sys.stderr)
        return 130
    return _report(summary, ingest=True)
