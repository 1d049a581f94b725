"""The dashboard's control picture (issue 9): the as-of date, territory and front line layers, the changes view,
reference layers and their disagreements, and a settlement's control timeline. Widgets and layout only; the
model is geo/control.py and geo/territory.py, whose caches are per (store state, date), so changing a filter
does not recompute them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import folium
import streamlit as st

import ui
from geo import control, controlmap, htmltable, mapview, territory
from geo.control import ControlError
from geo.store import Store
from geo.viewstate import ViewState


def sidebar(store: Store, view: ViewState) -> ViewState:
    """The as-of date and the changes' start date (ui keeps them in the URL, as asof and changes_from), behind
    "Control dates": its date widgets are sent only while it is open (the browser then loads the date widget's
    scripts only when asked; a link setting a date opens it). Closed, the dates set stay in force and are named."""
    state = st.session_state
    with st.sidebar:
        st.header("Control")
        dates, _ = ui.folded("Control dates", "control-dates", {"as_of": None, "changes_from": None})
        with dates:
            if dates.open:
                st.date_input("Control as of", key="as_of", min_value=dt.date(1900, 1, 1),
                              help="Who held what on this date, from every report up to it (the period above "
                                   "chooses which events are listed, not what is known). Empty: the end of "
                                   "the period, or the latest reports.")
                st.date_input("Changes since", key="changes_from", min_value=dt.date(1900, 1, 1),
                              help="Show what changed hands between this date and the as-of date.")
        if not dates.open:
            st.caption(f"Control {_label(state['as_of'] or view.filter.end, None)}"
                       + (f" · changes since {state['changes_from']}" if state["changes_from"] else ""))
        _reference_form(store)
    return replace(view, as_of=state["as_of"] or None, changes_from=state["changes_from"] or None)


def _reference_form(store: Store) -> None:
    # Its widgets are sent only once the expander is opened (opening it reruns): a lighter page otherwise.
    form = st.expander("Reference layer", key="reference-form", on_change="rerun")
    with form:
        if not form.open:
            return
        upload = st.file_uploader("Control GeoJSON (one side's polygons)", type=["geojson", "json"])
        holder = st.text_input("Held by", placeholder="e.g. Russia")
        day = st.date_input("Showing control on", value=None, key="reference_date", min_value=dt.date(1900, 1, 1))
        if st.button("Add reference layer", disabled=not (upload and holder and day)):
            try:
                text = upload.getvalue().decode("utf-8")
                control.reference_polygons(text)
            except (ControlError, UnicodeDecodeError) as exc:
                st.error(f"Not added: {exc}")
            else:
                store.add_reference(holder=holder.strip(), date=day, geojson=text, name=upload.name)
                st.success("Reference layer added.")


def as_of(view: ViewState) -> dt.date | None:
    """The control picture's date: the one chosen, else the end of the period viewed, else the latest reports."""
    return view.as_of or view.filter.end


def with_control(store: Store, view: ViewState, summary):
    """The per-place summary with its holder from the control model as of the view's date (the markers' rings
    and tooltips then agree with the territory: regions hold nothing, contests and references count)."""
    if summary.empty:  # (mapping an empty key column onto dates fails in pandas)
        return summary.assign(controller="", controller_status="", controlled_since=None)
    states = control.control_as_of(store, as_of(view), ui.generation()).set_index("place_key")
    keys = summary["place_key"]
    return summary.assign(controller=keys.map(states["holder"]).fillna(""),
                          controller_status=keys.map(states["status"]).fillna(""),
                          controlled_since=keys.map(states["since"]))


def _label(day: dt.date | None, latest: dt.date | None) -> str:
    return f"as of {day or latest or 'the latest reports'}"


def _publish(features: list[dict]) -> str:
    """Control layers travel as files the browser fetches and caches, not inside every run's page update."""
    return mapview.publish_features(features, prefix="control")


def _changes(store: Store, start: dt.date, end: dt.date) -> territory.Changes:
    """What changed hands between two dates, computed once per store state."""
    generation = ui.generation()
    return ui.cached_value(("control-changes", generation, start, end),
                           lambda: territory.changes(store, start, end, generation=generation))


def layers(store: Store, view: ViewState) -> list[folium.FeatureGroup]:
    """Territory and front line (on by default), the changes since a date, and the reference layers."""
    model = control.model(store, ui.generation())
    latest = model.reports["date"].max().date() if len(model.reports) else None
    current = territory.territory_as_of(store, as_of(view), generation=ui.generation())
    groups = controlmap.territory_layers(current, _label(as_of(view), latest), publish=_publish)
    if view.changes_from:
        moved = _changes(store, view.changes_from, as_of(view) or latest or dt.date.today())
        groups.append(controlmap.changes_layer(moved, f"since {view.changes_from}", publish=_publish))
    if len(model.references):
        groups.append(controlmap.reference_layer(model.references))
    return groups


def prepare_map(fmap: folium.Map) -> folium.Map:
    """The panes (below the markers) and legend the control layers need."""
    controlmap.add_panes(fmap)
    controlmap.ControlLegend().add_to(fmap)  # no date: st_folium keeps the base map when only layers change
    return fmap


def place_panel(store: Store, place_key: str) -> None:
    """A settlement's full control timeline: every report, each side's claims side by side."""
    table = ui.cached_value(("claims", ui.generation(), place_key),
                            lambda: control.model(store, ui.generation()).claims_side_by_side(place_key))
    if len(table):
        st.caption("Control timeline: every report, each side's claims side by side")
        # Plain escaped HTML, not st.dataframe: the panel then shows without the data grid's scripts.
        st.html(htmltable.table_html(table, max_height="14rem", test_id="claims"))


def views(store: Store, view: ViewState) -> None:
    """Below the map: what changed, where the reports contradict the reference layers, and the region-level
    reports of the period."""
    model = control.model(store, ui.generation())
    latest = model.reports["date"].max().date() if len(model.reports) else None
    end = as_of(view) or latest
    # Only the open tab is computed and sent (its tables are heavy for the browser); choosing another one reruns.
    changes_tab, disagreements_tab, regions_tab = st.tabs(
        ["Changes", "Reference disagreements", "Region-level reports"], key="control-views", on_change="rerun")
    with changes_tab:
        if not changes_tab.open:
            pass
        elif not view.changes_from or not end:
            st.write("Pick a date under *Changes since* to see what changed hands up to the as-of date.")
        else:
            moved = _changes(store, view.changes_from, end)
            sides = sorted(set(moved.gained_km2) | set(moved.lost_km2))
            st.write("; ".join(f"{side}: +{moved.gained_km2.get(side, 0):,.0f} km² / "
                               f"−{moved.lost_km2.get(side, 0):,.0f} km²" for side in sides) or "No change.")
            if len(moved.settlements):
                table = moved.settlements[["name", "holder_before", "holder", "status", "since", "gained_by",
                                           "lost_by", "area_km2"]]
                st.dataframe(table, hide_index=True, width="stretch")
                behind = model.reports_of([i for ids in moved.settlements["change_report_ids"] for i in ids])
                st.caption("The reports behind these changes")
                st.dataframe(behind[["date", "name", "event_type", "actor", "status", "claimed_by", "excerpt",
                                     "source"]], hide_index=True, width="stretch")
    with disagreements_tab:
        if not disagreements_tab.open:
            pass
        elif not len(model.references):
            st.write("No reference layer: add one in the sidebar, or with `python -m geo reference add`.")
        else:
            found = model.disagreements(end)
            st.write(f"{len(found)} reports after a reference's date contradict it.")
            if len(found):
                st.dataframe(found[["reference", "reference_holder", "reference_date", "name", "date", "reading",
                                    "actor", "claimed_by", "excerpt", "source"]],
                             hide_index=True, width="stretch")
    with regions_tab:
        if not regions_tab.open:
            return
        listed = model.area_events(view.filter.start, view.filter.end)
        st.write(f"{len(listed)} control reports about whole regions, districts or countries in this period "
                 "(never drawn as a point, never holding territory).")
        if len(listed):
            st.dataframe(listed[["date", "name", "event_type", "actor", "opponent", "status", "claimed_by",
                                 "excerpt", "source"]], hide_index=True, width="stretch")
