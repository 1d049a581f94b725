"""Building the map: an offline base map, and per-place marker layers coloured by what happened.

Markers are aggregated per place (one per settlement, whatever its number of events) and drawn as one
clustered GeoJSON layer, so the page stays small and fast with tens of thousands of events: a cluster is a
pie of its places' colours (the legend's), and a place's border is the colour of who holds it. Settlement
names come from the gazetteer (static/vendor/labels.json), more of them as one zooms in. Every text that
reaches the browser is HTML-escaped here: place names and summaries are data, never markup.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import math
import os
import time
import urllib.parse
from pathlib import Path

import folium
import pandas as pd
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from folium.utilities import JsCode

from geo import assets
from geo.eventtypes import CONTROL_CHANGE, MENTION, by_rank
from geo.records import CONFIDENT, is_uncertain
from geo.theatre import DEFAULT_THEATRE, Theatre

ONLINE_TILES = {
    "OpenStreetMap": ("OpenStreetMap", None),
    "Topographic": ("https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png", "© OpenTopoMap (CC-BY-SA), © OpenStreetMap"),
    "Satellite": ("https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                  "Esri World Imagery"),
}
# Binds each marker's own tooltip (already HTML-escaped), so a click reports which place it was.
_BIND_TOOLTIP = JsCode("function(feature, layer) { layer.bindTooltip(feature.properties.tooltip); }")


# What the map's frame loads: Leaflet alone (Folium's default jQuery, Bootstrap and icon fonts are not used by
# these markers, and cost the first draw).
MAP_JS = ("leaflet",)
MAP_CSS = ("leaflet_css",)


def use_offline_assets(base_url: str = "/" + assets.VENDOR_URL) -> None:
    """Point Folium at the Leaflet files the dashboard serves itself instead of public CDNs."""
    folium.Map.default_js = [(name, f"{base_url}/{assets.JS[name]}") for name in MAP_JS]
    folium.Map.default_css = [(name, f"{base_url}/{assets.CSS[name]}") for name in MAP_CSS]
    MarkerCluster.default_js = [("markerclusterjs", f"{base_url}/{assets.JS['markerclusterjs']}")]
    MarkerCluster.default_css = [(name, f"{base_url}/{assets.CSS[name]}")
                                 for name in ("markerclustercss", "markerclusterdefaultcss")]


# Inside the map's frame: the map fills the frame (whose height the page sets), labels never take clicks, long
# tooltips wrap instead of running off the map, and the legend folds.
_MAP_CSS = """<style>
.leaflet-container { background: #cfe3ef; }
#map_div { height: 100vh !important; }
.leaflet-labels-pane { pointer-events: none; }
.fm-label { font: 600 11px/1.2 sans-serif; color: #333; white-space: nowrap; pointer-events: none;
            text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; transform: translate(-50%, 3px); }
.fm-label.fm-big { font-size: 13px; color: #111; }
.leaflet-tooltip { white-space: normal; max-width: 320px; width: max-content; }
.fm-cluster { border-radius: 50%; box-shadow: 0 0 0 2px #fff, 0 1px 4px #0006; }
.fm-cluster span { position: absolute; inset: 6px; border-radius: 50%; background: #fff; display: flex;
                   align-items: center; justify-content: center; font: 700 11px sans-serif; color: #222; }
.fm-legend summary { cursor: pointer; font-weight: bold; }
</style>"""


def base_map(theatre: Theatre = DEFAULT_THEATRE, online_tiles: bool = False,
             base_url: str = "/" + assets.VENDOR_URL) -> folium.Map:
    """A map whose base layer (country and region outlines, settlement names) comes from the dashboard itself;
    online tile layers are added, as choices, only when asked for."""
    use_offline_assets(base_url)
    # SVG markers (not canvas): each is an element a browser test, or a screen reader, can find and click.
    fmap = folium.Map(location=theatre.center, zoom_start=theatre.zoom, tiles=None, control_scale=False, maxZoom=18,
                      minZoom=3)
    close_labels = f"{base_url}/{assets.LABELS_CLOSE}" if (assets.VENDOR / assets.LABELS_CLOSE).exists() else ""
    OfflineBaseLayer(f"{base_url}/{assets.COUNTRIES}", f"{base_url}/{assets.REGIONS}",
                     f"{base_url}/{assets.LABELS}", close_labels).add_to(fmap)
    if (assets.VENDOR / assets.RIVERS).exists():  # optional: when its npm packages were installed
        water = folium.FeatureGroup(name="Rivers and lakes (offline)", show=True)
        WaterLayer(f"{base_url}/{assets.RIVERS}").add_to(water)
        water.add_to(fmap)
    MetricScale().add_to(fmap)
    NoRerunWithoutClick().add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(_MAP_CSS))
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


def uncertain(row) -> bool:
    """A place no event in view places with a place confidence of CONFIDENT or more (summaries without the
    place_confidence column are not judged)."""
    return "place_confidence" in row and is_uncertain(row["place_confidence"])


def uncertainty_note(row) -> str:
    value = row.get("place_confidence")
    shown = f"{float(value):.2f}" if value is not None and value == value else "unknown"
    return f"uncertain place (confidence {shown}, under {CONFIDENT})"


def tooltip_text(row) -> str:
    """One line per place: its name and what happened there, and whether the place is uncertain (plain text,
    escaped later)."""
    where = ", ".join(part for part in (row["name"], row.get("admin1") or "", row.get("country") or "") if part)
    return f"{where} — {_summary_line(row)}" + (f"; {uncertainty_note(row)}" if uncertain(row) else "")


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
                "holder": theatre.side_colour(row["controller"]) if row.get("controller") else "#ffffff",
                "uncertain": uncertain(row),
            },
        })
    return layers


# A cluster is a pie of its places' colours (those of the legend), with the number of places in the middle.
_CLUSTER_ICON = """function(cluster) {
    var weights = {}, total = 0;
    cluster.getAllChildMarkers().forEach(function (marker) {
        var colour = marker.feature ? marker.feature.properties.colour : "#95a5a6";
        weights[colour] = (weights[colour] || 0) + 1; total += 1; });
    var at = 0, stops = [];
    Object.keys(weights).sort(function (a, b) { return weights[b] - weights[a]; }).forEach(function (colour) {
        var next = at + 360 * weights[colour] / total;
        stops.push(colour + " " + at.toFixed(1) + "deg " + next.toFixed(1) + "deg"); at = next; });
    var size = total < 10 ? 30 : total < 100 ? 36 : total < 1000 ? 42 : 48;
    return L.divIcon({
        html: '<div class="fm-cluster" style="width:' + size + 'px;height:' + size + 'px;background:conic-gradient('
              + stops.join(",") + ')"><span>' + total + '</span></div>',
        className: "fm-cluster-icon", iconSize: L.point(size, size)});
}"""


class FeatureLayer(MacroElement):
    """GeoJSON features drawn by a layer's own `draw(data)` in the browser: fetched from a published file when url is
    given (see publish_features), embedded in the page otherwise. Subclasses' scripts open with OPEN_SCRIPT, define
    draw (which adds to `group`) and end with DRAW_FEATURES.

    A layer drawn from a published file is kept in the map's frame by its URL: when the page's layers are replaced
    (a filter change replaces them all) and this file is among the new ones, the layer already drawn is added again
    instead of being fetched, parsed and built once more (the territory stays the same when only the period
    changes). With `announce`, the promise of the layer being drawn is left in window[announce] (the base map waits
    for the places' markers: they are drawn first)."""

    OPEN_SCRIPT = """
        (function (parent, url, run) {
          var kept = window.fmDrawnLayers = window.fmDrawnLayers || {order: [], layers: {}};
          var drawn;
          if (url && kept.layers[url] && !kept.layers[url]._map) {  // not shown by another group now
            parent.addLayer(kept.layers[url]);
            drawn = Promise.resolve();
          } else {
            var holder = L.featureGroup().addTo(parent);
            drawn = run(holder);
            if (url) drawn.then(function () {
              kept.layers[url] = holder; kept.order.push(url);
              while (kept.order.length > 8) delete kept.layers[kept.order.shift()];  // a few recent files only
            });
          }
          {% if this.announce %}window[{{ this.announce|tojson }}] = drawn;{% endif %}
        })({{ this._parent.get_name() }}, {{ this.url|tojson }}, function (group) {
    """
    DRAW_FEATURES = """
          {% if this.url %}
          var early = (window.fmFetched || {})[{{ this.url|tojson }}];  // started by FETCH_FIRST, if it was
          if (early) delete window.fmFetched[{{ this.url|tojson }}];
          var fetchNow = function () {
            return fetch({{ this.url|tojson }}).then(function (r) { return r.json(); }); };
          return (early ? early.catch(fetchNow) : fetchNow()).then(draw);
          {% else %}
          draw({{ this.json }});
          return Promise.resolve();
          {% endif %}
        });
    """
    announce = ""

    def __init__(self, features: list[dict], url: str = ""):
        super().__init__()
        self.data = {"type": "FeatureCollection", "features": features}
        self.url = url

    @property
    def json(self) -> str:
        # Names and tooltips come from reports and users' files: "</" is escaped so they cannot end the script.
        return json.dumps(self.data, separators=(",", ":")).replace("</", "<\\/")


PLACES_DRAWN = "fmPlacesDrawn"  # the frame's promise of the places' markers being drawn (see FeatureLayer)


class PlaceLayer(JSCSSMixin, FeatureLayer):
    """One marker per place, from GeoJSON features (place_features), built in the browser in one pass and added to
    a cluster group in bulk: fast to render on the server and to draw at thousands of places. A marker keeps its
    feature, so a click reports the place's tooltip."""

    _template = Template("""
        {% macro script(this, kwargs) %}""" + FeatureLayer.OPEN_SCRIPT + """
          function draw(data) {
          var layer = {{ "true" if this.clustered else "false" }} ? L.markerClusterGroup({
              disableClusteringAtZoom: 10, showCoverageOnHover: false, maxClusterRadius: 45,
              spiderfyOnMaxZoom: false, chunkedLoading: true, iconCreateFunction: {{ this.icon }}})
            : L.featureGroup();
          var markers = data.features.map(function (feature) {
            var p = feature.properties, xy = feature.geometry.coordinates;
            // An uncertain place is hollow, with a dotted border, dark when nobody is known to hold it (contested
            // keeps its dashes).
            var border = p.uncertain && p.holder === "#ffffff" ? "#333333" : p.holder;
            var marker = L.circleMarker([xy[1], xy[0]], {radius: p.radius, color: border, weight: 2.5,
              dashArray: p.dash || (p.uncertain ? "2 3" : null), fill: true, fillColor: p.colour,
              fillOpacity: p.uncertain ? 0.3 : 0.9, className: p.uncertain ? "fm-uncertain" : ""});
            marker.feature = feature;
            marker.bindTooltip(p.tooltip);
            return marker;
          });
          if (layer.addLayers) layer.addLayers(markers);
          else markers.forEach(function (m) { layer.addLayer(m); });
          layer.on("click", sendClickNow);
          group.addLayer(layer);
          }
          // streamlit-folium counts a click and reads its tooltip in its own handler, then sends them to the
          // dashboard 250 ms later (debounced). Once its handler has run, the same state is sent here at once, and
          // recorded as sent (its previous_data), so that it is not sent twice. Without streamlit-folium's state
          // (another version), nothing is done here and its own sending stands.
          function sendClickNow() {
            setTimeout(function () {
              var state = window.__GLOBAL_DATA__;
              if (!state || !Array.isArray(state.returned_objects) || window.parent === window) return;
              var value = {};
              ["last_object_clicked_count", "last_object_clicked_tooltip"].forEach(function (name) {
                if (state.returned_objects.indexOf(name) >= 0) value[name] = state[name]; });
              if (Object.keys(value).length !== state.returned_objects.length
                  || JSON.stringify(value) === JSON.stringify(state.previous_data)) return;
              state.previous_data = value;
              window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue",
                                         value: value, dataType: "json"}, "*");
            }, 0);
          }
    """ + FeatureLayer.DRAW_FEATURES + "{% endmacro %}")

    def __init__(self, features: list[dict], clustered: bool = True, url: str = ""):
        super().__init__(features, url)
        self._name = "PlaceLayer"
        self.announce = PLACES_DRAWN
        self.clustered = clustered
        self.icon = _CLUSTER_ICON
        self.default_js = MarkerCluster.default_js
        self.default_css = MarkerCluster.default_css


def publish_features(features: list[dict], folder: Path = assets.LAYERS, base_url: str = "/" + assets.LAYERS_URL,
                     keep_hours: float = 24, prefix: str = "places") -> str:
    """Write a layer's features where the dashboard serves static files, named by their content's hash, and return
    its URL: the page then carries a short URL instead of a megabyte of features on every run (the browser fetches
    and caches the file). Files not written for keep_hours are removed. An empty URL when the folder cannot be
    written (then the features are embedded in the page)."""
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    name = f"{prefix}-{hashlib.sha256(body.encode('utf-8')).hexdigest()[:20]}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return ""
    target = folder / name
    if not target.exists():
        if not _write_whole(target, body):
            return ""
        cutoff = time.time() - keep_hours * 3600
        for old in folder.glob(f"{prefix}-*.json"):
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < cutoff:
                    old.unlink()
    else:
        with contextlib.suppress(OSError):
            os.utime(target)
    return f"{base_url}/{name}"


def _write_whole(target: Path, body: str) -> bool:
    """Write a file named by its content's hash: whole or absent, whoever writes it (a partial file, then a rename).
    False when its folder cannot be written."""
    if not os.access(target.parent, os.W_OK):
        return False
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        partial.write_text(body, encoding="utf-8")
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        return False
    return True


# The map's frame loads its scripts one after another (Leaflet, then the marker clusters) before it runs the map's
# own code. This script, loaded first, starts fetching the file named in its query (`?fetch=`, same origin only) at
# once, so the places arrive while Leaflet loads; FeatureLayer takes the response from window.fmFetched.
FETCH_FIRST = """(function () {
  var script = document.currentScript, url = script && new URL(script.src).searchParams.get("fetch");
  if (!url || new URL(url, location.href).origin !== location.origin) return;
  (window.fmFetched = window.fmFetched || {})[url] = fetch(url).then(function (r) {
    if (!r.ok) throw new Error(r.status); return r.json(); });
})();
"""


def places_url(layers: list[folium.FeatureGroup]) -> str:
    """The published file the places' layer among layers draws from ("" when embedded or absent)."""
    for group in layers:
        for child in group._children.values():
            if isinstance(child, PlaceLayer):
                return child.url
    return ""


def fetch_first(fmap: folium.Map, url: str, folder: Path = assets.LAYERS,
                base_url: str = "/" + assets.LAYERS_URL) -> None:
    """Have the map's frame start fetching url (a published layer) before it loads Leaflet (see FETCH_FIRST); the
    script is written next to the published layers, named by its content's hash. Nothing when url is empty or the
    folder cannot be written."""
    if not url:
        return
    name = f"fetch-first-{hashlib.sha256(FETCH_FIRST.encode('utf-8')).hexdigest()[:12]}.js"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    if not (folder / name).exists() and not _write_whole(folder / name, FETCH_FIRST):
        return
    query = urllib.parse.urlencode({"fetch": url})
    fmap.default_js = [("fetch_first", f"{base_url}/{name}?{query}"), *type(fmap).default_js]


def event_layers(summary: pd.DataFrame, clustered: bool = True, theatre: Theatre = DEFAULT_THEATRE,
                 features: list[dict] | None = None, url: str = "") -> list[folium.FeatureGroup]:
    """The map's data layer for a filtered summary: one marker per place, filled in the colour of what happened
    there (the weightiest type; a control change in the colour of who took it) and bordered in the colour of who
    holds it as of the period's end; clustered into pies of those colours when zoomed out. features: the
    summary's place_features, flattened, if the caller has them already; url: where they were published
    (publish_features), so the page carries the URL only."""
    if features is None:
        features = [feature for group in place_features(summary, theatre).values() for feature in group]
    group = folium.FeatureGroup(name=f"Places ({len(features)})")
    if features:
        PlaceLayer(features, clustered, url).add_to(group)
    return [group]


def fit_view(summary: pd.DataFrame, width_px: int = 1100, height_px: int = 700, max_zoom: int = 11
             ) -> tuple[tuple[float, float], int] | None:
    """Centre and zoom that show the filtered places (all but the 5 % farthest out on each side, so a few stray
    mentions abroad do not zoom the map out to the world); None when there is nothing to show."""
    if summary.empty:
        return None
    lats, lons = summary["lat"].astype(float), summary["lon"].astype(float)
    if len(summary) >= 20:
        south, north = lats.quantile([0.05, 0.95])
        west, east = lons.quantile([0.05, 0.95])
    else:
        south, north, west, east = lats.min(), lats.max(), lons.min(), lons.max()

    def mercator_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(east - west, 1e-6) / 360
    span_y = max(mercator_y(north) - mercator_y(south), 1e-6) / (2 * math.pi)
    # At zoom z the world is 256·2^z pixels wide; keep a margin of a tenth on each side.
    zoom = math.floor(min(math.log2(width_px * 0.8 / 256 / span_x), math.log2(height_px * 0.8 / 256 / span_y)))
    centre_y = (mercator_y(north) + mercator_y(south)) / 2
    centre = (math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2), (east + west) / 2)
    return (round(centre[0], 4), round(centre[1], 4)), max(3, min(max_zoom, zoom))


def _radius(events: int) -> float:
    return round(5 + 2.2 * math.log1p(events), 1)


def tooltip_index(summary: pd.DataFrame) -> dict[str, str]:
    """Tooltip text (as the browser reports it on a click) → place key."""
    return {tooltip_text(row): row["place_key"] for row in summary.to_dict("records")}


# The base map's files (a few MB: countries, regions, names, rivers) are fetched once the places' markers are drawn,
# so that what the analyst came for shows first; without markers to wait for, at once, and never more than
# 3 s later. (The layers' scripts all run in one go, so by the next task the places' promise is known.) Even then they
# wait for an idle moment (0.5 s at most): the markers are painted, and a pan or click is answered, before the frame
# spends a few tenths of a second building the base map.
AFTER_PLACES = """(function (start) {
    var later = function () {
      if (window.requestIdleCallback) requestIdleCallback(start, {timeout: 500}); else setTimeout(start, 0); };
    setTimeout(function () {
      var timeout = new Promise(function (done) { setTimeout(done, 3000); });
      Promise.race([Promise.resolve(window[PLACES]), timeout]).then(later, later);
    }, 0); })""".replace("PLACES", json.dumps(PLACES_DRAWN))


class NoRerunWithoutClick(MacroElement):
    """streamlit-folium reports the map's state to the page once the map has moved into place; its "no click yet"
    (a click count of 0) differs from the default the page started with (no count), so the whole page ran again for
    nothing while the map was being drawn. The frame's record of what the page knows is set to the same "no click
    yet" before that report: the first click, counted 1, still differs and is sent. (Without streamlit-folium's
    state, as in another version, nothing is done.)"""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (state) {
          if (!state || !state.previous_data || state.last_object_clicked_count !== 0) return;
          if (state.previous_data.last_object_clicked_count === null) state.previous_data.last_object_clicked_count = 0;
        })(window.__GLOBAL_DATA__);
        {% endmacro %}
    """)


class MetricScale(MacroElement):
    """A scale bar in kilometres only."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 150}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class OfflineBaseLayer(MacroElement):
    """The offline base layer: country outlines, approximate first-level region outlines and settlement names,
    fetched by the browser from the dashboard's own static files (not embedded: the page stays small), below
    the markers. Names are drawn for the visible part of the map only, the most populous first, more of them
    as one zooms in, none over another; those shown only close in (close_labels) are fetched when first needed."""

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
          // Settlement names: [lon, lat, name, minimum zoom], most populous first.
          var labelPane = map.createPane("labels");
          labelPane.style.zIndex = 350;
          var names = [], shown = L.layerGroup().addTo(map), closeAsked = false;
          // The smaller places' names (shown from close_zoom) are fetched once the map first gets that close.
          function closeNames() {
            if (closeAsked || !{{ this.close_labels|tojson }} || map.getZoom() < {{ this.close_zoom }}) return;
            closeAsked = true;
            fetch({{ this.close_labels|tojson }}).then(function (r) { return r.ok ? r.json() : []; })
              .then(function (data) { names = names.concat(data); drawNames(); }, function () {});
          }
          function drawNames() {
            shown.clearLayers();
            var zoom = map.getZoom(), bounds = map.getBounds().pad(0.05), taken = {}, count = 0;
            for (var i = 0; i < names.length && count < 400; i++) {
              var n = names[i];
              if (n[3] > zoom || !bounds.contains([n[1], n[0]])) continue;
              var p = map.latLngToContainerPoint([n[1], n[0]]);
              var cell = Math.floor(p.x / 110) + ":" + Math.floor(p.y / 22);
              if (taken[cell]) continue;
              taken[cell] = true; count += 1;
              L.marker([n[1], n[0]], {pane: "labels", interactive: false, keyboard: false,
                icon: L.divIcon({className: "", iconSize: null,
                  html: '<div class="fm-label' + (n[3] <= 5 ? ' fm-big' : '') + '"></div>'})})
                .addTo(shown).getElement().firstChild.textContent = n[2];
            }
          }
          {{ this.after_places }}(function () {
            draw({{ this.countries|tojson }}, {color: "#8a8a8a", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1})
              .then(function () {
                draw({{ this.regions|tojson }}, {color: "#b0a89a", weight: 0.8, dashArray: "3 3", fill: false});
              });
            fetch({{ this.labels|tojson }}).then(function (r) { return r.json(); }).then(function (data) {
              names = data.concat(names); drawNames(); map.on("moveend zoomend", drawNames);
              map.on("zoomend", closeNames); closeNames();
            });
          });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, countries: str, regions: str, labels: str, close_labels: str = ""):
        super().__init__()
        self._name = "OfflineBaseLayer"
        self.close_labels = close_labels
        self.close_zoom = assets.CLOSE_LABEL_ZOOM
        self.after_places = AFTER_PLACES
        self.countries = countries
        self.regions = regions
        self.labels = labels


class WaterLayer(MacroElement):
    """Rivers and lakes (assets.RIVERS, OpenStreetMap data through the geo-maps packages), fetched by the browser
    from the dashboard's own static files, above the countries' fill and below everything else."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
          var map = group._map || {{ this._parent._parent.get_name() }};
          if (!map.getPane("water")) { map.createPane("water").style.zIndex = 260; }
          map.getPane("water").style.pointerEvents = "none";
          {{ this.after_places }}(function () {
          fetch({{ this.url|tojson }}).then(function (r) { return r.json(); }).then(function (data) {
            var water = L.geoJSON(data, {pane: "water", interactive: false,
                             attribution: "Rivers and lakes © OpenStreetMap contributors (ODbL), via geo-maps",
                             style: {color: "#7fb2d0", weight: 0.6, fillColor: "#a9cde3", fillOpacity: 1}});
            // The data's resolution is about 1 km: closer in, its fragments mislead more than they orient.
            function fit() {
              var shown = map.getZoom() <= {{ this.max_zoom }};
              if (shown && !group.hasLayer(water)) group.addLayer(water);
              if (!shown && group.hasLayer(water)) group.removeLayer(water);
            }
            map.on("zoomend", fit);
            fit();
          });
          });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, url: str, max_zoom: int = 11):
        super().__init__()
        self._name = "WaterLayer"
        self.after_places = AFTER_PLACES
        self.url = url
        self.max_zoom = max_zoom


class Legend(MacroElement):
    """The map's legend, folded into a small box until opened: marker colours for event types and sides, and the
    border that says who holds a place (static, trusted markup)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <details class="fm-legend" style="position: fixed; bottom: 28px; right: 10px; z-index: 1000;
                 background: rgba(255,255,255,.93); padding: 6px 10px; border-radius: 6px;
                 font: 12px/1.5 sans-serif; box-shadow: 0 1px 4px #0004; max-width: 260px;">
          <summary>Legend</summary>
          <b>What happened there</b> (fill)<br>
          {% for label, colour in this.items %}
          <span style="display:inline-block;width:11px;height:11px;border-radius:50%;background:{{ colour }};
                       margin-right:5px;vertical-align:middle"></span>{{ label }}<br>
          {% endfor %}
          <span style="display:inline-block;width:9px;height:9px;border-radius:50%;border:2px dashed #555;
                       margin-right:5px;vertical-align:middle"></span>contested<br>
          <span class="fm-legend-uncertain" style="display:inline-block;width:9px;height:9px;border-radius:50%;
                       border:2px dotted #333;background:rgba(127,127,127,.3);margin-right:5px;
                       vertical-align:middle"></span>uncertain place (hollow, dotted): confidence under
          {{ this.confident }}, listed on the Places page for review<br>
          <b>Who holds it</b> (border; last report up to the period's end)<br>
          {% for label, colour in this.rings %}
          <span style="display:inline-block;width:8px;height:8px;border-radius:50%;border:3px solid {{ colour }};
                       background:#ddd;margin-right:5px;vertical-align:middle"></span>{{ label }}<br>
          {% endfor %}
          <span style="display:inline-block;width:16px;height:16px;border-radius:50%;margin-right:5px;
                       vertical-align:middle;background:conic-gradient({{ this.pie }})"></span>a cluster: its
          places' colours
        </details>
        {% endmacro %}
    """)

    def __init__(self, theatre: Theatre = DEFAULT_THEATRE):
        super().__init__()
        self._name = "Legend"
        sides = theatre.side_colours.items()
        self.items = [(f"Control change: taken by {side}", colour) for side, colour in sides]
        self.items += [(kind.title, kind.colour) for kind in by_rank() if kind != CONTROL_CHANGE]
        self.rings = [(f"held by {side}", colour) for side, colour in sides]
        self.confident = CONFIDENT
        colours = [colour for _, colour in self.items]
        step = 360 / len(colours)
        self.pie = ",".join(f"{c} {i * step:.0f}deg {(i + 1) * step:.0f}deg" for i, c in enumerate(colours))


def map_html_size(fmap: folium.Map, layers: list[folium.FeatureGroup]) -> int:
    """Bytes of HTML the browser receives for the map and its layers."""
    for layer in layers:
        layer.add_to(fmap)
    return len(fmap.get_root().render().encode("utf-8"))
