"""The store: documents, their events, the places they resolved to, and manual place pins.

SQLAlchemy Core over SQLite by default (one file in the data folder, or FRONTMAP_DB / --db), and the
same code over PostgreSQL given a URL. Each document is written with its events in one transaction,
keyed by its content hash, so a document is stored once however often (or concurrently) it is fed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from geo.config import data_dir, settings
from geo.errors import FrontmapError
from geo.eventtypes import CONTROL_CHANGE, EVENT_TYPES, FRONTLINE
from geo.names import name_key
from geo.records import CONFIDENT, PRECISION_BY_FEATURE, Document, event_record

SCHEMA_VERSION = 5
metadata = sa.MetaData()

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))
documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("source", sa.Text, nullable=False, default=""),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("published", sa.Date),
    sa.Column("path", sa.Text, nullable=False, default=""),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
)


def _place_columns() -> list[sa.Column]:
    """What a place is: in the places table, and as the target of a pin."""
    return [sa.Column("name", sa.Text, nullable=False), sa.Column("lat", sa.Float, nullable=False),
            sa.Column("lon", sa.Float, nullable=False), sa.Column("country", sa.String(8), nullable=False, default=""),
            sa.Column("admin1", sa.Text, nullable=False, default=""),
            sa.Column("feature", sa.String(16), nullable=False, default=""), sa.Column("geonameid", sa.BigInteger)]


places = sa.Table(
    "places", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    *_place_columns(),
    sa.Column("precision", sa.String(16), nullable=False, default=""),
    sa.Column("geocoder", sa.String(32), nullable=False, default=""),  # gazetteer, an online service, or pin
)
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("place_key", sa.String(64), sa.ForeignKey("places.key")),
    sa.Column("surface", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("event_type", sa.String(24), nullable=False),
    sa.Column("actor", sa.Text, nullable=False, default=""),
    sa.Column("opponent", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(16), nullable=False, default=""),
    sa.Column("claimed_by", sa.Text, nullable=False, default=""),
    sa.Column("settlements_count", sa.Integer),
    sa.Column("actors", sa.Text, nullable=False, default=""),
    sa.Column("date", sa.Date),
    sa.Column("excerpt", sa.Text, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("cue", sa.Text, nullable=False, default=""),
    sa.Column("place_confidence", sa.Float),  # how sure the place is (records.EVENT_FIELDS); None: unknown
    sa.Index("ix_events_date", "date", "event_type", "actor", "confidence"),  # covers the timeline
    # Covers the per-place summary and the latest control change of each place (the map's queries).
    sa.Index("ix_events_place_summary", "place_key", "event_type", "date", "actor", "status", "confidence",
             "place_confidence"),
    sa.Index("ix_events_type_date", "event_type", "date"),
    sa.Index("ix_events_doc", "doc_id"),
    sa.Index("ix_events_type", "event_type"),
)
overrides = sa.Table(
    "overrides", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # A pin applies to every mention of a name (name_key set), or to one mention (doc_id + start).
    sa.Column("name_key", sa.Text),
    sa.Column("doc_id", sa.String(32)),
    sa.Column("start", sa.Integer),
    *_place_columns(),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
# A reference layer: one side's control on a date, as polygons a user loaded (GeoJSON), the prior of the
# control model. ("references" is a reserved word in SQL.)
reference_layers = sa.Table(
    "reference_layers", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, default=""),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("geojson", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# Versioned migrations: version → steps that bring a store from version - 1 to it.
def _v1_tables(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[documents, places, events, overrides])


def _v2_source_index(conn: sa.Connection) -> None:
    """The sources filter looks documents up by source."""
    # Plain DDL: an Index object would attach itself to the table and to version 1's create_all.
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_documents_source ON documents (source)"))


def _v3_reference_layers(conn: sa.Connection) -> None:
    """Reference control layers (issue 9)."""
    reference_layers.create(conn, checkfirst=True)


def _v4_cue_and_geocoder(conn: sa.Connection) -> None:
    """The words that decided each event (issue 8) and who placed each place (issue 7). A store whose tables
    version 1 created from this module's definitions has them already."""
    for table, column in (("events", "cue"), ("places", "geocoder")):
        if column not in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
            conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"))


def _v5_place_confidence(conn: sa.Connection) -> None:
    """How sure each event's place is, apart from the event's reading (issue 7's review threshold). Events stored
    before it have none: their event confidence stands in."""
    if "place_confidence" not in {c["name"] for c in sa.inspect(conn).get_columns("events")}:
        conn.execute(sa.text("ALTER TABLE events ADD COLUMN place_confidence FLOAT"))
    # The per-place summary's index covers it too (else the summary reads every event's row).
    conn.execute(sa.text("DROP INDEX IF EXISTS ix_events_place_summary"))
    conn.execute(sa.text("CREATE INDEX ix_events_place_summary ON events "
                         "(place_key, event_type, date, actor, status, confidence, place_confidence)"))


MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {1: _v1_tables, 2: _v2_source_index,
                                                          3: _v3_reference_layers, 4: _v4_cue_and_geocoder,
                                                          5: _v5_place_confidence}


# PostgreSQL's deadlock_detected and serialization_failure: the transaction may simply be run again.
_RETRYABLE = {"40P01", "40001"}
RETRIES = 5


class StoreError(FrontmapError):
    pass


def default_url() -> str:
    data_dir()  # the default store lives in the data folder: make sure it exists
    return settings().db_url


def _checked_url(url: str) -> str:
    """A SQLAlchemy URL for a SQLite path or a SQLite/PostgreSQL URL; anything else is refused, as is a store in
    memory (it would keep nothing)."""
    if "://" not in url:  # a plain path
        if ":" in url:
            raise StoreError(f"{url!r} is neither a SQLite file path nor a database URL "
                             "(such as postgresql+psycopg://user@host/frontmap)")
        url = f"sqlite:///{url}"
    if not url.startswith(("sqlite", "postgresql")):
        raise StoreError(f"unsupported database {url.split(':')[0]!r}: use SQLite or PostgreSQL")
    if url.startswith("sqlite") and url.split("://", 1)[1].lstrip("/").split("?")[0] in ("", ":memory:"):
        raise StoreError("a store in memory keeps nothing: give a SQLite file path or a database URL")
    if url.startswith("sqlite:///"):
        parent = Path(url.removeprefix("sqlite:///").split("?")[0]).parent
        if not parent.is_dir():
            raise StoreError(f"no folder {parent} for the SQLite store")
    return url


def _shown(url: str) -> str:
    """A URL as it may be printed: without its password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return repr(url.split("@")[-1])


def _place_key(row: dict) -> str | None:
    if row["lat"] is None:
        return None
    if row.get("geonameid"):
        return f"gn:{row['geonameid']}"
    return f"pt:{row['feature']}:{row['lat']:.4f},{row['lon']:.4f}"


def _pinned_place(target) -> dict:
    """A pin's target as a places row: a gazetteer entry keeps its precision, bare coordinates are "pinned"."""
    row = {column.name: target[column.name] for column in _place_columns()}
    row["precision"] = PRECISION_BY_FEATURE.get(row["feature"], "settlement") if row["feature"] else "pinned"
    row["geocoder"] = "pin"
    row["key"] = _place_key(row)
    return row


# Record fields (geo.records.EVENT_FIELDS) kept in the events and places tables under their own names; the
# document's fields live in documents, and the place as written is the events table's "surface".
_EVENT_FIELDS = ("start", "end", "event_type", "actor", "opponent", "status", "claimed_by", "settlements_count",
                 "actors", "date", "excerpt", "confidence", "cue", "place_confidence")
_PLACE_FIELDS = ("name", "lat", "lon", "country", "admin1", "feature", "geonameid", "precision", "geocoder")


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


_BULK_DOCUMENT_COLUMNS = _quoted(["id", "title", "source", "url", "published", "path", "text", "ingested_at"])


def _event_records(doc_id: str, rows: list[dict], pins: dict) -> tuple[dict[str, dict], list[dict]]:
    """A document's Event.as_row() rows as places rows (by key) and events rows, with pins applied."""
    place_rows, event_rows = {}, []
    for row in rows:
        pin = pins.get((doc_id, row["start"])) or pins.get(name_key(row["place"]))
        if pin is not None:
            row = row | pin | {"place_confidence": 1.0}  # placed by hand: sure
        elif "place_confidence" not in row:  # rows made before the field was kept
            row = row | {"place_confidence": None}
        key = _place_key(row)
        if key is not None:
            place_rows[key] = {"key": key} | {column: row[column] for column in _PLACE_FIELDS}
        event_rows.append({"doc_id": doc_id, "place_key": key, "surface": row["place"]}
                          | {column: row[column] for column in _EVENT_FIELDS})
    return place_rows, event_rows


def _place_confidence():
    """How sure an event's place is: its place confidence, or for events stored before it was kept, the event's
    confidence (which is never higher)."""
    return sa.func.coalesce(events.c.place_confidence, events.c.confidence)


@dataclass(frozen=True)
class EventFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    actors: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_confidence: float = 0.0
    bbox: tuple[float, float, float, float] | None = None  # south, west, north, east
    # How an event involves the actors: "involving" (as actor or opponent), "gained" (the actor: who took the
    # place, who struck), "lost" (the opponent: who lost the place).
    actor_role: str = "involving"

    def up_to_end(self) -> EventFilter:
        """What is known by the period's end: every report up to it, whatever the start, actors or types
        chosen (those choose which events are listed, not who holds a place)."""
        return replace(self, start=None, actors=(), event_types=(), actor_role="involving")


ACTOR_ROLES = ("involving", "gained", "lost")


class Store:
    def __init__(self, url: str | None = None):
        self.url = _checked_url(url or default_url())
        sqlite = self.url.startswith("sqlite")
        try:
            self.engine = sa.create_engine(self.url, connect_args={"timeout": 60} if sqlite else {},
                                           pool_pre_ping=not sqlite)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
            raise StoreError(f"cannot use the database URL {_shown(self.url)}: {exc}") from exc
        if sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            self.migrate()
        except sa.exc.DBAPIError as exc:
            raise StoreError(f"cannot open the store {_shown(self.url)}: {str(exc.orig).splitlines()[0]}") from exc

    # -- schema -------------------------------------------------------------------------------

    def version(self) -> int:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("schema_version"):
                return 0
            return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0

    def migrate(self) -> None:
        current = self.version()
        if current > SCHEMA_VERSION:
            raise StoreError(f"the store at {self.url} has schema {current}, newer than this frontmap "
                             f"({SCHEMA_VERSION}); upgrade frontmap")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            try:
                with self.engine.begin() as conn:
                    schema_version.create(conn, checkfirst=True)
                    MIGRATIONS[version](conn)
                    conn.execute(schema_version.insert().values(version=version))
            except sa.exc.DBAPIError:
                if self.version() < version:  # not another process migrating the same store meanwhile
                    raise
        self._check_columns()

    def _check_columns(self) -> None:
        """A store whose schema version claims columns its tables lack (edited by hand, or left by a development
        build) is refused with their names, before a query fails on one."""
        with self.engine.connect() as conn:
            inspector = sa.inspect(conn)
            missing = [f"{table.name}.{column.name}" for table in metadata.sorted_tables
                       if inspector.has_table(table.name)
                       for column in table.columns
                       if column.name not in {c["name"] for c in inspector.get_columns(table.name)}]
        if missing:
            raise StoreError(f"the store {_shown(self.url)} says it has schema {self.version()} but lacks the "
                             f"column(s) {', '.join(missing)}: open it with the frontmap that made it, or move it "
                             "aside to start a new store")

    # -- writing ------------------------------------------------------------------------------

    def stored_ids(self, doc_ids: list[str]) -> set[str]:
        """Which of these documents are stored already (asked in batches, not one by one)."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(doc_ids), 500):
                batch = doc_ids[i:i + 500]
                found.update(conn.execute(sa.select(documents.c.id).where(documents.c.id.in_(batch))).scalars())
        return found

    def has_document(self, doc_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(documents.c.id).where(documents.c.id == doc_id)).first() is not None

    def add(self, document: Document, rows: list[dict], pins: dict | None = None) -> bool:
        """Store a document with its events (Event.as_row() rows) in one transaction; False when it
        was already stored. pins: the store's pins if the caller has read them (see pins())."""
        def write(conn: sa.Connection) -> None:
            conn.execute(documents.insert().values(
                id=document.id, title=document.title, source=document.source, url=document.url,
                published=document.published, path=document.path, text=document.text,
                ingested_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
            self._write_events(conn, document.id, rows, pins)

        try:
            self._transaction(write)
        except IntegrityError:
            if self.has_document(document.id):
                return False  # stored by another ingest meanwhile
            raise
        return True

    def add_many(self, items: list[tuple[Document, list[dict]]], pins: dict | None = None) -> set[str]:
        """Store many documents with their events; returns the ids of those that were not stored before.
        All in one transaction. On PostgreSQL (psycopg 3) a bulk load with COPY: documents through a
        temporary table and INSERT ... ON CONFLICT DO NOTHING (so the content hash still decides what is
        new, even with concurrent loads), then the new documents' places and events."""
        by_id: dict[str, tuple[Document, list[dict]]] = {}
        for document, rows in items:
            by_id.setdefault(document.id, (document, rows))
        if not by_id:
            return set()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if self.engine.dialect.name != "postgresql" or self.engine.dialect.driver != "psycopg":
            return self._add_many_by_insert(by_id, pins, now)
        with self.engine.begin() as conn:
            pins = self._pins(conn) if pins is None else pins
            cursor = conn.connection.driver_connection.cursor()
            # Sorted keys: concurrent loads take their row locks in one order, so they cannot deadlock.
            cursor.execute("CREATE TEMP TABLE frontmap_load_documents (LIKE documents) ON COMMIT DROP")
            with cursor.copy(f"COPY frontmap_load_documents ({_BULK_DOCUMENT_COLUMNS}) FROM STDIN") as copy:
                for doc_id in sorted(by_id):
                    d = by_id[doc_id][0]
                    copy.write_row((d.id, d.title, d.source, d.url, d.published, d.path, d.text, now))
            cursor.execute(f"INSERT INTO documents ({_BULK_DOCUMENT_COLUMNS}) SELECT {_BULK_DOCUMENT_COLUMNS} "
                           "FROM frontmap_load_documents ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id")
            new = {row[0] for row in cursor.fetchall()}
            place_rows, event_rows = {}, []
            for doc_id in sorted(new):
                doc_places, doc_events = _event_records(doc_id, by_id[doc_id][1], pins)
                place_rows.update(doc_places)
                event_rows.extend(doc_events)
            place_columns = [c.name for c in places.columns]
            cursor.execute("CREATE TEMP TABLE frontmap_load_places (LIKE places) ON COMMIT DROP")
            with cursor.copy(f"COPY frontmap_load_places ({_quoted(place_columns)}) FROM STDIN") as copy:
                for key in sorted(place_rows):
                    copy.write_row(tuple(place_rows[key][c] for c in place_columns))
            cursor.execute(f"INSERT INTO places ({_quoted(place_columns)}) SELECT {_quoted(place_columns)} "
                           "FROM frontmap_load_places ORDER BY key ON CONFLICT (key) DO NOTHING")
            # Events belong to new documents only, so nothing can conflict: straight into the table.
            event_columns = [c.name for c in events.columns if c.name != "id"]
            with cursor.copy(f"COPY events ({_quoted(event_columns)}) FROM STDIN") as copy:
                for row in event_rows:
                    copy.write_row(tuple(row[c] for c in event_columns))
        return new

    def _add_many_by_insert(self, by_id: dict[str, tuple[Document, list[dict]]], pins: dict | None,
                            now: dt.datetime) -> set[str]:
        dialect = sa.dialects.sqlite if self.engine.dialect.name == "sqlite" else sa.dialects.postgresql
        new: set[str] = set()
        with self.engine.begin() as conn:
            pins = self._pins(conn) if pins is None else pins
            place_rows, event_rows = {}, []
            for doc_id in sorted(by_id):
                d, rows = by_id[doc_id]
                inserted = conn.execute(dialect.insert(documents).values(
                    id=d.id, title=d.title, source=d.source, url=d.url, published=d.published, path=d.path,
                    text=d.text, ingested_at=now).on_conflict_do_nothing(index_elements=["id"])).rowcount
                if inserted:
                    new.add(doc_id)
                    doc_places, doc_events = _event_records(doc_id, rows, pins)
                    place_rows.update(doc_places)
                    event_rows.extend(doc_events)
            if place_rows:
                self._insert_places(conn, [place_rows[key] for key in sorted(place_rows)])
            if event_rows:
                conn.execute(events.insert(), event_rows)
        return new

    def replace_events(self, doc_id: str, rows: list[dict], pins: dict | None = None) -> None:
        def write(conn: sa.Connection) -> None:
            conn.execute(events.delete().where(events.c.doc_id == doc_id))
            self._write_events(conn, doc_id, rows, pins)

        self._transaction(write)

    def _transaction(self, write: Callable[[sa.Connection], None]) -> None:
        """Run write in one transaction, again when the server chose it as a deadlock's or a serialization
        conflict's victim (concurrent ingests sharing places): such a failure means "try again"."""
        for attempt in range(RETRIES):
            try:
                with self.engine.begin() as conn:
                    write(conn)
                return
            except sa.exc.DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) not in _RETRYABLE or attempt == RETRIES - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.1) * (attempt + 1))

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document and its events; False when no such document is stored."""
        with self.engine.begin() as conn:
            conn.execute(events.delete().where(events.c.doc_id == doc_id))
            return conn.execute(documents.delete().where(documents.c.id == doc_id)).rowcount > 0

    def update_document(self, doc_id: str, rows: list[dict], *, published: dt.date | None, title: str,
                        source: str, url: str) -> None:
        """Change a stored document's date or details, with its events re-read (rows) in the same transaction.
        Its id, the hash of its content, stays. The new events are written before the old ones are removed, so
        their ids are new (generation() sees the change)."""
        with self.engine.begin() as conn:
            found = conn.execute(documents.update().where(documents.c.id == doc_id).values(
                published=published, title=title, source=source, url=url)).rowcount
            if not found:
                raise StoreError(f"no document {doc_id} in the store")
            old = list(conn.execute(sa.select(events.c.id).where(events.c.doc_id == doc_id)).scalars())
            self._write_events(conn, doc_id, rows, None)
            for i in range(0, len(old), 500):
                conn.execute(events.delete().where(events.c.id.in_(old[i:i + 500])))

    def replace_document(self, doc_id: str, document: Document, rows: list[dict]) -> bool:
        """An edited text: the old document goes and the new one (another content hash) comes, in one
        transaction. False when the new text is stored already (the old one is then only removed)."""
        with self.engine.begin() as conn:
            conn.execute(events.delete().where(events.c.doc_id == doc_id))
            conn.execute(documents.delete().where(documents.c.id == doc_id))
            if conn.execute(sa.select(documents.c.id).where(documents.c.id == document.id)).first():
                return False
            conn.execute(documents.insert().values(
                id=document.id, title=document.title, source=document.source, url=document.url,
                published=document.published, path=document.path, text=document.text,
                ingested_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
            self._write_events(conn, document.id, rows, None)
        return True

    def _write_events(self, conn: sa.Connection, doc_id: str, rows: list[dict], pins: dict | None) -> None:
        pins = self._pins(conn) if pins is None else pins
        place_rows, event_rows = _event_records(doc_id, rows, pins)
        if place_rows:  # in key order: two ingests lock shared places in the same order
            self._insert_places(conn, [place_rows[key] for key in sorted(place_rows)])
        if event_rows:
            conn.execute(events.insert(), event_rows)

    def _insert_places(self, conn: sa.Connection, rows: list[dict]) -> None:
        """Places are shared by documents: one may be stored already, or by a concurrent ingest meanwhile."""
        dialect = sa.dialects.sqlite if self.engine.dialect.name == "sqlite" else sa.dialects.postgresql
        conn.execute(dialect.insert(places).on_conflict_do_nothing(index_elements=["key"]), rows)

    def optimize(self) -> None:
        """Refresh the query planner's statistics after a large write."""
        with self.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))

    # -- overrides ----------------------------------------------------------------------------

    def pin(self, *, name: str, lat: float, lon: float, place_as_written: str | None = None,
            doc_id: str | None = None, start: int | None = None, country: str = "", admin1: str = "",
            feature: str = "", geonameid: int | None = None) -> None:
        """Pin a place name (everywhere) or one mention (doc_id + start) to a gazetteer entry or to
        coordinates; applies to stored events now and to later ingests."""
        if place_as_written is None and (doc_id is None or start is None):
            raise StoreError("pin a place name, or a mention by document id and start offset")
        target = {"name": name, "lat": lat, "lon": lon, "country": country, "admin1": admin1, "feature": feature,
                  "geonameid": geonameid}
        with self.engine.begin() as conn:
            conn.execute(overrides.insert().values(
                name_key=name_key(place_as_written) if place_as_written else None, doc_id=doc_id, start=start,
                created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None), **target))
            place = _pinned_place(target)
            self._insert_places(conn, [place])
            query = events.update().values(place_key=place["key"], place_confidence=1.0)
            if place_as_written:
                # Narrow in SQL, then compare as the recogniser does (case, apostrophes, Unicode form).
                candidates = conn.execute(sa.select(events.c.id, events.c.surface).where(
                    sa.func.lower(events.c.surface) == place_as_written.lower())).all()
                ids = [i for i, surface in candidates if name_key(surface) == name_key(place_as_written)]
                if ids:
                    conn.execute(query.where(events.c.id.in_(ids)))
            else:
                conn.execute(query.where(events.c.doc_id == doc_id, events.c.start == start))

    def pins(self) -> dict:
        """Every pin: name key → place, and (document id, start) → place. An ingest reads them once."""
        with self.engine.connect() as conn:
            return self._pins(conn)

    @staticmethod
    def _pins(conn: sa.Connection) -> dict:
        pins: dict = {}
        for row in conn.execute(sa.select(overrides).order_by(overrides.c.id)).mappings():
            pins[row["name_key"] or (row["doc_id"], row["start"])] = _pinned_place(row)
        return pins

    # -- reading ------------------------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).mappings().first()
        if row is None:
            return None
        return Document(id=row["id"], text=row["text"], title=row["title"], source=row["source"], url=row["url"],
                        published=row["published"], path=row["path"])

    def same_text(self, text: str) -> pd.DataFrame:
        """Stored documents with exactly this text (whatever their title, source or date)."""
        text = text.replace("\r\n", "\n").replace("\x00", "")
        query = (sa.select(documents.c.id, documents.c.title, documents.c.source, documents.c.published)
                 .where(sa.func.length(documents.c.text) == len(text), documents.c.text == text))
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def document_list(self, search: str = "", limit: int = 200) -> pd.DataFrame:
        """Stored documents, newest first, with their number of events; search matches title, source or id."""
        count = (sa.select(events.c.doc_id, sa.func.count().label("events")).group_by(events.c.doc_id)
                 .subquery())
        query = (sa.select(documents.c.id, documents.c.published, documents.c.title, documents.c.source,
                           documents.c.url, documents.c.path, sa.func.coalesce(count.c.events, 0).label("events"))
                 .select_from(documents.outerjoin(count, count.c.doc_id == documents.c.id))
                 .order_by(documents.c.published.desc(), documents.c.ingested_at.desc()).limit(limit))
        if search:
            like = f"%{search.lower()}%"
            query = query.where(sa.or_(sa.func.lower(documents.c.title).like(like),
                                       sa.func.lower(documents.c.source).like(like), documents.c.id == search))
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def generation(self) -> tuple:
        """A fingerprint of the store's content that every write changes, from this process or another: the key
        of the dashboard's query cache and of the control and territory caches. An ingest and a delete change
        the number of documents and events; an edit or re-date writes its new events before removing the old
        ones, so the newest event id grows; a pin adds an override; a reference layer is added or removed."""
        with self.engine.connect() as conn:
            state = [conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar()]
            for table in (events, overrides, reference_layers):
                state.extend(conn.execute(sa.select(sa.func.count(), sa.func.max(table.c.id))
                                          .select_from(table)).one())
            return tuple(state)

    def place(self, place_key: str) -> dict | None:
        """A stored place by its key."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(places).where(places.c.key == place_key)).mappings().first()
        return dict(row) if row else None

    def control_changes(self, place_key: str) -> pd.DataFrame:
        """A place's control changes with a known actor, in every period: its control history's input (not
        every excerpt of the place)."""
        query = (sa.select(events.c.id, events.c.date, events.c.event_type, events.c.actor, events.c.opponent,
                           events.c.status, events.c.claimed_by, documents.c.source)
                 .select_from(events.join(documents, events.c.doc_id == documents.c.id))
                 .where(events.c.place_key == place_key, events.c.event_type == CONTROL_CHANGE,
                        events.c.actor != ""))
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def event_count(self, f: EventFilter = EventFilter()) -> int:
        query = self._where(sa.select(sa.func.count()).select_from(self._joined(f)), f)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def excerpt_count(self, place_key: str, f: EventFilter = EventFilter()) -> int:
        query = self._where(sa.select(sa.func.count()).select_from(self._joined(f))
                            .where(events.c.place_key == place_key), f)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def stored_documents(self) -> Iterable[Document]:
        with self.engine.connect() as conn:
            for row in conn.execute(sa.select(documents).order_by(documents.c.id)).mappings():
                yield Document(id=row["id"], text=row["text"], title=row["title"], source=row["source"],
                               url=row["url"], published=row["published"], path=row["path"])

    @staticmethod
    def _where(query: sa.Select, f: EventFilter) -> sa.Select:
        if f.start:
            query = query.where(events.c.date >= f.start)
        if f.end:
            query = query.where(events.c.date <= f.end)
        if f.actors:
            if f.actor_role == "gained":
                query = query.where(events.c.actor.in_(f.actors))
            elif f.actor_role == "lost":
                query = query.where(events.c.opponent.in_(f.actors))
            else:
                query = query.where(sa.or_(events.c.actor.in_(f.actors), events.c.opponent.in_(f.actors)))
        if f.event_types:
            query = query.where(events.c.event_type.in_(f.event_types))
        if f.sources:
            query = query.where(documents.c.source.in_(f.sources))
        if f.min_confidence:
            query = query.where(events.c.confidence >= f.min_confidence)
        if f.bbox:
            south, west, north, east = f.bbox
            query = query.where(places.c.lat.between(south, north), places.c.lon.between(west, east))
        return query

    @staticmethod
    def _joined(f: EventFilter | None = None) -> sa.FromClause:
        """Events with the tables the filter needs (all of them without a filter)."""
        joined = events
        if f is None or f.sources:
            joined = joined.join(documents, events.c.doc_id == documents.c.id)
        if f is None or f.bbox:
            joined = joined.outerjoin(places, events.c.place_key == places.c.key)
        return joined

    def _events_query(self, f: EventFilter) -> sa.Select:
        """Event records (geo.records.EVENT_FIELDS) with the event's id and place key."""
        columns = [events.c.id, events.c.place_key, events.c.doc_id.label("doc"), documents.c.title,
                   documents.c.source, documents.c.url, documents.c.published, events.c.surface.label("place")]
        columns += [places.c[c] for c in _PLACE_FIELDS] + [events.c[c] for c in _EVENT_FIELDS]
        return self._where(sa.select(*columns).select_from(self._joined()), f)

    def events(self, f: EventFilter = EventFilter(), limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """Event records with their id and place key, newest first (a page of them: `limit` from `offset`)."""
        query = (self._events_query(f).order_by(events.c.date.desc(), events.c.id.desc()).limit(limit)
                 .offset(offset or None))
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def records(self, f: EventFilter = EventFilter()) -> Iterator[dict]:
        """Event records (geo.records.EVENT_FIELDS, the same as extract prints), newest first."""
        query = self._events_query(f).order_by(events.c.date.desc(), events.c.id.desc())
        with self.engine.connect() as conn:
            for row in conn.execute(query).mappings():
                yield event_record(row)

    def excerpts(self, place_key: str, f: EventFilter = EventFilter(), limit: int | None = None,
                 offset: int = 0) -> pd.DataFrame:
        """Every excerpt that mentions a place, newest first (a page of them: limit from offset)."""
        query = self._events_query(f).where(events.c.place_key == place_key)
        query = query.order_by(events.c.date.desc(), events.c.id.desc()).limit(limit).offset(offset or None)
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def place_summary(self, f: EventFilter = EventFilter()) -> pd.DataFrame:
        """Per place, in the filtered events: how many of each type, the last date, and the place's highest
        confidence (place_confidence: a place is uncertain when no event in view places it with a confidence of
        records.CONFIDENT or more). Who holds a place is the control model's (geo/control.py), not this
        summary's."""
        def count_of(kind: str):
            return sa.func.sum(sa.case((events.c.event_type == kind, 1), else_=0)).label(kind)

        per_place = self._where(
            sa.select(events.c.place_key, sa.func.count().label("events"),
                      sa.func.max(events.c.date).label("last_date"),
                      sa.func.max(_place_confidence()).label("place_confidence"),
                      *(count_of(kind) for kind in EVENT_TYPES))
            .select_from(self._joined(f)).where(events.c.place_key.is_not(None)), f,
        ).group_by(events.c.place_key).subquery()
        query = (sa.select(places.c.key.label("place_key"), *(places.c[c] for c in _PLACE_FIELDS),
                           per_place.c.events, per_place.c.last_date, per_place.c.place_confidence,
                           *(per_place.c[kind] for kind in EVENT_TYPES))
                 .select_from(places.join(per_place, per_place.c.place_key == places.c.key))
                 .order_by(per_place.c.events.desc()))
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def daily_counts(self, f: EventFilter = EventFilter()) -> pd.DataFrame:
        """Events per day and type, for the timeline."""
        query = self._where(sa.select(events.c.date, events.c.event_type, events.c.actor,
                                      sa.func.count().label("events")).select_from(self._joined(f)), f)
        query = query.group_by(events.c.date, events.c.event_type, events.c.actor).order_by(events.c.date)
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def facets(self) -> dict:
        """What the filters can offer: actors, sources, and the first and last event dates."""
        with self.engine.connect() as conn:
            actors = conn.execute(sa.select(events.c.actor).where(events.c.actor != "").distinct()).scalars()
            sources = conn.execute(sa.select(documents.c.source).where(documents.c.source != "").distinct()).scalars()
            first, last = conn.execute(sa.select(sa.func.min(events.c.date), sa.func.max(events.c.date))).one()
            return {"actors": sorted(actors), "sources": sorted(sources), "first": first, "last": last}

    def names_as_written(self, doubtful_only: bool = False, limit: int = 5000) -> pd.DataFrame:
        """Each place name as written, with how often, where it resolved (the most frequent place) and the lowest
        confidence in its place: what the Places page lets one fix. doubtful_only: unplaced, or placed with a
        confidence under records.CONFIDENT (uncertain) at least once."""
        query = (sa.select(events.c.surface.label("place"), sa.func.count().label("mentions"),
                           sa.func.min(_place_confidence()).label("confidence"),
                           sa.func.max(places.c.name).label("name"), sa.func.max(places.c.admin1).label("admin1"),
                           sa.func.max(places.c.country).label("country"),
                           sa.func.count(sa.distinct(events.c.place_key)).label("places"))
                 .select_from(events.outerjoin(places, events.c.place_key == places.c.key))
                 .group_by(events.c.surface).order_by(sa.func.count().desc()).limit(limit))
        if doubtful_only:
            query = query.having(sa.or_(sa.func.min(_place_confidence()) < CONFIDENT,
                                        sa.func.count(events.c.place_key) < sa.func.count()))
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn).fillna({"name": "", "admin1": "", "country": ""})

    def unresolved(self, limit: int = 500) -> pd.DataFrame:
        """Mentions with no place, or placed with a confidence under records.CONFIDENT: the ones to review and
        pin."""
        query = (self._events_query(EventFilter())
                 .where(sa.or_(events.c.place_key.is_(None), _place_confidence() < CONFIDENT))
                 .order_by(events.c.place_key.is_not(None), events.c.date.desc()).limit(limit))
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    # -- control (issue 9) -----------------------------------------------------------------------

    def control_events(self, end: dt.date | None = None,
                       event_types: tuple[str, ...] = (CONTROL_CHANGE, FRONTLINE)) -> pd.DataFrame:
        """Every placed event of these types up to a date (all of them without one), whatever any period
        filter says, with its place and document, oldest first: what the control model reads."""
        # Three plain queries joined here, the date as stored (ISO text in SQLite) parsed at once: SQL joins,
        # a row-by-row Date conversion and read_sql cost seconds at 40k rows.
        columns = [events.c.id, events.c.doc_id.label("doc"), events.c.place_key, events.c.surface.label("place")]
        columns += [events.c[c] for c in ("event_type", "actor", "opponent", "status", "claimed_by")]
        columns += [sa.type_coerce(events.c.date, sa.String).label("date"), events.c.excerpt, events.c.confidence,
                    _place_confidence().label("place_confidence")]
        query = sa.select(*columns).where(events.c.event_type.in_(event_types), events.c.date.is_not(None),
                                          events.c.place_key.is_not(None))
        if end:
            query = query.where(events.c.date <= end)
        place_columns = [places.c.key.label("place_key")] + [places.c[c] for c in (
            "name", "lat", "lon", "country", "admin1", "feature", "precision")]
        with self.engine.connect() as conn:
            frames = []
            for select in (query, sa.select(*place_columns),
                           sa.select(documents.c.id.label("doc"), documents.c.title, documents.c.source,
                                     documents.c.url)):
                result = conn.execute(select)
                frames.append(pd.DataFrame([tuple(row) for row in result.all()], columns=list(result.keys())))
        found, place_rows, document_rows = frames
        found["date"] = pd.to_datetime(found["date"].astype(str), format="ISO8601")
        found = found.merge(place_rows, on="place_key").merge(document_rows, on="doc", how="left")
        return found.sort_values(["date", "id"], kind="stable").reset_index(drop=True)

    def settlements(self) -> pd.DataFrame:
        """Every stored place that is a point (not a region, district, country or continent)."""
        query = (sa.select(places.c.key.label("place_key"), *(places.c[c] for c in _PLACE_FIELDS))
                 .where(places.c.precision.not_in(("region", "district", "country", "continent"))))
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def add_reference(self, *, holder: str, date: dt.date, geojson: str, name: str = "") -> int:
        """Store a reference layer (GeoJSON text, already checked by the caller); returns its id."""
        if not holder:
            raise StoreError("a reference layer needs the side whose control it shows")
        with self.engine.begin() as conn:
            return conn.execute(reference_layers.insert().values(
                name=name, holder=holder, date=date, geojson=geojson,
                created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))).inserted_primary_key[0]

    def references(self) -> pd.DataFrame:
        """Every reference layer, oldest date first."""
        with self.engine.connect() as conn:
            return pd.read_sql(sa.select(reference_layers).order_by(reference_layers.c.date, reference_layers.c.id),
                               conn)

    def remove_reference(self, reference_id: int) -> bool:
        with self.engine.begin() as conn:
            return conn.execute(reference_layers.delete().where(reference_layers.c.id == reference_id)).rowcount > 0

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    for t in (documents, events, places, overrides)}


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    # WAL: the dashboard reads while an ingest writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
