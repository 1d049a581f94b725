"""The dashboard in a real browser: Debian's Chromium driven by Playwright, with no network beyond this
machine's loopback (any other request is refused and reported)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = os.environ.get("FRONTMAP_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (scripts/test.sh does)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def running_dashboard(env: dict):
    """Streamlit serving the dashboard on a free loopback port with this environment, until the generator ends."""
    from geo.assets import installed

    if not installed():
        pytest.fail("the map's assets are not installed: run python -m geo assets (scripts/setup.sh does)")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the dashboard did not start")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from running_dashboard({"FRONTMAP_DB": str(tmp_path_factory.mktemp("store") / "browser.sqlite")})


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


class Page:
    """A browser tab on the dashboard that records dialogs, page errors and any request off this machine."""

    def __init__(self, browser, server):
        self.server = server
        self.page = browser.new_page(viewport={"width": 1440, "height": 1000})
        self.dialogs, self.errors, self.offsite = [], [], []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"),
                        lambda route: (self.offsite.append(route.request.url), route.abort()))

    def open(self, path: str = "/") -> None:
        self.page.goto(self.server + path)

    def map(self):
        self.page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=60_000)
        frame = next(f for f in self.page.frames if "streamlit_folium" in f.url)
        frame.wait_for_function("window.map && document.querySelectorAll('.leaflet-interactive').length > 0",
                                timeout=60_000)
        time.sleep(1)
        return frame

    def markers(self) -> int:
        """Places drawn: single markers plus the places inside cluster bubbles."""
        frame = self.map()
        return frame.evaluate("""() => {
            let n = 0;
            window.map.eachLayer(l => { if (l.feature && l._path) n += 1;
                                        if (l.getChildCount) n += l.getChildCount(); });
            return n; }""")

    def click_place(self, name: str) -> None:
        frame = self.map()
        box = self.page.locator("iframe[title*='streamlit_folium']").bounding_box()
        x, y = frame.evaluate("""(name) => { let found = null;
            window.map.eachLayer(l => { if (!found && l.feature && l.getTooltip && l.getTooltip() &&
                String(l.getTooltip().getContent()).startsWith(name) && l.options.fill) found = l; });
            const p = window.map.latLngToContainerPoint(found.getLatLng()); return [p.x, p.y]; }""", name)
        self.page.mouse.click(box["x"] + x, box["y"] + y)

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def tab(browser, server):
    page = Page(browser, server)
    yield page
    page.page.close()


def test_the_map_draws_its_markers_with_no_network(tab):
    tab.open()
    assert tab.markers() >= 30
    tab.screenshot("map")
    assert tab.offsite == [] and tab.errors == []
    assert tab.map().evaluate("document.querySelectorAll('.leaflet-base-pane path').length") > 30  # countries


def test_clicking_sudzha_shows_its_excerpts(tab):
    tab.open("/?q=Sudzha")
    tab.click_place("Sudzha")
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)
    excerpts = tab.page.locator(".fm-excerpt")
    assert excerpts.count() >= 3
    assert "Sudzha" in excerpts.first.inner_text() and "2025-03-13" in excerpts.first.inner_text()
    assert tab.page.locator("mark", has_text="Sudzha").count() >= 3
    tab.screenshot("sudzha-excerpts")


def test_narrowing_the_date_range_removes_markers(tab):
    tab.open()
    everything = tab.markers()
    tab.open("/?start=2025-01-01&end=2025-12-31")
    narrowed = tab.markers()
    tab.screenshot("map-2025")
    assert 0 < narrowed < everything


def test_a_pasted_article_appears_on_the_map(tab):
    tab.open("/Ingest")
    tab.page.get_by_label("Article text").fill(
        "Russian forces captured Huliaipole on Monday, the Russian Defence Ministry said.")
    _fill_date(tab, "Publication date", "2025-11-24")
    _idle(tab)  # the fields' own reruns done: the click then sends them all
    tab.page.get_by_role("button", name="Ingest").click()
    tab.page.get_by_text("new 1", exact=False).wait_for(timeout=60_000)
    tab.screenshot("ingest")
    tab.open("/?q=Huliaipole")
    tab.screenshot("huliaipole")
    tab.click_place("Huliaipole")
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)
    assert "captured" in tab.page.locator(".fm-excerpt").first.inner_text()


def test_an_article_with_script_and_img_onerror_runs_nothing(tab):
    tab.open("/Ingest")
    tab.page.get_by_label("Article text").fill(
        'Drones struck Kostiantynivka <script>alert("script")</script> on Tuesday. '
        '<img src=x onerror="alert(\'img\')"> Shelling hit Kostiantynivka again.')
    tab.page.get_by_label("Title").first.fill('<img src=y onerror="alert(\'title\')">Hostile title')
    _fill_date(tab, "Publication date", "2025-11-25")
    _idle(tab)  # the fields' own reruns done: the click then sends them all
    tab.page.get_by_role("button", name="Ingest").click()
    tab.page.get_by_text("new 1", exact=False).wait_for(timeout=60_000)
    tab.open("/?q=Kostiantynivka")
    tab.click_place("Kostiantynivka")
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)
    text = tab.page.locator(".fm-excerpt").first.inner_text()
    assert "<script>" in text or "onerror" in text  # shown as text
    tab.open("/Events")
    tab.page.get_by_text("events in this view", exact=False).wait_for(timeout=30_000)
    table = tab.page.locator("[data-fm-table=events]")
    table.locator("tbody tr").first.wait_for(timeout=30_000)
    assert '<script>alert("script")</script>' in table.inner_text()  # the excerpt, as text
    assert table.locator("script, img").count() == 0
    time.sleep(2)
    tab.screenshot("hostile-article")
    assert tab.dialogs == [] and tab.offsite == []
    assert not [e for e in tab.errors if "alert" in e or "script" in e.lower()]


# -- the analyst's day (issue 10) and hostile links (issue 13) ----------------------------------------------------


def _sized(browser, server, width: int, height: int) -> Page:
    page = Page(browser, server)
    page.page.set_viewport_size({"width": width, "height": height})
    return page


def _idle(tab) -> None:
    """Until the page's run has ended, and has still ended half a second later: a field's change starts its rerun a
    moment after the key press, and a click sent before that rerun starts can be lost in it."""
    for _ in range(2):
        tab.page.wait_for_function("document.querySelector('[data-testid=stApp]')"
                                   "?.getAttribute('data-test-script-state') === 'notRunning'", timeout=60_000)
        tab.page.wait_for_timeout(500)


@pytest.mark.parametrize("width,height", [(1500, 1000), (1280, 720)])
def test_the_map_fills_most_of_the_window_with_its_legend_and_layers_folded(browser, server, width, height):
    tab = _sized(browser, server, width, height)
    try:
        tab.open()
        frame = tab.map()
        box = tab.page.locator("iframe[title*='streamlit_folium']").bounding_box()
        sidebar = tab.page.locator("[data-testid=stSidebar]").bounding_box()
        tab.screenshot(f"layout-{width}x{height}")
        assert box["width"] >= 0.9 * (width - sidebar["width"]) - 60  # the whole main area's width
        assert box["height"] >= 0.8 * height and box["y"] + box["height"] <= height + 2  # most of the height, no scroll
        assert frame.evaluate("document.querySelector('.fm-legend').open") is False
        assert frame.evaluate("document.querySelectorAll('.leaflet-control-layers-expanded').length") == 0
        scale = frame.evaluate("document.querySelector('.leaflet-control-scale').innerText")
        assert "km" in scale or " m" in scale and "mi" not in scale and "ft" not in scale
        assert tab.offsite == []
    finally:
        tab.page.close()


def test_clusters_are_pies_in_the_legends_colours_and_nothing_floats(tab):
    from geo.eventtypes import by_rank
    from geo.theatre import DEFAULT_THEATRE

    tab.open()
    frame = tab.map()
    backgrounds = frame.evaluate("[...document.querySelectorAll('.fm-cluster')].map(e => e.style.background)")
    tab.screenshot("clusters")
    assert backgrounds and all("conic-gradient" in b for b in backgrounds)
    legend = {c.lower() for c in DEFAULT_THEATRE.side_colours.values()} | {k.colour.lower() for k in by_rank()}

    def hex_colour(rgb: str) -> str:
        return "#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", rgb)[:3])

    used = {hex_colour(m) for b in backgrounds for m in re.findall(r"rgb\([^)]*\)", b)}
    assert used and used <= legend
    # Every data marker is a filled place marker (no unfilled rings floating beside the clusters; the front line
    # is a line, not a marker).
    assert frame.evaluate("""() => { let rings = 0; window.map.eachLayer(l => {
        if (l instanceof L.CircleMarker && l.options.fill === false) rings += 1; });
        return rings; }""") == 0


def test_settlement_names_label_the_base_map_more_as_one_zooms_in(tab):
    tab.open()
    frame = tab.map()
    overview = frame.evaluate("document.querySelectorAll('.fm-label').length")
    frame.evaluate("() => { window.map.setView([51.19, 35.27], 10); }")
    frame.wait_for_function("[...document.querySelectorAll('.fm-label')].some(e => e.textContent === 'Sudzha')",
                            timeout=20_000)
    zoomed = frame.evaluate("[...document.querySelectorAll('.fm-label')].map(e => e.textContent)")
    tab.screenshot("labels-zoom-10")
    assert overview > 0 and len(zoomed) >= 10 and "Sudzha" in zoomed


def test_a_shared_place_link_zooms_to_the_place_and_opens_its_panel(tab):
    tab.open("/?q=Sudzha")
    frame = tab.map()
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)  # the search selected it
    key = tab.page.evaluate("new URLSearchParams(location.search).get('place')")
    assert key
    tab.open(f"/?place={key}")
    frame = tab.map()
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)
    time.sleep(1)
    centre, zoom = frame.evaluate("[window.map.getCenter(), window.map.getZoom()]")
    tab.screenshot("place-link")
    assert zoom >= 10 and abs(centre["lat"] - 51.19) < 0.2 and abs(centre["lng"] - 35.27) < 0.3


def test_filters_are_kept_when_moving_between_pages(tab):
    tab.open("/?type=strike&actor=Russia&role=gained")
    tab.map()
    _idle(tab)
    tab.page.get_by_role("link", name="Events").first.click()
    tab.page.get_by_text("events in this view", exact=False).wait_for(timeout=30_000)
    _idle(tab)
    params = tab.page.evaluate("Object.fromEntries(new URLSearchParams(location.search))")
    tab.page.wait_for_selector("[data-fm-table=events] tbody tr", timeout=30_000)
    time.sleep(1)
    tab.screenshot("events-kept-filters")
    assert params.get("type") == "strike" and params.get("actor") == "Russia" and params.get("role") == "gained"
    tab.page.get_by_role("link", name="Timeline").first.click()
    tab.page.get_by_text("By event type").wait_for(timeout=30_000)
    _idle(tab)
    assert "type=strike" in tab.page.url
    tab.open("/Timeline")
    tab.page.get_by_text("By actor").wait_for(timeout=30_000)
    _idle(tab)
    time.sleep(1)
    tab.screenshot("timeline")


def test_hostile_and_stale_links_show_a_view_not_an_error(tab):
    tab.open("/?start=1850-01-01&end=not-a-date&place=gn:999999999&min_conf=nan&type=%3Cscript%3E&actor=")
    tab.map()
    tab.page.get_by_text("Unknown place").wait_for(timeout=30_000)
    tab.screenshot("stale-place-link")
    assert tab.page.locator("[data-testid=stException]").count() == 0
    tab.open("/Events?start=1066-10-14&end=2999-12-31&source=%00")
    tab.page.get_by_text("events in this view", exact=False).wait_for(timeout=30_000)
    _idle(tab)
    assert tab.page.locator("[data-testid=stException]").count() == 0
    links = tab.page.evaluate("[...document.querySelectorAll('a')].map(a => a.href)")
    assert not [link for link in links if "google" in link or "chatgpt" in link or "openai" in link]
    assert tab.offsite == []


# The document chosen in the Stored documents selectbox, as shown (its text, or its search field's value).
_CHOSEN_DOCUMENT = ("[...document.querySelectorAll('[data-testid=stSelectbox]')].map(e => e.innerText + ' ' + "
                    "[...e.querySelectorAll('input')].map(i => i.value).join(' ')).join(' ')")


def _fill_date(tab, label: str, value: str, last: bool = False) -> None:
    """Types a date into a date field's year, month and day segments (a date_input with format YYYY-MM-DD)."""
    fields = tab.page.locator("[data-testid=stDateInput]").filter(has_text=label).locator("[data-type=year]")
    (fields.last if last else fields.first).click()
    for part in value.split("-"):
        tab.page.keyboard.type(part)
    tab.page.keyboard.press("Tab")


def test_an_undated_article_is_refused_then_dated_redated_and_deleted(tab):
    text = "Ukrainian forces liberated the village of Piatykhatky near Orikhiv, the General Staff said."
    tab.open("/Ingest")
    tab.page.get_by_label("Article text").fill(text)
    tab.page.get_by_label("Title").first.fill("Piatykhatky report")
    _idle(tab)
    tab.page.get_by_role("button", name="Ingest").click()
    tab.page.get_by_text("no publication date", exact=False).wait_for(timeout=60_000)
    tab.page.get_by_text("no publication date", exact=False).scroll_into_view_if_needed()
    tab.page.screenshot(path=str(SCREENSHOTS / "ingest-undated-refused.png"))
    _fill_date(tab, "Publication date", "2025-06-10")
    _idle(tab)
    tab.page.get_by_role("button", name="Ingest").click()
    tab.page.get_by_text("new 1", exact=False).wait_for(timeout=60_000)
    # The same text again, with another title and date: recognised, not stored twice.
    tab.open("/Ingest")
    tab.page.get_by_label("Article text").fill(text)
    tab.page.get_by_label("Title").first.fill("Another title")
    _fill_date(tab, "Publication date", "2025-06-12")
    _idle(tab)  # the fields' own reruns done: the click then sends them all
    tab.page.get_by_role("button", name="Ingest").click()
    tab.page.get_by_text("the same text is stored already", exact=False).wait_for(timeout=60_000)
    tab.page.get_by_label("Find by title, source or id").fill("Piatykhatky")
    tab.page.get_by_label("Find by title, source or id").press("Enter")
    tab.page.wait_for_function(f"({_CHOSEN_DOCUMENT}).includes('Piatykhatky report')", timeout=30_000)
    _idle(tab)
    # Re-date the stored document.
    tab.page.get_by_role("tab", name="Re-date").first.click()
    _fill_date(tab, "Publication date", "2025-06-11", last=True)
    tab.page.get_by_role("button", name="Save the date").click()
    tab.page.get_by_text("Re-dated to 2025-06-11", exact=False).wait_for(timeout=60_000)
    _idle(tab)
    tab.screenshot("document-redated")
    assert "2025-06-11 · Piatykhatky report" in tab.page.evaluate(_CHOSEN_DOCUMENT)
    tab.page.get_by_role("tab", name="Delete").first.click()
    tab.page.get_by_role("button", name="Delete the document").click()
    tab.page.get_by_text("Deleted document", exact=False).wait_for(timeout=60_000)
    _idle(tab)
    tab.screenshot("document-deleted")
    assert "Piatykhatky" not in tab.page.locator("[data-testid=stMain]").inner_text().split("Stored documents")[-1]
    # Streamlit itself probes /Ingest/_stcore/health when a page is opened by its path (a 404 it recovers from).
    assert [e for e in tab.errors if "Failed to load resource" not in e] == [] and tab.offsite == []


def test_a_pin_is_confirmed_and_the_map_follows_at_once(tab):
    tab.open("/Places")
    tab.page.get_by_text("Place as written").wait_for(timeout=60_000)
    select = tab.page.get_by_label("Place as written")
    select.click()
    tab.page.keyboard.type("Malaya Loknya")
    tab.page.keyboard.press("Enter")
    tab.page.get_by_text("Now placed at").wait_for(state="detached", timeout=30_000)  # no gazetteer entry bears it
    _idle(tab)
    tab.page.wait_for_function("[...document.querySelectorAll('p')].filter(p => p.textContent === 'Coordinates…')"
                               ".length === 1", timeout=30_000)
    tab.page.get_by_text("Coordinates…").click()
    _idle(tab)
    for label, value in (("Latitude", "51.23100"), ("Longitude", "35.18800")):
        tab.page.get_by_label(label).fill(value)
        tab.page.get_by_label(label).press("Tab")
    tab.page.get_by_role("button", name="Pin").click()
    tab.page.get_by_text("Pinned Malaya Loknya", exact=False).wait_for(timeout=60_000)
    tab.screenshot("pinned")
    assert "Kursk" in tab.page.get_by_text("Pinned Malaya Loknya", exact=False).inner_text()  # its oblast is kept
    tab.open("/?q=Malaya%20Loknya")
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)
    frame = tab.map()
    centre = frame.evaluate("window.map.getCenter()")
    tab.screenshot("pinned-on-map")
    assert abs(centre["lat"] - 51.231) < 0.05 and abs(centre["lng"] - 35.188) < 0.05
