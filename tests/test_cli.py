import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.records import Place
from geo.resolve import haversine_km

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SUDZHA = Place("Sudzha", 51.1917, 35.2714, "RU", "", "PPL")


def extract(*args, stdin=None):
    result = subprocess.run([sys.executable, "-m", "geo", "extract", *map(str, args)], capture_output=True,
                            text=True, input=stdin, timeout=120)
    rows = [json.loads(line) for line in result.stdout.splitlines()] if "--format" not in args else result.stdout
    return result.returncode, rows, result.stderr


def check_kursk_article(rows):
    by_place = {}
    for row in rows:
        by_place.setdefault(row["place"], []).append(row)
    kursk_features = {r["feature"] for r in by_place["Kursk"] + by_place.get("Kursk region", [])}
    assert kursk_features == {"PPL", "ADM1"}  # the city where the city is meant, the region elsewhere
    for name in ("Sudzha", "Sumy", "Kharkiv", "Kyiv", "Paris", "Saudi Arabia", "Canada"):
        assert any(r["name"] == name for r in rows), name
    [sudzha] = [r for r in by_place["Sudzha"] if r["event_type"] == "control_change"]
    assert (sudzha["actor"], sudzha["opponent"], sudzha["status"]) == ("Russia", "Ukraine", "contested")
    assert haversine_km(Place("", sudzha["lat"], sudzha["lon"], "", "", ""), SUDZHA) < 5
    [count] = [r for r in rows if r["settlements_count"] == 24]
    assert (count["event_type"], count["actor"], count["precision"], count["admin1"]) == (
        "control_change", "Russia", "region", "Kursk")
    for venue in ("Paris", "Kyiv"):
        assert {r["event_type"] for r in by_place[venue]} == {"mention"}
    return by_place


@pytest.mark.skipif(not SEEDS.exists(), reason="shared/seeds is not beside this checkout")
def test_the_seed_article_gives_the_expected_places_and_events():
    code, rows, _ = extract(*sorted(SEEDS.glob("*.txt")), "--published", "2025-03-12")
    assert code == 0
    check_kursk_article(rows)


def test_our_kursk_article_gives_the_expected_places_and_events(seed_article):
    code, rows, _ = extract(seed_article)
    assert code == 0
    by_place = check_kursk_article(rows)
    assert by_place["Zzyzxivka"][0]["lat"] is None  # unknown village: printed, not dropped
    assert by_place["Kharkiv"][-1]["event_type"] == "strike"
    assert all(r["date"] == "2025-03-12" for r in by_place["Sudzha"])
    assert all(set(r) >= {"doc", "place", "name", "start", "end", "lat", "lon", "country", "admin1", "feature",
                          "geonameid", "precision", "event_type", "actor", "opponent", "status", "claimed_by",
                          "date", "excerpt", "confidence"} for r in rows)


def test_one_bad_file_does_not_stop_the_others(tmp_path, seed_article):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "latin1.txt").write_bytes("Kämpfe bei Pokrowsk".encode("latin-1"))
    code, rows, err = extract(tmp_path / "missing.txt", tmp_path / "empty.txt", tmp_path / "binary.txt",
                              tmp_path / "latin1.txt", seed_article)
    assert code == 1
    assert rows and {r["doc"] for r in rows} == {rows[0]["doc"]}
    for message in ("missing.txt: no such file", "empty.txt: empty file", "binary.txt: binary file",
                    "latin1.txt: not valid UTF-8"):
        assert message in err


def test_stdin_and_csv_and_geojson_output():
    code, out, _ = extract("-", "--published", "2024-05-10", "--format", "geojson",
                           stdin="Russian troops captured Vovchansk on Friday.")
    collection = json.loads(out)
    [feature] = collection["features"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["date"] == "2024-05-10" and feature["properties"]["event_type"] == "control_change"
    code, out, _ = extract("-", "--format", "csv", stdin="Shelling hit Kherson.")
    assert out.splitlines()[0].startswith("doc,") and "Kherson" in out


def test_a_bad_publication_date_is_a_usage_error():
    code, _, err = extract("-", "--published", "not-a-date", stdin="x")
    assert code == 2 and "not a full date" in err


def geo(*args, env=None):
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.mark.parametrize("args", [
    ("export", "--db", "mysql://x/y"),
    ("export", "--db", "sqlite:///:memory:"),
    ("export", "--db", "::::"),
    ("export", "--bbox", "1,2"),
    ("export", "--bbox", "50,30,40,35"),  # south above north
    ("pin", "--lat", "48", "--lon", "37"),  # neither a place nor a mention
    ("pin", "--doc", "abc", "--lat", "48", "--lon", "37"),  # a mention needs its start too
])
def test_command_line_misuse_is_one_line_and_exit_code_2(args, tmp_path):
    result = geo(*args, "--db", tmp_path / "s.sqlite") if "--db" not in args else geo(*args)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not Path("::::").exists()


def test_an_unreadable_store_is_a_one_line_error(tmp_path):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    result = geo("export", "--db", broken)
    assert result.returncode == 2 and "cannot open the store" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
