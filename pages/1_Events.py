"""The filtered events as a table, with CSV (ACLED-like) and GeoJSON downloads."""

import io

import streamlit as st

import ui
from geo.acled import acled_rows
from geo.records import event_record
from geo.writers import write_rows

st.set_page_config(page_title="frontmap · events", layout="wide")
store = ui.store()
view = ui.sidebar_view(store)
SHOWN = 5000

st.title("Events")
frame = store.events(view.filter)
st.caption(f"{len(frame):,} events in this view" + (f"; the newest {SHOWN:,} are shown" if len(frame) > SHOWN else ""))
columns = ["date", "event_type", "name", "place", "actor", "opponent", "status", "claimed_by", "country", "admin1",
           "confidence", "title", "source", "excerpt"]
# st.dataframe shows every cell as text: article text is never rendered as HTML here.
st.dataframe(frame[columns].head(SHOWN), hide_index=True, use_container_width=True)


def rendered(rows, fmt: str) -> str:
    out = io.StringIO()
    write_rows(rows, fmt, out)
    return out.getvalue()


records = [event_record(row) for row in frame.to_dict("records")]
left, right = st.columns(2)
left.download_button("Download CSV (ACLED-like columns)", rendered(acled_rows(records), "csv"),
                     file_name="frontmap-events.csv", mime="text/csv")
right.download_button("Download GeoJSON", rendered((r for r in records if r["lat"] is not None), "geojson"),
                      file_name="frontmap-events.geojson", mime="application/geo+json")
