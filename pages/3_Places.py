"""Fix where a place name points: any name as written, uncertain or not, pinned to the right gazetteer entry or to
coordinates. The map follows at once."""

import streamlit as st

import ui
from geo.geocoders import GazetteerGeocoder
from geo.nearest import country_at, nearest_settlement
from geo.panel import plain
from geo.records import CONFIDENT

st.set_page_config(page_title="frontmap · places", layout="wide")


def main() -> None:
    store = ui.store()
    st.title("Places")
    if message := st.session_state.pop("_pinned", None):
        st.success(plain(message))
        st.page_link("dashboard.py", label="See it on the map", icon="🗺️")
    scope = st.radio("Names", ["uncertain", "all"], horizontal=True, key="places-scope",
                     format_func={"uncertain": "Unplaced or uncertain", "all": "Every place name"}.get)
    frame = ui.cached("names_as_written", doubtful_only=scope == "uncertain")
    st.caption(f"Each name as the articles write it, where it was placed, and the lowest confidence. Under "
               f"{CONFIDENT} a place is uncertain: the map draws it hollow and dotted, and it is listed here under "
               "*Unplaced or uncertain*. A pin applies to every mention of the name, now and in later ingests.")
    st.dataframe(frame[["place", "mentions", "name", "admin1", "country", "confidence"]], hide_index=True,
                 use_container_width=True, height=260)
    if frame.empty:
        st.info("Nothing to review." if scope == "uncertain" else "No places stored yet.")
        return
    surface = st.selectbox("Place as written", frame["place"].tolist(), key="places-surface")
    gazetteer = ui.geoparser().gazetteer
    candidates = GazetteerGeocoder(gazetteer).geocode(surface, exactly_one=False) or []
    options = {f"{c.address} ({c.latitude:.4f}, {c.longitude:.4f}, {c.raw['feature']})": c for c in candidates}
    current = frame[frame["place"] == surface].iloc[0]
    if current["name"]:
        st.caption(plain(f"Now placed at: {current['name']}, {current['admin1']}, {current['country']}"))
    choice = st.radio("Gazetteer entries of that name", [*options, "Coordinates…"], index=0,
                      key=f"places-choice-{surface}")
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
            if choice in options:
                raw = options[choice].raw
                country, admin1 = raw.get("country", ""), raw.get("admin1", "")
                feature, geonameid = raw.get("feature", ""), raw.get("geonameid")
            else:
                # Bare coordinates keep a region and country: those of the nearest settlement, when one is near.
                theatre = ui.geoparser().theatre
                inside = country_at(lat, lon, theatre)
                near = nearest_settlement(gazetteer, lat, lon, (inside,) if inside else theatre.focus_countries)
                country, admin1 = (near.country, near.admin1) if near else ("", "")
                feature, geonameid = "", None
            store.pin(place_as_written=surface, name=name, lat=lat, lon=lon, country=country, admin1=admin1,
                      feature=feature, geonameid=geonameid)
            where = ", ".join(part for part in (name, admin1, country) if part)
            st.session_state["_pinned"] = f"Pinned {surface} to {where} ({lat:.4f}, {lon:.4f})."
            st.rerun()


ui.guarded(main)
