"""The dashboard's widget logic, with Streamlit's AppTest. AppTest cannot click inside st_folium, so the map
component is replaced by a stand-in that records the layers it was given and reports a chosen click."""

import datetime as dt
import re
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from geo.documents import make_document
from geo.ingest import ingest_documents, load_samples_if_empty
from geo.store import Store

ROOT = Path(__file__).resolve().parents[1]


class FakeMap:
    """Like streamlit-folium in the browser: reports the last clicked place's tooltip and how many clicks there
    were (setting `click` is one more click, on the same place or another)."""

    def __init__(self):
        self._click = None
        self.clicks = 0
        self.features = []
        self.groups = []
        self.kwargs = {}

    @property
    def click(self):
        return self._click

    @click.setter
    def click(self, tooltip):
        self._click = tooltip
        self.clicks += 1

    def __call__(self, fig, key=None, feature_group_to_add=None, **kwargs):
        self.groups = feature_group_to_add or []
        self.kwargs = kwargs
        self.features = [feature["properties"]["tooltip"] for group in feature_group_to_add or []
                         for layer in _geojson_layers(group) for feature in layer.data["features"]
                         if "tooltip" in feature["properties"]]  # places, not the territory's polygons
        return {"last_object_clicked_tooltip": self._click, "last_object_clicked_count": self.clicks}

    def places(self):
        return {tooltip.split(" — ")[0].split(",")[0] for tooltip in self.features}


def _geojson_layers(element):
    for child in element._children.values():
        if hasattr(child, "data") and isinstance(child.data, dict):
            yield child
        yield from _geojson_layers(child)


@pytest.fixture
def store_path(tmp_path, monkeypatch):
    path = tmp_path / "dash.sqlite"
    store = Store(str(path))
    load_samples_if_empty(store)
    monkeypatch.setenv("FRONTMAP_DB", str(path))
    return path


@pytest.fixture
def fake_map(monkeypatch):
    fake = FakeMap()
    monkeypatch.setattr(streamlit_folium, "st_folium", fake)
    return fake


def app(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def shown_html(at: AppTest, marker: str) -> str:
    """The body of the page's st.html element holding marker (the panel has several: claims, history, excerpts)."""
    return next(element.proto.body for element in at.get("html") if marker in element.proto.body)


def test_the_map_shows_the_sample_corpus_places(store_path, fake_map):
    at = app()
    assert not at.exception
    assert {"Sudzha", "Kherson", "Avdiivka"} <= fake_map.places() or {"Sudzha", "Kherson"} <= fake_map.places()
    assert "places in this view" in at.caption[0].value


def test_sidebar_filters_change_the_places_shown(store_path, fake_map):
    at = app()
    everything = set(fake_map.features)
    at.sidebar.multiselect(key="types").select("strike").run()
    strikes = set(fake_map.features)
    assert strikes and len(strikes) < len(everything)
    assert all("strike" in tooltip for tooltip in strikes)
    at.sidebar.radio(key="preset").set_value("30d").run()
    assert 0 < len(fake_map.features) < len(strikes) or fake_map.features == []
    assert at.query_params["type"] in ("strike", ["strike"]) and "start" in at.query_params


def test_the_filters_stay_usable_when_the_map_fails(store_path, monkeypatch):
    def failing_map(*args, **kwargs):
        raise RuntimeError("the map could not be built")

    monkeypatch.setattr(streamlit_folium, "st_folium", failing_map)
    at = app()
    assert "the map could not be built" in at.error[0].value
    assert at.sidebar.radio(key="preset").value == "all" and at.sidebar.multiselect(key="types")


def test_url_parameters_restore_a_view(store_path, fake_map):
    at = app(type="control_change", actor="Ukraine", start="2022-01-01", end="2022-12-31")
    assert at.sidebar.multiselect(key="types").value == ["control_change"]
    assert at.sidebar.multiselect(key="actors").value == ["Ukraine"]
    assert at.sidebar.radio(key="preset").value == "custom"
    assert "Kherson" in fake_map.places() and "Sudzha" not in fake_map.places()


def test_clicking_a_settlement_lists_its_excerpts_newest_first(store_path, fake_map):
    at = app()
    fake_map.click = next(t for t in fake_map.features if t.startswith("Sudzha"))
    at.run()
    assert at.subheader[0].value == "Sudzha"
    panel = shown_html(at, "fm-excerpt")
    assert panel.count('class="fm-excerpt"') >= 3 and "<mark>Sudzha</mark>" in panel
    assert panel.index("2025-03-13") < panel.index("2024-08-15")
    assert at.query_params["place"]


def test_a_place_panel_shows_its_control_history_and_claims_without_a_data_grid_or_chart(store_path, fake_map):
    at = app()
    fake_map.click = next(t for t in fake_map.features if t.startswith("Sudzha"))
    at.run()
    # Plain HTML and SVG: the browser shows the panel without fetching the grid's and Vega's scripts first.
    assert not at.dataframe and not at.get("arrow_vega_lite_chart")
    history = shown_html(at, "fm-control-history")
    assert any("2025" in tick for tick in re.findall(r'class="fm-tick"[^>]*>([^<]+)<', history))  # years on the axis
    assert history.count('class="fm-bar"') >= 2 and "Russia from" in history and "Ukraine from" in history
    claims = shown_html(at, 'data-fm-table="claims"')
    assert "<th>date</th>" in claims and "<th>holder after</th>" in claims and claims.count("<tr>") >= 3


def test_article_text_is_shown_as_text_never_as_markup(store_path, fake_map):
    hostile = make_document('Russian troops shelled Sudzha. <script>alert("x")</script><img src=x onerror=alert(1)>',
                            title="<b onmouseover=alert(2)>Title</b>", published=dt.date(2025, 3, 14))
    ingest_documents([hostile], Store(str(store_path)), workers=1)
    at = app()
    fake_map.click = next(t for t in fake_map.features if t.startswith("Sudzha"))
    at.run()
    panel = "".join(element.proto.body for element in at.get("html"))  # excerpts, claims, control history
    assert "&lt;script&gt;" in panel and "<script" not in panel and "<img" not in panel and "<b " not in panel


def page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / name), default_timeout=120).run()


def table_rows(at: AppTest) -> int:
    """The rows of the page's table, shown as plain HTML (its head row not counted)."""
    return at.get("html")[0].proto.body.count("<tr>") - 1


def test_the_events_and_timeline_pages_show_the_filtered_events(store_path):
    events = page("1_Events.py")
    assert not events.exception and table_rows(events) == 100  # a page of the 141 sample events, as a plain table
    assert "141 events in this view; 1 to 100, newest first" in events.caption[0].value
    events.number_input(key="events-page").set_value(2).run()
    assert table_rows(events) == 41 and "101 to 141" in events.caption[0].value
    assert [b.label for b in events.get("download_button")] == ["Download CSV (ACLED-like columns)",
                                                                "Download GeoJSON"]
    timeline = page("4_Timeline.py")
    assert not timeline.exception and timeline.subheader[0].value == "By event type"


def test_find_a_place_is_a_widget_of_the_map_page_only_and_the_other_pages_keep_its_value(store_path):
    events = AppTest.from_file(str(ROOT / "pages" / "1_Events.py"), default_timeout=120)
    events.query_params["q"] = "Sudzha"
    events.run()
    assert not events.exception and not [box for box in events.sidebar.text_input if box.label == "Find a place"]
    assert events.query_params["q"] in ("Sudzha", ["Sudzha"])
    assert table_rows(events) == 100  # (it filters no event)


def test_the_ingest_page_takes_a_pasted_article(store_path):
    at = page("2_Ingest.py")
    at.text_area[0].input("Russian forces captured Huliaipole on Monday, the Russian Defence Ministry said.")
    at.date_input[0].set_value(dt.date(2025, 11, 24))
    at.button[0].click().run()
    assert not at.exception
    assert "new 1" in at.success[0].value
    found = at.dataframe[0].value
    assert list(found["place"]) == ["Huliaipole"] and list(found["event_type"]) == ["control_change"]
    assert str(found["date"].iloc[0]) == "2025-11-24"


def test_the_places_page_pins_an_unknown_name_to_coordinates(store_path):
    at = page("3_Places.py")
    assert "Malaya Loknya" in set(at.dataframe[0].value["place"])
    at.selectbox[0].set_value("Malaya Loknya").run()
    at.radio[1].set_value("Coordinates…").run()
    at.number_input[0].set_value(51.231)
    at.number_input[1].set_value(35.188)
    at.button[0].click().run()
    assert not at.exception
    loknya = Store(str(store_path)).events()
    loknya = loknya[loknya["place"] == "Malaya Loknya"]
    assert list(loknya["lat"]) == [51.231] and list(loknya["precision"]) == ["pinned"]


def _control_layers(fake_map) -> dict[str, list[dict]]:
    """Territory and front-line features the map was given, by layer name."""
    return {group.layer_name: [f for layer in _geojson_layers(group) for f in layer.data["features"]]
            for group in fake_map.groups if group.layer_name.startswith(("Territory", "Front line", "Changes"))}


def test_the_as_of_date_in_the_url_sets_the_territory_drawn(store_path, fake_map):
    app(asof="2022-12-31")
    early = _control_layers(fake_map)
    [territory_2022] = [name for name in early if name.startswith("Territory")]
    assert "as of 2022-12-31" in territory_2022
    held_2022 = {f["properties"]["holder"] for f in early[territory_2022]}
    at = app()
    latest = _control_layers(fake_map)
    [territory_now] = [name for name in latest if name.startswith("Territory")]
    assert held_2022 == {"Russia", "Ukraine"}
    assert territory_now != territory_2022  # other areas as of another date
    at.session_state["control-dates"] = True  # what opening "Control dates" does
    at.run()
    at.sidebar.date_input(key="as_of").set_value(dt.date(2022, 12, 31)).run()
    assert at.query_params["asof"] in ("2022-12-31", ["2022-12-31"])


def test_the_control_dates_wait_behind_their_expander_and_a_link_setting_one_opens_it(store_path, fake_map):
    at = app()
    assert not at.sidebar.date_input  # closed: no date widget sent (the browser loads its scripts when opened)
    assert any(c.value == "Control as of the latest reports" for c in at.sidebar.caption)
    linked = app(asof="2022-12-31")
    assert linked.sidebar.date_input(key="as_of").value == dt.date(2022, 12, 31)
    linked.session_state["control-dates"] = False  # closed again: the date stays in force and is named
    linked.run()
    assert not linked.sidebar.date_input and linked.query_params["asof"] in ("2022-12-31", ["2022-12-31"])
    assert any(c.value == "Control as of 2022-12-31" for c in linked.sidebar.caption)
    assert any("as of 2022-12-31" in name for name in _control_layers(fake_map))


def test_changes_since_a_date_are_listed_with_their_km2(store_path, fake_map):
    at = app(asof="2025-12-31", changes_from="2024-06-01")
    assert not at.exception
    assert any(name.startswith("Changes since 2024-06-01") for name in _control_layers(fake_map))
    assert any("Russia: +" in m.value for m in at.markdown)


def test_a_reference_layer_is_drawn_and_the_reports_contradicting_it_are_listed(store_path, fake_map):
    import json

    reference = json.loads((ROOT / "tests" / "data" / "reference-russia-2025-03-01.geojson").read_text())
    Store(str(store_path)).add_reference(holder="Ukraine", date=dt.date(2024, 1, 1), geojson=json.dumps(reference),
                                         name="a test layer")
    at = app()
    assert any(group.layer_name.startswith("Reference (a test layer") for group in fake_map.groups)
    assert not any("contradict it" in m.value for m in at.markdown)  # its tab is closed: not computed
    at.session_state["control-views"] = "Reference disagreements"
    at.run()
    assert any("reports after a reference's date contradict it" in m.value and not m.value.startswith("0 ")
               for m in at.markdown)


def test_with_a_period_and_no_as_of_date_the_control_is_as_of_the_period_end(store_path, fake_map):
    app(start="2024-12-01", end="2024-12-31")  # a month with no report in the samples
    [territory] = [name for name in _control_layers(fake_map) if name.startswith("Territory")]
    assert "as of 2024-12-31" in territory and "none known" not in territory


def test_regions_are_not_shown_as_held_but_settlements_are(store_path, fake_map):
    app()
    regions = [t for t in fake_map.features if t.startswith(("Donetsk, Donetsk, UA", "Luhansk, Luhansk, UA",
                                                             "Kursk, Kursk, RU"))]
    assert len(set(regions)) == 3  # the regions the samples name, as regions
    assert not any("held by" in t for t in regions)  # "Donetsk region" held by Ukraine, no more
    assert any(t.startswith("Toretsk") and "held by Russia" in t for t in fake_map.features)


def test_a_clicked_place_then_a_period_without_its_events_says_so(store_path, fake_map):
    at = app()
    fake_map.click = next(t for t in fake_map.features if t.startswith("Sudzha"))
    at.run()
    at.sidebar.radio(key="preset").set_value("custom").run()
    at.sidebar.date_input(key="range").set_value((dt.date(1990, 1, 1), dt.date(1990, 12, 31))).run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == "Sudzha"
    assert any("No excerpts name this place" in info.value for info in at.info)


@pytest.mark.parametrize("params", [
    {"place": "gn:999999999"},
    {"start": "1850-01-01", "end": "1850-12-31"},
    {"start": "2025-03-01", "end": "2024-01-01", "min_conf": "inf", "type": "<script>", "actor": ""},
    {"q": "x" * 5000, "role": "bogus", "source": ["", " "]},
])
def test_stale_hostile_or_empty_link_parameters_give_a_view_not_an_error(store_path, fake_map, params):
    at = app(**params)
    assert not at.exception and not at.error
    events = AppTest.from_file(str(ROOT / "pages" / "1_Events.py"), default_timeout=120)
    for key, value in params.items():
        events.query_params[key] = value
    events.run()
    assert not events.exception and not events.error


def test_the_actor_filter_tells_gained_from_lost(store_path, fake_map):
    from geo.store import EventFilter

    store = Store(str(store_path))
    kinds = ("control_change",)
    gained = store.events(EventFilter(actors=("Ukraine",), actor_role="gained", event_types=kinds))
    lost = store.events(EventFilter(actors=("Ukraine",), actor_role="lost", event_types=kinds))
    involving = store.events(EventFilter(actors=("Ukraine",), event_types=kinds))
    assert set(gained["actor"]) == {"Ukraine"} and set(lost["opponent"]) == {"Ukraine"}
    assert len(gained) + len(lost) == len(involving) and len(gained) and len(lost)
    at = app(actor="Ukraine", role="gained", type="control_change")
    assert at.sidebar.radio(key="role").value == "gained"
    shown = len(fake_map.features)
    at.sidebar.radio(key="role").set_value("lost").run()
    assert at.query_params["role"] in ("lost", ["lost"]) and len(fake_map.features) != shown


def test_a_place_with_thousands_of_excerpts_shows_them_a_page_at_a_time(store_path, fake_map):
    text = " ".join(f"Shelling hit Sudzha again on day {i}." for i in range(3000))
    ingest_documents([make_document(text, title="Long", published=dt.date(2025, 3, 20))], Store(str(store_path)),
                     workers=1)
    at = app()
    fake_map.click = next(t for t in fake_map.features if t.startswith("Sudzha"))
    at.run()
    assert not at.exception
    assert shown_html(at, "fm-excerpt").count('class="fm-excerpt"') == 25
    assert at.number_input[0].label.startswith("Page (of ")
    at.number_input[0].set_value(3).run()
    assert shown_html(at, "fm-excerpt").count('class="fm-excerpt"') == 25


def test_an_undated_paste_is_refused_and_a_future_date_too(store_path):
    at = page("2_Ingest.py")
    at.text_area[0].input("Russian forces captured Huliaipole on Monday, the Russian Defence Ministry said.")
    at.button[0].click().run()
    assert not at.exception
    assert "no publication date" in at.error[0].value and "new 0" in at.warning[0].value
    from geo.intake import dated

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    [], [reason] = dated([make_document("Text.", published=tomorrow, path="late.txt")])
    assert "in the future" in reason


def test_a_stored_document_can_be_redated_and_deleted_and_its_events_follow(store_path):
    store = Store(str(store_path))
    document = make_document("Russian forces captured Huliaipole on Monday, the Russian Defence Ministry said.",
                             published=dt.date(2025, 11, 26))
    ingest_documents([document], store, workers=1)
    from geo.pipeline import Geoparser

    parser = Geoparser()
    before = store.generation()
    moved = make_document(document.text, published=dt.date(2024, 11, 27))
    store.update_document(document.id, [e.as_row() for e in parser.parse(moved)], published=dt.date(2024, 11, 27),
                          title="", source="", url="")
    events = store.events()
    events = events[events["doc"] == document.id]
    assert list(events["date"].astype(str)) == ["2024-11-25"]  # "on Monday" before the new date
    assert store.generation() != before
    same = store.same_text(document.text)
    assert list(same["id"]) == [document.id]
    assert store.delete_document(document.id) and store.document(document.id) is None
    assert document.id not in set(store.events()["doc"])



def test_clicking_a_place_again_after_closing_its_panel_opens_it_again(store_path, fake_map):
    at = app()
    sudzha = next(t for t in fake_map.features if t.startswith("Sudzha"))
    fake_map.click = sudzha
    at.run()
    assert at.subheader[0].value == "Sudzha"
    at.button(key="close-panel").click().run()
    assert not at.subheader and not at.query_params.get("place")
    at.run()  # a rerun for another reason: the old click is not taken for a new one
    assert not at.subheader
    fake_map.click = sudzha  # the same place, clicked again: streamlit-folium reports the same tooltip
    at.run()
    assert at.subheader[0].value == "Sudzha"


def test_an_uncertain_place_says_so_on_the_map_and_in_its_panel_and_is_listed_for_review(store_path, fake_map):
    # Stepove alone: dozens of Ukrainian villages bear the name and nothing in the text tells them apart
    ingest_documents([make_document("Shelling hit Stepove overnight, the regional governor said.", title="Stepove",
                                    published=dt.date(2025, 3, 20))], Store(str(store_path)), workers=1)
    at = app()
    uncertain = [t for t in fake_map.features if "uncertain place" in t]
    assert uncertain and len(uncertain) < len(fake_map.features)  # some, not all
    name = uncertain[0].split(" — ")[0].split(",")[0]
    fake_map.click = uncertain[0]
    at.run()
    assert at.subheader[0].value == name
    assert "Uncertain place" in at.warning[0].value and "Places page" in at.warning[0].value
    places = page("3_Places.py")
    assert places.radio[0].options[0] == "Unplaced or uncertain"
    assert name in set(places.dataframe[0].value["place"])
    assert (places.dataframe[0].value["confidence"].dropna() < 0.7).all()


def test_the_reference_form_is_sent_only_once_its_expander_is_opened(store_path, fake_map):
    at = app()
    assert not [b for b in at.sidebar.button if b.label == "Add reference layer"]
    at.session_state["reference-form"] = True  # what opening it does
    at.run()
    assert [b.label for b in at.sidebar.button] == ["Add reference layer"]
