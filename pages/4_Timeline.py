"""Events over time, by type and by actor, in the map's colours; by day, week or month as the span asks."""

import pandas as pd
import streamlit as st

import ui
from geo.eventtypes import by_rank, event_type

st.set_page_config(page_title="frontmap · timeline", layout="wide")
OTHER_ACTORS = ("#6d4c41", "#7f8c8d", "#16a085", "#8e6c8a", "#b7950b", "#5d6d7e", "#a04000", "#117864")


def bucket(span_days: int) -> tuple[str, str, str]:
    """The bar width for a span: (pandas period, label, vega-lite time unit)."""
    if span_days > 365:
        return "M", "month", "yearmonth"
    if span_days > 60:
        return "W", "week", "yearweek"
    return "D", "day", "yearmonthdate"


def chart(frame: pd.DataFrame, field: str, domain: list[str], colours: list[str], unit: str, label: str) -> None:
    st.vega_lite_chart(frame, {
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "period", "type": "temporal", "timeUnit": unit, "title": None,
                  "axis": {"format": "%b %Y" if unit != "yearmonthdate" else "%d %b %Y", "labelOverlap": True}},
            "y": {"field": "events", "type": "quantitative", "aggregate": "sum", "title": f"events per {label}"},
            "color": {"field": field, "type": "nominal", "title": None, "legend": {"orient": "bottom"},
                      "scale": {"domain": domain, "range": colours}},
            "tooltip": [{"field": "period", "type": "temporal", "timeUnit": unit, "title": label},
                        {"field": field}, {"field": "events", "aggregate": "sum"}],
        },
        "height": 260,
    }, use_container_width=True)


def main() -> None:
    store = ui.store()
    view = ui.sidebar_view(store, page="timeline")
    theatre = ui.theatre()
    st.title("Timeline")
    counts = ui.cached("daily_counts", view.filter)
    counts = counts[counts["date"].notna()]
    if counts.empty:
        st.info("No dated events in this view.")
        return
    dates = pd.to_datetime(counts["date"])
    period, label, unit = bucket((dates.max() - dates.min()).days)
    counts = counts.assign(period=dates.dt.to_period(period).dt.start_time)
    st.caption(f"Events per {label}, {dates.min():%d %b %Y} – {dates.max():%d %b %Y}")
    st.subheader("By event type")
    kinds = [str(kind) for kind in by_rank()] + sorted(set(counts["event_type"]) - {str(k) for k in by_rank()})
    by_type = counts.assign(type=counts["event_type"].map(lambda t: event_type(t).label))
    chart(by_type, "type", [event_type(k).label for k in kinds], [event_type(k).colour for k in kinds], unit, label)
    st.subheader("By actor")
    actors = counts[counts["actor"] != ""]
    sides = list(theatre.side_colours)
    others = sorted(set(actors["actor"]) - set(sides))
    # The sides in their map colours; other actors in muted colours of their own (not the sides').
    colours = [theatre.side_colour(side) for side in sides] + [OTHER_ACTORS[i % len(OTHER_ACTORS)]
                                                              for i in range(len(others))]
    chart(actors, "actor", sides + others, colours, unit, label)


ui.guarded(main)
