"""Streamlit pieces shared by the dashboard's pages: the store, the geoparser and the sidebar filters.
Widgets and layout only; everything else is in geo/."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.config import settings
from geo.eventtypes import EVENT_TYPES, event_type
from geo.ingest import load_samples_if_empty
from geo.store import EventFilter, Store, default_url
from geo.viewstate import ViewState, preset_range

PRESET_LABELS = {"all": "All", "7d": "Last 7 days", "30d": "Last 30 days", "custom": "Custom"}


def store() -> Store:
    """The store FRONTMAP_DB names (or the default one), opened once per server."""
    return _open_store(default_url())


@st.cache_resource(show_spinner="Opening the store…")
def _open_store(url: str) -> Store:
    opened = Store(url)
    if settings().load_samples:
        load_samples_if_empty(opened, parser_factory=geoparser)  # a new user sees a populated map
    return opened


@st.cache_resource(show_spinner="Loading the gazetteer…")
def geoparser():
    from geo.pipeline import Geoparser

    return Geoparser()


def _init_from_url() -> None:
    """Widgets start from the URL's view once per session; afterwards the widgets lead and the URL follows."""
    if st.session_state.get("_view_loaded"):
        return
    view = ViewState.from_params(_current_params())
    st.session_state["_view_loaded"] = True
    f = view.filter
    st.session_state["preset"] = "custom" if (f.start or f.end) else "all"
    st.session_state["range"] = (f.start, f.end) if f.start and f.end else ()
    st.session_state["actors"] = list(f.actors)
    st.session_state["types"] = list(f.event_types)
    st.session_state["sources"] = list(f.sources)
    st.session_state["min_conf"] = f.min_confidence
    st.session_state["search"] = view.search
    st.session_state["online"] = view.online_tiles
    st.session_state["place"] = view.place


def sidebar_view(opened: Store) -> ViewState:
    """The sidebar's filters as a view; the URL is kept in step so the view can be shared."""
    _init_from_url()
    facets = opened.facets()
    with st.sidebar:
        st.header("Filters")
        preset = st.radio("Period", list(PRESET_LABELS), format_func=PRESET_LABELS.get, key="preset",
                          horizontal=True)
        start, end = preset_range(preset, facets["last"])
        if preset == "custom":
            # No bounds: a shared link may name dates outside what this store holds.
            chosen = st.date_input("Date range", key="range", min_value=dt.date(1900, 1, 1))
            if isinstance(chosen, tuple) and len(chosen) == 2:
                start, end = chosen
        elif facets["last"]:
            st.caption(f"Reports up to {facets['last']:%d %b %Y}")
        actors = st.multiselect("Actors", sorted(set(facets["actors"]) | set(st.session_state["actors"])),
                                key="actors")
        types = st.multiselect("Event types", [str(kind) for kind in EVENT_TYPES], key="types",
                               format_func=lambda t: event_type(t).label)
        sources = st.multiselect("Sources", sorted(set(facets["sources"]) | set(st.session_state["sources"])),
                                 key="sources")
        min_conf = st.slider("Minimum confidence", 0.0, 1.0, step=0.05, key="min_conf")
        search = st.text_input("Find a place", key="search", placeholder="e.g. Sudzha")
        online = st.checkbox("Online base maps (needs network)", key="online")
    filters = EventFilter(start=start, end=end, actors=tuple(actors), event_types=tuple(types),
                          sources=tuple(sources), min_confidence=min_conf)
    view = ViewState(filters, place=st.session_state.get("place", ""), search=search.strip(), online_tiles=online)
    params = view.to_params()
    if params != _current_params():
        st.query_params.from_dict(params)
    return view


def _current_params() -> dict:
    """The URL's query parameters, with the repeatable ones as lists."""
    current = st.query_params.to_dict()
    for key in ("actor", "type", "source"):
        if key in current:
            current[key] = st.query_params.get_all(key)
    return current
