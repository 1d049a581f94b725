"""The control picture in a real browser (Debian's Chromium, no network beyond loopback): territory and front line
drawn offline, and the as-of date changing them. The store holds a small front written for this test."""

import datetime as dt
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from geo.store import Store
from tests.test_browser import CHROMIUM, FLAGS, SCREENSHOTS, Page, _free_port
from tests.test_control import add, report

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (scripts/test.sh does)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from geo.assets import installed

    if not installed():
        pytest.fail("the map's assets are not installed: run python -m geo assets (scripts/setup.sh does)")
    path = tmp_path_factory.mktemp("store") / "front.sqlite"
    store = Store(str(path))
    # Avenko (Ukraine) and Borivka (Russia), 7 km apart, face each other from 10 January; Russia takes Avenko
    # on 1 February.
    add(store, report("Avenko", actor="Ukraine", opponent="Russia", day=dt.date(2025, 1, 10)),
        report("Borivka", actor="Russia", opponent="Ukraine", day=dt.date(2025, 1, 10)))
    add(store, report("Avenko", actor="Russia", opponent="Ukraine", day=dt.date(2025, 2, 1)))
    add(store, report("Cherny Yar", event_type="frontline", day=dt.date(2025, 1, 12),
                      excerpt="Street fighting raged inside Cherny Yar."))  # contested, holder unknown
    port = _free_port()
    env = os.environ | {"FRONTMAP_DB": str(path), "FRONTMAP_SAMPLES": "0"}
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


@pytest.fixture
def tab(browser, server):
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
