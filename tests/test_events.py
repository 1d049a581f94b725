def by_place(rows):
    return {r["place"]: r for r in rows}


def test_a_capture_is_a_control_change_by_the_side_that_took_it(parse):
    [row] = parse("Russian forces captured Toretsk, the Russian Defence Ministry said.")
    assert (row["event_type"], row["actor"], row["opponent"], row["status"], row["claimed_by"]) == (
        "control_change", "Russia", "Ukraine", "claimed", "Russian Defence Ministry")


def test_a_withdrawal_gives_the_place_to_the_other_side(parse):
    [row] = parse("Ukrainian troops withdrew from Vuhledar, Syrski confirmed.")
    assert (row["event_type"], row["actor"], row["opponent"], row["status"], row["claimed_by"]) == (
        "control_change", "Russia", "Ukraine", "confirmed", "Syrski")


def test_losing_full_control_is_a_contested_change(parse):
    rows = by_place(parse("Deep State reported that Kyiv no longer had complete control of Sudzha."))
    row = rows["Sudzha"]
    assert (row["event_type"], row["actor"], row["opponent"], row["status"], row["claimed_by"]) == (
        "control_change", "Russia", "Ukraine", "contested", "Deep State")
    assert rows["Kyiv"]["event_type"] == "mention"  # the capital stands for the government here


def test_a_liberation_claimed_by_the_other_side(parse):
    row = by_place(parse("Ukraine's army liberated Kupiansk, according to Zelensky."))["Kupiansk"]
    assert (row["actor"], row["opponent"], row["claimed_by"]) == ("Ukraine", "Russia", "Zelensky")


def test_counts_of_settlements_are_kept_on_the_region(parse):
    [row] = parse("Putin said his forces had reclaimed 24 settlements in the Kursk region.")
    assert (row["event_type"], row["actor"], row["settlements_count"], row["precision"]) == (
        "control_change", "Russia", 24, "region")


def test_fighting_and_strikes(parse):
    rows = by_place(parse("Russian troops are advancing toward Pokrovsk. A missile strike hit Odesa."))
    assert (rows["Pokrovsk"]["event_type"], rows["Pokrovsk"]["actor"]) == ("frontline", "Russia")
    assert rows["Odesa"]["event_type"] == "strike"


def test_a_press_conference_is_a_mention_not_a_battle(parse):
    rows = by_place(parse("Zelensky said at a press conference in Kyiv that the assault on Pokrovsk failed."))
    assert rows["Kyiv"]["event_type"] == "mention" and rows["Pokrovsk"]["event_type"] == "frontline"


def test_countries_and_capitals_standing_for_governments_are_mentions(parse):
    rows = by_place(parse("Moscow said Russian forces captured Kurakhove in Ukraine."))
    assert rows["Kurakhove"]["event_type"] == "control_change"
    assert rows["Moscow"]["event_type"] == rows["Ukraine"]["event_type"] == "mention"


def test_the_enemy_in_a_speakers_mouth_is_the_other_side(parse):
    [row] = parse("The enemy is attacking near Kupiansk, Syrski said.")
    assert (row["actor"], row["claimed_by"]) == ("Russia", "Syrski")


def test_future_plans_are_not_changes_of_control(parse):
    [row] = parse("Putin said Kursk will soon be liberated.")
    assert row["event_type"] == "frontline" and row["confidence"] < 0.7


def test_lexicon_extensions_add_actors(tmp_path, gazetteer):
    from geo.actors import load_lexicon
    from geo.documents import make_document
    from geo.pipeline import Geoparser

    extra = tmp_path / "actors.yaml"
    extra.write_text("actors:\n  Wagner Group:\n    adversary: Ukraine\n    names: [Wagnerites]\n", encoding="utf-8")
    parser = Geoparser(gazetteer, load_lexicon(extra))
    [event] = parser.parse(make_document("Wagnerites captured Soledar."))
    assert event.actor == "Wagner Group" and event.opponent == "Ukraine"


def test_the_cue_before_each_place_decides_its_event(parse):
    rows = by_place(parse("Russian forces are pushing towards Pokrovsk and captured the village of Novohrodivka."))
    assert rows["Pokrovsk"]["event_type"] == "frontline" and rows["Novohrodivka"]["event_type"] == "control_change"
    rows = by_place(parse("Shelling hit Kherson, and clashes were reported near Robotyne."))
    assert rows["Kherson"]["event_type"] == "strike" and rows["Robotyne"]["event_type"] == "frontline"
    rows = by_place(parse("Ukrainian troops recaptured Izium in a counter-offensive in the Kharkiv region."))
    assert rows["Izium"]["event_type"] == "control_change" and rows["Kharkiv region"]["event_type"] == "frontline"


def test_a_side_named_after_from_is_not_the_subject(parse):
    [row] = parse("Russian troops crossed the border from Belarus and advanced towards Chernihiv.")[-1:]
    assert (row["place"], row["actor"]) == ("Chernihiv", "Russia")


def test_sources_that_speak_for_a_side_give_its_troops_actions_to_that_side(parse):
    [row] = parse("The Russian Defence Ministry said its troops had taken full control of Mariupol "
                  "after the last Ukrainian defenders left.")
    assert (row["actor"], row["opponent"], row["claimed_by"]) == ("Russia", "Ukraine", "Russian Defence Ministry")


def test_the_person_told_is_not_the_claimant(parse):
    [row] = parse("A general told Putin that Russian forces had captured Lysychansk.")
    assert row["claimed_by"] == ""


def test_a_river_is_not_the_city_of_the_same_name(parse):
    assert [r["place"] for r in parse("Troops crossed the Dnipro near Kherson.")] == ["Kherson"]


def test_the_side_under_pressure_is_the_target_not_the_actor(parse):
    [row] = parse("Deep State said Ukrainian troops were under heavy pressure near Sudzha.")
    assert (row["event_type"], row["actor"], row["opponent"]) == ("frontline", "Russia", "Ukraine")
