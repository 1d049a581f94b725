import datetime as dt
import re
import urllib.parse

import folium
import pandas as pd
import pytest

from geo import assets, mapview
from geo.store import EventFilter
from geo.theatre import RUSSIA_UKRAINE
from geo.viewstate import ViewState, preset_range


def summary(**overrides):
    row = {"place_key": "gn:486816", "name": "Sudzha", "lat": 51.19, "lon": 35.27, "country": "RU", "admin1": "Kursk",
           "feature": "PPL", "geonameid": 486816, "precision": "settlement", "events": 4,
           "last_date": dt.date(2025, 3, 13), "control_change": 2, "frontline": 1, "strike": 0, "mention": 1,
           "controller": "Russia", "controller_status": "claimed", "controlled_since": dt.date(2025, 3, 13)}
    return pd.DataFrame([row | overrides])


def rendered(frame, online=False) -> str:
    fmap = mapview.base_map(online_tiles=online)
    for layer in mapview.event_layers(frame):
        layer.add_to(fmap)
    return fmap.get_root().render()


def test_the_default_map_loads_nothing_from_the_network():
    page = rendered(summary())
    assert re.findall(r"https?://[^\s\"')]+", page) == []
    for path in (assets.JS["leaflet"], assets.CSS["leaflet_css"], assets.JS["markerclusterjs"], assets.COUNTRIES,
                 assets.REGIONS, assets.LABELS):
        assert f"/{assets.VENDOR_URL}/{path}" in page
    assert "tile.opentopomap.org" in rendered(summary(), online=True)  # online tiles only when asked for


def test_one_marker_per_place_coloured_by_what_happened_and_who_took_it():
    layers = mapview.place_features(summary())
    [feature] = layers["control_change"]
    assert feature["properties"]["colour"] == RUSSIA_UKRAINE.side_colours["Russia"]
    assert feature["properties"]["tooltip"].startswith("Sudzha, Kursk, RU — 2 control changes, 1 frontline")
    contested = mapview.place_features(summary(controller_status="contested"))["control_change"][0]
    assert contested["properties"]["dash"]
    strike = mapview.place_features(summary(control_change=0, strike=3, controller=""))
    assert strike["strike"] and not strike["control_change"]


def test_place_names_reach_the_map_escaped():
    frame = summary(name='<img src=x onerror="alert(1)">')
    [feature] = mapview.place_features(frame)["control_change"]
    assert "<img" not in feature["properties"]["tooltip"] and "&lt;img" in feature["properties"]["tooltip"]
    assert "<img src=x" not in rendered(frame)
    # The browser reports the tooltip's text; the index maps that text back to the place.
    assert mapview.tooltip_index(frame)[mapview.tooltip_text(frame.iloc[0])] == "gn:486816"


def test_views_round_trip_through_url_parameters():
    filters = EventFilter(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31), actors=("Russia", "Ukraine"),
                          event_types=("control_change",), min_confidence=0.5)
    view = ViewState(filters, place="gn:486816", search="Sudzha")
    assert ViewState.from_params(view.to_params()) == view
    assert ViewState.from_params({"start": "not a date", "type": ["bogus", "strike"], "min_conf": "x"}) == ViewState(
        EventFilter(event_types=("strike",)))
    assert preset_range("7d", dt.date(2025, 3, 13)) == (dt.date(2025, 3, 7), dt.date(2025, 3, 13))
    assert preset_range("all", dt.date(2025, 3, 13)) == (None, None)


def test_topojson_arcs_are_decoded_into_polygons():
    topology = {"type": "Topology", "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
                "arcs": [[[0, 0], [2, 0], [0, 2], [-2, 0], [0, -2]]],
                "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Square"}}]}}}
    [feature] = assets.topojson_to_geojson(topology, "countries")["features"]
    assert feature["properties"]["name"] == "Square"
    assert feature["geometry"]["coordinates"] == [[[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]]]


def test_the_installed_base_layer_outlines_the_theatres_regions():
    import json

    assert assets.installed(), "run python -m geo assets"
    regions = json.loads((assets.VENDOR / assets.REGIONS).read_text(encoding="utf-8"))
    names = {(f["properties"]["country"], f["properties"]["name"]) for f in regions["features"]}
    assert {("UA", "Donetsk"), ("UA", "Sumy"), ("UA", "Kharkiv"), ("RU", "Kursk"), ("RU", "Belgorod")} <= names
    countries = json.loads((assets.VENDOR / assets.COUNTRIES).read_text(encoding="utf-8"))
    assert len(countries["features"]) > 200


def test_text_shown_through_markdown_widgets_stays_text():
    from geo.panel import plain

    assert plain("![x](http://evil.example/i.png) [y](javascript:alert(1)) :red[z]") == (
        "\\!\\[x\\]\\(http\u2060\\://evil\\.example/i\\.png\\) \\[y\\]\\(javascript\\:alert\\(1\\)\\) \\:red\\[z\\]")
    # GitHub-flavoured Markdown links bare www. names and addresses even when escaped: a word joiner breaks them.
    assert plain("www.evil.example.txt") == "www\u2060\\.evil\\.example\\.txt"
    assert plain("a@evil.example") == "a@\u2060evil\\.example"


def test_a_long_unbroken_title_wraps_inside_its_card():
    from geo.panel import excerpt_card

    card = excerpt_card({"event_type": "strike", "excerpt": "Drones struck Sumy.", "place": "Sumy",
                         "title": "x" * 5000, "source": "y" * 3000, "date": "2025-03-01"})
    assert "overflow-wrap:anywhere" in card and "word-break:break-word" in card


def test_the_map_fits_the_filtered_places_and_ignores_a_few_strays():
    towns = pd.DataFrame({"lat": [48.0 + i * 0.05 for i in range(40)] + [55.75, 40.7],
                          "lon": [37.0 + i * 0.05 for i in range(40)] + [37.6, -74.0]})
    (lat, lon), zoom = mapview.fit_view(towns)
    assert 48.0 < lat < 50.0 and 37.0 < lon < 39.0 and zoom >= 6
    assert mapview.fit_view(towns.iloc[:0]) is None


def test_settlement_labels_show_the_largest_places_first_and_more_as_one_zooms_in():
    assert assets.label_zoom(3_000_000) < assets.label_zoom(50_000) < assets.label_zoom(800)
    import json

    first = json.loads((assets.VENDOR / assets.LABELS).read_text(encoding="utf-8"))
    close = json.loads((assets.VENDOR / assets.LABELS_CLOSE).read_text(encoding="utf-8"))
    labels = first + close  # the map fetches the second file when it first gets close
    names = {name for _, _, name, _ in labels}
    assert {"Kyiv", "Sudzha", "Pokrovsk"} <= names and "Guyevo" in {name for _, _, name, _ in close}
    zooms = [zoom for *_, zoom in labels]
    assert zooms == sorted(zooms)  # most populous (lowest zoom) first
    assert max(zoom for *_, zoom in first) < assets.CLOSE_LABEL_ZOOM == min(zoom for *_, zoom in close)


def test_the_map_frame_starts_fetching_the_places_file_before_it_loads_leaflet(tmp_path):
    features = mapview.place_features(summary())["control_change"]
    url = mapview.publish_features(features, folder=tmp_path, base_url="/app/static/layers")
    fmap = mapview.base_map()
    layers = mapview.event_layers(summary(), features=features, url=url)
    assert mapview.places_url(layers) == url
    mapview.fetch_first(fmap, url, folder=tmp_path, base_url="/app/static/layers")
    (name, first), (leaflet, _) = fmap.default_js[:2]
    [script] = tmp_path.glob("fetch-first-*.js")
    assert first.startswith(f"/app/static/layers/{script.name}?fetch=") and urllib.parse.unquote(first).endswith(url)
    assert leaflet == "leaflet" and "location.origin" in script.read_text(encoding="utf-8")  # same origin only
    assert folium.Map.default_js[0][0] == "leaflet"  # other maps are not changed
    mapview.fetch_first(fmap, "", folder=tmp_path)  # an embedded layer: nothing to fetch first
    assert fmap.default_js[0][0] == "fetch_first"


def test_a_layer_published_as_a_file_is_fetched_by_url_and_named_by_its_content(tmp_path):
    features = mapview.place_features(summary())["control_change"]
    url = mapview.publish_features(features, folder=tmp_path, base_url="/app/static/layers")
    assert url == mapview.publish_features(features, folder=tmp_path, base_url="/app/static/layers")
    [written] = tmp_path.glob("places-*.json")
    assert url.endswith(written.name) and "Sudzha" in written.read_text(encoding="utf-8")
    fmap = mapview.base_map()
    for layer in mapview.event_layers(summary(), features=features, url=url):
        layer.add_to(fmap)
    page = fmap.get_root().render()
    assert url in page and "Sudzha" not in page.split(url)[0][-200:]


def test_a_point_by_the_border_takes_its_country_from_its_own_side():
    from geo.nearest import country_at
    from geo.theatre import RUSSIA_UKRAINE

    if not assets.installed():
        pytest.skip("the outlines come with the map's assets (scripts/setup.sh installs them)")
    assert country_at(51.231, 35.188, RUSSIA_UKRAINE) == "RU"  # a Kursk-oblast village 10 km from Ukraine
    assert country_at(50.91, 34.80, RUSSIA_UKRAINE) == "UA"  # Sumy, across the border
    assert country_at(40.0, -100.0, RUSSIA_UKRAINE) is None


def test_a_place_under_the_confidence_threshold_is_drawn_hollow_and_named_uncertain():
    from geo.records import CONFIDENT
    from geo.resolve import UNCERTAIN

    assert CONFIDENT == 0.7 and UNCERTAIN < CONFIDENT  # the resolver's unsupported choices fall under it
    [sure] = mapview.place_features(summary(place_confidence=CONFIDENT))["control_change"]
    [unsure] = mapview.place_features(summary(place_confidence=0.6))["control_change"]
    assert sure["properties"]["uncertain"] is False and "uncertain" not in sure["properties"]["tooltip"]
    assert unsure["properties"]["uncertain"] is True
    assert unsure["properties"]["tooltip"].startswith("Sudzha, Kursk, RU — ")  # a click still finds the place
    assert "uncertain place (confidence 0.60, under 0.7)" in unsure["properties"]["tooltip"]
    page = rendered(summary(place_confidence=0.6))
    assert 'p.uncertain ? "2 3"' in page and "p.uncertain ? 0.3 : 0.9" in page  # hollow, dotted
    assert "uncertain place (hollow, dotted): confidence under\n          0.7" in page  # the legend says so
    # A summary that does not know the place's confidence does not call it uncertain.
    assert mapview.place_features(summary())["control_change"][0]["properties"]["uncertain"] is False


def test_rivers_and_lakes_are_kept_around_the_theatre_and_drawn_as_a_layer_one_can_hide(tmp_path, monkeypatch):
    import json

    import folium

    def square(lon, lat):
        return [[[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]]

    paths = []
    for name in ("rivers", "lakes"):  # as the geo-maps packages give them: one MultiPolygon in a collection
        path = tmp_path / name / "map.geo.json"
        path.parent.mkdir()
        path.write_text(json.dumps({"type": "GeometryCollection", "geometries": [
            {"type": "MultiPolygon", "coordinates": [square(30.5, 50.4), square(-90.0, 40.0)]}]}))
        paths.append(path)
    water = assets.water_areas(paths)
    assert [f["properties"]["source"] for f in water["features"]] == ["rivers", "lakes"]
    for feature in water["features"]:  # the Dnipro at Kyiv stays, America does not
        [[[ring]]] = [feature["geometry"]["coordinates"]]
        assert all(25 < lon < 40 and 45 < lat < 55 for lon, lat in ring)
    def groups():
        return [c.layer_name for c in mapview.base_map()._children.values() if isinstance(c, folium.FeatureGroup)]

    monkeypatch.setattr(assets, "VENDOR", tmp_path)
    assert groups() == []  # not installed: no layer
    (tmp_path / assets.RIVERS).write_text(json.dumps(water))
    assert groups() == ["Rivers and lakes (offline)"]  # in the layer list: it can be hidden
    fmap = mapview.base_map()
    page = fmap.get_root().render()
    assert f"/{assets.VENDOR_URL}/{assets.RIVERS}" in page and "OpenStreetMap contributors" in page


TICK = r'class="fm-tick"[^>]*>([^<]+)<'  # a date under the control history's strip


def test_the_control_history_is_a_static_strip_with_years_every_change_and_escaped_labels():
    from geo.panel import control_history, control_history_html

    changes = pd.DataFrame({
        "id": [1, 2, 3, 4], "date": [dt.date(2022, 3, 2), dt.date(2022, 11, 11), dt.date(2024, 8, 9),
                                     dt.date(2025, 3, 13)],
        "event_type": "control_change", "actor": ["Russia", "Ukraine", "<b>Ukraine</b>", "Russia"],
        "opponent": "", "status": ["", "confirmed", "", "claimed"], "claimed_by": "", "source": "x"})
    strip = control_history_html(control_history(changes), dt.date(2025, 3, 20), RUSSIA_UKRAINE)
    assert "<script" not in strip and "<b>" not in strip and "&lt;b&gt;Ukraine" in strip
    assert strip.count('class="fm-bar"') == 4  # a bar per change
    assert {"2023", "2024", "2025"} <= set(re.findall(TICK, strip))
    assert re.findall(r'class="fm-holder".*?</span>([^<]+)</span>', strip) == [
        "Russia", "Ukraine", "&lt;b&gt;Ukraine&lt;/b&gt;"]
    assert 'title="Russia from 13 Mar 2025 (claimed)"' in strip  # the latest change has its own bar
    assert f"background:{RUSSIA_UKRAINE.side_colour('Russia')}" in strip
    # Within a year, the ticks are months that still say the year.
    short = control_history_html(control_history(changes.iloc[3:]), dt.date(2025, 6, 1), RUSSIA_UKRAINE)
    assert all(re.fullmatch(r"[A-Z][a-z]{2} 2025", tick) for tick in re.findall(TICK, short))
    assert control_history_html(control_history(changes.iloc[:0]), None) == ""


def test_a_table_shown_as_html_escapes_every_cell():
    from geo.htmltable import table_html

    frame = pd.DataFrame({"date": [dt.date(2025, 3, 1)], "excerpt": ['<script>alert("x")</script><img onerror=1>'],
                          "confidence": [0.8500001], "admin1": [None]})
    table = table_html(frame, ["date", "excerpt", "confidence", "admin1"], long=("excerpt",))
    assert "<script" not in table and "<img" not in table and "&lt;script&gt;" in table
    assert "<td>2025-03-01</td>" in table and "<td>0.85</td>" in table and "<td></td>" in table
    assert table.count("<tr>") == 2 and '<td class="fm-long">' in table
