"""Territory and front line as of a date, derived from the settlements' control states.

Each settlement with a known holder gets the area nearest to it (its Voronoi cell), limited to a radius of a
few km (beyond that the reports say nothing) and clipped to the outline of the country it lies in (so to land);
the cells are merged per side, contested ones marked, and the front line drawn where one side's area meets
another's. A settlement whose place no report is sure of (uncertain, listed for review) gets no area. All
geometry is done in a Lambert azimuthal equal-area plane (WGS84 authalic sphere, computed here, no network and
no projection library), so areas in km² are exact up to the polygons' own approximation.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

DEFAULT_RADIUS_KM = 6.0
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_E = math.sqrt(_E2)


def _q(sin_phi):
    return (1 - _E2) * (sin_phi / (1 - _E2 * sin_phi ** 2)
                        - np.log((1 - _E * sin_phi) / (1 + _E * sin_phi)) / (2 * _E))


_QP = float(_q(np.float64(1.0)))
AUTHALIC_RADIUS = _A * math.sqrt(_QP / 2)


class EqualArea:
    """Lambert azimuthal equal-area on the WGS84 authalic sphere, centred on (lat0, lon0): metres."""

    def __init__(self, lat0: float, lon0: float):
        self.lat0, self.lon0 = lat0, lon0
        self._beta0 = self._authalic(np.radians(lat0))

    @staticmethod
    def _authalic(phi):
        return np.arcsin(np.clip(_q(np.sin(phi)) / _QP, -1, 1))

    def forward(self, lon, lat):
        beta = self._authalic(np.radians(np.asarray(lat, float)))
        dlon = np.radians(np.asarray(lon, float) - self.lon0)
        sb0, cb0 = math.sin(self._beta0), math.cos(self._beta0)
        k = np.sqrt(2 / (1 + sb0 * np.sin(beta) + cb0 * np.cos(beta) * np.cos(dlon)))
        x = AUTHALIC_RADIUS * k * np.cos(beta) * np.sin(dlon)
        y = AUTHALIC_RADIUS * k * (cb0 * np.sin(beta) - sb0 * np.cos(beta) * np.cos(dlon))
        return x, y

    def inverse(self, x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        rho = np.hypot(x, y)
        c = 2 * np.arcsin(np.clip(rho / (2 * AUTHALIC_RADIUS), -1, 1))
        sb0, cb0 = math.sin(self._beta0), math.cos(self._beta0)
        with np.errstate(invalid="ignore", divide="ignore"):
            beta = np.where(rho > 0, np.arcsin(np.clip(np.cos(c) * sb0 + y * np.sin(c) * cb0 / rho, -1, 1)),
                            self._beta0)
        lon = self.lon0 + np.degrees(np.arctan2(x * np.sin(c), rho * cb0 * np.cos(c) - y * sb0 * np.sin(c)))
        e4, e6 = _E2 ** 2, _E2 ** 3
        phi = (beta + (_E2 / 3 + 31 * e4 / 180 + 517 * e6 / 5040) * np.sin(2 * beta)
               + (23 * e4 / 360 + 251 * e6 / 3780) * np.sin(4 * beta) + (761 * e6 / 45360) * np.sin(6 * beta))
        return lon, np.degrees(phi)

    def to_plane(self, geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack(self.forward(xy[:, 0], xy[:, 1])))

    def to_lonlat(self, geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack(self.inverse(xy[:, 0], xy[:, 1])))


def area_km2(geometry_lonlat) -> float:
    """The area of a lon/lat geometry in km², on the WGS84 ellipsoid."""
    if geometry_lonlat is None or geometry_lonlat.is_empty:
        return 0.0
    centre = geometry_lonlat.centroid
    return EqualArea(centre.y, centre.x).to_plane(geometry_lonlat).area / 1e6


# -- land: the country outlines the map assets derive --------------------------------------------------

_LAND: list | None = None
_LAND_LOCK = threading.Lock()


def country_outlines() -> list:
    """The country outlines (lon/lat polygons) of the map's offline base layer, or [] when the assets are not
    installed (cells are then not clipped to land)."""
    global _LAND
    with _LAND_LOCK:
        if _LAND is None:
            from geo import assets

            installed = assets.VENDOR / assets.COUNTRIES
            source = assets.NODE_MODULES / "world-atlas" / "countries-50m.json"
            if installed.exists():
                data = json.loads(installed.read_text(encoding="utf-8"))
            elif source.exists():
                data = assets.topojson_to_geojson(json.loads(source.read_text(encoding="utf-8")), "countries")
            else:
                data = {"features": []}
            _LAND = outlines_from_geojson(data)
        return _LAND


def outlines_from_geojson(data: dict) -> list:
    from shapely.geometry import shape

    outlines = []
    for feature in data.get("features", []):
        geometry = shapely.make_valid(shape(feature["geometry"]))
        if not geometry.is_empty:
            outlines.append(geometry)
    return outlines


def load_outlines(path: str | Path) -> list:
    return outlines_from_geojson(json.loads(Path(path).read_text(encoding="utf-8")))


# -- territory --------------------------------------------------------------------------------------------


@dataclass
class Territory:
    """Control polygons per side, contested areas and the front line (all lon/lat), with areas in km²."""

    sides: dict = field(default_factory=dict)  # side → (Multi)Polygon
    areas_km2: dict = field(default_factory=dict)  # side → km²
    contested: object = None  # (Multi)Polygon of contested settlements' cells
    contested_km2: float = 0.0
    front: list = field(default_factory=list)  # [(side a, side b, (Multi)LineString, km)]
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)  # place_key, holder, status, area_km2, cell
    radius_km: float = DEFAULT_RADIUS_KM
    clipped_to_land: bool = False

    @property
    def front_km(self) -> float:
        return sum(km for *_, km in self.front)

    def features(self, digits: int = 5) -> list[dict]:
        """GeoJSON (RFC 7946) features: one polygon per side, the contested areas, and the front line(s)."""
        features = []
        for side, polygon in self.sides.items():
            features.append(_feature(polygon, digits, kind="territory", holder=side,
                                     area_km2=round(self.areas_km2[side], 1)))
        if self.contested is not None and not self.contested.is_empty:
            features.append(_feature(self.contested, digits, kind="contested", area_km2=round(self.contested_km2, 1)))
        for side, other, line, km in self.front:
            features.append(_feature(line, digits, kind="front_line", sides=[side, other], length_km=round(km, 1)))
        return features


def _feature(geometry, digits: int, **properties) -> dict:
    geometry = shapely.set_precision(geometry, 10 ** -digits)
    if geometry.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geometry = shapely.orient_polygons(geometry)  # RFC 7946: exterior rings counter-clockwise
    return {"type": "Feature", "geometry": mapping(geometry), "properties": properties}


def territory(states: pd.DataFrame, radius_km: float = DEFAULT_RADIUS_KM, land: list | None = None,
              centre: tuple[float, float] | None = None) -> Territory:
    """Territory from settlement states (place_key, lat, lon, holder, status): see the module's docstring.
    land: lon/lat outlines to clip to, each settlement to the one it lies in (the map's countries by default;
    [] for none). centre: the equal-area plane's centre (the settlements' middle by default)."""
    known = states[(states["holder"] != "") | (states["status"] == "contested")]
    if "uncertain_place" in known:  # a place no report is sure of paints no territory (it is listed for review)
        known = known[~known["uncertain_place"].astype(bool)]
    known = known[known["lat"].notna() & known["lon"].notna()]
    result = Territory(radius_km=radius_km)
    if not len(known):
        result.cells = pd.DataFrame(columns=["place_key", "holder", "status", "area_km2", "cell"])
        return result
    lat, lon = known["lat"].to_numpy(float), known["lon"].to_numpy(float)
    if centre is None:
        centre = ((lat.min() + lat.max()) / 2, (lon.min() + lon.max()) / 2)
    plane = EqualArea(*centre)
    x, y = plane.forward(lon, lat)
    radius = radius_km * 1000.0

    # Settlements at the same spot share a cell; if their holders differ, it is contested.
    spot = np.round(x).astype(np.int64) * 100_000_000 + np.round(y).astype(np.int64)
    _, first, which = np.unique(spot, return_index=True, return_inverse=True)
    holders = known["holder"].to_numpy(object)
    contested = (known["status"] == "contested").to_numpy()
    spot_holder = holders[first].copy()
    spot_contested = contested[first].copy()
    for i in range(len(known)):
        s = which[i]
        if holders[i] != spot_holder[s]:
            spot_holder[s], spot_contested[s] = "", True
        spot_contested[s] |= contested[i]
    points = shapely.points(x[first], y[first])
    extent = shapely.box(x.min() - 2 * radius, y.min() - 2 * radius, x.max() + 2 * radius, y.max() + 2 * radius)
    if len(points) == 1:
        cells = np.array([extent])
    else:
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=extent,
                                                           ordered=True))
    circles = shapely.buffer(points, radius, quad_segs=12)
    raw_cells = cells
    cells = shapely.intersection(cells, circles)

    land = country_outlines() if land is None else land
    if land:
        cells = _clip_to_land(cells, points, land, plane, extent, radius)
        result.clipped_to_land = True

    areas = shapely.area(cells) / 1e6
    # Cells the radius and the land did not cut are still an exact tessellation: merged as a coverage (fast).
    whole = np.abs(shapely.area(raw_cells) / 1e6 - areas) < 1e-9 * np.maximum(areas, 1.0)
    for side in sorted(set(spot_holder) - {""}):
        mask = spot_holder == side
        merged = _merge(cells[mask], whole[mask])
        result.sides[side] = merged
        result.areas_km2[side] = float(areas[mask].sum())
    if spot_contested.any():
        merged = _merge(cells[spot_contested], whole[spot_contested])
        result.contested, result.contested_km2 = merged, float(areas[spot_contested].sum())
    sides = list(result.sides)
    for i, side in enumerate(sides):
        for other in sides[i + 1:]:
            line = _shared_boundary(result.sides[side], result.sides[other])
            if line is not None:
                result.front.append((side, other, line, line.length / 1000))

    result.sides = {side: plane.to_lonlat(polygon) for side, polygon in result.sides.items()}
    if result.contested is not None:
        result.contested = plane.to_lonlat(result.contested)
    result.front = [(a, b, plane.to_lonlat(line), km) for a, b, line, km in result.front]
    cell_of_place = cells[which]
    result.cells = pd.DataFrame({"place_key": known["place_key"].to_numpy(), "holder": spot_holder[which],
                                 "status": np.where(spot_contested[which], "contested", known["status"].to_numpy()),
                                 "area_km2": areas[which], "cell": cell_of_place})
    result.cells.attrs["plane"] = plane
    return result


def _merge(cells, whole):
    """The union of non-overlapping cells; the whole (uncut) ones form a coverage whose union is cheap."""
    parts = list(cells[~whole])
    if whole.any():
        parts.append(shapely.coverage_union_all(cells[whole]))
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def _clip_to_land(cells, points, land: list, plane: EqualArea, extent, radius: float):
    """Each cell clipped to the outline its settlement lies in (the nearest within the radius for a settlement
    just off a generalised coastline); cells of settlements with no land near them are dropped."""
    west, south, east, north = shapely.bounds(plane.to_lonlat(extent))
    near = [shapely.clip_by_rect(outline, west - 1, south - 1, east + 1, north + 1) for outline in land]
    near = [plane.to_plane(outline) for outline in near if not outline.is_empty]
    if not near:
        return np.array([shapely.Polygon()] * len(cells))
    outlines = np.array(near)
    tree = shapely.STRtree(outlines)
    point_index, outline_index = tree.query(points, predicate="within")
    owner = np.full(len(points), -1)
    owner[point_index] = outline_index
    missing = np.flatnonzero(owner < 0)
    if len(missing):
        found_points, found_outlines = tree.query_nearest(points[missing], max_distance=radius)
        owner[missing[found_points]] = found_outlines
    clipped = np.array([shapely.Polygon()] * len(cells), dtype=object)
    for index in np.unique(owner[owner >= 0]):
        mask = owner == index
        outline = outlines[index]
        shapely.prepare(outline)
        inside = shapely.contains_properly(outline, cells[mask])
        part = cells[mask].copy()
        part[~inside] = shapely.intersection(part[~inside], outline)
        clipped[mask] = part
    return clipped


def _shared_boundary(polygon, other):
    """Where two sides' areas meet: the part of one's outline that runs along the other's (lines only)."""
    near = shapely.buffer(polygon, 1.0, quad_segs=2)
    touching = shapely.intersection(shapely.boundary(other), near)
    lines = [part for part in shapely.get_parts(touching) if part.geom_type in ("LineString", "MultiLineString")
             and part.length > 1.0]
    if not lines:
        return None
    return shapely.line_merge(shapely.union_all(lines))


def compare_areas(picture: Territory, reference, holder: str) -> dict:
    """One side's area from the reports against a reference polygon (lon/lat) of that side, where the reports
    say anything (within the cells of settlements with a known holder): km² and intersection over union."""
    reported = shapely.union_all(list(picture.sides.values())) if picture.sides else shapely.Polygon()
    theirs = shapely.intersection(reference, reported)
    ours = picture.sides.get(holder, shapely.Polygon())
    overlap = area_km2(shapely.intersection(ours, theirs))
    union = area_km2(shapely.union(ours, theirs))
    return {"ours_km2": area_km2(ours), "reference_km2": area_km2(theirs), "overlap_km2": overlap,
            "iou": overlap / union if union else float("nan")}


# -- per store state ------------------------------------------------------------------------------------------

_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()


def territory_as_of(store, day: dt.date | None = None, radius_km: float = DEFAULT_RADIUS_KM,
                    generation: tuple | None = None) -> Territory:
    """The territory of the store's control picture as of the day, cached per (store state, day, radius).
    generation: the store's, if the caller has just read it."""
    from geo import control

    generation = generation or store.generation()
    model = control.model(store, generation)
    key = (store.url, generation, model.picture_day(day), radius_km)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    built = territory(model.as_of(day), radius_km)
    with _CACHE_LOCK:
        _CACHE[key] = built
        while len(_CACHE) > 16:
            _CACHE.popitem(last=False)
    return built


@dataclass
class Changes:
    """What changed between two dates: the settlements (with the reports behind each change) and km² per side."""

    settlements: pd.DataFrame
    gained_km2: dict
    lost_km2: dict
    areas: list  # [(side that gained, side that lost, (Multi)Polygon lon/lat, km²)]


def changes(store, start: dt.date, end: dt.date, radius_km: float = DEFAULT_RADIUS_KM,
            generation: tuple | None = None) -> Changes:
    """Settlements and km² gained and lost per side between two dates (cells as of the later date)."""
    from geo import control

    generation = generation or store.generation()
    changed = control.model(store, generation).changes(start, end)
    later = territory_as_of(store, end, radius_km, generation)
    return changes_between(changed, later)


def changes_between(changed: pd.DataFrame, later: Territory) -> Changes:
    cells = later.cells.set_index("place_key") if len(later.cells) else None
    gained: dict = {}
    lost: dict = {}
    areas = []
    if cells is not None and len(changed):
        changed = changed.join(cells[["area_km2"]], on="place_key")
        changed["area_km2"] = changed["area_km2"].fillna(0.0)
        plane = later.cells.attrs.get("plane")
        for (winner, loser), group in changed[changed["gained_by"] != ""].groupby(["gained_by", "lost_by"]):
            km2 = float(group["area_km2"].sum())
            gained[winner] = gained.get(winner, 0.0) + km2
            if loser:
                lost[loser] = lost.get(loser, 0.0) + km2
            geometry = shapely.union_all(cells.loc[cells.index.intersection(group["place_key"]), "cell"].to_numpy())
            if plane is not None and not geometry.is_empty:
                areas.append((winner, loser, plane.to_lonlat(geometry), km2))
    elif len(changed):
        changed = changed.assign(area_km2=0.0)
    else:
        changed = changed.assign(area_km2=pd.Series(dtype=float))
    return Changes(settlements=changed, gained_km2=gained, lost_km2=lost, areas=areas)
