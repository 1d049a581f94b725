"""Events per day, by type and by actor."""

import streamlit as st

import ui

st.set_page_config(page_title="frontmap · timeline", layout="wide")
store = ui.store()
view = ui.sidebar_view(store)

st.title("Timeline")
counts = store.daily_counts(view.filter)
if counts.empty:
    st.info("No events in this view.")
    st.stop()
st.subheader("By event type")
st.bar_chart(counts.pivot_table(index="date", columns="event_type", values="events", aggfunc="sum", fill_value=0))
st.subheader("By actor")
actors = counts[counts["actor"] != ""]
st.bar_chart(actors.pivot_table(index="date", columns="actor", values="events", aggfunc="sum", fill_value=0))
