"""Review unresolved and doubtful place mentions, and pin them to the right place or coordinates."""

import streamlit as st

import ui
from geo.geocoders import GazetteerGeocoder
from geo.panel import plain

st.set_page_config(page_title="frontmap · places", layout="wide")
store = ui.store()

st.title("Places to review")
frame = store.unresolved()
st.caption("Mentions the gazetteer did not know, or resolved with little confidence. A pin applies to every "
           "mention of the name, now and in later ingests.")
st.dataframe(frame[["place", "name", "confidence", "event_type", "date", "title", "excerpt"]], hide_index=True,
             use_container_width=True)
if frame.empty:
    st.stop()

surface = st.selectbox("Place as written", sorted(frame["place"].unique()))
candidates = GazetteerGeocoder(ui.geoparser().gazetteer).geocode(surface, exactly_one=False) or []
options = {f"{c.address} ({c.latitude:.4f}, {c.longitude:.4f}, {c.raw['feature']})": c for c in candidates}
choice = st.radio("Gazetteer entries of that name", [*options, "Coordinates…"], index=0)
with st.form("pin"):
    if choice in options:
        picked = options[choice]
        name, lat, lon = picked.raw["name"], picked.latitude, picked.longitude
        st.write(f"Pin **{plain(surface)}** to {plain(choice)}")
    else:
        name = st.text_input("Name to show", value=surface)
        lat = st.number_input("Latitude", -90.0, 90.0, 48.0, format="%.5f")
        lon = st.number_input("Longitude", -180.0, 180.0, 37.0, format="%.5f")
    if st.form_submit_button("Pin"):
        raw = options[choice].raw if choice in options else {}
        store.pin(place_as_written=surface, name=name, lat=lat, lon=lon, country=raw.get("country", ""),
                  admin1=raw.get("admin1", ""), feature=raw.get("feature", ""), geonameid=raw.get("geonameid"))
        st.success(f"Pinned {plain(surface)}.")
        st.rerun()
