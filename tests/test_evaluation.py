import subprocess
import sys

from geo.evaluation import evaluate, load_gold


def test_the_labelled_set_covers_at_least_15_articles_with_coordinates_and_events():
    gold = load_gold()
    assert len(gold) >= 15 and sum(bool(a.get("heldout")) for a in gold) >= 5
    assert all({"surface", "lat", "lon", "event_type"} <= set(g) for article in gold for g in article["gold"])


def test_frontmap_beats_the_geotext_baseline_on_the_labelled_set():
    ours, baseline = evaluate()
    assert ours.f1 > baseline.f1 and ours.recall >= 0.9 and ours.precision >= 0.9
    assert ours.events_right / ours.events_judged >= 0.85


def test_evaluate_and_bench_print_their_numbers():
    out = subprocess.run([sys.executable, "-m", "geo", "evaluate"], capture_output=True, text=True, check=True).stdout
    assert "frontmap" in out and "geotext" in out and "median error" in out and "held-out" in out
    out = subprocess.run([sys.executable, "-m", "geo", "bench", "--articles", "30"], capture_output=True, text=True,
                         check=True).stdout
    for measure in ("articles/s", "MB/s", "gazetteer cold load", "peak memory"):
        assert measure in out


def test_the_store_and_map_benchmarks_print_their_numbers():
    out = subprocess.run([sys.executable, "-m", "geo", "bench", "--store", "--articles", "40"], capture_output=True,
                         text=True, check=True).stdout
    assert "articles/s" in out and "query per-place summary" in out
    out = subprocess.run([sys.executable, "-m", "geo", "bench", "--map"], capture_output=True, text=True,
                         check=True).stdout
    assert out.count("filter change") == 2 and "map HTML" in out
