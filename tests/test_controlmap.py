"""The control layers as Folium builds them: under the markers, side colours, hatched contests, escaped names."""

import folium
import pandas as pd
import shapely

from geo import controlmap, mapview
from geo.territory import Changes, territory
from geo.theatre import RUSSIA_UKRAINE
from tests.test_territory import CENTRE, grid_theatre


def test_territory_and_front_line_layers_sit_in_panes_below_the_markers():
    states, land = grid_theatre(lambda i, j: "Ukraine" if i < 2 else "Russia",
                                status_of=lambda i, j: "contested" if (i, j) == (1, 1) else "claimed")
    area, front = controlmap.territory_layers(territory(states, radius_km=8, land=land, centre=CENTRE), "as of D")
    fmap = controlmap.add_panes(mapview.base_map())
    for group in (area, front):
        group.add_to(fmap)
    page = fmap.get_root().render()
    assert "createPane(\"fmTerritory\")" in page and "territory.style.zIndex = 350" in page
    assert 'id="fm-hatch"' in page
    assert "Russia 800 km²" in area.layer_name and "contested 100 km²" in area.layer_name
    assert "(40 km)" in front.layer_name
    styles = [controlmap._style(f) for layer in area._children.values() if hasattr(layer, "data")
              for f in layer.data["features"]]
    assert {s.get("fillColor") for s in styles} == {*RUSSIA_UKRAINE.side_colours.values(), controlmap.CONTESTED_FILL}


def test_names_from_users_files_are_escaped_in_layer_names():
    reference = pd.DataFrame([{"id": 1, "name": "<img src=x onerror=alert(1)>", "holder": "Russia",
                               "date": "2025-01-01", "geojson": shapely.to_geojson(shapely.box(37, 48, 38, 49))}])
    group = controlmap.reference_layer(reference)
    assert "<img" not in group.layer_name and "&lt;img" in group.layer_name
    empty = controlmap.changes_layer(Changes(pd.DataFrame(), {}, {}, []), "since D")
    assert "none" in empty.layer_name and isinstance(empty, folium.FeatureGroup)


def test_control_layers_are_published_once_as_files_and_styled_in_the_browser():
    states, land = grid_theatre(lambda i, j: "Ukraine" if i < 2 else "Russia")
    picture = territory(states, radius_km=8, land=land, centre=CENTRE)
    published = []

    def publish(features):
        published.append(features)
        return f"/app/static/layers/control-{len(published)}.json"

    for _ in range(3):  # reruns of the same picture publish nothing new
        area, front = controlmap.territory_layers(picture, "as of D", publish=publish)
    assert len(published) == 2  # the polygons, and the front line
    [layer] = [child for child in area._children.values() if isinstance(child, controlmap.ControlLayer)]
    assert layer.url == "/app/static/layers/control-1.json"
    assert all(f["properties"]["style"] == controlmap._style(f) for f in layer.data["features"])
    fmap = controlmap.add_panes(mapview.base_map())
    area.add_to(fmap)
    page = fmap.get_root().render()
    assert 'fetch("/app/static/layers/control-1.json")' in page and '"coordinates"' not in page
