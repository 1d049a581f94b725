"""The filtered events as a table, with CSV (ACLED-like) and GeoJSON downloads, built only when asked for."""

import io

import streamlit as st

import ui
from geo.acled import acled_rows
from geo.writers import write_rows

st.set_page_config(page_title="frontmap · events", layout="wide")
SHOWN = 1000  # the newest; every event is in the downloads (fewer rows: a faster page in the browser)
COLUMNS = ["date", "event_type", "name", "place", "actor", "opponent", "status", "claimed_by", "country", "admin1",
           "confidence", "title", "source", "excerpt"]


def rendered(rows, fmt: str) -> str:
    out = io.StringIO()
    write_rows(rows, fmt, out)
    return out.getvalue()


def main() -> None:
    store = ui.store()
    view = ui.sidebar_view(store, page="events")
    f = view.filter
    st.title("Events")
    total = ui.cached("event_count", f)
    st.caption(f"{total:,} events in this view" + (f"; the newest {SHOWN:,} are shown" if total > SHOWN else ""))
    frame = ui.cached("events", f, limit=SHOWN)
    # st.dataframe shows every cell as text: article text is never rendered as HTML here.
    st.dataframe(frame[COLUMNS], hide_index=True, use_container_width=True)
    # The files are written when a button is pressed, from the store, not on every run of the page.
    left, right = st.columns(2)
    left.download_button("Download CSV (ACLED-like columns)", lambda: rendered(acled_rows(store.records(f)), "csv"),
                         file_name="frontmap-events.csv", mime="text/csv", on_click="ignore")
    right.download_button("Download GeoJSON",
                          lambda: rendered((r for r in store.records(f) if r["lat"] is not None), "geojson"),
                          file_name="frontmap-events.geojson", mime="application/geo+json", on_click="ignore")
    ui.follow_store()


ui.guarded(main)
