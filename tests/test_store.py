import datetime as dt
import json
import os
import subprocess
import sys
import threading
import uuid

import pytest
import sqlalchemy as sa

from geo.documents import make_document
from geo.ingest import ingest_documents
from geo.store import SCHEMA_VERSION, EventFilter, Store, StoreError

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not os.environ.get("FRONTMAP_TEST_POSTGRES"), reason="no PostgreSQL server (scripts/test.sh starts one)"))]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "sqlite":
        yield Store(str(tmp_path / "store.sqlite"))
        return
    # One database per test, on the server scripts/postgres.sh started.
    admin = sa.create_engine(os.environ["FRONTMAP_TEST_POSTGRES"], isolation_level="AUTOCOMMIT")
    name = f"frontmap_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = os.environ["FRONTMAP_TEST_POSTGRES"].rsplit("/", 1)[0] + f"/{name}"
    yield Store(url)
    sa.create_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))


def doc(text, published=dt.date(2025, 3, 12), **meta):
    return make_document(text, published=published, **meta)


def test_a_document_is_stored_once_with_its_events(store):
    article = doc("Russian forces captured Toretsk, the Russian Defence Ministry said.", source="wire")
    first = ingest_documents([article], store, workers=1)
    again = ingest_documents([article, article], store, workers=1)
    assert (first.new, again.new, again.duplicates) == (1, 0, 2)
    events = store.events()
    assert len(events) == 1 and events.loc[0, "name"] == "Toretsk" and events.loc[0, "source"] == "wire"


def test_events_come_a_page_at_a_time_newest_first(store):
    ingest_documents([doc(f"A missile strike hit Odesa on day {day}.", dt.date(2025, 3, day)) for day in range(1, 8)],
                     store, workers=1)
    every = store.events()
    pages = [store.events(limit=3, offset=start) for start in (0, 3, 6)]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [i for page in pages for i in page["id"]] == list(every["id"])
    assert list(every["date"]) == sorted(every["date"], reverse=True)


def test_queries_filter_by_date_actor_type_source_confidence_and_box(store):
    ingest_documents([
        doc("Russian forces captured Toretsk.", dt.date(2025, 2, 7), source="a"),
        doc("A missile strike hit Odesa.", dt.date(2025, 3, 1), source="b"),
        doc("Ukrainian troops liberated Kupiansk.", dt.date(2022, 9, 10), source="a"),
    ], store, workers=1)
    names = lambda f: sorted(store.events(f)["name"])  # noqa: E731
    assert names(EventFilter(start=dt.date(2025, 1, 1))) == ["Odesa", "Toretsk"]
    assert names(EventFilter(actors=("Ukraine",), event_types=("control_change",))) == ["Kupiansk", "Toretsk"]
    assert names(EventFilter(sources=("b",))) == ["Odesa"]
    assert names(EventFilter(bbox=(46.0, 30.0, 47.0, 31.0))) == ["Odesa"]
    assert names(EventFilter(min_confidence=0.99)) == []


def test_place_summary_counts_a_places_events_and_the_control_model_says_who_holds_it(store):
    from geo import control

    ingest_documents([
        doc("Russian forces captured Kupiansk.", dt.date(2022, 2, 27)),
        doc("Ukrainian troops liberated Kupiansk.", dt.date(2022, 9, 10)),
        doc("Fighting continued near Kupiansk.", dt.date(2024, 1, 5)),
    ], store, workers=1)
    summary = store.place_summary(EventFilter(end=dt.date(2022, 6, 1))).set_index("name")
    assert summary.loc["Kupiansk", "events"] == 1 and "controller" not in summary  # the model's, not the summary's
    held = control.control_as_of(store, dt.date(2022, 6, 1)).set_index("name")
    assert held.loc["Kupiansk", "holder"] == "Russia"
    later = store.place_summary().set_index("name")
    assert control.control_as_of(store).set_index("name").loc["Kupiansk", "holder"] == "Ukraine"
    assert later.loc["Kupiansk", "events"] == 3 and str(later.loc["Kupiansk", "last_date"]) == "2024-01-05"
    assert later.loc["Kupiansk", ["control_change", "frontline"]].tolist() == [2, 1]
    assert later.loc["Kupiansk", "place_confidence"] == store.events()["place_confidence"].max()  # its best
    key = store.events().loc[0, "place_key"]
    assert list(store.excerpts(key)["date"].astype(str)) == ["2024-01-05", "2022-09-10", "2022-02-27"]


def test_untrusted_text_round_trips_unchanged(store):
    title = "Robert'); DROP TABLE events;-- <script>alert(1)</script>"
    text = "Shelling hit Kherson. <img src=x onerror=alert(1)> ' OR 1=1 --"
    ingest_documents([doc(text, title=title)], store, workers=1)
    row = store.events().iloc[0]
    assert row["title"] == title and row["excerpt"] == text  # one sentence, kept as written
    assert next(store.stored_documents()).text == text


def test_pins_move_stored_mentions_and_apply_to_later_ingests(store):
    ingest_documents([doc("Troops entered the village of Zzyzxivka.")], store, workers=1)
    assert store.events().loc[0, "lat"] is None or store.events()["lat"].isna().all()
    store.pin(place_as_written="Zzyzxivka", name="Zzyzxivka", lat=51.25, lon=35.18)
    assert store.events().loc[0, "lat"] == 51.25
    ingest_documents([doc("Shelling hit Zzyzxivka again.")], store, workers=1)
    assert set(store.events()["lat"]) == {51.25}
    with pytest.raises(StoreError):
        store.pin(name="x", lat=0, lon=0)


def test_an_old_store_is_migrated_with_its_data_and_a_newer_one_is_refused(tmp_path):
    from geo.store import MIGRATIONS, schema_version

    path = tmp_path / "s.sqlite"
    old = sa.create_engine(f"sqlite:///{path}")
    with old.begin() as conn:  # a store as version 1 left it
        schema_version.create(conn)
        MIGRATIONS[1](conn)
        conn.execute(schema_version.insert().values(version=1))
        conn.execute(sa.text("INSERT INTO documents (id, title, source, url, path, text, ingested_at) "
                             "VALUES ('d1', 't', 's', '', '', 'Fighting in Toretsk.', '2025-01-01 00:00:00')"))
    store = Store(str(path))
    assert store.version() == SCHEMA_VERSION == 5
    assert sa.inspect(store.engine).has_table("reference_layers")  # version 3
    assert store.counts()["documents"] == 1
    assert "ix_documents_source" in {i["name"] for i in sa.inspect(store.engine).get_indexes("documents")}
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO schema_version VALUES (99)"))
    with pytest.raises(StoreError, match="newer than this frontmap"):
        Store(str(path))


def test_a_store_whose_version_claims_a_column_it_lacks_is_refused_by_name_and_left_as_it_is(tmp_path):
    path = tmp_path / "s.sqlite"
    Store(str(path))
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE places DROP COLUMN geocoder"))
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"lacks the column\(s\) places\.geocoder"):
        Store(str(path))
    assert path.read_bytes() == before


def test_a_version_4_store_gains_place_confidence_and_its_old_events_stand_in_with_their_own(tmp_path):
    path = tmp_path / "v4.sqlite"
    ingest_documents([doc("Russian forces captured Kupiansk.", dt.date(2022, 2, 27))], Store(str(path)), workers=1)
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # the store as version 4 left it
        conn.execute(sa.text("DROP INDEX ix_events_place_summary"))
        conn.execute(sa.text("ALTER TABLE events DROP COLUMN place_confidence"))
        conn.execute(sa.text("CREATE INDEX ix_events_place_summary ON events "
                             "(place_key, event_type, date, actor, status, confidence)"))
        conn.execute(sa.text("DELETE FROM schema_version WHERE version = 5"))
    store = Store(str(path))
    assert store.version() == 5
    [index] = [i for i in sa.inspect(store.engine).get_indexes("events") if i["name"] == "ix_events_place_summary"]
    assert index["column_names"][-1] == "place_confidence"  # the summary's index covers it
    [event] = store.events().to_dict("records")
    assert event["place_confidence"] is None or event["place_confidence"] != event["place_confidence"]
    assert store.place_summary().loc[0, "place_confidence"] == event["confidence"]


def test_two_ingests_of_overlapping_inputs_at_once_store_each_document_once(store):
    articles = [doc(f"Fighting near Pokrovsk, report {i}.") for i in range(30)]
    results = []
    threads = [threading.Thread(target=lambda part=part: results.append(ingest_documents(part, store, workers=1)))
               for part in (articles[:20], articles[10:])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.counts()["documents"] == 30
    assert sum(r.new for r in results) == 30 and sum(r.duplicates for r in results) == 10


def test_ingest_and_export_on_the_command_line(tmp_path, seed_article):
    db = str(tmp_path / "cli.sqlite")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text(seed_article.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.jsonl").write_text('{"text": "Drones struck Sumy.", "date": "2025-03-10"}\n{"text": \n',
                                    encoding="utf-8")
    (folder / "c.csv").write_text("title,body\nx,y\n", encoding="utf-8")
    (folder / "d.txt").write_bytes(b"\x00\x01binary")

    def geo(*args):
        return subprocess.run([sys.executable, "-m", "geo", *args, "--db", db], capture_output=True, text=True,
                              timeout=300)

    first = geo("ingest", str(folder))
    assert first.returncode == 1 and "new 2" in first.stderr and "failed 3" in first.stderr
    assert "b.jsonl:2: invalid JSON" in first.stderr and "no 'text' column" in first.stderr
    assert "new 0, duplicates 2" in geo("ingest", str(folder)).stderr
    collection = json.loads(geo("export", "--format", "geojson").stdout)
    assert collection["type"] == "FeatureCollection"
    assert {f["properties"]["name"] for f in collection["features"]} >= {"Sudzha", "Sumy", "Kursk"}
    assert all(f["geometry"]["type"] == "Point" for f in collection["features"])
    header = geo("export", "--format", "csv", "--type", "control_change").stdout.splitlines()[0]
    assert header == ("event_date,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,"
                      "longitude,geo_precision,source,notes")
    assert geo("reprocess").returncode == 0


def _geo(db, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "geo", *args, "--db", db], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def _write_articles(folder, count, start=0):
    folder.mkdir(exist_ok=True)
    for i in range(start, start + count):
        (folder / f"{i:05d}.txt").write_text(f"Report {i}: Russian forces advanced near Pokrovsk and Toretsk.",
                                            encoding="utf-8")


def test_two_ingest_processes_over_overlapping_folders_store_each_document_once(tmp_path):
    db = str(tmp_path / "s.sqlite")
    Store(db)
    _write_articles(tmp_path / "a", 150)
    _write_articles(tmp_path / "b", 150, start=75)
    runs = [_geo(db, "ingest", str(tmp_path / folder)) for folder in ("a", "b")]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    store = Store(db)
    assert store.counts()["documents"] == 225
    assert len(store.events()) == 225 * 2


def test_the_dashboard_reads_while_an_ingest_writes(tmp_path):
    db = str(tmp_path / "s.sqlite")
    store = Store(db)
    _write_articles(tmp_path / "in", 300)
    run = _geo(db, "ingest", str(tmp_path / "in"))
    reads = 0
    while run.poll() is None:
        frame = store.place_summary()  # never fails, never sees half a document
        assert frame.empty or (frame["events"] % 1 == 0).all()
        reads += 1
    assert run.returncode == 0 and reads > 0
    assert len(store.events()) == 600


def test_an_interrupted_ingest_keeps_finished_documents_whole_and_goes_on_when_run_again(tmp_path):
    import signal
    import time

    db = str(tmp_path / "s.sqlite")
    store = Store(db)
    _write_articles(tmp_path / "in", 2000)
    run = _geo(db, "ingest", str(tmp_path / "in"), "--workers", "2")
    deadline = time.monotonic() + 120
    while store.counts()["documents"] < 50 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=120)
    stored = store.counts()
    if run.returncode == 130:
        assert "interrupted" in err and "run again" in err
        assert 0 < stored["documents"] < 2000
    assert stored["events"] == 2 * stored["documents"]  # no half-written document
    again = _geo(db, "ingest", str(tmp_path / "in"))
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0 and f"new {2000 - stored['documents']}," in err
    assert Store(db).counts()["documents"] == 2000


@pytest.mark.slow
def test_a_folder_of_10000_files_with_bad_ones_among_them(tmp_path):
    db = str(tmp_path / "s.sqlite")
    folder = tmp_path / "many"
    _write_articles(folder, 10_000)
    for i in range(0, 10_000, 1000):  # ten bad files among them
        (folder / f"{i:05d}.txt").write_bytes(b"\x00\x01\x02" if i % 2000 else b"")
    run = _geo(db, "ingest", str(folder))
    _, err = run.communicate(timeout=900)
    assert run.returncode == 1
    assert "read 9990, new 9990, duplicates 0, failed 10" in err
    assert err.count("binary file") == 5 and err.count("empty file") == 5
    assert Store(db).counts()["documents"] == 9990


def test_an_empty_store_is_filled_with_the_sample_corpus_once(tmp_path):
    from geo.ingest import load_samples_if_empty, sample_paths

    store = Store(str(tmp_path / "s.sqlite"))
    assert len(sample_paths()) >= 30
    summary = load_samples_if_empty(store)
    assert summary.new == len(sample_paths()) and not summary.failed
    assert load_samples_if_empty(store) is None
    from geo import control

    held = control.control_as_of(store).set_index("name")
    assert held.loc["Sudzha", "holder"] == "Russia"  # retaken in March 2025
    assert held.loc["Kherson", "holder"] == "Ukraine"  # liberated in November 2022


def test_reprocessing_rewrites_events_and_keeps_pins(store, monkeypatch):
    from geo.ingest import reprocess

    ingest_documents([doc("Troops entered the village of Zzyzxivka near Sudzha.")], store, workers=1)
    store.pin(place_as_written="Zzyzxivka", name="Zzyzxivka", lat=51.25, lon=35.18)
    before = store.events().sort_values("start")
    assert reprocess(store, workers=1) == 1
    after = store.events().sort_values("start")
    assert list(after["place"]) == list(before["place"]) == ["Zzyzxivka", "Sudzha"]
    assert after.iloc[0]["lat"] == 51.25 and after.iloc[0]["precision"] == "pinned"


def test_the_review_list_holds_unplaced_names_and_places_under_the_threshold_until_pinned(store):
    from geo.records import CONFIDENT, event_record

    ids = {"Surevka": 900_001, "Dubivka": 900_002, "Edge": 900_003}

    def row(place, confidence):
        return event_record({"place": place, "name": place, "start": 0, "end": len(place), "lat": 48.5, "lon": 37.5,
                             "country": "UA", "admin1": "Donetsk", "feature": "PPL", "precision": "settlement",
                             "geonameid": ids[place], "event_type": "mention", "date": dt.date(2025, 3, 1),
                             "excerpt": f"About {place}.", "confidence": 0.9 * confidence,
                             "place_confidence": confidence})

    store.add(doc("three places"), [row("Surevka", 0.95), row("Dubivka", CONFIDENT - 0.05), row("Edge", CONFIDENT)])
    review = store.names_as_written(doubtful_only=True)
    assert list(review["place"]) == ["Dubivka"]  # 0.65 is under the threshold, even though it is above 0.5
    assert list(store.unresolved()["place"]) == ["Dubivka"]
    summary = store.place_summary().set_index("name")
    assert summary.loc["Dubivka", "place_confidence"] == pytest.approx(0.65)
    store.pin(place_as_written="Dubivka", name="Dubivka", lat=48.51, lon=37.52)
    assert store.names_as_written(doubtful_only=True).empty  # a pin is sure
    assert store.place_summary().set_index("name").loc["Dubivka", "place_confidence"] == 1.0
