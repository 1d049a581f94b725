"""frontmap: the war map, built from the articles you gave it. Run: streamlit run dashboard.py"""

from dataclasses import replace

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import control_ui
import ui
from geo import mapview, panel
from geo.geocoders import GazetteerGeocoder
from geo.records import CONFIDENT
from geo.viewstate import ViewState

st.set_page_config(page_title="frontmap", page_icon="🗺️", layout="wide")
st.markdown(ui.PAGE_CSS, unsafe_allow_html=True)

EXCERPTS_PER_PAGE = 25
PLACE_ZOOM = 11


def map_layers(view: ViewState, summary: pd.DataFrame, theatre) -> list[folium.FeatureGroup]:
    """Every data layer the map shows for a view (more layers, e.g. territory, are added here)."""
    key = (ui.generation(), view.filter, control_ui.as_of(view))  # the markers show who holds what as of then
    features = ui.cached_value(("features", *key), lambda: [
        feature for group in mapview.place_features(summary, theatre).values() for feature in group])
    # The features travel as a static file the browser fetches and caches, not inside every run's page update.
    url = ui.cached_value(("features-url", *key), lambda: mapview.publish_features(features))
    return control_ui.layers(ui.opened_store(), view) + mapview.event_layers(summary, theatre=theatre,
                                                                             features=features, url=url)


def map_target(view: ViewState, summary: pd.DataFrame, theatre) -> tuple[tuple[float, float], int]:
    """Where the map looks. It moves only when something asks it to: a new filter fits it to the places left, a
    searched place or a linked ?place= centres on it; otherwise the analyst's own panning stays."""
    state = st.session_state
    searched = view.search if view.search != state.get("_searched") else ""
    state["_searched"] = view.search
    if searched:
        matches = summary[summary["name"].str.casefold() == searched.casefold()]
        if len(matches):
            found = matches.iloc[0]
            ui.select_place(found["place_key"])
            state["_target"] = ((float(found["lat"]), float(found["lon"])), PLACE_ZOOM)
        else:
            found = GazetteerGeocoder(ui.geoparser().gazetteer).geocode(searched)
            if found is None:
                st.sidebar.warning("No place of that name is known.")
            else:
                st.sidebar.caption("Not in this view: the map is centred on the gazetteer's entry.")
                state["_target"] = ((found.latitude, found.longitude), PLACE_ZOOM - 1)
        state["_fitted"] = view.filter
        return state.get("_target") or (theatre.center, theatre.zoom)
    if "_target" not in state and view.place:  # a link naming a place
        known = ui.cached("place", view.place)
        if known:
            state["_target"] = ((known["lat"], known["lon"]), PLACE_ZOOM)
            state["_fitted"] = view.filter
    if state.get("_fitted") != view.filter:
        state["_fitted"] = view.filter
        state["_target"] = mapview.fit_view(summary) or (theatre.center, theatre.zoom)
    return state.get("_target") or (theatre.center, theatre.zoom)


def control_chart(history: pd.DataFrame, last_day, theatre) -> None:
    """Who held the place when: one bar per reported holder, dated with years, up to the latest report. Drawn as a
    static strip of plain HTML (geo/panel.py), not a Vega chart: the panel then shows without the chart's scripts."""
    st.html(panel.control_history_html(history, last_day, theatre))
    lines = [f"{row['from']:%d %b %Y}: {row['held by']}" + (f" ({row['status']})" if row["status"] else "")
             for row in history.iloc[::-1].to_dict("records")]
    st.caption(panel.plain(" · ".join(lines[:12]) + (" · …" if len(lines) > 12 else "")))


def place_panel(view: ViewState, theatre, last_day, summary: pd.DataFrame | None = None) -> None:
    """The selected place: its control history and its excerpts in this view, a page at a time; an uncertain
    place (see records.CONFIDENT) says so first."""
    place_key = view.place
    with st.container(key="fm-panel"):
        known = ui.cached("place", place_key)
        title, close = st.columns([5, 1], vertical_alignment="center")
        if close.button("✕", key="close-panel", help="Close"):
            ui.select_place("")
            st.rerun()
        if known is None:
            title.subheader("Unknown place")
            st.write("No stored place has this key: the link may name a place since deleted or re-pinned.")
            return
        title.subheader(panel.plain(known["name"]))
        st.caption(panel.plain(", ".join(part for part in (known["admin1"], known["country"]) if part)))
        row = _summary_row(summary, place_key)
        if row is not None and mapview.uncertain(row):
            st.warning(f"**Uncertain place**: no report in this view places it with confidence "
                       f"{CONFIDENT} or more (best {float(row['place_confidence']):.2f}). It may be another place of "
                       "that name: check it, and pin it if needed, on the Places page (Unplaced or uncertain).",
                       icon="⚠️")
        control_ui.place_panel(ui.opened_store(), place_key)
        history = panel.control_history(ui.cached("control_changes", place_key))
        if len(history):
            control_chart(history, last_day, theatre)
        total = ui.cached("excerpt_count", place_key, view.filter)
        if not total:
            st.info("No excerpts name this place in the period and filters chosen.")
            return
        pages = (total + EXCERPTS_PER_PAGE - 1) // EXCERPTS_PER_PAGE
        number = 1
        if pages > 1:
            number = st.number_input(f"Page (of {pages:,})", 1, pages, 1, key=f"page-{place_key}")
        st.caption(f"{total:,} excerpts in this view, newest first"
                   + (f"; {EXCERPTS_PER_PAGE} a page" if pages > 1 else ""))
        excerpts = ui.cached("excerpts", place_key, view.filter, limit=EXCERPTS_PER_PAGE,
                             offset=(number - 1) * EXCERPTS_PER_PAGE)
        st.html(panel.excerpts_html(excerpts, theatre))


def _summary_row(summary: pd.DataFrame | None, place_key: str):
    if summary is None or summary.empty:
        return None
    found = summary[summary["place_key"] == place_key]
    return found.iloc[0] if len(found) else None


def clicked(view: ViewState, map_state: dict | None, summary: pd.DataFrame) -> ViewState:
    """The view after a click on the map (st_folium's state: the clicked place's tooltip, as the browser reports
    it, and the number of clicks so far); a click already handled, or on no known place, changes nothing. The
    count tells a new click on the same place (after its panel was closed) from the same click seen again."""
    tooltip = (map_state or {}).get("last_object_clicked_tooltip")
    click = (tooltip, (map_state or {}).get("last_object_clicked_count"))
    if not tooltip or click == st.session_state.get("_clicked"):
        return view
    st.session_state["_clicked"] = click
    index = ui.cached_value(("tooltips", ui.generation(), view.filter, control_ui.as_of(view)),
                            lambda: mapview.tooltip_index(summary))
    place = index.get(tooltip.strip())
    if not place or place == view.place:
        return view
    ui.select_place(place)
    st.query_params["place"] = place
    return replace(view, place=place)


def main() -> None:
    store = ui.store()
    view = control_ui.sidebar(store, ui.sidebar_view(store))
    theatre = ui.theatre()
    # The summary with who holds each place as of the view's date, computed once per (store state, view).
    summary = ui.cached_value(("summary", ui.generation(), view.filter, control_ui.as_of(view)),
                              lambda: control_ui.with_control(store, view, ui.cached("place_summary", view.filter)))
    counts = ui.cached("counts")
    st.caption(f"**frontmap** · {counts['documents']:,} articles · {counts['events']:,} events stored · "
               f"{len(summary):,} places in this view")

    center, zoom = map_target(view, summary, theatre)
    if st.session_state.get("place", "") != view.place:  # the search selected a place
        view = replace(view, place=st.session_state["place"])
        st.query_params["place"] = view.place
    # A click reaches the session (st_folium's on_change, under its key) before this run: the panel is drawn first,
    # so it shows while the map is still being built.
    view = clicked(view, st.session_state.get("map"), summary)
    shown = view.place
    if shown:
        place_panel(view, theatre, ui.facets()["last"], summary)
    fmap = control_ui.prepare_map(mapview.base_map(theatre, online_tiles=view.online_tiles))  # sets the offline assets
    layers = map_layers(view, summary, theatre)
    mapview.fetch_first(fmap, mapview.places_url(layers))  # the places' file is fetched while the frame loads Leaflet
    result = st_folium(
        fmap, key="map", height=700,
        use_container_width=True, center=center, zoom=zoom, feature_group_to_add=layers,
        layer_control=folium.LayerControl(collapsed=True),
        returned_objects=["last_object_clicked_tooltip", "last_object_clicked_count"],
    )
    if not (result or {}).get("last_object_clicked_count"):
        # A map with no click yet (the page just opened, or the base map changed): its clicks count from one again,
        # so the clicks handled on an earlier map must not hide them.
        st.session_state["_clicked"] = None
        st.session_state["map"] = None
    view = clicked(view, result, summary)
    if view.place and view.place != shown:
        if shown:
            st.rerun()  # one panel a run
        place_panel(view, theatre, ui.facets()["last"], summary)
    control_ui.views(store, view)
    ui.follow_store()


ui.guarded(main)
