"""frontmap: the war map, built from the articles you gave it. Run: streamlit run dashboard.py"""

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import control_ui
import ui
from geo import mapview, panel
from geo.geocoders import GazetteerGeocoder

st.set_page_config(page_title="frontmap", page_icon="🗺️", layout="wide")

store = ui.store()
control_ui.remember_url()  # the control picture's as-of date, before the filters rewrite the URL
view = control_ui.sidebar(store, ui.sidebar_view(store))
summary = control_ui.with_control(store, view, store.place_summary(view.filter))

counts = store.counts()
st.title("frontmap")
st.caption(f"{counts['documents']:,} articles · {counts['events']:,} events stored · "
           f"{len(summary):,} places in this view")

theatre = ui.geoparser().theatre
center, zoom = theatre.center, theatre.zoom
if view.search:
    matches = summary[summary["name"].str.casefold() == view.search.casefold()]
    if len(matches):
        center, zoom = (matches.iloc[0]["lat"], matches.iloc[0]["lon"]), 11
    else:
        found = GazetteerGeocoder(ui.geoparser().gazetteer).geocode(view.search)
        if found is None:
            st.sidebar.warning("No place of that name is known.")
        else:
            center, zoom = (found.latitude, found.longitude), 10

map_column, side_panel = st.columns([3, 2], gap="medium")
with map_column:
    layers = control_ui.layers(store, view) + mapview.event_layers(summary, theatre=theatre)
    fmap = control_ui.prepare_map(mapview.base_map(theatre, online_tiles=view.online_tiles))
    result = st_folium(
        fmap, key="map", height=640, use_container_width=True,
        center=center, zoom=zoom, feature_group_to_add=layers, layer_control=folium.LayerControl(collapsed=False),
        returned_objects=["last_object_clicked_tooltip"],
    )

clicked = (result or {}).get("last_object_clicked_tooltip")
if clicked:
    place = mapview.tooltip_index(summary).get(clicked.strip())
    if place and place != st.session_state.get("place"):
        st.session_state["place"] = place
        st.query_params["place"] = place

with side_panel:
    place_key = st.session_state.get("place", "")
    if not place_key:
        st.subheader("Click a settlement")
        st.write("Its excerpts, newest first, and who held it according to the reports appear here.")
    else:
        excerpts = store.excerpts(place_key, view.filter)
        history = panel.control_history(store.excerpts(place_key))
        name = excerpts["name"].iloc[0] if len(excerpts) else place_key
        st.subheader(panel.plain(name))
        control_ui.place_panel(store, place_key)
        if len(history):
            st.caption("Control, as reported")
            last_day = pd.Timestamp(view.filter.end or store.facets()["last"] or history["from"].max())
            chart = history.assign(**{"until": history["until"].fillna(last_day)})
            st.vega_lite_chart(chart, {
                "mark": {"type": "bar", "height": 18},
                "encoding": {
                    "x": {"field": "from", "type": "temporal", "title": None},
                    "x2": {"field": "until"},
                    "color": {"field": "held by", "type": "nominal",
                              "scale": {"domain": list(theatre.side_colours),
                                        "range": list(theatre.side_colours.values())}},
                    "tooltip": [{"field": "held by"}, {"field": "from", "type": "temporal"},
                                {"field": "status"}, {"field": "claimed_by"}],
                },
                "height": 40,
            }, use_container_width=True)
        st.caption(f"{len(excerpts)} excerpts in this view")
        st.html(panel.excerpts_html(excerpts, theatre))

control_ui.views(store, view)
