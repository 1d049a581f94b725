"""The control model on report sequences written for these tests: who holds what as of a date."""

import datetime as dt
import itertools
import json

import pytest

from geo import control
from geo.documents import make_document
from geo.records import event_record
from geo.store import EventFilter, Store

D = dt.date
_counter = itertools.count()
MARCH = D(2025, 3, 1)
# Made-up settlements on a small made-up front (coordinates near the Donbas, names ours).
PLACES = {
    "Avenko": (48.30, 37.50, "settlement"), "Borivka": (48.30, 37.60, "settlement"),
    "Cherny Yar": (48.38, 37.55, "settlement"), "Dolyna": (48.22, 37.55, "settlement"),
    "Donetsk region": (48.00, 37.80, "region"),
}


def report(place, event_type="control_change", actor="", opponent="", status="claimed", claimed_by="",
           day=MARCH, excerpt=None):
    lat, lon, precision = PLACES[place]
    return event_record({
        "place": place, "name": place, "start": 0, "end": len(place), "lat": lat, "lon": lon, "country": "UA",
        "admin1": "Donetsk", "feature": "ADM1" if precision == "region" else "PPL", "precision": precision,
        "event_type": event_type, "actor": actor, "opponent": opponent,
        "status": status if event_type == "control_change" else "", "claimed_by": claimed_by, "date": day,
        "excerpt": excerpt or f"Report {next(_counter)} about {place}.", "confidence": 0.9})


@pytest.fixture
def store(tmp_path):
    return Store(str(tmp_path / "control.sqlite"))


def add(store, *rows, source="wire"):
    document = make_document(f"article {next(_counter)}", source=source, published=D(2025, 3, 1))
    store.add(document, list(rows))


def state(store, place, day=None):
    frame = control.control_as_of(store, day)
    found = frame[frame["name"] == place]
    return found.iloc[0].to_dict() if len(found) else None


def test_a_captured_then_retaken_village_is_held_by_whoever_took_it_last(store):
    add(store, report("Avenko", actor="Russia", opponent="Ukraine", day=D(2025, 1, 10),
                      claimed_by="Russian Defence Ministry"))
    add(store, report("Avenko", actor="Ukraine", opponent="Russia", status="confirmed", day=D(2025, 2, 3),
                      claimed_by="General Staff of Ukraine"))
    assert state(store, "Avenko", D(2025, 1, 9)) is None
    january = state(store, "Avenko", D(2025, 1, 31))
    assert (january["holder"], january["status"], january["since"], january["reports"]) == (
        "Russia", "claimed", D(2025, 1, 10), 1)
    assert january["claimed_by"] == "Russian Defence Ministry"
    march = state(store, "Avenko", D(2025, 3, 1))
    assert (march["holder"], march["status"], march["since"], march["reports"], march["last_report"]) == (
        "Ukraine", "confirmed", D(2025, 2, 3), 2, D(2025, 2, 3))


def test_a_period_filter_does_not_hide_what_earlier_reports_said(store):
    add(store, report("Avenko", actor="Russia", opponent="Ukraine", day=D(2024, 11, 2)))
    december = EventFilter(start=D(2024, 12, 1), end=D(2024, 12, 31))
    assert len(store.events(december)) == 0  # nothing listed in the period...
    assert state(store, "Avenko", december.end)["holder"] == "Russia"  # ...but the holder is known


def test_two_sides_claiming_the_same_village_the_same_day_is_contested_with_both_claims(store):
    add(store, report("Borivka", actor="Ukraine", opponent="Russia", day=D(2025, 1, 5)))
    add(store, report("Borivka", actor="Russia", opponent="Ukraine", day=D(2025, 2, 1),
                      claimed_by="Russian Defence Ministry"),
        report("Borivka", actor="Ukraine", opponent="Russia", day=D(2025, 2, 1), claimed_by="Syrskyi"))
    contested = state(store, "Borivka", D(2025, 2, 1))
    assert (contested["status"], contested["since"], contested["reports"]) == ("contested", D(2025, 2, 1), 3)
    assert contested["holder"] == "Ukraine"  # the reports establish no change: the holder before stays
    assert set(contested["claimed_by"].split("; ")) == {"Russian Defence Ministry", "Syrskyi"}
    claims = control.model(store).reports_of(contested["report_ids"])
    assert sorted(claims["actor"]) == ["Russia", "Ukraine"]
    table = control.model(store).claims_side_by_side(contested["place_key"])
    day = table[table["date"] == D(2025, 2, 1)].iloc[0]
    assert "Russian Defence Ministry" in day["Russia"] and "Syrskyi" in day["Ukraine"]
    assert day["status after"] == "contested"


def test_fighting_inside_a_held_town_contests_it_and_fighting_near_it_does_not(store):
    add(store, report("Cherny Yar", actor="Ukraine", opponent="Russia", day=D(2025, 1, 5)))
    add(store, report("Cherny Yar", event_type="frontline", actor="Russia", day=D(2025, 1, 20),
                      excerpt="Heavy clashes were reported near Cherny Yar and towards the Cherny Yar direction."))
    assert state(store, "Cherny Yar", D(2025, 1, 31))["status"] == "claimed"
    add(store, report("Cherny Yar", event_type="frontline", day=D(2025, 2, 2), claimed_by="Deep State",
                      excerpt="Street fighting continued in the eastern part of Cherny Yar, Deep State said."))
    held = state(store, "Cherny Yar", D(2025, 2, 5))
    assert (held["holder"], held["status"], held["since"], held["claimed_by"], held["reports"]) == (
        "Ukraine", "contested", D(2025, 2, 2), "Deep State", 3)


def test_a_contest_no_report_renews_for_a_month_goes_back_to_the_holding(store):
    add(store, report("Cherny Yar", actor="Ukraine", opponent="Russia", day=D(2025, 1, 5)))
    add(store, report("Cherny Yar", event_type="frontline", day=D(2025, 2, 2),
                      excerpt="Fighting continued inside Cherny Yar."))
    add(store, report("Cherny Yar", event_type="frontline", day=D(2025, 2, 20),
                      excerpt="Fighting continued inside Cherny Yar."))
    assert state(store, "Cherny Yar", D(2025, 3, 20))["status"] == "contested"  # renewed on 20 February
    quiet = state(store, "Cherny Yar", D(2025, 3, 25))
    assert (quiet["holder"], quiet["status"], quiet["since"]) == ("Ukraine", "claimed", D(2025, 1, 5))


def test_a_report_saying_a_capture_was_partial_contests_the_place(store):
    add(store, report("Dolyna", actor="Ukraine", day=D(2025, 1, 1)))
    add(store, report("Dolyna", actor="Russia", opponent="Ukraine", status="contested", day=D(2025, 1, 9)))
    assert (state(store, "Dolyna")["holder"], state(store, "Dolyna")["status"]) == ("Ukraine", "contested")


def test_a_denied_claim_leaves_the_place_with_who_held_it_before(store):
    add(store, report("Dolyna", actor="Ukraine", day=D(2025, 1, 1)))
    add(store, report("Dolyna", actor="Russia", opponent="Ukraine", day=D(2025, 1, 9)))
    add(store, report("Dolyna", actor="Russia", status="denied", claimed_by="Ukrainian General Staff",
                      day=D(2025, 1, 10)))
    denied = state(store, "Dolyna", D(2025, 1, 11))
    assert (denied["holder"], denied["status"], denied["since"]) == ("Ukraine", "denied", D(2025, 1, 1))
    assert state(store, "Dolyna", D(2025, 1, 9))["holder"] == "Russia"


def test_a_region_level_report_never_becomes_a_point_but_is_listed_for_the_region(store):
    add(store, report("Donetsk region", actor="Russia", opponent="Ukraine", day=D(2025, 1, 5)),
        report("Avenko", actor="Russia", opponent="Ukraine", day=D(2025, 1, 5)))
    frame = control.control_as_of(store)
    assert list(frame["name"]) == ["Avenko"]
    listed = control.model(store).area_events(D(2025, 1, 1), D(2025, 1, 31))
    assert list(listed["name"]) == ["Donetsk region"] and listed.iloc[0]["actor"] == "Russia"


REFERENCE = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
    "type": "Polygon", "coordinates": [[[37.45, 48.25], [37.65, 48.25], [37.65, 48.35], [37.45, 48.35],
                                        [37.45, 48.25]]]}}]}  # holds Avenko and Borivka


def test_a_reference_layer_is_the_prior_until_a_newer_report_overrides_it(store):
    add(store, report("Borivka", actor="Russia", opponent="Ukraine", day=D(2024, 12, 1)))  # older than the layer
    add(store, report("Cherny Yar", actor="Russia", day=D(2024, 12, 1)))  # outside the layer
    store.add_reference(holder="Ukraine", date=D(2025, 1, 1), geojson=json.dumps(REFERENCE), name="our sketch")
    assert state(store, "Borivka", D(2024, 12, 31))["holder"] == "Russia"  # the layer does not reach back
    prior = state(store, "Borivka", D(2025, 1, 2))
    assert (prior["holder"], prior["status"], prior["since"], prior["claimed_by"]) == (
        "Ukraine", "reference", D(2025, 1, 1), "reference: our sketch")
    assert state(store, "Cherny Yar", D(2025, 1, 2))["holder"] == "Russia"
    add(store, report("Avenko", actor="Russia", opponent="Ukraine", day=D(2025, 2, 1),
                      excerpt="Russian forces captured Avenko, the ministry said."))
    overridden = state(store, "Avenko", D(2025, 2, 2))
    assert (overridden["holder"], overridden["status"]) == ("Russia", "claimed")
    assert state(store, "Avenko", D(2025, 1, 31))["holder"] == "Ukraine"
    disagreements = control.model(store).disagreements()
    assert list(disagreements["name"]) == ["Avenko"]
    assert len(control.model(store).disagreements(D(2025, 1, 31))) == 0  # not yet reported then
    assert disagreements.iloc[0]["excerpt"] == "Russian forces captured Avenko, the ministry said."


def test_changes_between_two_dates_list_gains_losses_and_the_reports_behind_them(store):
    add(store, report("Avenko", actor="Ukraine", day=D(2025, 1, 1)), report("Borivka", actor="Ukraine",
                                                                           day=D(2025, 1, 1)))
    add(store, report("Avenko", actor="Russia", opponent="Ukraine", day=D(2025, 2, 1)))
    changed = control.model(store).changes(D(2025, 1, 15), D(2025, 2, 15))
    assert list(changed["name"]) == ["Avenko"]
    row = changed.iloc[0]
    assert (row["gained_by"], row["lost_by"], row["holder_before"]) == ("Russia", "Ukraine", "Ukraine")
    assert len(row["change_report_ids"]) == 1


def test_the_control_picture_is_cached_per_store_state_and_date(store):
    add(store, report("Avenko", actor="Russia", day=D(2025, 1, 1)))
    first = control.control_as_of(store, D(2025, 1, 2))
    assert control.control_as_of(store, D(2025, 1, 2)) is first
    add(store, report("Avenko", actor="Ukraine", day=D(2025, 1, 2)))
    again = control.control_as_of(store, D(2025, 1, 2))
    assert again is not first and again.iloc[0]["holder"] == "Ukraine"


def test_fighting_inside_is_read_from_the_words_before_the_place():
    assert control.fighting_inside("Fighting raged inside Avenko.", "Avenko")
    assert control.fighting_inside("Russian troops entered Avenko on Monday.", "Avenko")
    assert not control.fighting_inside("Fighting near Avenko and around it.", "Avenko")
    assert not control.fighting_inside("Russia pressed in the Avenko direction.", "Avenko")


def test_a_reference_file_without_polygons_is_refused_clearly(tmp_path):
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "Point", "coordinates": [37, 48]}))
    with pytest.raises(control.ControlError, match="no Polygon"):
        control.read_reference_file(str(path))
    path.write_text("{not json")
    with pytest.raises(control.ControlError, match="not JSON"):
        control.read_reference_file(str(path))


def test_a_picture_is_scored_against_a_reference_drawn_for_it(store):
    add(store, report("Avenko", actor="Ukraine", day=D(2025, 1, 1)), report("Borivka", actor="Russia",
                                                                           day=D(2025, 1, 1)),
        report("Dolyna", actor="Russia", day=D(2025, 1, 1)))
    counts, frame = control.compare_with_reference(control.control_as_of(store), json.dumps(REFERENCE), "Russia")
    # The layer holds Avenko and Borivka: Borivka agrees, Avenko (Ukraine's) and Dolyna (Russia's, outside) do not.
    assert (counts["agree"], counts["disagree"]) == (1, 2)
    assert dict(zip(frame["name"], frame["verdict"], strict=True)) == {
        "Avenko": "disagree", "Borivka": "agree", "Dolyna": "disagree"}


def test_an_empty_store_has_an_empty_picture_not_an_error(store):
    from geo import territory

    assert len(control.control_as_of(store)) == 0 and len(control.control_as_of(store, D(2025, 1, 1))) == 0
    assert territory.territory_as_of(store).features() == []
    assert len(territory.changes(store, D(2024, 1, 1), D(2025, 1, 1)).settlements) == 0
    assert len(control.model(store).claims_side_by_side("gn:1")) == 0


def test_a_report_agreeing_with_the_reference_backs_the_holding_from_then_on(store):
    store.add_reference(holder="Ukraine", date=D(2025, 1, 1), geojson=json.dumps(REFERENCE), name="sketch")
    add(store, report("Avenko", actor="Ukraine", status="confirmed", day=D(2025, 1, 20), claimed_by="Deep State"),
        report("Borivka", event_type="strike", day=D(2024, 6, 1)))  # a place the store knows, with no claim
    backed = state(store, "Avenko", D(2025, 1, 21))
    assert (backed["holder"], backed["status"], backed["since"], backed["claimed_by"]) == (
        "Ukraine", "confirmed", D(2025, 1, 1), "Deep State")
    assert state(store, "Borivka", D(2025, 1, 21))["status"] == "reference"


def test_a_place_no_report_is_sure_of_keeps_its_holder_but_paints_no_territory(store):
    from geo.territory import territory

    add(store, report("Avenko", actor="Russia", opponent="Ukraine"),
        report("Borivka", actor="Russia", opponent="Ukraine") | {"place_confidence": 0.5})
    states = control.control_as_of(store).set_index("name")
    assert states["holder"].to_dict() == {"Avenko": "Russia", "Borivka": "Russia"}
    assert states["uncertain_place"].to_dict() == {"Avenko": False, "Borivka": True}
    assert list(territory(states.reset_index(), land=[]).cells["place_key"]) == [states.loc["Avenko", "place_key"]]
