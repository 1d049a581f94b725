"""The events' Parquet dataset: the files pyarrow's write_to_dataset writes, made in the caller's thread."""

import datetime as dt
from pathlib import Path

import fsspec
import pandas as pd
import pyarrow.parquet as pq

from geo.bench import generate_corpus
from geo.parquet import EVENT_COLUMNS, UNDATED_PARTITION, events_table, write_events


def rows_of(geoparser, documents):
    return [event.as_row() for document in documents for event in geoparser.parse(document)]


def written_by_pyarrow(rows, root, basename):
    pq.write_to_dataset(events_table(rows), str(root), partition_cols=["date"],
                        basename_template=f"{basename}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore")


def files_of(root):
    return {path.relative_to(root): path.read_bytes() for path in sorted(root.rglob("*.parquet"))}


def with_undated_folder(files):
    """pyarrow's files with its folder for a missing date named as ours."""
    pyarrows = "date=__HIVE_DEFAULT_PARTITION__"
    return {Path(*(f"date={UNDATED_PARTITION}" if part == pyarrows else part for part in path.parts)): data
            for path, data in files.items()}


def test_the_dataset_holds_the_same_files_byte_for_byte_as_pyarrows_write_to_dataset(tmp_path, geoparser):
    partitions = [rows_of(geoparser, generate_corpus(20, seed=seed)) for seed in (1, 2)]
    for row in partitions[1][:5]:
        row["date"] = None  # undated events
    for number, rows in enumerate(partitions):
        written_by_pyarrow(rows, tmp_path / "pyarrow", f"part-{number}")
        assert write_events(rows, None, str(tmp_path / "ours"), f"part-{number}") == len(rows)
    ours = files_of(tmp_path / "ours")
    assert ours == with_undated_folder(files_of(tmp_path / "pyarrow"))
    assert any(path.parts[0] == f"date={UNDATED_PARTITION}" for path in ours)
    assert len({path.parts[0] for path in ours}) > 10  # a folder per date


def test_pandas_reads_back_every_row_with_the_documented_columns_in_each_dates_order(tmp_path, geoparser):
    rows = rows_of(geoparser, generate_corpus(30, seed=5))
    for row in rows[:4]:
        row["date"] = None  # undated events beside dated ones
    write_events(rows, fsspec.filesystem("file"), str(tmp_path), "part-a")
    frame = pd.read_parquet(tmp_path)
    assert sorted(frame.columns) == sorted(EVENT_COLUMNS)
    assert len(frame) == len(rows)
    assert (frame["date"] == UNDATED_PARTITION).sum() == 4
    for day, events in frame.groupby("date", observed=True):
        date = None if day == UNDATED_PARTITION else dt.date.fromisoformat(day)
        expected = [(r["doc"], r["start"]) for r in rows if r["date"] == date]
        assert list(zip(events["doc"], events["start"], strict=True)) == expected


def test_writing_a_partition_again_replaces_its_files(tmp_path, geoparser):
    rows = rows_of(geoparser, generate_corpus(10, seed=3))
    write_events(rows, None, str(tmp_path), "part-a")
    write_events(rows, None, str(tmp_path), "part-a")
    assert len(pd.read_parquet(tmp_path)) == len(rows)
    assert write_events([], None, str(tmp_path / "empty"), "part-a") == 0
    assert not (tmp_path / "empty").exists()


def test_a_dataset_on_another_filesystem_gets_the_same_files(tmp_path, geoparser):
    rows = rows_of(geoparser, generate_corpus(10, seed=4))
    write_events(rows, None, str(tmp_path), "part-a")
    memory = fsspec.filesystem("memory")
    write_events(rows, memory, "/frontmap-test-events", "part-a")
    try:
        stored = {path.split("/frontmap-test-events/", 1)[1]: memory.cat_file(path)
                  for path in memory.find("/frontmap-test-events")}
    finally:
        memory.rm("/frontmap-test-events", recursive=True)
    assert stored == {str(path): data for path, data in files_of(tmp_path).items()}
