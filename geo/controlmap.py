"""Map layers of the control picture for Folium: territory per side, contested areas, the front line, the changes
between two dates and the reference layers. They are drawn in a pane below the markers, so a click still reaches
the settlement under it; every text is HTML-escaped (names come from reports and from users' files)."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable

import folium
import pandas as pd
from branca.element import MacroElement, Template

from geo.mapview import FeatureLayer
from geo.territory import Changes, Territory
from geo.theatre import DEFAULT_THEATRE, Theatre

TERRITORY_PANE = "fmTerritory"  # below the markers (Leaflet's overlay pane is at 400)
FRONT_PANE = "fmFrontLine"
CONTESTED_FILL = "url(#fm-hatch)"
FRONT_COLOUR = "#1b1b1b"
_SIMPLIFY_DEGREES = 0.0005  # ~50 m: invisible at the zooms the territory is read at, and a smaller page


class ControlPanes(MacroElement):
    """The panes the control layers are drawn in, and the hatch pattern of contested areas."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
          <pattern id="fm-hatch" patternUnits="userSpaceOnUse" width="8" height="8"
                   patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#f1c40f" fill-opacity="0.25"></rect>
            <line x1="0" y1="0" x2="0" y2="8" stroke="#9a7d0a" stroke-width="2.5"></line>
          </pattern></defs></svg>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
          var territory = map.createPane({{ this.territory|tojson }});
          territory.style.zIndex = 350; territory.style.pointerEvents = "none";
          var front = map.createPane({{ this.front|tojson }});
          front.style.zIndex = 360; front.style.pointerEvents = "none";
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "ControlPanes"
        self.territory, self.front = TERRITORY_PANE, FRONT_PANE


def add_panes(fmap: folium.Map) -> folium.Map:
    """Give a map (mapview.base_map()) the panes and pattern the control layers need."""
    ControlPanes().add_to(fmap)
    return fmap


def _simplified(features: list[dict]) -> list[dict]:
    import shapely
    from shapely.geometry import mapping, shape

    out = []
    for feature in features:
        geometry = shape(feature["geometry"])
        if feature["properties"]["kind"] != "front_line":
            geometry = shapely.simplify(geometry, _SIMPLIFY_DEGREES, preserve_topology=True)
        if not geometry.is_empty:
            out.append({**feature, "geometry": json.loads(json.dumps(mapping(geometry)))})
    return out


def _style(feature: dict) -> dict:
    props = feature["properties"]
    kind = props["kind"]
    if kind == "front_line":
        return {"color": FRONT_COLOUR, "weight": 3.5, "opacity": 0.95, "lineCap": "round"}
    if kind == "contested":
        return {"color": "#b7950b", "weight": 1.5, "dashArray": "6 4", "fillColor": CONTESTED_FILL,
                "fillOpacity": 0.9}
    if kind == "change":
        return {"color": props["colour"], "weight": 2, "dashArray": "3 3", "fillColor": props["colour"],
                "fillOpacity": 0.55}
    if kind == "reference":
        return {"color": props["colour"], "weight": 2, "dashArray": "8 5", "fill": False}
    return {"color": props["colour"], "weight": 0.8, "opacity": 0.7, "fillColor": props["colour"],
            "fillOpacity": 0.22}


class ControlLayer(FeatureLayer):
    """Polygons or lines of the control picture in a pane below the markers, styled by each feature's "style"
    property (_style's), not clickable. Fetched by the browser from a published file (see
    mapview.publish_features) when url is given: the page then carries a short URL, not a megabyte of polygons on
    every run, and the browser caches the file; embedded otherwise."""

    _template = Template("""
        {% macro script(this, kwargs) %}""" + FeatureLayer.OPEN_SCRIPT + """
          function draw(data) {
            L.geoJSON(data, {pane: {{ this.pane|tojson }}, interactive: false,
                             style: function (feature) { return feature.properties.style; }}).addTo(group);
          }
    """ + FeatureLayer.DRAW_FEATURES + "{% endmacro %}")

    def __init__(self, features: list[dict], pane: str, url: str = ""):
        super().__init__(features, url)
        self._name = "ControlLayer"
        self.pane = pane


REPUBLISH_SECONDS = 3600
Publisher = Callable[[list[dict]], str]  # features → the URL the browser fetches them from ("" when not published)


def _styled(features: list[dict]) -> list[dict]:
    return [{**f, "properties": {**f["properties"], "style": _style(f)}} for f in features]


def _layer(features: list[dict], pane: str, publish: Publisher | None = None, owner: object = None,
           name: str = "") -> ControlLayer:
    """A control layer of these features; published with `publish` if given (the URL kept on `owner`, a cached
    territory, under `name`, so a rerun does not serialise the polygons again)."""
    features = _styled(features)
    url = ""
    if publish is not None:
        urls = getattr(owner, "_display_urls", None) if owner is not None else None
        if urls is not None and name in urls and time.time() - urls[name][1] < REPUBLISH_SECONDS:
            url = urls[name][0]
        else:  # published again now and then: that keeps the file from being cleaned away as old
            url = publish(features)
            if owner is not None:
                owner._display_urls = (urls or {}) | {name: (url, time.time())}
    return ControlLayer(features, pane, url)


def territory_layers(territory: Territory, label: str, show: bool = True, theatre: Theatre = DEFAULT_THEATRE,
                     publish: Publisher | None = None) -> list[folium.FeatureGroup]:
    """The territory (per side, contested hatched) and the front line, as two toggleable layers; published as
    files with `publish` if given."""
    features = getattr(territory, "_display_features", None)
    if features is None:  # the territory is cached per (store state, date): so are its display features
        features = _simplified(territory.features(digits=4))
        territory._display_features = features
    for feature in features:
        props = feature["properties"]
        props["colour"] = theatre.side_colour(props.get("holder", "")) if props["kind"] == "territory" else FRONT_COLOUR
    areas = ", ".join(f"{html.escape(side)} {km2:,.0f} km²" for side, km2 in territory.areas_km2.items())
    if territory.contested_km2:
        areas += f", contested {territory.contested_km2:,.0f} km²"
    area_group = folium.FeatureGroup(name=f"Territory {html.escape(label)} ({areas or 'none known'})", show=show)
    polygons = [f for f in features if f["properties"]["kind"] in ("territory", "contested")]
    if polygons:
        _layer(polygons, TERRITORY_PANE, publish, territory, f"polygons {theatre.name}").add_to(area_group)
    lines = [f for f in features if f["properties"]["kind"] == "front_line"]
    front_group = folium.FeatureGroup(name=f"Front line {html.escape(label)} ({territory.front_km:,.0f} km)",
                                      show=show)
    if lines:
        _layer(lines, FRONT_PANE, publish, territory, f"lines {theatre.name}").add_to(front_group)
    return [area_group, front_group]


def changes_layer(changes: Changes, label: str, show: bool = True, theatre: Theatre = DEFAULT_THEATRE,
                  publish: Publisher | None = None) -> folium.FeatureGroup:
    """The cells that changed hands between two dates, in the colour of the side that gained them."""
    from shapely.geometry import mapping

    features = [{"type": "Feature", "geometry": mapping(polygon),
                 "properties": {"kind": "change", "gained_by": winner, "lost_by": loser, "area_km2": round(km2, 1),
                                "colour": theatre.side_colour(winner)}}
                for winner, loser, polygon, km2 in changes.areas]
    features = _simplified(features)
    summary = ", ".join(f"{html.escape(side)} +{km2:,.0f} km²" for side, km2 in changes.gained_km2.items())
    group = folium.FeatureGroup(name=f"Changes {html.escape(label)} ({summary or 'none'})", show=show)
    if features:
        _layer(features, TERRITORY_PANE, publish, changes, f"changes {theatre.name}").add_to(group)
    return group


def reference_layer(references: pd.DataFrame, show: bool = True, theatre: Theatre = DEFAULT_THEATRE
                    ) -> folium.FeatureGroup:
    """The reference layers' outlines, dashed, in their holder's colour."""
    from geo.control import reference_polygons

    features = []
    for ref in references.to_dict("records"):
        from shapely.geometry import mapping

        features.append({"type": "Feature", "geometry": mapping(reference_polygons(ref["geojson"])),
                         "properties": {"kind": "reference", "holder": ref["holder"], "date": str(ref["date"]),
                                        "colour": theatre.side_colour(ref["holder"])}})
    names = "; ".join(f"{html.escape(str(r['name']))}, {html.escape(str(r['holder']))} on {r['date']}"
                      for r in references.to_dict("records"))
    group = folium.FeatureGroup(name=f"Reference ({names or 'none loaded'})", show=show)
    if features:
        _layer(_simplified(features), TERRITORY_PANE).add_to(group)
    return group


class ControlLegend(MacroElement):
    """What the control layers' colours mean, folded until opened, at the map's bottom left (the event legend is
    at its bottom right) (static, trusted markup)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <details class="fm-control-legend" style="position: fixed; bottom: 44px; left: 10px; z-index: 1000;
                 background: rgba(255,255,255,.92); padding: 6px 10px; border-radius: 6px; font: 12px/1.5 sans-serif;
                 box-shadow: 0 1px 4px #0004;">
          <summary><b>Control</b> (date: see the layers)</summary>
          {% for label, colour in this.sides %}
          <span style="display:inline-block;width:14px;height:10px;background:{{ colour }};opacity:.5;
                       margin-right:5px;vertical-align:middle"></span>{{ label }}<br>
          {% endfor %}
          <svg width="14" height="10" style="margin-right:5px;vertical-align:middle">
            <rect width="14" height="10" fill="url(#fm-hatch)" stroke="#b7950b" stroke-dasharray="3 2"></rect>
          </svg>contested<br>
          <span style="display:inline-block;width:14px;height:0;border-top:3px solid {{ this.front }};
                       margin-right:5px;vertical-align:middle"></span>front line
        </details>
        {% endmacro %}
    """)

    def __init__(self, theatre: Theatre = DEFAULT_THEATRE):
        super().__init__()
        self._name = "ControlLegend"
        self.sides = [(f"held by {side}", colour) for side, colour in theatre.side_colours.items()]
        self.front = FRONT_COLOUR
