"""The places where frontmap is meant to be extended: one entry adds an event type, a document reader or an
output format, and the parts of the geoparser and the settings come in from outside."""

import dataclasses
import io
import json
import re
from pathlib import Path

import pytest

from geo import documents, eventtypes, mapview, writers
from geo.acled import ACLED_COLUMNS, acled_rows
from geo.config import Settings
from geo.documents import Reader, iter_documents, make_document
from geo.eventtypes import EventType
from geo.ingest import ingest_documents
from geo.pipeline import Geoparser
from geo.records import EVENT_FIELDS, event_record
from geo.store import EventFilter, Store
from geo.theatre import Theatre

ROOT = Path(__file__).resolve().parent.parent
EVACUATION = EventType("evacuation", label="evacuation", title="Evacuations", colour="#00aa88", rank=1,
                       acled=("Strategic developments", "Non-violent transfer of territory"))


@pytest.fixture
def with_evacuations(monkeypatch):
    monkeypatch.setitem(eventtypes.EVENT_TYPES, "evacuation", EVACUATION)


def test_a_new_event_type_added_in_one_place_reaches_the_store_the_export_and_the_map(
        with_evacuations, parse, tmp_path):
    rows = [row | {"event_type": "evacuation"} for row in parse("Civilians left Kupiansk on Monday.")]
    store = Store(str(tmp_path / "store.sqlite"))
    store.add(make_document("Civilians left Kupiansk on Monday."), rows)

    [acled] = list(acled_rows(store.records()))
    assert (acled["event_type"], acled["sub_event_type"]) == EVACUATION.acled and tuple(acled) == ACLED_COLUMNS
    summary = store.place_summary(EventFilter())
    assert summary.loc[0, "evacuation"] == 1
    layers = mapview.place_features(summary)
    assert [f["properties"]["colour"] for f in layers["evacuation"]] == ["#00aa88"]
    assert ("Evacuations", "#00aa88") in mapview.Legend().items


def test_an_unknown_event_type_is_shown_as_itself_instead_of_failing():
    kind = eventtypes.event_type("airdrop")
    assert (kind, kind.label, kind.rank) == ("airdrop", "airdrop", -1)
    [row] = acled_rows([event_record({"event_type": "airdrop", "place": "Izium"})])
    assert row["location"] == "Izium" and row["event_type"] == "Strategic developments"


def test_a_reader_registered_from_outside_reads_its_files_in_folders(monkeypatch, tmp_path):
    def read_log(text, origin, published):
        for n, line in enumerate(text.splitlines(), 1):
            yield make_document(line.split("|", 1)[1], source=line.split("|", 1)[0], path=f"{origin}:{n}")

    monkeypatch.setattr(documents, "READERS", dict(documents.READERS))
    documents.register_reader(["wirelog"], Reader(read_log, feed=True))
    (tmp_path / "feed.wirelog").write_text("Agency A|Shelling hit Kherson.\nAgency B|Drones struck Sumy.\n")
    (tmp_path / "notes.bin").write_bytes(b"\x00ignored: no reader for this suffix")
    errors = []
    found = list(iter_documents([str(tmp_path)], None, errors))
    assert [(d.source, d.text) for d in found] == [("Agency A", "Shelling hit Kherson."),
                                                   ("Agency B", "Drones struck Sumy.")]
    assert errors == []


def test_a_writer_registered_from_outside_is_a_format_like_the_others(monkeypatch):
    monkeypatch.setitem(writers.WRITERS, "names", lambda rows, out: out.write(",".join(r["place"] for r in rows)))
    out = io.StringIO()
    writers.write_rows([{"place": "Sumy"}, {"place": "Izium"}], "names", out)
    assert out.getvalue() == "Sumy,Izium"


def test_ingest_uses_the_parser_its_factory_makes(gazetteer, lexicon, tmp_path):
    class StrikesOnly(Geoparser):
        def parse(self, document):
            return [dataclasses.replace(event, event_type="strike") for event in super().parse(document)]

    store = Store(str(tmp_path / "store.sqlite"))
    ingest_documents([make_document("Russian troops captured Vovchansk.")], store, workers=1,
                     parser_factory=lambda: StrikesOnly(gazetteer, lexicon))
    assert list(store.events()["event_type"]) == ["strike"]


def test_the_theatre_decides_which_namesake_wins_and_the_map_colours(gazetteer, lexicon):
    text = "Heavy fighting was reported in Odessa."
    texas = Theatre("Texas", focus_countries=("US",), side_colours={"Red": "#ff0000"})
    [here] = Geoparser(gazetteer, lexicon).parse(make_document(text))
    [there] = Geoparser(gazetteer, lexicon, theatre=texas).parse(make_document(text))
    assert (here.resolved.place.country, there.resolved.place.admin1) == ("UA", "Texas")
    assert ("Control change: taken by Red", "#ff0000") in mapview.Legend(texas).items


def test_settings_come_from_the_environment_in_one_place(tmp_path):
    env = {"FRONTMAP_DATA": str(tmp_path), "FRONTMAP_SAMPLES": "0"}
    assert Settings.from_env(env) == Settings(data_dir=tmp_path, db_url=f"sqlite:///{tmp_path / 'frontmap.sqlite'}",
                                              actors_path=None, load_samples=False)
    url = "postgresql+psycopg://u@h/frontmap"
    assert Settings.from_env(env | {"FRONTMAP_DB": url}).db_url == url
    code = [ROOT / "ui.py", ROOT / "dashboard.py", *ROOT.glob("pages/*.py"), *ROOT.glob("geo/*.py")]
    readers = [p.name for p in code if p.name != "config.py" and re.search(r"os\.environ|getenv", p.read_text())]
    assert readers == []


def test_extract_and_export_print_the_same_records(parse, tmp_path):
    text = "Russian forces captured Vovchansk on Friday, the Russian Defence Ministry said. Shelling hit Kherson."
    document = make_document(text, title="Report", source="Wire")
    extracted = [event.as_row() for event in Geoparser().parse(document)]
    store = Store(str(tmp_path / "store.sqlite"))
    store.add(document, extracted)
    exported = list(store.records())
    key = lambda r: r["start"]  # noqa: E731
    assert sorted(exported, key=key) == sorted(extracted, key=key)
    assert all(tuple(r) == tuple(EVENT_FIELDS) for r in exported + extracted)
    as_json = [json.loads(writers.json_text(r)) for r in sorted(exported, key=key)]
    assert as_json == [json.loads(writers.json_text(r)) for r in sorted(extracted, key=key)]
