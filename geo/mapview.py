"""Building the map: an offline base map, and per-place marker layers coloured by what happened.

Markers are aggregated per place (one per settlement, whatever its number of events) and drawn as
GeoJSON layers, so the page stays small and fast with tens of thousands of events. Every text that
reaches the browser is HTML-escaped here: place names and summaries are data, never markup.
"""

from __future__ import annotations

import html
import math

import folium
import pandas as pd
from branca.element import MacroElement, Template
from folium.plugins import MarkerCluster
from folium.utilities import JsCode

from geo import assets
from geo.eventtypes import CONTROL_CHANGE, MENTION, by_rank
from geo.theatre import DEFAULT_THEATRE, Theatre

ONLINE_TILES = {
    "OpenStreetMap": ("OpenStreetMap", None),
    "Topographic": ("https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png", "© OpenTopoMap (CC-BY-SA), © OpenStreetMap"),
    "Satellite": ("https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                  "Esri World Imagery"),
}
# Binds each marker's own tooltip (already HTML-escaped), so a click reports which place it was.
_BIND_TOOLTIP = JsCode("function(feature, layer) { layer.bindTooltip(feature.properties.tooltip); }")


def use_offline_assets(base_url: str = "/" + assets.VENDOR_URL) -> None:
    """Point Folium at the Leaflet files the dashboard serves itself instead of public CDNs."""
    folium.Map.default_js = [(name, f"{base_url}/{path}") for name, path in assets.JS.items()
                             if not name.startswith("markercluster")]
    folium.Map.default_css = [(name, f"{base_url}/{path}") for name, path in assets.CSS.items()
                              if not name.startswith("markercluster")]
    MarkerCluster.default_js = [("markerclusterjs", f"{base_url}/{assets.JS['markerclusterjs']}")]
    MarkerCluster.default_css = [(name, f"{base_url}/{assets.CSS[name]}")
                                 for name in ("markerclustercss", "markerclusterdefaultcss")]


def base_map(theatre: Theatre = DEFAULT_THEATRE, online_tiles: bool = False,
             base_url: str = "/" + assets.VENDOR_URL) -> folium.Map:
    """A map whose base layer (country and region outlines) comes from the dashboard itself; online tile layers are
    added, as choices, only when asked for."""
    use_offline_assets(base_url)
    # SVG markers (not canvas): each is an element a browser test, or a screen reader, can find and click.
    fmap = folium.Map(location=theatre.center, zoom_start=theatre.zoom, tiles=None, control_scale=True, maxZoom=18,
                      minZoom=3)
    OfflineBaseLayer(f"{base_url}/{assets.COUNTRIES}", f"{base_url}/{assets.REGIONS}").add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(
        "<style>.leaflet-container { background: #cfe3ef; }</style>"))
    if online_tiles:
        for name, (tiles, attribution) in ONLINE_TILES.items():
            folium.TileLayer(tiles, name=name, attr=attribution, overlay=False, show=False).add_to(fmap)
    Legend(theatre).add_to(fmap)
    return fmap


def _dominant_type(row) -> str:
    """What a place's marker shows when several things happened there: the weightiest."""
    return next((kind for kind in by_rank() if row.get(kind, 0)), MENTION)


def _summary_line(row) -> str:
    counts = ", ".join(f"{int(row[kind])} {kind.title.lower()}" for kind in by_rank() if row.get(kind, 0))
    control = ""
    if row.get("controller"):
        status = f", {row['controller_status']}" if row.get("controller_status") else ""
        control = f"; held by {row['controller']}{status} since {row['controlled_since']}"
    return f"{counts}; last {row['last_date']}{control}"


def tooltip_text(row) -> str:
    """One line per place: its name and what happened there (plain text, escaped later)."""
    where = ", ".join(part for part in (row["name"], row.get("admin1") or "", row.get("country") or "") if part)
    return f"{where} — {_summary_line(row)}"


def place_features(summary: pd.DataFrame, theatre: Theatre = DEFAULT_THEATRE) -> dict[str, list[dict]]:
    """GeoJSON features per event type, one per place, with escaped tooltips."""
    layers: dict[str, list[dict]] = {kind: [] for kind in by_rank()}
    for row in summary.to_dict("records"):
        kind = _dominant_type(row)
        colour = theatre.side_colour(row.get("controller") or "") if kind == CONTROL_CHANGE else kind.colour
        contested = kind == CONTROL_CHANGE and row.get("controller_status") == "contested"
        layers[kind].append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {
                "place_key": row["place_key"],
                "tooltip": html.escape(tooltip_text(row)),
                "colour": colour,
                "radius": _radius(row["events"]),
                "dash": "4 3" if contested else "",
            },
        })
    return layers


def _style(feature: dict) -> dict:
    props = feature["properties"]
    return {"color": "#ffffff" if not props["dash"] else "#f1c40f", "weight": 2, "dashArray": props["dash"] or None,
            "fill": True, "fillColor": props["colour"], "fillOpacity": 0.9, "radius": props["radius"]}


def _ring_style(feature: dict) -> dict:
    props = feature["properties"]
    return {"color": props["colour"], "weight": 4, "opacity": 0.85, "dashArray": props["dash"] or None,
            "fill": False, "radius": props["radius"] + 5}


def event_layers(summary: pd.DataFrame, clustered: bool = True, theatre: Theatre = DEFAULT_THEATRE
                 ) -> list[folium.FeatureGroup]:
    """The map's data layers for a filtered summary: one toggleable group per event type, and the control
    layer (each place coloured by its last reported controller as of the period's end)."""
    groups = []
    for kind, features in place_features(summary, theatre).items():
        group = folium.FeatureGroup(name=f"{kind.title} ({len(features)})")
        if features:
            layer = folium.GeoJson({"type": "FeatureCollection", "features": features}, marker=folium.CircleMarker(),
                                   style_function=_style, on_each_feature=_BIND_TOOLTIP)
            if clustered:
                cluster = MarkerCluster(options={"disableClusteringAtZoom": 9, "showCoverageOnHover": False,
                                                 "maxClusterRadius": 40})
                layer.add_to(cluster)
                cluster.add_to(group)
            else:
                layer.add_to(group)
        groups.append(group)
    # Who holds what: a ring in the holder's colour around each place with a reported controller.
    controlled = summary[summary["controller"] != ""]
    control = folium.FeatureGroup(name=f"Control as of the period's end ({len(controlled)})")
    if len(controlled):
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                     "properties": {"tooltip": html.escape(tooltip_text(r)),
                                    "colour": theatre.side_colour(r["controller"]), "radius": _radius(r["events"]),
                                    "dash": "4 3" if r["controller_status"] == "contested" else ""}}
                    for r in controlled.to_dict("records")]
        folium.GeoJson({"type": "FeatureCollection", "features": features}, marker=folium.CircleMarker(),
                       style_function=_ring_style, on_each_feature=_BIND_TOOLTIP).add_to(control)
    return [control, *groups]


def _radius(events: int) -> float:
    return round(5 + 2.2 * math.log1p(events), 1)


def tooltip_index(summary: pd.DataFrame) -> dict[str, str]:
    """Tooltip text (as the browser reports it on a click) → place key."""
    return {tooltip_text(row): row["place_key"] for row in summary.to_dict("records")}


class OfflineBaseLayer(MacroElement):
    """The offline base layer: country outlines and approximate first-level region outlines, fetched by the
    browser from the dashboard's own static files (not embedded: the page stays small), below the markers."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          var pane = map.createPane("base");
          pane.style.zIndex = 250;
          function draw(url, style) {
            return fetch(url).then(function (response) { return response.json(); }).then(function (data) {
              L.geoJSON(data, {pane: "base", interactive: false, style: style}).addTo(map);
            });
          }
          draw({{ this.countries|tojson }}, {color: "#8a8a8a", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1})
            .then(function () {
              draw({{ this.regions|tojson }}, {color: "#b0a89a", weight: 0.8, dashArray: "3 3", fill: false});
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, countries: str, regions: str):
        super().__init__()
        self._name = "OfflineBaseLayer"
        self.countries = countries
        self.regions = regions


class Legend(MacroElement):
    """The map's legend: marker colours for event types and sides (static, trusted markup)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div style="position: fixed; bottom: 24px; left: 12px; z-index: 9999; background: rgba(255,255,255,.92);
                    padding: 8px 10px; border-radius: 6px; font: 12px/1.5 sans-serif; box-shadow: 0 1px 4px #0004;">
          <b>What happened there</b><br>
          {% for label, colour in this.items %}
          <span style="display:inline-block;width:11px;height:11px;border-radius:50%;background:{{ colour }};
                       margin-right:5px;vertical-align:middle"></span>{{ label }}<br>
          {% endfor %}
          <span style="display:inline-block;width:9px;height:9px;border-radius:50%;border:2px dashed #f1c40f;
                       margin-right:5px;vertical-align:middle"></span>contested<br>
          <b>Who holds it</b> (last report up to the period's end)<br>
          {% for label, colour in this.rings %}
          <span style="display:inline-block;width:8px;height:8px;border-radius:50%;border:3px solid {{ colour }};
                       margin-right:5px;vertical-align:middle"></span>{{ label }}<br>
          {% endfor %}
        </div>
        {% endmacro %}
    """)

    def __init__(self, theatre: Theatre = DEFAULT_THEATRE):
        super().__init__()
        self._name = "Legend"
        sides = theatre.side_colours.items()
        self.items = [(f"Control change: taken by {side}", colour) for side, colour in sides]
        self.items += [(kind.title, kind.colour) for kind in by_rank() if kind != CONTROL_CHANGE]
        self.rings = [(f"ring: {side}", colour) for side, colour in sides]


def map_html_size(fmap: folium.Map, layers: list[folium.FeatureGroup]) -> int:
    """Bytes of HTML the browser receives for the map and its layers."""
    for layer in layers:
        layer.add_to(fmap)
    return len(fmap.get_root().render().encode("utf-8"))
