"""The analyst's map in a real browser (Debian's Chromium, no network beyond loopback): uncertain places marked as
such, a place clicked again after its panel was closed, and an open tab that follows changes made elsewhere. The
store holds the sample corpus and one made-up place the geoparser was unsure of."""

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from geo.documents import make_document
from geo.ingest import ingest_documents, load_samples_if_empty
from geo.records import event_record
from geo.store import Store
from tests.test_browser import (
    CHROMIUM,
    Page,
    browser,  # noqa: F401 (the module's Chromium: a fixture)
    running_dashboard,
)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (scripts/test.sh does)")
UNSURE = "Zubrivka"  # made up, placed near Pokrovsk with a confidence under the threshold


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "dash.sqlite"
    store = Store(str(path))
    load_samples_if_empty(store)
    store.add(make_document(f"Shelling was reported in {UNSURE}.", published=dt.date(2025, 3, 10)), [event_record({
        "place": UNSURE, "name": UNSURE, "start": 25, "end": 25 + len(UNSURE), "lat": 48.35, "lon": 37.05,
        "country": "UA", "admin1": "Donetsk", "feature": "PPL", "geonameid": 999_000_001, "precision": "settlement",
        "event_type": "strike", "date": dt.date(2025, 3, 10), "excerpt": f"Shelling was reported in {UNSURE}.",
        "confidence": 0.5, "place_confidence": 0.55})])
    return path


@pytest.fixture(scope="module")
def server(store_path):
    # Open pages look for changes in the store every second here (10 s by default).
    yield from running_dashboard({"FRONTMAP_DB": str(store_path), "FRONTMAP_SAMPLES": "0", "FRONTMAP_REFRESH": "1"})


@pytest.fixture
def tab(browser, server):  # noqa: F811 (the imported fixture)
    page = Page(browser, server)
    yield page
    page.page.close()


# The map page's line saying how many articles and events are stored.
_STORED = ("[...document.querySelectorAll('[data-testid=stCaptionContainer]')].map(c => c.innerText)"
           ".find(t => t.includes('events stored'))")


def _idle(tab) -> None:
    tab.page.wait_for_function("document.querySelector('[data-testid=stApp]')"
                               "?.getAttribute('data-test-script-state') === 'notRunning'", timeout=60_000)


# The drawn (unclustered) marker of a place: its tooltip and SVG style, or null.
_MARKER_OF = """((name) => { let found = null;
    window.map.eachLayer(l => { if (!found && l.feature && l._path && l.getTooltip && l.getTooltip() &&
        String(l.getTooltip().getContent()).startsWith(name)) found = {
            tooltip: String(l.getTooltip().getContent()), dash: l._path.getAttribute('stroke-dasharray'),
            fillOpacity: l._path.getAttribute('fill-opacity'), uncertain: l.feature.properties.uncertain}; });
    return found; })"""


def _marker(frame, name: str) -> dict | None:
    return frame.evaluate(f"(name) => {_MARKER_OF}(name)", name)


def _wait_for_marker(frame, name: str) -> None:
    frame.wait_for_function(f"() => {_MARKER_OF}({name!r}) !== null", timeout=30_000)


def test_an_uncertain_place_is_drawn_hollow_and_dotted_and_says_so(tab):
    tab.open(f"/?q={UNSURE}")
    frame = tab.map()
    _wait_for_marker(frame, UNSURE)
    unsure, sure = _marker(frame, UNSURE), None
    frame.evaluate("() => { window.map.setView([51.19, 35.27], 10); }")  # Sudzha, placed with confidence
    _wait_for_marker(frame, "Sudzha")
    sure = _marker(frame, "Sudzha")
    assert unsure["uncertain"] is True and "uncertain place (confidence 0.55, under 0.7)" in unsure["tooltip"]
    assert unsure["dash"] == "2 3" and float(unsure["fillOpacity"]) < 0.5
    assert sure["uncertain"] is False and "uncertain" not in sure["tooltip"]
    assert sure["dash"] in (None, "") and float(sure["fillOpacity"]) > 0.5
    frame.evaluate("() => { window.map.setView([48.35, 37.05], 13); }")
    frame.evaluate("document.querySelector('.fm-legend').open = true")
    legend = frame.evaluate("document.querySelector('.fm-legend').innerText")
    assert "uncertain place (hollow, dotted): confidence under 0.7" in legend
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)  # the search selected it: its panel warns
    assert "Uncertain place" in tab.page.locator("[data-testid=stAlert]").first.inner_text()
    time.sleep(1)
    tab.screenshot("uncertain-place")
    assert tab.offsite == []


def test_a_place_clicked_again_after_its_panel_was_closed_opens_it_again(tab):
    tab.open("/?q=Sudzha")
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)  # the search selected it
    _idle(tab)
    tab.page.get_by_role("button", name="✕").click()
    tab.page.wait_for_selector(".fm-excerpt", state="detached", timeout=30_000)
    _idle(tab)
    for attempt in ("first", "again"):
        tab.click_place("Sudzha")
        tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)
        _idle(tab)
        assert tab.page.get_by_role("heading", name="Sudzha").count() >= 1
        if attempt == "first":
            tab.page.get_by_role("button", name="✕").click()
            tab.page.wait_for_selector(".fm-excerpt", state="detached", timeout=30_000)
            _idle(tab)
    tab.screenshot("place-clicked-again")
    assert tab.offsite == []


def test_the_place_panel_shows_its_history_with_years_and_its_claims_without_the_grids_scripts(tab):
    fetched = []
    tab.page.on("request", lambda request: fetched.append(request.url))
    tab.open("/?q=Sudzha")
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)  # the search selected it: its panel is open
    history = tab.page.locator(".st-key-fm-panel .fm-control-history")
    history.wait_for(timeout=30_000)
    _idle(tab)
    ticks = history.locator(".fm-tick").all_inner_texts()
    assert ticks and all(re.search(r"\b20\d\d$", tick.strip()) for tick in ticks)  # years on the axis
    assert {"Russia", "Ukraine"} <= {holder.strip() for holder in history.locator(".fm-holder").all_inner_texts()}
    bars = history.locator(".fm-bar")
    assert bars.count() >= 2 and bars.last.get_attribute("title").startswith("Russia from 13 Mar 2025")
    assert history.bounding_box()["width"] > 250 and bars.last.bounding_box()["width"] >= 2
    claims = tab.page.locator(".st-key-fm-panel [data-fm-table=claims] table")
    assert claims.locator("th").first.inner_text() == "date" and claims.locator("tbody tr").count() >= 2
    assert tab.page.locator(".st-key-fm-panel script").count() == 0
    # Shown without Streamlit's data grid and Vega chart (some 40 scripts the browser would load first).
    assert not [url for url in fetched if re.search(r"/static/js/(DataFrame|ArrowVegaLiteChart)\.", url)]
    time.sleep(1)
    tab.screenshot("place-panel")
    assert tab.offsite == [] and tab.errors == []


def test_an_open_tab_follows_an_ingest_made_elsewhere_and_keeps_its_own_view(browser, server, store_path):  # noqa: F811
    mine, other = Page(browser, server), Page(browser, server)
    try:
        mine.open("/?type=control_change")
        mine.map()
        other.open("/")
        other.map()
        _idle(mine)
        before = mine.page.evaluate(_STORED)
        other.page.get_by_text("Last 30 days", exact=True).click()  # the other tab's filters are its own
        other.page.wait_for_function("location.search.includes('start=')", timeout=30_000)
        # Another process (an ingest on the command line, or the Ingest page) adds a capture of a new place.
        ingest_documents([make_document("Russian forces captured Zolota Nyva on Monday, the ministry said.",
                                        published=dt.date(2025, 3, 14))], Store(str(store_path)), workers=1)
        mine.page.wait_for_function(f"(before) => {{ const now = {_STORED}; return now && now !== before; }}",
                                    arg=before, timeout=30_000)
        frame = mine.map()
        frame.wait_for_function("() => { let n = 0; window.map.eachLayer(l => { if (l.feature && l.getTooltip && "
                                "l.getTooltip() && String(l.getTooltip().getContent()).startsWith('Zolota Nyva')) "
                                "n += 1; if (l.getAllChildMarkers) l.getAllChildMarkers().forEach(m => { if "
                                "(String(m.getTooltip().getContent()).startsWith('Zolota Nyva')) n += 1; }); });"
                                " return n > 0; }", timeout=30_000)
        assert "type=control_change" in mine.page.url and "start=" not in mine.page.url
        mine.screenshot("tab-follows-ingest")
        assert mine.offsite == [] and other.offsite == []
    finally:
        mine.page.close()
        other.page.close()


def test_the_events_page_shows_a_page_of_events_and_the_next_page_when_asked(tab):
    tab.open("/Events")
    tab.page.get_by_text("1 to 100, newest first", exact=False).wait_for(timeout=60_000)
    tab.page.wait_for_selector("[data-fm-table=events] tbody tr", timeout=30_000)
    _idle(tab)
    total = tab.page.get_by_text("events in this view", exact=False).inner_text().split()[0]
    assert int(total) > 100
    chooser = tab.page.get_by_label("Page (of 2", exact=False)
    chooser.fill("2")
    chooser.press("Enter")
    tab.page.get_by_text(f"101 to {total}, newest first", exact=False).wait_for(timeout=30_000)
    _idle(tab)
    time.sleep(1)
    tab.screenshot("events-page-2")
    # (Opened at /Events, Streamlit first looks for its server under /Events/_stcore/: two 404s of its own.)
    assert tab.offsite == [] and [e for e in tab.errors if "404" not in e] == []


def test_the_smaller_places_names_are_fetched_when_the_map_first_gets_close(tab):
    tab.open()
    frame = tab.map()
    frame.wait_for_function("document.querySelectorAll('.fm-label').length > 0", timeout=30_000)
    fetched = "performance.getEntriesByType('resource').some(e => e.name.includes('labels-close.json'))"
    assert not frame.evaluate(fetched)  # the overview needs only the larger places' names
    frame.evaluate("() => { window.map.setView([51.12, 35.27], 10); }")
    frame.wait_for_function("[...document.querySelectorAll('.fm-label')].some(e => e.textContent === 'Guyevo')",
                            timeout=20_000)  # a village, named from zoom 10
    assert frame.evaluate(fetched)
    tab.screenshot("labels-close-zoom-10")
    assert tab.offsite == [] and tab.errors == []


# The kinds of Streamlit widget in the page's sidebar (each kind costs the browser one more script file).
_SIDEBAR_WIDGETS = ("() => [...new Set([...document.querySelectorAll('[data-testid=stSidebar] [data-testid]')]"
                    ".map(e => e.dataset.testid).filter(t => /^st(Slider|Checkbox|DateInput|TextInput|Radio|"
                    "MultiSelect)$/.test(t)))].sort()")


def test_the_rarely_changed_filters_wait_behind_more_filters_and_a_link_setting_one_opens_it(tab):
    tab.open("/")
    tab.map()
    _idle(tab)
    sidebar = tab.page.locator("[data-testid=stSidebar]")
    assert tab.page.evaluate(_SIDEBAR_WIDGETS) == ["stMultiSelect", "stRadio", "stTextInput"]
    assert sidebar.get_by_text("Minimum confidence").count() == 0
    sidebar.get_by_text("More filters").click()  # opening it runs the page again, with its widgets
    sidebar.get_by_text("Minimum confidence").wait_for(timeout=30_000)
    sidebar.get_by_text("Online base maps (needs network)").wait_for(timeout=30_000)

    tab.open("/?min_conf=0.6")  # a shared link: the filter it sets is shown, open
    tab.map()
    _idle(tab)
    assert sidebar.locator("[data-testid=stSliderThumbValue]").inner_text() == "0.60"
    sidebar.get_by_text("More filters").click()  # closed again, the filter stays in force and is named
    sidebar.get_by_text("Minimum confidence 0.60").wait_for(timeout=30_000)
    _idle(tab)
    tab.screenshot("more-filters-closed")
    assert "min_conf=0.6" in tab.page.url
    assert sidebar.get_by_role("slider").count() == 0
    assert tab.offsite == []


def test_the_control_dates_wait_behind_their_expander_and_a_link_setting_one_opens_it(tab):
    tab.open("/")
    tab.map()
    _idle(tab)
    sidebar = tab.page.locator("[data-testid=stSidebar]")
    assert sidebar.locator("[data-testid=stDateInput]").count() == 0  # no date widget's scripts before the map
    assert sidebar.get_by_text("Control as of the latest reports").count() == 1
    sidebar.get_by_text("Control dates").click()  # opening it runs the page again, with its widgets
    sidebar.get_by_text("Changes since").wait_for(timeout=30_000)
    _idle(tab)
    assert sidebar.locator("[data-testid=stDateInput]").count() == 2

    tab.open("/?asof=2025-01-15")  # a shared link: the date it sets is shown, open
    tab.map()
    _idle(tab)
    assert sidebar.get_by_role("spinbutton", name="year, Control as of").inner_text() == "2025"
    sidebar.get_by_text("Control dates").click()  # closed again, the date stays in force and is named
    sidebar.get_by_text("Control as of 2025-01-15").wait_for(timeout=30_000)
    _idle(tab)
    tab.screenshot("control-dates-closed")
    assert "asof=2025-01-15" in tab.page.url and sidebar.locator("[data-testid=stDateInput]").count() == 0
    assert tab.offsite == []
