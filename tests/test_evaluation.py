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
    assert out.count("filter change") == 3 and "map HTML" in out


def test_the_event_sets_have_a_held_out_part_and_every_field_the_scores_need():
    from geo.evaluation import LABELLED_EVENT_SETS, labelled_path

    sets = {name: load_gold(labelled_path(filename)) for name, filename in LABELLED_EVENT_SETS}
    assert len(sets["held-out"]) >= 12 and len(sets["tuning"]) >= 10
    fields = {"surface", "country", "lat", "lon", "event_type", "actor", "opponent", "status", "claimed_by", "date"}
    assert all(fields <= set(g) for articles in sets.values() for a in articles for g in a["gold"])


def test_event_scores_judge_type_sides_status_claimant_and_date(tmp_path):
    import json

    from geo.evaluation import evaluate_events

    gold = {"id": "t1", "published": "2024-11-20", "title": "", "text": "Russian forces captured Pishchane in August.",
            "gold": [{"surface": "Pishchane", "country": "UA", "lat": 48.233, "lon": 37.109,
                      "event_type": "control_change", "actor": "Ukraine", "opponent": "Russia", "status": "claimed",
                      "claimed_by": "", "date": "2024-08-01"}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    scores = evaluate_events(path)
    assert (scores.accuracy("event"), scores.accuracy("actor"), scores.accuracy("date")) == (1.0, 0.0, 1.0)
    assert any("actor" in miss for miss in scores.misses)
