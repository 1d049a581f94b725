"""Territory and front line of small synthetic theatres whose cells and areas are known."""

import csv
import datetime as dt
import io
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.territory import EqualArea, area_km2, changes_between, territory

CENTRE = (48.0, 37.0)
PLANE = EqualArea(*CENTRE)


def grid_theatre(holder_of, size=4, spacing_km=10.0, status_of=lambda i, j: "claimed"):
    """Settlements on a square grid in the equal-area plane (so their cells are known squares)."""
    rows = []
    for i in range(size):
        for j in range(size):
            lon, lat = PLANE.inverse(i * spacing_km * 1000, j * spacing_km * 1000)
            rows.append({"place_key": f"p{i}{j}", "lat": float(lat), "lon": float(lon), "holder": holder_of(i, j),
                         "status": status_of(i, j)})
    half = spacing_km * 500
    extent = size * spacing_km * 1000 - half
    land = [PLANE.to_lonlat(shapely.box(-half, -half, extent, extent))]
    return pd.DataFrame(rows), land


def test_each_settlement_gets_its_square_and_each_side_its_known_area():
    states, land = grid_theatre(lambda i, j: "Ukraine" if i < 2 else "Russia")
    result = territory(states, radius_km=8, land=land, centre=CENTRE)
    assert result.areas_km2 == pytest.approx({"Russia": 800.0, "Ukraine": 800.0}, rel=1e-6)
    assert result.cells["area_km2"].to_numpy() == pytest.approx(np.full(16, 100.0), rel=1e-6)
    assert result.contested_km2 == 0


def test_the_front_line_runs_where_the_two_sides_meet():
    states, land = grid_theatre(lambda i, j: "Ukraine" if i < 2 else "Russia")
    result = territory(states, radius_km=8, land=land, centre=CENTRE)
    [(side, other, line, km)] = result.front
    assert {side, other} == {"Russia", "Ukraine"}
    assert km == pytest.approx(40.0, abs=0.01)
    x, y = PLANE.forward(*shapely.get_coordinates(line).T)
    assert x == pytest.approx(np.full(len(x), 15_000.0), abs=1.0)  # halfway between columns 1 and 2
    assert y.min() == pytest.approx(-5_000, abs=2) and y.max() == pytest.approx(35_000, abs=2)


def test_a_front_line_follows_a_salient():
    # Russia holds the right half and a salient one cell deep into the left half at row 1.
    states, land = grid_theatre(lambda i, j: "Russia" if i >= 2 or (i == 1 and j == 1) else "Ukraine")
    result = territory(states, radius_km=8, land=land, centre=CENTRE)
    assert result.areas_km2 == pytest.approx({"Russia": 900.0, "Ukraine": 700.0}, rel=1e-6)
    assert result.front_km == pytest.approx(60.0, abs=0.05)  # 40 km plus the salient's two sides


def test_contested_settlements_are_marked_and_keep_their_holder():
    states, land = grid_theatre(lambda i, j: "Ukraine" if i < 2 else "Russia",
                                status_of=lambda i, j: "contested" if (i, j) == (1, 2) else "claimed")
    result = territory(states, radius_km=8, land=land, centre=CENTRE)
    assert result.contested_km2 == pytest.approx(100.0, rel=1e-6)
    assert result.areas_km2["Ukraine"] == pytest.approx(800.0, rel=1e-6)
    assert area_km2(result.contested) == pytest.approx(100.0, rel=1e-4)


def test_an_isolated_settlement_reaches_only_as_far_as_the_radius():
    states = pd.DataFrame([{"place_key": "a", "lat": 48.0, "lon": 37.0, "holder": "Ukraine", "status": "claimed"},
                           {"place_key": "b", "lat": 48.0, "lon": 38.5, "holder": "Russia", "status": "claimed"}])
    result = territory(states, radius_km=5, land=[], centre=CENTRE)
    assert result.areas_km2["Ukraine"] == pytest.approx(math.pi * 25, rel=0.01)
    assert result.front == []  # 110 km apart: nothing is known in between, so no line is drawn


def test_a_cell_stays_in_the_country_its_settlement_lies_in():
    west = shapely.box(36.0, 47.0, 37.0, 49.0)
    east = shapely.box(37.0, 47.0, 38.0, 49.0)
    states = pd.DataFrame([{"place_key": "a", "lat": 48.0, "lon": 36.98, "holder": "Ukraine",
                            "status": "claimed"}])
    result = territory(states, radius_km=5, land=[west, east])
    assert result.sides["Ukraine"].bounds[2] <= 37.0 + 1e-9
    d = float(PLANE.forward(37.0, 48.0)[0] - PLANE.forward(36.98, 48.0)[0]) / 1000  # km to the border
    cut = 25 * math.acos(d / 5) - d * math.sqrt(25 - d * d)  # the circle's segment across the border
    assert result.areas_km2["Ukraine"] == pytest.approx(math.pi * 25 - cut, rel=0.01)


def test_equal_area_plane_measures_a_degree_square_as_the_ellipsoid_does():
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi = np.linspace(0, np.radians(1), 200_001)
    sin2 = np.sin(phi) ** 2
    element = a * (1 - e2) / (1 - e2 * sin2) ** 1.5 * a / np.sqrt(1 - e2 * sin2) * np.cos(phi)
    expected = np.trapezoid(element, phi) * np.radians(1) / 1e6  # ∫ M N cos φ dφ dλ
    assert area_km2(shapely.segmentize(shapely.box(0, 0, 1, 1), 0.01)) == pytest.approx(expected, rel=1e-5)
    lon, lat = PLANE.inverse(*PLANE.forward(np.array([30.0, 40.5]), np.array([45.0, 52.25])))
    assert lon == pytest.approx([30.0, 40.5], abs=1e-7) and lat == pytest.approx([45.0, 52.25], abs=1e-7)  # ~1 cm


def test_geojson_features_are_rfc_7946_polygons_and_lines():
    states, land = grid_theatre(lambda i, j: "Ukraine" if i < 2 else "Russia")
    features = territory(states, radius_km=8, land=land, centre=CENTRE).features()
    kinds = sorted(f["properties"]["kind"] for f in features)
    assert kinds == ["front_line", "territory", "territory"]
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty
        if feature["properties"]["kind"] == "territory":
            exterior = shapely.get_exterior_ring(shapely.get_parts(geometry)[0])
            assert shapely.is_ccw(exterior)
    json.dumps(features)  # plain JSON types only


def test_gained_and_lost_km2_come_from_the_changed_settlements_cells():
    states, land = grid_theatre(lambda i, j: "Ukraine" if i < 2 else "Russia")
    later = territory(states, radius_km=8, land=land, centre=CENTRE)
    changed = pd.DataFrame([{"place_key": "p20", "gained_by": "Russia", "lost_by": "Ukraine"},
                            {"place_key": "p21", "gained_by": "Russia", "lost_by": "Ukraine"}])
    result = changes_between(changed, later)
    assert result.gained_km2 == pytest.approx({"Russia": 200.0}) and result.lost_km2 == pytest.approx(
        {"Ukraine": 200.0})
    [(winner, loser, polygon, km2)] = result.areas
    assert (winner, loser) == ("Russia", "Ukraine") and area_km2(polygon) == pytest.approx(200.0, rel=1e-3)


# -- the command line ------------------------------------------------------------------------------------------

@pytest.fixture
def store_path(tmp_path):
    from geo.store import Store
    from tests.test_control import add, report

    path = tmp_path / "cli.sqlite"
    store = Store(str(path))
    add(store, report("Avenko", actor="Ukraine", day=dt.date(2025, 1, 1), claimed_by="Syrskyi"),
        report("Borivka", actor="Russia", opponent="Ukraine", day=dt.date(2025, 1, 1)),
        report("Donetsk region", actor="Russia", day=dt.date(2025, 1, 1)))
    add(store, report("Avenko", actor="Russia", opponent="Ukraine", day=dt.date(2025, 2, 1)))
    return path


def geo(*args):
    result = subprocess.run([sys.executable, "-m", "geo", *map(str, args)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_control_prints_every_settlement_as_of_a_date_in_csv(store_path):
    out, _ = geo("control", "--db", store_path, "--as-of", "2025-01-15")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["name", "lat", "lon", "country", "admin1", "holder", "status", "since", "claimed_by",
                             "reports", "last_report"]
    assert [(r["name"], r["holder"], r["since"], r["reports"]) for r in rows] == [
        ("Avenko", "Ukraine", "2025-01-01", "1"), ("Borivka", "Russia", "2025-01-01", "1")]
    assert rows[0]["claimed_by"] == "Syrskyi"
    later, _ = geo("control", "--db", store_path, "--as-of", "2025-02-02")
    assert [r["holder"] for r in csv.DictReader(io.StringIO(later))] == ["Russia", "Russia"]


def test_control_in_geojson_with_areas_adds_territory_and_front_line(store_path):
    out, _ = geo("control", "--db", store_path, "--as-of", "2025-01-15", "--format", "geojson", "--areas")
    collection = json.loads(out)
    assert collection["type"] == "FeatureCollection"
    by_kind = {}
    for feature in collection["features"]:
        by_kind.setdefault(feature["properties"]["kind"], []).append(feature)
    assert sorted(f["properties"]["name"] for f in by_kind["settlement"]) == ["Avenko", "Borivka"]
    assert {f["properties"]["holder"] for f in by_kind["territory"]} == {"Russia", "Ukraine"}
    assert all(0 < f["properties"]["area_km2"] <= math.pi * 36 for f in by_kind["territory"])
    [front] = by_kind["front_line"]
    assert front["geometry"]["type"] in ("LineString", "MultiLineString") and front["properties"]["length_km"] > 1


def test_changes_and_references_from_the_command_line(store_path, tmp_path):
    out, summary = geo("changes", "--db", store_path, "--from", "2025-01-15", "--to", "2025-02-15")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["name"], row["gained_by"], row["lost_by"]) == ("Avenko", "Russia", "Ukraine")
    assert float(row["km2"]) > 10 and "Russia: gained 1 settlements" in summary
    layer = tmp_path / "layer.geojson"
    layer.write_text(json.dumps({"type": "Polygon", "coordinates": [[[37.4, 48.2], [37.7, 48.2], [37.7, 48.4],
                                                                       [37.4, 48.4], [37.4, 48.2]]]}))
    added, _ = geo("reference", "add", layer, "--db", store_path, "--date", "2025-01-20", "--holder", "Ukraine")
    assert "held by Ukraine" in added
    out, _ = geo("control", "--db", store_path, "--as-of", "2025-01-25")
    assert [(r["holder"], r["status"]) for r in csv.DictReader(io.StringIO(out))] == [
        ("Ukraine", "reference"), ("Ukraine", "reference")]
    out, _ = geo("reference", "disagreements", "--db", store_path)
    assert [r["name"] for r in csv.DictReader(io.StringIO(out))] == ["Avenko"]
