"""The Dask engine: the same records as the plain run, on a LocalCluster of 2 worker processes."""

import csv
import json
import os
import uuid

import distributed
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from geo import cli
from geo.bench import generate_corpus
from geo.distributed import PLUGIN, Job, RunSummary, extract, ingest, plan, run
from geo.documents import iter_documents
from geo.ingest import ingest_documents
from geo.parquet import EVENT_COLUMNS
from geo.store import Store
from geo.writers import json_text

BLOCK = 8 * 1024  # small partitions, so that a small corpus still makes several of them


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus(60, seed=11)


def records(documents):
    return [{"text": d.text, "title": d.title, "source": d.source, "date": d.published.isoformat()}
            for d in documents]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=["text", "title", "source", "date"])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def inputs(tmp_path, corpus):
    """A folder of Markdown articles, a JSON Lines feed and a CSV feed."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, document in enumerate(corpus[:15]):
        (folder / f"{i:02}.md").write_text(f"---\ntitle: {document.title}\ndate: {document.published}\n---\n"
                                           f"{document.text}\n", encoding="utf-8")
    feed = write_jsonl(tmp_path / "feed.jsonl", records(corpus[15:45]))
    return [str(folder), str(feed), str(write_csv(tmp_path / "feed.csv", records(corpus[45:])))]


def plain_rows(paths, geoparser):
    return [event.as_row() for document in iter_documents(paths, None, []) for event in geoparser.parse(document)]


def stored_events(store):
    columns = ["doc", "place", "start", "end", "event_type", "actor", "opponent", "status", "name", "lat",
               "lon", "date", "confidence", "title", "source", "published"]
    return store.events()[columns].sort_values(["doc", "start"]).reset_index(drop=True)


def test_extract_on_two_workers_gives_the_plain_runs_records_in_its_order(client, inputs, geoparser):
    summary = RunSummary()
    rows = list(extract(client, inputs, summary=summary, block=BLOCK))
    assert summary.partitions > 2 and not summary.failed and summary.read == 60
    assert rows == plain_rows(inputs, geoparser)


def test_the_geoparser_is_loaded_once_per_worker_not_once_per_task(client, inputs):
    list(extract(client, inputs, block=BLOCK))
    list(extract(client, inputs, block=BLOCK))
    loads = client.run(lambda dask_worker: dask_worker.plugins[PLUGIN].loads)
    assert list(loads.values()) == [1, 1]


def test_a_parquet_dataset_with_a_text_column_reads_like_the_same_articles_in_json_lines(client, tmp_path, corpus):
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    table = pa.Table.from_pylist(records(corpus[:40]))
    pq.write_table(table.slice(0, 25), dataset / "a.parquet", row_group_size=10)
    pq.write_table(table.slice(25), dataset / "b.parquet")
    feed = write_jsonl(tmp_path / "same.jsonl", records(corpus[:40]))
    from_parquet = list(extract(client, [f"file://{dataset}"], block=2048))  # any fsspec URL
    assert len(plan([str(dataset)], block=2048)[0]) > 2
    assert len(plan([f"{dataset}/*.parquet"], block=2048)[0]) == len(plan([str(dataset)], block=2048)[0])
    assert from_parquet == list(extract(client, [str(feed)]))


def test_ingest_on_two_workers_stores_what_the_plain_ingest_stores_and_a_rerun_adds_nothing(
        client, inputs, tmp_path):
    plain = Store(str(tmp_path / "plain.sqlite"))
    ingest_documents(iter_documents(inputs, None, []), plain, workers=1)
    store = Store(str(tmp_path / "dask.sqlite"))
    first = ingest(client, inputs, store, block=BLOCK)
    assert (first.read, first.new, first.duplicates, first.failed) == (60, 60, 0, [])
    pd.testing.assert_frame_equal(stored_events(store), stored_events(plain))
    again = ingest(client, inputs, store, block=BLOCK)
    assert (again.new, again.duplicates) == (0, 60)
    assert store.counts() == plain.counts()


def test_a_bad_record_is_reported_and_the_rest_of_its_partition_lands(client, tmp_path, corpus):
    rows = [json.dumps(row) for row in records(corpus[:6])]
    rows[2] = '{"text": "unterminated'
    rows[4] = json.dumps({"title": "no text here"})
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = Store(str(tmp_path / "store.sqlite"))
    summary = ingest(client, [str(feed)], store)
    assert summary.partitions == 1 and (summary.read, summary.new) == (4, 4)
    assert [message.split(": ", 1)[0] for message in summary.failed] == [f"{feed}:3", f"{feed}:5"]
    assert "invalid JSON" in summary.failed[0] and "no 'text' field" in summary.failed[1]
    assert store.stored_ids([corpus[i].id for i in range(6)]) == {corpus[i].id for i in (0, 1, 3, 5)}


def test_an_article_the_geoparser_fails_on_is_reported_and_the_rest_of_its_partition_lands(client, tmp_path, corpus):
    feed = write_jsonl(tmp_path / "feed.jsonl", records(corpus[:6]))
    victim = corpus[2].id

    def break_parser(dask_worker):
        plugin = dask_worker.plugins[PLUGIN]
        real = plugin.parser

        class Failing:
            def parse(self, document):
                if document.id == victim:
                    raise ValueError("unexpected input")
                return real.parse(document)

        plugin.real, plugin.parser = real, Failing()

    def mend_parser(dask_worker):
        plugin = dask_worker.plugins[PLUGIN]
        plugin.parser = plugin.real

    client.run(break_parser)
    try:
        store = Store(str(tmp_path / "store.sqlite"))
        summary = ingest(client, [str(feed)], store)
    finally:
        client.run(mend_parser)
    assert summary.failed == [f"{feed}:3: document {victim} could not be parsed (ValueError: unexpected input)"]
    assert summary.new == 5 and store.stored_ids([d.id for d in corpus[:6]]) == {d.id for d in corpus[:6]} - {victim}


def test_a_failed_partition_is_reported_and_tried_again(client, tmp_path, corpus):
    # CSV files are never split: with a block of one byte, each file is a partition.
    feeds = [write_csv(tmp_path / f"feed{i}.csv", records(corpus[i * 10:i * 10 + 10])) for i in range(3)]
    partitions, _ = plan([str(f) for f in feeds], block=1)
    assert len(partitions) == 3
    saved = feeds[1].read_bytes()
    feeds[1].unlink()  # gone between planning and reading, as a flaky network file system would do
    reports = []

    def bring_back(partition, attempt):
        if attempt == 3:
            feeds[1].write_bytes(saved)

    results = list(run(client, partitions, Job(return_rows=True), report=reports.append, on_retry=bring_back))
    assert [r.number for r in results] == [0, 1, 2] and all(r.read == 10 and not r.errors for r in results)
    assert len(reports) == 2 and all("partition 1 (" in m and "trying again" in m for m in reports)
    assert "failed on attempt 1 of 3: FileNotFoundError" in reports[0]


def test_a_partition_that_keeps_failing_is_listed_as_failed_and_the_others_land(client, tmp_path, corpus):
    # CSV files are never split: with a block of one byte, each file is a partition.
    feeds = [write_csv(tmp_path / f"feed{i}.csv", records(corpus[i * 10:i * 10 + 10])) for i in range(3)]
    partitions, _ = plan([str(f) for f in feeds], block=1)
    feeds[0].unlink()
    store = Store(str(tmp_path / "store.sqlite"))
    job = Job(return_documents=True)
    summary = RunSummary()
    for result in run(client, partitions, job, report=lambda message: None):
        store.add_many(result.documents)
        summary.add(result)
    assert len(summary.failed) == 1 and "partition 0 (" in summary.failed[0]
    assert "failed on attempt 3 of 3" in summary.failed[0] and "run again" in summary.failed[0]
    assert store.counts()["documents"] == 20


def test_parquet_output_is_partitioned_by_date_readable_by_pandas_and_a_rerun_skips_it(
        client, inputs, tmp_path, geoparser):
    output = tmp_path / "events"
    first = RunSummary()
    list(extract(client, inputs, output=str(output), rows=False, summary=first, block=BLOCK))
    frame = pd.read_parquet(output)
    assert set(frame.columns) == set(EVENT_COLUMNS)
    expected = pd.DataFrame(plain_rows(inputs, geoparser))
    assert len(frame) == len(expected) == first.events
    key = ["doc", "start", "event_type", "date", "name", "confidence"]
    assert sorted(frame[key].astype(str).itertuples(index=False)) == sorted(
        expected[key].astype(str).itertuples(index=False))
    assert {p.name for p in output.iterdir() if p.name.startswith("date=")} == {
        f"date={d}" for d in expected["date"]}
    # Where the workers' time went, per step of the tasks: reading, parsing and writing all took some.
    assert set(first.cpu) == {"read", "parse", "write"} and all(seconds > 0 for seconds in first.cpu.values())
    again = RunSummary()
    list(extract(client, inputs, output=str(output), rows=False, summary=again, block=BLOCK))
    assert again.skipped_partitions == again.partitions == first.partitions and again.read == 0
    assert len(pd.read_parquet(output)) == len(frame)
    feed = tmp_path / "feed.csv"
    feed.write_text(feed.read_text(encoding="utf-8").replace("Report 50,", "Report 50 (corrected),"),
                    encoding="utf-8")
    edited = RunSummary()
    list(extract(client, inputs, output=str(output), rows=False, summary=edited, block=BLOCK))
    assert 0 < edited.read < 60 and edited.skipped_partitions == first.partitions - 1
    titles = pd.read_parquet(output).drop_duplicates("doc")["title"]
    assert "Report 50 (corrected)" in set(titles) and "Report 50" not in set(titles) and len(titles) == 60


def test_the_command_line_runs_on_the_given_scheduler(client, inputs, geoparser, capsys, tmp_path):
    address = client.cluster.scheduler_address
    assert cli.main(["extract", "--engine", "dask", "--scheduler", address, *inputs]) == 0
    out, err = capsys.readouterr()
    expected = [json.loads(json_text(row)) for row in plain_rows(inputs, geoparser)]
    assert [json.loads(line) for line in out.splitlines()] == expected
    assert "read 60" in err
    assert cli.main(["extract", "--output", "somewhere", *inputs]) == cli.EXIT_USAGE
    db = str(tmp_path / "store.sqlite")
    for new in (60, 0):
        assert cli.main(["ingest", "--engine", "dask", "--scheduler", address, "--db", db, *inputs]) == 0
        assert f"read 60, new {new}, duplicates {60 - new}, failed 0" in capsys.readouterr().err
    assert Store(db).counts()["documents"] == 60


@pytest.fixture
def postgres_url():
    if not os.environ.get("FRONTMAP_TEST_POSTGRES"):
        pytest.skip("no PostgreSQL server (set FRONTMAP_TEST_POSTGRES)")
    admin = sa.create_engine(os.environ["FRONTMAP_TEST_POSTGRES"], isolation_level="AUTOCOMMIT")
    name = f"frontmap_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    yield os.environ["FRONTMAP_TEST_POSTGRES"].rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))


def test_bulk_load_into_postgresql_matches_one_by_one_adds_applies_pins_and_is_idempotent(
        postgres_url, tmp_path, corpus, geoparser):
    parsed = [(d, [e.as_row() for e in geoparser.parse(d)]) for d in corpus[:20]]
    one_by_one = Store(str(tmp_path / "plain.sqlite"))
    bulk = Store(postgres_url)
    for store in (one_by_one, bulk):
        store.pin(name="Somewhere", lat=48.1, lon=37.2, place_as_written="Pokrovsk")
    for document, rows in parsed[:5]:
        one_by_one.add(document, rows)
    one_by_one.add_many(parsed)
    assert bulk.add_many(parsed[:5]) == {d.id for d, _ in parsed[:5]}
    assert bulk.add_many(parsed + parsed[:3]) == {d.id for d, _ in parsed[5:]}
    assert bulk.add_many(parsed) == set()
    pd.testing.assert_frame_equal(stored_events(bulk), stored_events(one_by_one), check_dtype=False)
    assert bulk.counts() == one_by_one.counts()
    assert "Somewhere" in set(stored_events(bulk)["name"])


def test_ingest_into_postgresql_loads_from_the_workers_and_a_rerun_adds_nothing(client, postgres_url, inputs,
                                                                               tmp_path):
    plain = Store(str(tmp_path / "plain.sqlite"))
    ingest_documents(iter_documents(inputs, None, []), plain, workers=1)
    store = Store(postgres_url)
    first = ingest(client, inputs, store, block=BLOCK)
    assert (first.new, first.failed) == (60, [])
    pd.testing.assert_frame_equal(stored_events(store), stored_events(plain), check_dtype=False)
    again = ingest(client, inputs, store, block=BLOCK)
    assert (again.new, again.duplicates) == (0, 60) and store.counts() == plain.counts()
    store.engine.dispose()


def test_the_scale_benchmark_prints_its_numbers():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "geo", "bench", "--scale", "--articles", "24"], capture_output=True,
                         text=True, check=True, timeout=300).stdout
    for measure in ("plain process:", "dask, 1 worker:", "dask, 2 workers:", "peak memory per worker",
                    "2 workers / 1 worker:", "ms/article on the workers", "load average"):
        assert measure in out


def test_a_local_cluster_runs_without_the_workers_profiler_and_with_slower_monitors():
    import dask

    from geo.distributed import LEAN_CLUSTER, connect, lean_config

    applied = lean_config()  # all of LEAN_CLUSTER, unless this machine's Dask configuration sets some of it

    def settings(dask_worker):
        return ("profile" in dask_worker.periodic_callbacks,
                {key: dask.config.get(key) for key in LEAN_CLUSTER})

    with connect(workers=1) as local:
        (profiling, seen), = local.run(settings).values()
    assert {key: seen[key] for key in applied} == applied
    assert not profiling or "distributed.worker.profile.enabled" not in applied


def test_a_dask_setting_the_user_chose_is_kept_by_the_local_cluster():
    import dask

    from geo.distributed import lean_config

    with dask.config.set({"distributed.admin.tick.interval": "50ms"}):
        chosen = lean_config()
    assert "distributed.admin.tick.interval" not in chosen and chosen["distributed.admin.system-monitor.interval"]
