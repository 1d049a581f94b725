"""The filtered events as a table, a page at a time, with CSV (ACLED-like) and GeoJSON downloads of every event in
the view, built only when asked for."""

import io

import streamlit as st

import ui
from geo import htmltable
from geo.acled import acled_rows
from geo.writers import write_rows

st.set_page_config(page_title="frontmap · events", layout="wide")
PAGE_ROWS = 100  # a page of the table, newest first (fewer rows: a faster page); every event is in the downloads
COLUMNS = ["date", "event_type", "name", "place", "actor", "opponent", "status", "claimed_by", "country", "admin1",
           "confidence", "title", "source", "excerpt"]


def rendered(rows, fmt: str) -> str:
    out = io.StringIO()
    write_rows(rows, fmt, out)
    return out.getvalue()


def page_number(total: int, view_params: dict, where) -> int:
    """The table's page (1 when the view changes); the page chooser shows only when there is more than one."""
    pages = max(1, -(-total // PAGE_ROWS))
    state = st.session_state
    if state.get("_events_view") != view_params:
        state["_events_view"] = view_params
        state["events-page"] = 1
    state["events-page"] = min(max(1, int(state.get("events-page") or 1)), pages)
    if pages == 1:
        return 1
    return int(where.number_input(f"Page (of {pages:,}, {PAGE_ROWS} events a page)", min_value=1, max_value=pages,
                               step=1, key="events-page"))


def main() -> None:
    store = ui.store()
    view = ui.sidebar_view(store, page="events")
    f = view.filter
    st.title("Events")
    total = ui.cached("event_count", f)
    chooser, counts = st.columns([1, 3], vertical_alignment="bottom")
    number = page_number(total, view.to_params(), chooser)
    first = (number - 1) * PAGE_ROWS
    frame = ui.cached("events", f, limit=PAGE_ROWS, offset=first)
    counts.caption(f"{total:,} events in this view" + (f"; {first + 1:,} to {first + len(frame):,}, newest first"
                                                     if total > PAGE_ROWS else ""))
    # A plain table, every cell escaped (article text is never markup): lighter for the browser than st.dataframe,
    # whose scripts it would fetch and run first.
    st.html(htmltable.table_html(frame, COLUMNS, long=("title", "excerpt"), test_id="events"))
    # The files are written when a button is pressed, from the store, not on every run of the page.
    left, right = st.columns(2)
    left.download_button("Download CSV (ACLED-like columns)", lambda: rendered(acled_rows(store.records(f)), "csv"),
                         file_name="frontmap-events.csv", mime="text/csv", on_click="ignore")
    right.download_button("Download GeoJSON",
                          lambda: rendered((r for r in store.records(f) if r["lat"] is not None), "geojson"),
                          file_name="frontmap-events.geojson", mime="application/geo+json", on_click="ignore")
    ui.follow_store()


ui.guarded(main)
