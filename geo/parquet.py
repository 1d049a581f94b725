"""Event rows as a Parquet dataset partitioned by date (date=YYYY-MM-DD/part-*.parquet), on a local path or
any fsspec URL; and reading articles from Parquet datasets with a `text` column."""

from __future__ import annotations

import bisect
import datetime as dt
import os
from collections.abc import Iterator
from contextlib import suppress
from operator import itemgetter

import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from geo.documents import DocumentError, read_record
from geo.records import EVENT_FIELDS, Document

# The event record's fields (records.EVENT_FIELDS) with their Parquet types; a column added to the record
# later is written with the type pyarrow infers. Dates are ISO text: `date` is the partition column, and pandas
# reads it back as a category of ISO dates; events with no date are under date=undated (pyarrow's own folder for a
# missing value, __HIVE_DEFAULT_PARTITION__, makes pandas.read_parquet fail on a dataset that also has dates:
# "Cannot yet unify dictionaries with nulls").
_ARROW_TYPES = {str: pa.string(), int: pa.int64(), float: pa.float64(), dt.date: pa.string()}
EVENT_COLUMNS: dict[str, pa.DataType] = {name: _ARROW_TYPES[kind] for name, kind in EVENT_FIELDS.items()}
PARQUET_SUFFIXES = {".parquet", ".parq", ".pq"}
RECORD_COLUMNS = ("text", "title", "source", "url", "date")
UNDATED_PARTITION = "undated"  # the folder of events without a date


def events_table(rows: list[dict]) -> pa.Table:
    columns = list(EVENT_COLUMNS) + [c for c in (rows[0] if rows else {}) if c not in EVENT_COLUMNS]
    arrays = []
    for column, values in zip(columns, _columns_of(rows, columns), strict=True):
        if EVENT_FIELDS.get(column) is dt.date:
            values = [value.isoformat() if value else None for value in values]
        arrays.append(pa.array(values, type=EVENT_COLUMNS.get(column)))
    return pa.Table.from_arrays(arrays, names=columns)


def _columns_of(rows: list[dict], columns: list[str]) -> list:
    """Each column's values, in one pass over the rows when every row has every column (the event rows do)."""
    if rows:
        with suppress(KeyError):
            return list(zip(*map(itemgetter(*columns), rows), strict=True))
    return [[row.get(column) for row in rows] for column in columns]


def write_events(rows: list[dict], filesystem, root: str, basename: str) -> int:
    """Write rows under root, one folder per date; files are named after basename, so writing the same
    partition again (a retry, a rerun) replaces its files instead of adding copies.

    The files are the ones pyarrow's write_to_dataset wrote (the same folders but the undated one, names, rows in
    the same order and the same table read back), made in this thread: each date's rows are a slice of one table
    sorted by date, and each file is encoded in memory and written in one call. write_to_dataset handed each file
    to pyarrow's thread pool and wrote it in small pieces: a Dask worker, which should use one core, used up to a
    second one, and with a file per date of each partition the writing cost about a quarter of a worker's CPU."""
    if not rows:
        return 0
    dates = [_partition_value(row.get("date")) for row in rows]
    order = sorted(range(len(rows)), key=dates.__getitem__)  # stable: a date's rows keep their order
    rows, dates = [rows[i] for i in order], [dates[i] for i in order]
    table = events_table(rows).drop_columns(["date"])
    local = filesystem is None or isinstance(filesystem, LocalFileSystem)
    start = 0
    while start < len(rows):
        value = dates[start]
        stop = bisect.bisect_right(dates, value, lo=start)
        folder = f"{root}/date={value}"
        sink = pa.BufferOutputStream()
        pq.write_table(table.slice(start, stop - start), sink)
        if local:
            os.makedirs(folder, exist_ok=True)
            with open(f"{folder}/{basename}-0.parquet", "wb") as file:
                file.write(sink.getvalue())
        else:
            filesystem.makedirs(folder, exist_ok=True)
            with filesystem.open(f"{folder}/{basename}-0.parquet", "wb") as file:
                file.write(sink.getvalue())
        start = stop
    return len(rows)


def _partition_value(day) -> str:
    """A date's folder name, as pyarrow's hive partitioning writes it; no date: UNDATED_PARTITION."""
    if not day:
        return UNDATED_PARTITION
    return day.isoformat() if isinstance(day, dt.date) else str(day)


def record_columns(schema: pa.Schema, origin: str) -> list[str]:
    """The article columns a Parquet file has; DocumentError without a text column."""
    names = set(schema.names)
    if "text" not in names:
        raise DocumentError(f"{origin}: Parquet file has no 'text' column (columns: {sorted(names)})")
    return [c for c in RECORD_COLUMNS if c in names]


def read_rows(file, origin: str, row_group: int, start: int, stop: int, published: dt.date | None
              ) -> Iterator[Document | DocumentError]:
    """Articles in rows [start, stop) of one row group; a bad record yields a DocumentError, the rest go on."""
    parquet = pq.ParquetFile(file)
    columns = record_columns(parquet.schema_arrow, origin)
    table = parquet.read_row_group(row_group, columns=columns).slice(start, stop - start)
    first = sum(parquet.metadata.row_group(i).num_rows for i in range(row_group)) + start
    for n, row in enumerate(table.to_pylist()):
        if isinstance(row.get("date"), dt.datetime):
            row["date"] = row["date"].date()
        try:
            yield read_record(row, f"{origin}:row {first + n}", published)
        except DocumentError as exc:
            yield exc
