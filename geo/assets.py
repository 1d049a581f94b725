"""The map's own JavaScript, CSS and base layer, served by the dashboard so that it needs no network.

scripts/setup.sh installs the packages named in assets/package.json from the npm registry; this module
copies the files the map uses into static/vendor (served by Streamlit at app/static/vendor) and turns
world-atlas' Natural Earth country TopoJSON into GeoJSON for Leaflet. First-level regions (oblasts) have
no outline data in the registries' packages: their approximate outlines are derived from the gazetteer, each
region the union of its places' Voronoi cells, clipped to the country. Settlement names for the base map
come from the gazetteer too (labels.json). Rivers and lakes come from @geo-maps/earth-rivers-1km and
@geo-maps/earth-lakes-1km (OpenStreetMap water areas, ODbL), clipped to the theatre's surroundings and simplified
(rivers.geojson); without those packages the base map has none. No package in the registries holds roads in a
form the map can use offline.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from geo.errors import FrontmapError
from geo.theatre import DEFAULT_THEATRE, Theatre

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "assets" / "node_modules"
VENDOR = ROOT / "static" / "vendor"
# Where the browser finds static/vendor when Streamlit serves it.
VENDOR_URL = "app/static/vendor"
# The dashboard's map layers, written at run time (content-addressed), and where the browser finds them.
LAYERS = ROOT / "static" / "layers"
LAYERS_URL = "app/static/layers"
COUNTRIES = "countries-50m.geojson"
REGIONS = "regions-approximate.geojson"
LABELS = "labels.json"
# The names shown only from CLOSE_LABEL_ZOOM (four in five of them): fetched when the map first gets that close.
LABELS_CLOSE = "labels-close.json"
CLOSE_LABEL_ZOOM = 10
RIVERS = "rivers.geojson"  # optional: drawn when installed
WATER_PACKAGES = ("@geo-maps/earth-rivers-1km", "@geo-maps/earth-lakes-1km")
# The zoom from which a settlement's name is shown, by its population (more names as one zooms in).
LABEL_ZOOMS = ((1_000_000, 4), (300_000, 5), (100_000, 6), (30_000, 7), (10_000, 8), (3_000, 9), (0, 10))
# Outside the theatre's countries, only cities this large are named (for orientation).
LABEL_ABROAD_POPULATION = 300_000

# package folder → where its files go under static/vendor
_COPIES = {
    "leaflet/dist": "leaflet",
    "leaflet.markercluster/dist": "leaflet.markercluster",
    "leaflet.awesome-markers/dist": "leaflet.awesome-markers",
    "jquery/dist": "jquery",
    "bootstrap/dist": "bootstrap",
    "@fortawesome/fontawesome-free/css": "fontawesome/css",
    "@fortawesome/fontawesome-free/webfonts": "fontawesome/webfonts",
}

JS = {
    "leaflet": "leaflet/leaflet.js",
    "jquery": "jquery/jquery.min.js",
    "bootstrap": "bootstrap/js/bootstrap.bundle.min.js",
    "awesome_markers": "leaflet.awesome-markers/leaflet.awesome-markers.js",
    "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
}
CSS = {
    "leaflet_css": "leaflet/leaflet.css",
    "bootstrap_css": "bootstrap/css/bootstrap.min.css",
    "awesome_markers_font_css": "fontawesome/css/all.min.css",
    "awesome_markers_css": "leaflet.awesome-markers/leaflet.awesome-markers.css",
    "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
}


class AssetsError(FrontmapError):
    pass


def topojson_to_geojson(topology: dict, name: str, digits: int = 3) -> dict:
    """A TopoJSON object (quantized, delta-encoded arcs) as a GeoJSON FeatureCollection."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append([round(x * sx + tx, digits), round(y * sy + ty, digits)])
            else:
                points.append([round(dx, digits), round(dy, digits)])
        arcs.append(points)

    def ring(indices: list[int]) -> list:
        coords = []
        for index in indices:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            coords.extend(arc if not coords else arc[1:])
        return coords

    features = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            shape = {"type": "Polygon", "coordinates": [ring(r) for r in geometry["arcs"]]}
        elif kind == "MultiPolygon":
            shape = {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in geometry["arcs"]]}
        else:
            continue
        features.append({"type": "Feature", "properties": {"name": geometry.get("properties", {}).get("name", "")},
                         "geometry": shape})
    return {"type": "FeatureCollection", "features": features}


def install(node_modules: Path = NODE_MODULES, vendor: Path = VENDOR, theatre: Theatre = DEFAULT_THEATRE) -> Path:
    """Copy the map's assets into the folder Streamlit serves; returns that folder."""
    if not node_modules.exists():
        raise AssetsError(f"{node_modules} is missing: run `npm ci --prefix assets` (scripts/setup.sh does)")
    for source, target in _COPIES.items():
        shutil.copytree(node_modules / source, vendor / target, dirs_exist_ok=True)
    topology = json.loads((node_modules / "world-atlas" / "countries-50m.json").read_text(encoding="utf-8"))
    countries = topojson_to_geojson(topology, "countries")
    (vendor / COUNTRIES).write_text(json.dumps(countries, separators=(",", ":")), encoding="utf-8")
    regions = region_outlines(countries, theatre)
    (vendor / REGIONS).write_text(json.dumps(regions, separators=(",", ":")), encoding="utf-8")
    labels = settlement_labels(theatre)
    for name, part in ((LABELS, [label for label in labels if label[3] < CLOSE_LABEL_ZOOM]),
                       (LABELS_CLOSE, [label for label in labels if label[3] >= CLOSE_LABEL_ZOOM])):
        (vendor / name).write_text(json.dumps(part, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    water = [node_modules / package / "map.geo.json" for package in WATER_PACKAGES]
    if all(path.exists() for path in water):
        (vendor / RIVERS).write_text(json.dumps(water_areas(water, theatre), separators=(",", ":")),
                                     encoding="utf-8")
    missing = [path for path in (*JS.values(), *CSS.values()) if not (vendor / path).exists()]
    if missing:
        raise AssetsError(f"assets missing after install: {missing}")
    return vendor


def water_areas(paths: list[Path], theatre: Theatre = DEFAULT_THEATRE, half_width: float = 18.0,
                half_height: float = 10.0, simplify_degrees: float = 0.003) -> dict:
    """Rivers and lakes (GeoJSON polygons, as the geo-maps packages give them) around the theatre: clipped to a box
    about its centre, simplified (~300 m), as one feature per file."""
    import shapely
    from shapely.geometry import mapping, shape

    lat, lon = theatre.center
    box = (lon - half_width, lat - half_height, lon + half_width, lat + half_height)
    features = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        geometries = [f["geometry"] for f in data["features"]] if "features" in data else data.get("geometries", [])
        parts = []
        for geometry in geometries:
            # Polygon by polygon, those in the box only: the source has invalid rings, which make an operation on
            # the whole fail (clip_by_rect is lenient with them, one at a time).
            polygons = shapely.get_parts(shape(geometry))
            west, south, east, north = shapely.bounds(polygons).T
            near = (west < box[2]) & (east > box[0]) & (south < box[3]) & (north > box[1])
            for polygon in polygons[near]:
                clipped = shapely.clip_by_rect(polygon, *box)
                if not clipped.is_empty:
                    parts.append(shapely.simplify(clipped, simplify_degrees, preserve_topology=True))
        if parts:
            merged = shapely.set_precision(shapely.make_valid(shapely.GeometryCollection(parts)), 1e-4)
            polygons = [p for p in shapely.get_parts(merged) if p.geom_type in ("Polygon", "MultiPolygon")]
            if polygons:
                features.append({"type": "Feature", "properties": {"source": path.parent.name},
                                 "geometry": mapping(shapely.MultiPolygon(
                                     [q for p in polygons for q in shapely.get_parts(p)]))})
    return {"type": "FeatureCollection", "features": features}


def region_outlines(countries: dict, theatre: Theatre = DEFAULT_THEATRE, simplify_degrees: float = 0.01) -> dict:
    """Approximate first-level region outlines for the theatre's countries, from the gazetteer's places."""
    import shapely
    from shapely.geometry import mapping, shape

    from geo.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    borders = {f["properties"]["name"]: f["geometry"] for f in countries["features"]}
    features = []
    for code, country_name in theatre.outlined_countries.items():
        if country_name not in borders:
            continue
        border = shapely.make_valid(shape(borders[country_name]))
        places, seen = [], set()
        for place in gazetteer.lookup_country(code):
            point = (round(place.longitude, 4), round(place.latitude, 4))
            if place.admin1_code and point not in seen:  # Voronoi needs distinct points
                seen.add(point)
                places.append(place)
        cells = shapely.get_parts(shapely.voronoi_polygons(
            shapely.multipoints([(p.longitude, p.latitude) for p in places]),
            extend_to=border.envelope.buffer(1), ordered=True))
        by_region: dict[str, list] = {}
        for place, cell in zip(places, cells, strict=True):
            by_region.setdefault(place.admin1_code, []).append(cell)
        for admin1_code, region_cells in by_region.items():
            outline = shapely.union_all(region_cells).intersection(border).simplify(simplify_degrees)
            region = gazetteer.region_of(next(p for p in places if p.admin1_code == admin1_code))
            features.append({"type": "Feature", "geometry": mapping(outline),
                             "properties": {"name": region.name if region else admin1_code, "country": code}})
    return {"type": "FeatureCollection", "features": features}


def label_zoom(population: int) -> int:
    return next(zoom for floor, zoom in LABEL_ZOOMS if population >= floor)


def settlement_labels(theatre: Theatre = DEFAULT_THEATRE) -> list[list]:
    """Settlement names for the base map, from the gazetteer: [lon, lat, name, minimum zoom], the most populous
    first. Every populated place of the theatre's countries, and the large cities elsewhere."""
    from geo.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    labels, seen = [], set()
    for i in range(len(gazetteer)):
        place = gazetteer.place(i)
        if not place.feature.startswith("PPL") or place.feature in ("PPLX", "PPLH", "PPLQ", "PPLW"):
            continue
        if place.country not in theatre.outlined_countries and place.population < LABEL_ABROAD_POPULATION:
            continue
        point = (round(place.longitude, 3), round(place.latitude, 3))
        if (point, place.name) in seen:
            continue
        seen.add((point, place.name))
        labels.append((place.population, [point[0], point[1], place.name, label_zoom(place.population)]))
    labels.sort(key=lambda item: -item[0])
    return [label for _, label in labels]


def installed(vendor: Path = VENDOR) -> bool:
    return all((vendor / path).exists() for path in (*JS.values(), *CSS.values(), COUNTRIES, REGIONS, LABELS,
                                                     LABELS_CLOSE))
