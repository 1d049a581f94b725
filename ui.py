"""Streamlit pieces shared by the dashboard's pages: the store, the geoparser, the cached queries and the sidebar
filters. Widgets and layout only; everything else is in geo/."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from geo.config import settings
from geo.eventtypes import EVENT_TYPES, event_type
from geo.ingest import load_samples_if_empty
from geo.store import ACTOR_ROLES, EventFilter, Store, default_url
from geo.theatre import DEFAULT_THEATRE, Theatre
from geo.viewstate import EARLIEST, LATEST, ViewState, preset_range

_log = logging.getLogger("frontmap.dashboard")
PRESET_LABELS = {"all": "All", "7d": "Last 7 days", "30d": "Last 30 days", "custom": "Custom"}
ROLE_LABELS = {"involving": "involving", "gained": "gained by", "lost": "lost by"}
# The view's keys in the session: what the sidebar's widgets hold, kept across pages.
_VIEW_KEYS = ("preset", "range", "actors", "role", "types", "sources", "min_conf", "search", "online", "place",
              "as_of", "changes_from")

# The page's own look: the map fills the window below a thin header, the place panel opens over the map's right
# side, and long unbroken words (titles, links) wrap inside their cards.
PAGE_CSS = """
<style>
.block-container { padding: 2.2rem 1rem 0.5rem 1rem; }
iframe[title="streamlit_folium.st_folium"] { height: max(380px, calc(100vh - 7.5rem)) !important; }
.st-key-fm-panel { position: fixed; top: 3.6rem; right: 1.2rem; width: min(440px, 40vw); z-index: 990;
                   max-height: calc(100vh - 5rem); overflow-y: auto; background: #fff; border-radius: 8px;
                   padding: 0.6rem 0.9rem; box-shadow: 0 2px 12px #0005; }
.fm-excerpt, .fm-excerpt * { overflow-wrap: anywhere; word-break: break-word; }
</style>
"""


def store() -> Store:
    """The store FRONTMAP_DB names (or the default one), opened once per server. Every page calls it first: it
    also reads the store's generation once per run, for the cached queries."""
    opened = _open_store(default_url())
    st.session_state["_generation"] = opened.generation()
    return opened


def opened_store() -> Store:
    """The store store() opened, without reading its generation again (store() read it at the start of the run)."""
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

    return Geoparser(theatre=theatre())


def theatre() -> Theatre:
    """The theatre the map is drawn for: the geoparser's, known without loading the gazetteer (hundreds of MB that
    the map and the Events page do not need)."""
    return DEFAULT_THEATRE


def follow_store() -> None:
    """Keep an open page in step with the store: every few seconds (settings' refresh_seconds) the page checks
    the store's generation, and when an ingest, pin, edit or delete (in another tab, or another process) changed
    it, the whole page runs again with the new data. Each tab keeps its own view (filters, place, map position)."""
    every = settings().refresh_seconds
    if not every:
        return
    drawn = generation()
    # The watch runs once inside this run too, right after store() read the generation: no need to read it again.
    st.session_state["_watch_skip"] = True

    @st.fragment(run_every=every)
    def watch() -> None:
        if st.session_state.pop("_watch_skip", False):
            return
        if _open_store(default_url()).generation() != drawn:
            st.rerun(scope="app")

    watch()


# -- cached queries ---------------------------------------------------------------------------------------------
# Every query the pages repeat is cached, keyed by the store's generation (which every ingest, pin, edit and delete
# changes, from this server or another process): a rerun that changes nothing asks the store once, cheaply.


def generation() -> tuple:
    """The store's generation as read at the start of this run (by store())."""
    if "_generation" not in st.session_state:
        store()
    return st.session_state["_generation"]


def cached(method: str, *args, **kwargs):
    """store.<method>(*args, **kwargs), from the cache while the store has not changed."""
    return _cached_query(default_url(), generation(), method, args, tuple(sorted(kwargs.items())))


# Streamlit hashes every argument but those whose name starts with "_": the generation is part of the key.
@st.cache_data(max_entries=128, show_spinner=False, ttl=3600)
def _cached_query(url: str, generation_key: tuple, method: str, args: tuple, kwargs: tuple):
    return getattr(_open_store(url), method)(*args, **dict(kwargs))


# A resource, not data: the value is shared as it is (never copied nor pickled on each run), so callers must
# not change it.
@st.cache_resource(max_entries=32, show_spinner=False, ttl=3600)
def cached_value(key: tuple, _compute: Callable[[], object]):
    """Anything derived from the store (key must hold the generation), computed once and shared read-only."""
    return _compute()


def facets() -> dict:
    return cached("facets")


# -- the view, from the URL and across pages --------------------------------------------------------------------


def _init_from_url(page: str) -> None:
    """Widgets start from the URL's view when a page opens; with no view in the URL (a page chosen in the
    navigation, which drops the URL's parameters) they keep the session's view. Afterwards the widgets lead and
    the URL follows."""
    if st.session_state.get("_view_page") == page:
        return
    st.session_state["_view_page"] = page
    params = _current_params()
    saved = st.session_state.get("_view")
    if not params and saved:
        for key, value in saved.items():
            st.session_state[key] = value
        return
    view = ViewState.from_params(params)
    f = view.filter
    st.session_state["preset"] = "custom" if (f.start or f.end) else "all"
    st.session_state["range"] = (f.start or EARLIEST, f.end or LATEST) if f.start or f.end else ()
    st.session_state["actors"] = list(f.actors)
    st.session_state["role"] = f.actor_role
    st.session_state["types"] = list(f.event_types)
    st.session_state["sources"] = list(f.sources)
    st.session_state["min_conf"] = f.min_confidence
    st.session_state["search"] = view.search
    st.session_state["online"] = view.online_tiles
    st.session_state["place"] = view.place
    st.session_state["as_of"] = view.as_of
    st.session_state["changes_from"] = view.changes_from


def sidebar_view(opened: Store, page: str = "map") -> ViewState:
    """The sidebar's filters as a view; the URL is kept in step so the view can be shared, and the session keeps
    it for the other pages."""
    _init_from_url(page)
    found = facets()
    with st.sidebar:
        st.header("Filters")
        preset = st.radio("Period", list(PRESET_LABELS), format_func=PRESET_LABELS.get, key="preset",
                          horizontal=True)
        start, end = preset_range(preset, found["last"])
        if preset == "custom":
            # Bounds wide enough for any link: a shared link may name dates outside what this store holds.
            if st.session_state.get("range") == ():
                st.session_state["range"] = (found["first"] or EARLIEST, found["last"] or LATEST)
            chosen = st.date_input("Date range", key="range", min_value=EARLIEST, max_value=LATEST)
            if isinstance(chosen, tuple) and len(chosen) == 2:
                start, end = chosen
        elif found["last"]:
            st.caption(f"Reports up to {found['last']:%d %b %Y}")
        actors = st.multiselect("Actors", sorted(set(found["actors"]) | set(st.session_state["actors"])),
                                key="actors")
        role = st.radio("Events", ACTOR_ROLES, format_func=ROLE_LABELS.get, key="role", horizontal=True,
                        help="gained by: the actor took the place (or struck); lost by: the place was taken from "
                             "it; involving: either", disabled=not actors)
        types = st.multiselect("Event types", [str(kind) for kind in EVENT_TYPES], key="types",
                               format_func=lambda t: event_type(t).label)
        sources = st.multiselect("Sources", sorted(set(found["sources"]) | set(st.session_state["sources"])),
                                 key="sources")
        search = _place_search(page)
        min_conf, online = _more_filters()
    filters = EventFilter(start=start, end=end, actors=tuple(actors), event_types=tuple(types),
                          sources=tuple(sources), min_confidence=min_conf,
                          actor_role=role if actors else "involving")
    # The control picture's dates have their widgets on the map page (control_ui.sidebar); the URL keeps them.
    view = ViewState(filters, place=st.session_state.get("place", ""), search=search.strip(), online_tiles=online,
                     as_of=st.session_state.get("as_of"), changes_from=st.session_state.get("changes_from"))
    st.session_state["_view"] = {key: st.session_state.get(key) for key in _VIEW_KEYS}
    params = view.to_params()
    if params != _current_params():
        st.query_params.from_dict(params)
    return view


def _place_search(page: str) -> str:
    """"Find a place" centres the map on a place and opens its panel: a widget of the map page only (on the other
    pages it would filter nothing, and each kind of widget costs the browser one more script to load first). The
    value stays in the session and the URL for the map."""
    if page == "map":
        return st.text_input("Find a place", key="search", placeholder="e.g. Sudzha", max_chars=200)
    st.session_state["search"] = st.session_state.get("search") or ""  # kept: a value set by the page, not a widget
    return st.session_state["search"]


# Filters few views change. Their widgets are sent only while their expander is open: each kind of widget costs the
# browser one more script file, fetched one after the other before the map's own (a slower first draw).
_MORE_FILTERS = {"min_conf": 0.0, "online": False}


def folded(label: str, key: str, defaults: dict) -> tuple:
    """An expander whose widgets (their keys and defaults given) are sent only while it is open: (the expander, the
    keys set to other than their defaults). It opens by itself when one of them is set (by a link); closed, the
    values set stay in force (a widget's value is dropped when the widget is not drawn in a run; a value set by the
    page is kept)."""
    state = st.session_state
    for name, default in defaults.items():
        state[name] = state.get(name, default)
    changed = {name for name, default in defaults.items() if state[name] != default}
    return st.expander(label, key=key, expanded=bool(changed), on_change="rerun"), changed


def _more_filters() -> tuple[float, bool]:
    """The minimum confidence and the online base maps, behind "More filters" (open when one of them is set, e.g.
    by a link); while it is closed, the values set stay in force and are named under it."""
    more, changed = folded("More filters", "more-filters", _MORE_FILTERS)
    with more:
        if more.open:
            st.slider("Minimum confidence", 0.0, 1.0, step=0.05, key="min_conf")
            st.checkbox("Online base maps (needs network)", key="online")
    if not more.open and changed:
        st.caption(" · ".join(part for part in (
            f"Minimum confidence {st.session_state['min_conf']:.2f}" if "min_conf" in changed else "",
            "Online base maps" if "online" in changed else "") if part))
    return float(st.session_state["min_conf"]), bool(st.session_state["online"])


def _current_params() -> dict:
    """The URL's query parameters, with the repeatable ones as lists."""
    current = st.query_params.to_dict()
    for key in ("actor", "type", "source"):
        if key in current:
            current[key] = st.query_params.get_all(key)
    return current


def select_place(place_key: str) -> None:
    """Make a place the selected one (its panel opens; the URL names it)."""
    st.session_state["place"] = place_key
    if isinstance(st.session_state.get("_view"), dict):
        st.session_state["_view"]["place"] = place_key


def guarded(view: Callable[[], None]) -> None:
    """Run a page; an error in it is shown as one plain line (never a traceback, never links to search or chat
    sites that would carry it off the machine), and the rest of the page stays usable."""
    try:
        view()
    except Exception as exc:  # noqa: BLE001 - the page must survive any error in one view
        if type(exc).__module__.startswith("streamlit.runtime.scriptrunner"):
            raise  # st.rerun() and st.stop() are exceptions too
        from geo.panel import plain

        first_line = str(exc).splitlines()[0] if str(exc) else ""
        st.error(f"This view could not be shown: {plain(type(exc).__name__)}: {plain(first_line)}")
        _log.exception("view failed")
