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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from geo.assets import installed

    if not installed():
        pytest.fail("the map's assets are not installed: run python -m geo assets (scripts/setup.sh does)")
    port = _free_port()
    env = os.environ | {"FRONTMAP_DB": str(tmp_path_factory.mktemp("store") / "browser.sqlite")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    assert tab.map().evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") > 30  # countries


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
    tab.page.get_by_label("Title").fill('<img src=y onerror="alert(\'title\')">Hostile title')
    tab.page.get_by_role("button", name="Ingest").click()
    tab.page.get_by_text("new 1", exact=False).wait_for(timeout=60_000)
    tab.open("/?q=Kostiantynivka")
    tab.click_place("Kostiantynivka")
    tab.page.wait_for_selector(".fm-excerpt", timeout=30_000)
    text = tab.page.locator(".fm-excerpt").first.inner_text()
    assert "<script>" in text or "onerror" in text  # shown as text
    tab.open("/Events")
    tab.page.get_by_text("events in this view", exact=False).wait_for(timeout=30_000)
    time.sleep(2)
    tab.screenshot("hostile-article")
    assert tab.dialogs == [] and tab.offsite == []
    assert not [e for e in tab.errors if "alert" in e or "script" in e.lower()]
