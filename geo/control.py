"""The control model: who holds each settlement as of any date, from every report up to that date.

A period filter chooses which events a view lists; it does not choose what is known. So the state of a
settlement as of D is read from *all* control reports up to D (control changes, and fighting reported inside
the place), and from the reference layers dated up to D, which act as the prior: a settlement inside a
reference polygon is held by that side unless a newer report says otherwise.

Per settlement and day, the reports of that day are read together:
- one side claims it (captured, liberated, withdrawal of the other side): that side holds it from that day,
  "claimed", or "confirmed" when a report confirms it;
- two sides claim it the same day: "contested", both claims kept, the holder stays who held it before;
- a contested report, or fighting reported inside the place: "contested", the holder kept;
- a denial of the holder's own (unconfirmed) claim: the holder before that claim again, "denied".
Regions, districts and countries never hold anything as points: their reports are listed for the region.

The states are computed once per store state as a timeline (one row per settlement and report day), so the
state as of any date is a vectorised look-up, cached per (store state, date).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.errors import FrontmapError
from geo.eventtypes import CONTROL_CHANGE, FRONTLINE
from geo.records import is_uncertain
from geo.store import Store

CLAIMED, CONTESTED, CONFIRMED, DENIED = "claimed", "contested", "confirmed", "denied"
REFERENCE = "reference"  # the state comes from a reference layer, no report since
AREA_PRECISIONS = ("region", "district", "country", "continent")
CSV_COLUMNS = ("name", "lat", "lon", "country", "admin1", "holder", "status", "since", "claimed_by", "reports",
               "last_report")
_STATE_COLUMNS = ("place_key", "date", "holder", "status", "since", "claimed_by", "reports", "last_report",
                  "report_ids", "reference_id", "contest_last", "settled_status", "settled_since")
# A place reported contested (fighting inside it, rival claims) and held by a side goes back to that side's
# plain holding when no report has contested it for this long.
CONTEST_EXPIRES = pd.Timedelta(days=30)

# Fighting reported *inside* a place (in, inside, within, into, the streets of ...) contests it; fighting near
# it, towards it or in its direction does not.
_INSIDE_BEFORE = re.compile(
    r"\b(?:in|inside|within|into|entered|streets of|cent(?:re|er) of|(?:eastern|western|northern|southern|"
    r"central) (?:part|parts|districts?|outskirts) of|parts? of|districts? of)\s+(?:the\s+)?"
    r"(?:(?:town|city|village|settlement)\s+of\s+)?$", re.IGNORECASE)
_NOT_THE_PLACE_AFTER = re.compile(r"^\W*(?:direction|axis|sector|area|front|district|region|oblast|raion)\b",
                                  re.IGNORECASE)


class ControlError(FrontmapError):
    """A reference layer that cannot be read (to go under FrontmapError when it exists)."""


def fighting_inside(excerpt: str, surface: str) -> bool:
    """Whether a frontline report puts the fighting inside the place (not near it, nor in its direction)."""
    if not surface:
        return False
    at = excerpt.find(surface)
    while at >= 0:
        if _INSIDE_BEFORE.search(excerpt[max(0, at - 60):at]) and \
                not _NOT_THE_PLACE_AFTER.match(excerpt[at + len(surface):at + len(surface) + 20]):
            return True
        at = excerpt.find(surface, at + 1)
    return False


@dataclass
class _State:
    holder: str = ""
    status: str = ""
    since: object = None
    claimed_by: str = ""
    report_ids: tuple = ()
    reference_id: int | None = None
    before: tuple | None = None  # (holder, status, since, claimed_by) before the current holder's claim
    contest_last: object = None  # the last day the place was reported contested
    settled: tuple = ("", None)  # (status, since) before the contest began


def _joined(names) -> str:
    return "; ".join(dict.fromkeys(n for n in names if n))


def _read_day(state: _State, day, items: list[tuple]) -> None:
    """Apply one day's reports (and reference, which comes last: a same-day report is not newer) to a state.
    items: (kind, side, status, claimed_by, event_id, reference_id) with kind gain|contest|denial|reference."""
    if not items:
        return
    reference = next((i for i in items if i[0] == "reference"), None)
    denials = [i for i in items if i[0] == "denial"]
    denied_sides = {i[1] for i in denials}
    gains = [i for i in items if i[0] == "gain" and i[1] not in denied_sides]
    contests = [i for i in items if i[0] == "contest"]
    sides = list(dict.fromkeys(i[1] for i in gains))
    contested_before = state.status == CONTESTED

    def contest(settled: tuple) -> None:
        if not contested_before:
            state.settled = settled
        state.status, state.contest_last = CONTESTED, day

    if len(sides) >= 2:  # two sides claim it at once
        if not contested_before:
            state.since, state.report_ids = day, ()
        contest((state.status, state.since))
        state.claimed_by = _joined(i[3] or i[1] for i in gains)
        state.report_ids += tuple(i[4] for i in gains + contests)
    elif sides:
        side = sides[0]
        confirmed = any(i[2] == CONFIRMED for i in gains)
        status = CONFIRMED if confirmed else CLAIMED
        if side != state.holder or contested_before or contests:
            if side != state.holder:
                state.before = (state.holder, state.status, state.since, state.claimed_by)
            state.holder, state.since, state.report_ids, state.status = side, day, (), status
            contested_before = False
        elif confirmed or state.status == REFERENCE:  # a report now backs the holding
            state.status = status if state.status != CONFIRMED else CONFIRMED
        if contests:  # claimed, and fighting still reported inside
            contest((status, day))
        state.claimed_by = _joined(i[3] for i in gains + contests) or state.claimed_by
        state.report_ids += tuple(i[4] for i in gains + contests)
        state.reference_id = None
    elif contests:
        if not contested_before:
            state.report_ids = ()
            contest((state.status, state.since))
            state.since = day
        state.contest_last = day
        state.claimed_by = _joined(i[3] for i in contests) or state.claimed_by
        state.report_ids += tuple(i[4] for i in contests)
    if denials and not gains and state.holder in denied_sides and state.status == CLAIMED and state.before:
        state.holder, _, state.since, _ = state.before
        state.status, state.claimed_by = DENIED, _joined(i[3] for i in denials)
        state.report_ids += tuple(i[4] for i in denials)
        state.before = None
    if reference is not None:
        if reference[1] != state.holder:
            state.before = (state.holder, state.status, state.since, state.claimed_by)
        state.holder, state.status, state.since, state.claimed_by = reference[1], REFERENCE, day, reference[3]
        state.report_ids, state.reference_id = (), reference[5]


def _kind(event_type: str, actor: str, status: str, inside: bool) -> str | None:
    if event_type == CONTROL_CHANGE:
        if status == DENIED:
            return "denial" if actor else None
        if status == CONTESTED:
            return "contest"
        return "gain" if actor else None
    if event_type == FRONTLINE and inside:
        return "contest"
    return None


def reference_polygons(reference_geojson: str):
    """A reference layer's polygons (lon/lat) as one shapely geometry; ControlError when there are none."""
    import shapely
    from shapely.geometry import shape

    try:
        data = json.loads(reference_geojson)
    except (TypeError, ValueError) as exc:
        raise ControlError(f"the reference layer is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ControlError("the reference layer is not a GeoJSON object")
    if data.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") for f in data.get("features") or [] if isinstance(f, dict)]
    elif data.get("type") == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    shapes = []
    for geometry in geometries:
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        try:
            shapes.append(shapely.make_valid(shape(geometry)))
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            raise ControlError(f"a reference polygon does not parse: {exc}") from exc
    polygons = [p for s in shapes for p in shapely.get_parts(s) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        raise ControlError("the reference layer has no Polygon or MultiPolygon")
    return shapely.union_all(polygons)


def read_reference_file(path: str) -> str:
    """A reference GeoJSON file's text, checked (it must hold polygons) and compacted."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ControlError(f"cannot read {path}: {exc}") from exc
    reference_polygons(text)
    return json.dumps(json.loads(text), separators=(",", ":"))


class ControlModel:
    """Every settlement's control timeline, from a store's control reports and reference layers."""

    def __init__(self, reports: pd.DataFrame, references: pd.DataFrame | None = None,
                 settlements: pd.DataFrame | None = None):
        reports = reports.copy()
        if len(reports):
            reports["date"] = pd.to_datetime(reports["date"])
        else:
            reports["date"] = pd.Series(dtype="datetime64[ns]")
        for column in ("actor", "opponent", "status", "claimed_by", "excerpt", "place", "precision"):
            reports[column] = reports[column].fillna("") if column in reports else ""
        if "place_confidence" not in reports:
            reports["place_confidence"] = 1.0  # reports from elsewhere, placed as given
        points = ~reports["precision"].isin(AREA_PRECISIONS)
        self.reports = reports[points].reset_index(drop=True)
        self.area_reports = reports[~points].reset_index(drop=True)
        self.references = references if references is not None else pd.DataFrame(
            columns=["id", "name", "holder", "date", "geojson"])
        self.places = self._places(self.reports, settlements)
        self.timeline = self._timeline()
        self._cache: OrderedDict = OrderedDict()
        self._cache_lock = threading.Lock()  # the dashboard's sessions share a model

    @staticmethod
    def _places(reports: pd.DataFrame, settlements: pd.DataFrame | None) -> pd.DataFrame:
        """The places, each with uncertain_place: no report places it with a confidence of CONFIDENT or more."""
        columns = ["place_key", "name", "lat", "lon", "country", "admin1"]
        surest = reports.groupby("place_key")["place_confidence"].max()
        frames = [reports[columns].assign(uncertain_place=reports["place_key"].map(surest).map(is_uncertain))]
        if settlements is not None and len(settlements):
            frames.append(settlements[columns].assign(uncertain_place=False))
        return pd.concat(frames).drop_duplicates("place_key").set_index("place_key")

    def _reference_items(self) -> list[tuple]:
        """(place_key, date, item) for every settlement inside a reference layer."""
        import shapely

        items = []
        if not len(self.references) or not len(self.places):
            return items
        lon, lat = self.places["lon"].to_numpy(float), self.places["lat"].to_numpy(float)
        for ref in self.references.to_dict("records"):
            area = reference_polygons(ref["geojson"])
            shapely.prepare(area)
            inside = shapely.contains_xy(area, lon, lat)
            label = f"reference: {ref['name']}" if ref["name"] else f"reference {ref['id']}"
            day = _day_number(pd.Timestamp(ref["date"]))
            for key in self.places.index[inside]:
                items.append((key, day, ("reference", ref["holder"], REFERENCE, label, None, int(ref["id"]))))
        return items

    def _timeline(self) -> pd.DataFrame:
        r = self.reports
        column = {name: r[name].tolist() for name in ("place_key", "event_type", "actor", "status",
                                                      "claimed_by", "id", "excerpt", "place")}
        # Days as integers in the loop: comparing Timestamps one by one is slow.
        column["date"] = r["date"].to_numpy("datetime64[D]").astype(np.int64).tolist()
        inside = [t == FRONTLINE and fighting_inside(e, s)
                  for t, e, s in zip(column["event_type"], column["excerpt"], column["place"], strict=True)]
        per_place: dict[str, list] = {}
        for key, day, event_type, actor, status, claimed_by, event_id, is_inside in zip(
                column["place_key"], column["date"], column["event_type"], column["actor"], column["status"],
                column["claimed_by"], column["id"], inside, strict=True):
            kind = _kind(event_type, actor, status, is_inside)
            per_place.setdefault(key, []).append((day, (kind, actor, status, claimed_by, int(event_id), None)))
        for key, day, item in self._reference_items():
            per_place.setdefault(key, []).append((day, item))
        rows = []
        for key, items in per_place.items():
            items.sort(key=lambda pair: (pair[0], pair[1][0] == "reference"))
            state, reports, last = _State(), 0, None
            i, n = 0, len(items)
            while i < n:
                day = items[i][0]
                j = i + 1
                while j < n and items[j][0] == day:
                    j += 1
                if j == i + 1:  # one report that day: the common case
                    item = items[i][1]
                    if item[0] != "reference":
                        reports, last = reports + 1, day
                    if item[0] is not None:
                        _read_day(state, day, [item])
                else:
                    todays = [item for _, item in items[i:j]]
                    reported = sum(item[0] != "reference" for item in todays)
                    if reported:
                        reports, last = reports + reported, day
                    _read_day(state, day, [item for item in todays if item[0] is not None])
                if state.holder or state.status:
                    rows.append((key, day, state.holder, state.status, state.since, state.claimed_by, reports, last,
                                 state.report_ids, state.reference_id, state.contest_last, *state.settled))
                i = j
        timeline = pd.DataFrame(rows, columns=list(_STATE_COLUMNS))
        for name in ("date", "since", "last_report", "contest_last", "settled_since"):
            timeline[name] = pd.to_datetime(pd.to_numeric(timeline[name], errors="coerce"), unit="D")
        return timeline.sort_values(["place_key", "date"], kind="stable").reset_index(drop=True)

    # -- the picture as of a date ---------------------------------------------------------------

    def picture_day(self, day: dt.date | None) -> pd.Timestamp | None:
        """The day as the caches key it: None (the latest picture) for no day and for the latest report's day,
        whose pictures are the same (so "the last 30 days" does not compute the latest picture again)."""
        if not day:
            return None
        stamp = pd.Timestamp(day)
        return None if len(self.timeline) and stamp == self.timeline["date"].max() else stamp

    def as_of(self, day: dt.date | None = None) -> pd.DataFrame:
        """Every settlement with a known state as of the day (the latest state without one): the CSV columns,
        place_key, report_ids, reference_id and uncertain_place. Cached per day."""
        cache_key = self.picture_day(day)
        with self._cache_lock:
            if cache_key in self._cache:
                self._cache.move_to_end(cache_key)
                return self._cache[cache_key]
        timeline = self.timeline if cache_key is None else self.timeline[self.timeline["date"] <= cache_key]
        latest = timeline.drop_duplicates("place_key", keep="last")
        reference_day = cache_key if cache_key is not None else self.timeline["date"].max()
        expired = ((latest["status"] == CONTESTED) & (latest["holder"] != "")
                   & (pd.to_datetime(latest["contest_last"]) < reference_day - CONTEST_EXPIRES)).to_numpy()
        if expired.any():
            latest = latest.copy()
            latest.loc[expired, "status"] = latest.loc[expired, "settled_status"]
            latest.loc[expired, "since"] = latest.loc[expired, "settled_since"]
        frame = latest.join(self.places, on="place_key")
        frame = frame.assign(since=_dates(frame["since"]), last_report=_dates(frame["last_report"]))
        frame = frame[["place_key", *CSV_COLUMNS, "report_ids", "reference_id", "uncertain_place"]].sort_values(
            ["name", "place_key"]).reset_index(drop=True)
        with self._cache_lock:
            self._cache[cache_key] = frame
            if len(self._cache) > 64:
                self._cache.popitem(last=False)
        return frame

    def area_events(self, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        """The control reports about regions, districts and countries in a period: listed, never held."""
        frame = self.area_reports
        if start:
            frame = frame[frame["date"] >= pd.Timestamp(start)]
        if end:
            frame = frame[frame["date"] <= pd.Timestamp(end)]
        return frame.sort_values(["date", "id"], ascending=False).reset_index(drop=True)

    def reports_of(self, ids) -> pd.DataFrame:
        """The reports behind a state: their excerpts, sources and dates."""
        ids = list(ids)
        return self.reports[self.reports["id"].isin(ids)].sort_values(["date", "id"]).reset_index(drop=True)

    # -- one settlement ---------------------------------------------------------------------------

    def history(self, place_key: str) -> pd.DataFrame:
        """A settlement's full control timeline: every report (oldest first) with the state after its day."""
        reports = self.reports[self.reports["place_key"] == place_key]
        reports = reports.assign(reading=[
            _kind(t, a, s, t == FRONTLINE and fighting_inside(e, sf)) or "mention"
            for t, a, s, e, sf in zip(reports["event_type"], reports["actor"], reports["status"],
                                      reports["excerpt"], reports["place"], strict=True)])
        states = self.timeline[self.timeline["place_key"] == place_key][["date", "holder", "status", "since"]]
        states = states.rename(columns={"holder": "holder_after", "status": "status_after", "since": "since_after"})
        return reports.merge(states, on="date", how="left").reset_index(drop=True)

    def claims_side_by_side(self, place_key: str) -> pd.DataFrame:
        """Per report day: what each side's claims said, next to each other, and the state after the day."""
        history = self.history(place_key)
        if not len(history):
            return pd.DataFrame(columns=["date", "holder after", "status after"])
        history = history.assign(side=history["actor"].where(history["actor"] != "", "fighting / other"),
                                 said=[f"{r} ({s or 'reported'}{', by ' + c if c else ''})"
                                       for r, s, c in zip(history["reading"], history["status"],
                                                          history["claimed_by"], strict=True)])
        table = history.pivot_table(index="date", columns="side", values="said",
                                    aggfunc=lambda values: " | ".join(values))
        after = history.drop_duplicates("date", keep="last").set_index("date")[["holder_after", "status_after"]]
        table = table.join(after.rename(columns={"holder_after": "holder after", "status_after": "status after"}))
        table = table.reset_index()
        table["date"] = table["date"].dt.date
        return table.fillna("")

    # -- changes and disagreements --------------------------------------------------------------

    def changes(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Settlements whose holder or contested state differs between two dates, with the side that gained
        and the side that lost, and the reports between the dates behind each change."""
        before = self.as_of(start).set_index("place_key")
        after = self.as_of(end).set_index("place_key")
        joined = after.join(before[["holder", "status"]].rename(columns=lambda c: f"{c}_before"), how="left")
        joined[["holder_before", "status_before"]] = joined[["holder_before", "status_before"]].fillna("")
        changed = (joined["holder"] != joined["holder_before"]) | (
            (joined["status"] == CONTESTED) != (joined["status_before"] == CONTESTED))
        joined = joined[changed].reset_index()
        joined["gained_by"] = np.where(joined["holder"] != joined["holder_before"], joined["holder"], "")
        joined["lost_by"] = np.where(joined["holder"] != joined["holder_before"], joined["holder_before"], "")
        dates = self.reports["date"]
        window = self.reports[(dates > pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]
        by_place = window.groupby("place_key")["id"].apply(tuple)
        joined["change_report_ids"] = joined["place_key"].map(by_place).apply(
            lambda ids: ids if isinstance(ids, tuple) else ())
        return joined

    def disagreements(self, day: dt.date | None = None) -> pd.DataFrame:
        """Settlements inside a reference layer that reports dated after the reference (up to the day) put in
        another side's hands, or contest: one row per contradicting report, with its excerpt."""
        import shapely

        rows = []
        if not len(self.references) or not len(self.reports):
            return pd.DataFrame(columns=["reference_id", "reference", "reference_holder", "reference_date",
                                         "place_key", "name", "date", "reading", "actor", "status", "claimed_by",
                                         "excerpt", "source", "title", "url"])
        lon, lat = self.reports["lon"].to_numpy(float), self.reports["lat"].to_numpy(float)
        for ref in self.references.to_dict("records"):
            area = reference_polygons(ref["geojson"])
            shapely.prepare(area)
            after = (self.reports["date"] > pd.Timestamp(ref["date"])).to_numpy()
            if day:
                after = after & (self.reports["date"] <= pd.Timestamp(day)).to_numpy()
            candidates = self.reports[after & shapely.contains_xy(area, lon, lat)]
            for r in candidates.to_dict("records"):
                kind = _kind(r["event_type"], r["actor"], r["status"],
                             r["event_type"] == FRONTLINE and fighting_inside(r["excerpt"], r["place"]))
                if (kind == "gain" and r["actor"] != ref["holder"]) or kind == "contest":
                    rows.append({"reference_id": ref["id"], "reference": ref["name"],
                                 "reference_holder": ref["holder"], "reference_date": ref["date"],
                                 "place_key": r["place_key"], "name": r["name"], "date": r["date"].date(),
                                 "reading": kind, "actor": r["actor"], "status": r["status"],
                                 "claimed_by": r["claimed_by"], "excerpt": r["excerpt"], "source": r["source"],
                                 "title": r["title"], "url": r["url"]})
        return pd.DataFrame(rows)


def compare_with_reference(states: pd.DataFrame, reference_geojson: str, holder: str) -> tuple[dict, pd.DataFrame]:
    """Score a control picture (as_of's frame, from reports only) against an independent reference: one side's
    polygons on the same date. Per settlement: inside the reference and held by that side, or outside and held
    by another side, agree; the rest disagree; contested ones are counted apart. Returns the counts and the
    settlements with their verdicts."""
    import shapely

    area = reference_polygons(reference_geojson)
    shapely.prepare(area)
    placed = states[states["lat"].notna()]
    inside = shapely.contains_xy(area, placed["lon"].to_numpy(float), placed["lat"].to_numpy(float))
    known = (placed["holder"] != "").to_numpy()
    contested = (placed["status"] == CONTESTED).to_numpy()
    ours = (placed["holder"] == holder).to_numpy()
    verdict = np.where(~known, "unknown", np.where(contested, "contested",
                       np.where(inside == ours, "agree", "disagree")))
    frame = placed[["name", "lat", "lon", "holder", "status", "since"]].assign(
        inside_reference=inside, verdict=verdict)
    counts = {v: int((verdict == v).sum()) for v in ("agree", "disagree", "contested", "unknown")}
    decided = counts["agree"] + counts["disagree"]
    counts["agreement"] = counts["agree"] / decided if decided else float("nan")
    return counts, frame


def _day_number(day: pd.Timestamp) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _dates(column: pd.Series) -> pd.Series:
    return column.map(lambda value: value.date() if isinstance(value, pd.Timestamp) and not pd.isna(value) else None)


# -- per store state ----------------------------------------------------------------------------------

_MODELS: dict[str, tuple[tuple, ControlModel]] = {}
_LOCK = threading.Lock()


def model(store: Store, generation: tuple | None = None) -> ControlModel:
    """The store's control model, rebuilt only when the store's state (its generation) has changed. generation:
    the store's, if the caller has just read it (the dashboard reads it once per run)."""
    generation = generation or store.generation()
    with _LOCK:
        cached = _MODELS.get(store.url)
        if cached and cached[0] == generation:
            return cached[1]
    built = ControlModel(store.control_events(), store.references(), store.settlements())
    with _LOCK:
        _MODELS[store.url] = (generation, built)
    return built


def control_as_of(store: Store, day: dt.date | None = None, generation: tuple | None = None) -> pd.DataFrame:
    """Every settlement's state as of the day, from all reports up to it (cached per store state and day)."""
    return model(store, generation).as_of(day)


def csv_rows(frame: pd.DataFrame) -> list[dict]:
    """The `geo control` CSV rows: exactly CSV_COLUMNS, dates as ISO text."""
    rows = []
    for row in frame[list(CSV_COLUMNS)].to_dict("records"):
        row["since"] = row["since"].isoformat() if row["since"] else ""
        row["last_report"] = row["last_report"].isoformat() if row["last_report"] else ""
        row["reports"] = int(row["reports"])
        rows.append(row)
    return rows
