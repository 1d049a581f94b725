"""Faults and bad input a real feed brings: each bad file or record is reported on its own line and the rest
is stored; Ctrl-C never hangs an ingest; concurrent ingests on PostgreSQL never deadlock; spreadsheets never run
a cell; a huge article is read in part, quickly."""

import csv
import datetime as dt
import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.bench import generate_corpus
from geo.documents import DocumentError, iter_documents, make_document, publication_date, read_bytes
from geo.pipeline import MAX_MENTIONS
from geo.store import Store
from geo.writers import write_rows

ROOT = Path(__file__).resolve().parent.parent


def geo(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, **kwargs)


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[str]:
    """n generated articles as Markdown files; returns their document ids."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, document in enumerate(generate_corpus(n, seed=seed)):
        (folder / f"{i:05d}.md").write_text(f"---\ndate: {document.published}\n---\n{document.text}")
    errors = []
    ids = [document.id for document in iter_documents([str(folder)], None, errors)]
    assert not errors and len(set(ids)) == n
    return ids


def test_a_bad_date_in_front_matter_is_that_files_error_and_the_rest_is_stored(tmp_path):
    (tmp_path / "bad-date.md").write_text("---\ndate: 2025-13-45\n---\nShelling hit Kherson.")
    (tmp_path / "future.md").write_text("---\ndate: 2999-01-01\n---\nShelling hit Kherson.")
    (tmp_path / "good.md").write_text("---\ndate: 2025-03-01\n---\nDrones struck Sumy.")
    result = geo("ingest", tmp_path, "--db", tmp_path / "s.sqlite")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "bad-date.md: not a date" in result.stderr and "future.md: publication date 2999-01-01 is in the future" \
        in result.stderr
    assert Store(str(tmp_path / "s.sqlite")).counts()["documents"] == 1


def test_a_csv_field_over_the_csv_modules_default_limit_is_read_and_an_oversized_one_is_reported(tmp_path):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([["text", "date"], ["Shelling hit Kherson. " + "x" * 200_000, "2025-03-01"],
                      ["y" * (9 * 2**20), "2025-03-01"], ["Drones struck Sumy.", "2025-03-02"]])
    items = list(read_bytes(out.getvalue().encode(), "feed.csv"))
    assert [type(item) for item in items] == [type(items[0]), DocumentError, type(items[0])]
    assert items[0].text.startswith("Shelling hit Kherson") and items[2].text == "Drones struck Sumy."
    assert str(items[1]).startswith("feed.csv:3: ")


def test_json_lines_records_with_unicode_line_separators_inside_strings_are_kept(tmp_path):
    records = [{"text": "Shelling hit Kherson.\u2028Power is out.", "date": "2025-03-01"},
               {"text": "Drones struck Sumy.\u0085Two were hurt.", "date": "2025-03-02"},
               {"text": ""}]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    items = list(read_bytes(data, "feed.jsonl"))
    assert [item.text for item in items[:2]] == [records[0]["text"], records[1]["text"]]
    assert str(items[2]) == "feed.jsonl:3: no 'text' field"


def test_a_stray_nul_byte_does_not_reject_a_whole_feed():
    data = (json.dumps({"text": "Shelling hit Kherson.\x00"}) + "\n").encode() + b"\x00\n" + \
        (json.dumps({"text": "Drones struck Sumy."}) + "\n").encode() * 50
    items = list(read_bytes(data, "feed.jsonl"))
    assert sum(not isinstance(item, DocumentError) for item in items) == 51


@pytest.mark.parametrize("value", ["12", "3000", "tomorrow", "2999-01-01", "1850-05-01", "March"])
def test_a_publication_date_is_a_full_date_not_in_the_future(value):
    with pytest.raises(DocumentError):
        publication_date(value)
    result = geo("extract", "-", "--published", value, input="Shelling hit Kherson.")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_publication_dates_as_people_write_them_are_read():
    assert publication_date("12 March 2025") == publication_date("2025-03-12") == dt.date(2025, 3, 12)
    assert publication_date(dt.date.today()) == dt.date.today()


def test_a_fifo_or_a_device_on_the_command_line_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = geo("extract", fifo, "/dev/zero")
    assert result.returncode == 1
    assert f"{fifo}: not a regular file" in result.stderr and "/dev/zero: not a regular file" in result.stderr


def test_an_unreadable_subfolder_is_reported_and_the_rest_is_read(tmp_path):
    folder = Path(os.path.realpath(tmp_path)) / "feed"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "a.txt").write_text("Shelling hit Kherson.")
    (folder / "b.txt").write_text("Drones struck Sumy.")
    os.chmod(folder / "locked", 0)
    try:
        if os.geteuid() == 0:  # root reads everything: look as an ordinary user would
            for path in (tmp_path, *tmp_path.parents):
                if path != Path("/"):
                    os.chmod(path, os.stat(path).st_mode | 0o005)
            os.chmod(folder, 0o755)
            os.chmod(folder / "b.txt", 0o644)
            user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            result = subprocess.run([*user, sys.executable, "-m", "geo", "extract", str(folder)], cwd=ROOT,
                                    capture_output=True, text=True, timeout=120,
                                    env=os.environ | {"FRONTMAP_DATA": _shared_data_dir()})
        else:
            result = geo("extract", folder)
    finally:
        os.chmod(folder / "locked", 0o755)
    assert result.returncode == 1, result.stderr
    assert f"{folder / 'locked'}: Permission denied (folder skipped)" in result.stderr
    assert [json.loads(line)["place"] for line in result.stdout.splitlines()] == ["Sumy"]


def _shared_data_dir() -> str:
    """The data folder, made readable by others so that a test can run frontmap as another user."""
    from geo.config import data_dir

    path = data_dir()
    for folder, _, files in os.walk(path):
        os.chmod(folder, os.stat(folder).st_mode | 0o005)
        for name in files:
            os.chmod(os.path.join(folder, name), os.stat(os.path.join(folder, name)).st_mode | 0o004)
    for parent in path.parents:
        if parent != Path("/"):
            os.chmod(parent, os.stat(parent).st_mode | 0o001)
    return str(path)


def test_csv_exports_neutralise_cells_a_spreadsheet_would_run_as_formulas():
    rows = [{"location": '=HYPERLINK("http://evil.example","x")', "source": "+cmd", "notes": "-2+3",
             "actor": "@SUM(A1)", "latitude": -33.5, "excerpt": "\tTab", "plain": "Kherson"}]
    out = io.StringIO()
    write_rows(rows, "csv", out)
    [cells] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert cells == {"location": '\'=HYPERLINK("http://evil.example","x")', "source": "'+cmd", "notes": "'-2+3",
                     "actor": "'@SUM(A1)", "latitude": "-33.5", "excerpt": "'\tTab", "plain": "Kherson"}


def test_a_pinned_formula_name_is_neutralised_in_the_exported_csv(tmp_path):
    db = tmp_path / "s.sqlite"
    assert geo("ingest", "-", "--published", "2025-03-01", "--db", db, input="Drones struck Sumy.").returncode == 0
    assert geo("pin", "--place", "Sumy", "--name", "=HYPERLINK(\"x\")", "--lat", "50.9", "--lon", "34.8",
               "--db", db).returncode == 0
    exported = geo("export", "--format", "csv", "--db", db).stdout
    assert [row["location"] for row in csv.DictReader(io.StringIO(exported))] == ["'=HYPERLINK(\"x\")"]


def test_a_huge_article_is_read_in_part_with_a_warning(tmp_path):
    huge = tmp_path / "huge.txt"
    huge.write_text("Shelling hit Kherson and Sumy. " * 240_000)  # 7.4 MB, 480,000 mentions
    started = time.perf_counter()
    result = geo("extract", huge)
    assert result.returncode == 0 and time.perf_counter() - started < 60
    assert len(result.stdout.splitlines()) == MAX_MENTIONS
    assert f"only the first {MAX_MENTIONS:,} are read" in result.stderr


def test_samples_can_be_named_with_other_paths(tmp_path):
    (tmp_path / "mine.txt").write_text("Drones struck Sumy.")
    result = geo("ingest", "samples", tmp_path / "mine.txt", "--published", "2025-03-01", "--db", tmp_path / "s.db")
    assert result.returncode == 0, result.stderr
    assert Store(str(tmp_path / "s.db")).counts()["documents"] == 33


def test_ctrl_c_to_the_process_group_never_hangs_an_ingest_and_loses_nothing(tmp_path):
    ids = write_corpus(tmp_path / "corpus", 300)
    db = tmp_path / "s.sqlite"
    rng = random.Random(3)
    for _ in range(20):
        run = subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(tmp_path / "corpus"), "--workers", "2",
                                "--db", str(db)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
        time.sleep(rng.uniform(0.3, 3.0))
        os.killpg(run.pid, signal.SIGINT)  # what a terminal sends: to every process of the group
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            pytest.fail("the ingest hung after Ctrl-C")
        # 130: stopped between documents; -SIGINT: stopped while Python itself was starting; 0: it had finished
        errors = run.stderr.read().decode()
        assert run.returncode in (0, 130, -signal.SIGINT) and "Traceback" not in errors, errors
    assert geo("ingest", tmp_path / "corpus", "--db", db).returncode == 0
    store = Store(str(db))
    assert store.stored_ids(ids) == set(ids) and store.counts()["documents"] == len(ids)


@pytest.mark.skipif(not os.environ.get("FRONTMAP_TEST_POSTGRES"), reason="no PostgreSQL server")
def test_concurrent_ingests_sharing_places_in_opposite_order_never_deadlock_on_postgresql(geoparser):
    towns = ["Pokrovsk", "Toretsk", "Kupiansk", "Vovchansk", "Sudzha", "Avdiivka", "Bakhmut", "Kurakhove",
             "Myrnohrad", "Siversk", "Lyman", "Izium", "Selydove", "Sloviansk", "Kramatorsk", "Kostiantynivka"]
    feeds = {}
    for side, order in (("a", towns), ("b", towns[::-1])):
        documents = [make_document(f"Shelling hit {', '.join(order)} (report {side}{i}).") for i in range(30)]
        feeds[side] = [(d, [e.as_row() for e in geoparser.parse(d)]) for d in documents]
    admin = sa.create_engine(os.environ["FRONTMAP_TEST_POSTGRES"], isolation_level="AUTOCOMMIT")
    for _ in range(10):
        name = f"frontmap_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        url = os.environ["FRONTMAP_TEST_POSTGRES"].rsplit("/", 1)[0] + f"/{name}"
        stores = [Store(url), Store(url)]
        together = threading.Barrier(2)
        with ThreadPoolExecutor(2) as pool:
            runs = [pool.submit(add_all, store, feed, together) for store, feed in zip(stores, feeds.values(),
                                                                                        strict=True)]
            for done in runs:
                done.result()  # re-raises a deadlock, if one was not handled
        assert stores[0].counts()["documents"] == 60 and stores[0].counts()["places"] == len(towns)
        assert stores[0].counts()["events"] == 60 * len(towns)
        for store in stores:
            store.engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))


def add_all(store, feed, together):
    together.wait()
    for document, rows in feed:
        store.add(document, rows, pins={})


def test_one_bad_file_among_uploads_is_reported_and_the_rest_are_read():
    errors = []
    documents = [d for name, data in [("a.md", b"---\ndate: 2025-13-45\n---\nShelling hit Kherson."),
                                      ("b.csv", b"nope\n1\n"), ("c.txt", b"Drones struck Sumy.")]
                 for d in iter_uploads(name, data, errors)]
    assert [d.text for d in documents] == ["Drones struck Sumy."]
    assert [e.split(":")[0] for e in errors] == ["a.md", "b.csv"]


def iter_uploads(name, data, errors):
    from geo.documents import documents_in

    return documents_in(read_bytes(data, name, None), name, errors)


def test_workers_end_with_the_ingest_when_it_is_killed(tmp_path):
    write_corpus(tmp_path / "corpus", 300, seed=11)
    run = subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(tmp_path / "corpus"), "--workers", "2",
                            "--db", str(tmp_path / "s.sqlite")], cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_group(run.pid)) < 3 and time.monotonic() < deadline:  # the main process and its two workers
        time.sleep(0.1)
    assert len(_group(run.pid)) >= 3
    run.kill()
    run.wait()
    time.sleep(1.0)
    assert _group(run.pid) == [], "workers outlived the ingest"
    assert b"BrokenPipeError" not in run.stderr.read()


def _group(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found
