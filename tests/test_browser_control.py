"""The control picture in a real browser (Debian's Chromium, no network beyond loopback): territory and front line
drawn offline, and the as-of date changing them. The store holds a small front written for this test."""

import datetime as dt
import time
from pathlib import Path

import pytest

from geo.store import Store
from tests.test_browser import (
    CHROMIUM,
    Page,
    browser,  # noqa: F401 (the module's Chromium: a fixture)
    running_dashboard,
)
from tests.test_control import add, report

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (scripts/test.sh does)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "front.sqlite"
    store = Store(str(path))
    # Avenko (Ukraine) and Borivka (Russia), 7 km apart, face each other from 10 January; Russia takes Avenko
    # on 1 February.
    add(store, report("Avenko", actor="Ukraine", opponent="Russia", day=dt.date(2025, 1, 10)),
        report("Borivka", actor="Russia", opponent="Ukraine", day=dt.date(2025, 1, 10)))
    add(store, report("Avenko", actor="Russia", opponent="Ukraine", day=dt.date(2025, 2, 1)))
    add(store, report("Cherny Yar", event_type="frontline", day=dt.date(2025, 1, 12),
                      excerpt="Street fighting raged inside Cherny Yar."))  # contested, holder unknown
    yield from running_dashboard({"FRONTMAP_DB": str(path), "FRONTMAP_SAMPLES": "0"})


@pytest.fixture
def tab(browser, server):  # noqa: F811 (the imported fixture)
    page = Page(browser, server)
    yield page
    page.page.close()


def drawn(tab) -> dict:
    """What the control panes hold: the territory's holders, and how many front-line and territory paths."""
    frame = tab.map()
    return frame.evaluate("""() => {
        const holders = new Set(); let front = 0, hatched = 0;
        window.map.eachLayer(l => { const p = l.feature && l.feature.properties;
            if (p && p.kind === 'territory') holders.add(p.holder);
            if (p && p.kind === 'contested' && l._path && l._path.getAttribute('fill') === 'url(#fm-hatch)')
                hatched += 1;
            if (p && p.kind === 'front_line' && l._path) front += 1; });
        return {holders: [...holders].sort(), front: front, hatched: hatched,
                pattern: !!document.getElementById('fm-hatch'),
                territory_paths: document.querySelectorAll('.leaflet-fmTerritory-pane path').length,
                front_paths: document.querySelectorAll('.leaflet-fmFrontLine-pane path').length}; }""")


def test_the_territory_and_front_line_are_drawn_with_no_network(tab):
    tab.open("/?asof=2025-01-15&q=Avenko")
    picture = drawn(tab)
    tab.screenshot("control-2025-01-15")
    assert picture["holders"] == ["Russia", "Ukraine"]
    assert picture["hatched"] == 1 and picture["pattern"]  # Cherny Yar, fought over
    assert picture["territory_paths"] >= 2 and picture["front"] == 1 and picture["front_paths"] == 1
    assert tab.offsite == [] and tab.errors == []


def test_changing_the_as_of_date_redraws_the_territory_and_front_line(tab):
    tab.open("/?asof=2025-01-15")
    assert drawn(tab)["front"] == 1
    month = tab.page.get_by_role("spinbutton", name="month, Control as of")
    month.click()
    tab.page.keyboard.type("02")
    tab.page.keyboard.press("Enter")
    tab.page.keyboard.press("Escape")
    for _ in range(60):  # Streamlit reruns and the map is rebuilt
        time.sleep(1)
        try:
            picture = drawn(tab)
        except Exception:  # noqa: BLE001 - the frame is being replaced
            continue
        if picture["holders"] == ["Russia"]:
            break
    tab.screenshot("control-2025-02-15")
    assert picture["holders"] == ["Russia"] and picture["front"] == 0  # Avenko taken: no line left
    assert "asof=2025-02-15" in tab.page.url
    assert tab.offsite == []


# The files the map's frame fetched, in the order it asked for them (names only).
_FETCHED = "() => performance.getEntriesByType('resource').map(e => e.name.split('?')[0].split('/').pop())"


def _idle(tab) -> None:
    tab.page.wait_for_function("document.querySelector('[data-testid=stApp]')"
                               "?.getAttribute('data-test-script-state') === 'notRunning'", timeout=60_000)


def test_the_places_come_before_the_base_map_and_a_filter_change_keeps_the_territory_drawn(tab):
    # The period leaves out the reports of 10 January; the as-of date keeps the control picture as it is.
    tab.open("/?asof=2025-01-15&start=2025-01-11&end=2025-02-28")
    frame = tab.map()
    frame.wait_for_function("document.querySelectorAll('.leaflet-base-pane path').length > 30", timeout=60_000)
    _idle(tab)
    fetched = frame.evaluate(_FETCHED)
    first_places = min(i for i, name in enumerate(fetched) if name.startswith("places-"))
    base = [fetched.index(name) for name in ("countries-50m.geojson", "labels.json")]
    assert first_places < min(base)  # the markers are asked for first, the base map once they are drawn
    # The places' file is asked for before Leaflet has loaded, and once only (the map takes that response).
    fetch_first = min(i for i, name in enumerate(fetched) if name.startswith("fetch-first-"))
    assert fetch_first < first_places < fetched.index("leaflet.markercluster.js")
    assert sum(name.startswith("places-") for name in fetched) == 1
    territory = [name for name in fetched if name.startswith("control-")]
    before = drawn(tab)
    assert territory and before["territory_paths"] >= 2
    tab.page.get_by_text("All", exact=True).click()  # the whole period: more places, the same territory
    frame.wait_for_function(f"() => ({_FETCHED})().filter(n => n.startsWith('places-')).length >= 2",
                            timeout=60_000)
    _idle(tab)
    time.sleep(1)
    after = drawn(tab)
    fetched = frame.evaluate(_FETCHED)
    tab.screenshot("control-kept-after-filter-change")
    assert [name for name in fetched if name.startswith("control-")] == territory  # not fetched again
    assert after["holders"] == before["holders"] and after["territory_paths"] == before["territory_paths"]
    assert after["front"] == before["front"] == 1
    assert tab.markers() > 0 and tab.offsite == [] and tab.errors == []


# Counts the page's script runs (each one sets the app's state to "running").
_COUNT_RUNS = """window.fmRuns = 0;
new MutationObserver(changes => changes.forEach(c => {
    if (c.target.getAttribute('data-test-script-state') === 'running') window.fmRuns += 1; }))
  .observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});"""


def test_the_map_page_runs_once_when_opened_and_again_on_a_click(tab):
    tab.page.add_init_script(_COUNT_RUNS)
    tab.open("/?asof=2025-01-15")
    tab.map()
    _idle(tab)
    time.sleep(3)  # streamlit-folium has reported the map in place by now (it waits 250 ms)
    assert tab.page.evaluate("window.fmRuns") == 1
    tab.click_place("Borivka")
    tab.page.get_by_role("heading", name="Borivka").first.wait_for(timeout=30_000)
    assert tab.page.evaluate("window.fmRuns") >= 2
