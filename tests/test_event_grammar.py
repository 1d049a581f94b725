"""What happened at each place, cause by cause (issue 8). Each test checks the event read at a named place (type,
sides, status, claimant, date), never its coordinates."""

import datetime as dt

import pytest

from geo.eventtypes import event_type


def at(rows, place):
    """The strongest reading of a place, as the map would show it."""
    return max((r for r in rows if r["place"] == place), key=lambda r: event_type(r["event_type"]).rank)


def reading(row):
    return row["event_type"], row["actor"], row["opponent"]


# ---- cue words that were missing -------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "Ukrainian units withdrew from Toretsk after months of street fighting.",
    "Ukrainian defenders left Toretsk overnight.",
    "Ukraine lost Toretsk, its commanders admitted.",
    "Toretsk fell to Russian troops after a long siege.",
    "Russian troops established themselves in Toretsk.",
    "Russian soldiers raised their flag over Toretsk.",
    "Russian assault units cleared Toretsk, the ministry said.",
    "Russian forces took Toretsk.",
    "Russian troops entered Toretsk on Monday.",
])
def test_each_missing_cue_word_now_gives_a_control_change_to_russia(parse, sentence):
    assert reading(at(parse(sentence), "Toretsk")) == ("control_change", "Russia", "Ukraine")


def test_inflected_cues_count_as_their_root(parse):
    rows = parse("Russian counterattacks near Lyptsi failed, and Ukrainian advancements near Vovchansk went on.")
    assert reading(at(rows, "Lyptsi")) == ("frontline", "Russia", "Ukraine")
    assert reading(at(rows, "Vovchansk")) == ("frontline", "Ukraine", "Russia")


def test_regaining_positions_near_a_village_is_fighting_not_a_capture(parse):
    row = at(parse("Ukrainian troops regained positions near Robotyne."), "Robotyne")
    assert reading(row) == ("frontline", "Ukraine", "Russia")


def test_a_village_in_the_gray_zone_is_fought_over_by_no_one_in_particular(parse):
    row = at(parse("Deep State now marks Toretsk as gray zone."), "Toretsk")
    assert reading(row) == ("frontline", "", "")


def test_an_occupation_told_of_a_town_is_a_control_change_by_the_occupier(parse):
    row = at(parse("Melitopol has been under Russian occupation since 2022."), "Melitopol")
    assert reading(row) == ("control_change", "Russia", "Ukraine")


# ---- a control change given to every place in the sentence ------------------------------------------------------
def test_places_after_towards_closer_to_near_and_outskirts_of_are_not_taken(parse):
    rows = parse("Russian forces captured Novohrodivka and pushed towards Myrnohrad, closer to Pokrovsk.")
    assert at(rows, "Novohrodivka")["event_type"] == "control_change"
    assert at(rows, "Myrnohrad")["event_type"] == at(rows, "Pokrovsk")["event_type"] == "frontline"
    rows = parse("Russian troops seized positions on the outskirts of Kupiansk.")
    assert reading(at(rows, "Kupiansk")) == ("frontline", "Russia", "Ukraine")


def test_a_capture_under_would_could_or_an_aim_is_not_a_capture(parse):
    assert at(parse("Russian forces could capture Kostiantynivka by summer."), "Kostiantynivka")["event_type"] \
        == "frontline"
    assert at(parse("Moscow aims to seize Kramatorsk next year."), "Kramatorsk")["event_type"] == "mention"
    assert at(parse("New brigades were sent to delay the capture of Sloviansk."), "Sloviansk")["event_type"] \
        == "mention"


def test_an_attempt_on_a_settlement_is_fighting_there_not_a_capture(parse):
    for sentence, place in (("Russian forces attempted to capture Kupiansk last week.", "Kupiansk"),
                            ("Russian forces were attempting to seize Vovchansk.", "Vovchansk"),
                            ("The Russian army has been trying for months to capture Chasiv Yar.", "Chasiv Yar"),
                            ("Russian units tried to storm Chasiv Yar on Monday.", "Chasiv Yar"),
                            ("Russian troops made an attempt to take Toretsk.", "Toretsk"),
                            ("Russian troops are trying to push into Kurakhove.", "Kurakhove"),
                            ("Russian forces again failed to capture Toretsk.", "Toretsk")):
        assert reading(at(parse(sentence), place)) == ("frontline", "Russia", "Ukraine"), sentence
    assert at(parse("Russian troops tried to advance near Lyman."), "Lyman")["event_type"] == "frontline"
    # a region is only aimed at: the fighting is not there yet
    assert at(parse("Syrski said the enemy was trying to push the fighting into the Sumy region."),
              "Sumy region")["event_type"] == "mention"


def test_the_town_a_front_axis_is_named_for_is_not_taken_with_a_village_on_it(parse):
    rows = parse("Russian troops have captured the village of Pishchane in the Kupiansk direction.")
    assert at(rows, "Pishchane")["event_type"] == "control_change"
    assert at(rows, "Kupiansk")["event_type"] == "mention"
    assert at(parse("Units of the Centre group liberated Hrodivka on the Pokrovsk axis."), "Pokrovsk")[
        "event_type"] == "mention"
    assert at(parse("Fighting intensified in the Lyman sector."), "Lyman")["event_type"] == "frontline"
    rows = parse("In the Kramatorsk direction, Russian forces stormed positions near Chasiv Yar.")
    assert [r["event_type"] for r in rows] == ["mention", "frontline"]


def test_a_demand_is_not_a_withdrawal_and_leaving_a_summit_is_not_a_loss(parse):
    rows = parse("Putin has demanded that Ukraine withdraw from the remaining parts of Donetsk region it holds, "
                 "including Kramatorsk and Sloviansk.")
    assert {r["event_type"] for r in rows} == {"mention"}
    rows = parse("Trump and Putin met at a military base in Anchorage but left without a ceasefire agreement.")
    assert at(rows, "Anchorage")["event_type"] == "mention"


def test_withdrawing_troops_from_a_town_is_its_loss_and_clearing_it_is_fighting(parse):
    row = at(parse("Ukraine's army said it had withdrawn its troops from the eastern town of Avdiivka."), "Avdiivka")
    assert (*reading(row), row["status"]) == ("control_change", "Russia", "Ukraine", "confirmed")
    rows = parse("Gerasimov said Russian forces had taken full control of Pokrovsk and were clearing Myrnohrad.")
    assert at(rows, "Pokrovsk")["event_type"] == "control_change"
    assert reading(at(rows, "Myrnohrad")) == ("frontline", "Russia", "Ukraine")


def test_a_unit_s_name_holds_no_attack_and_a_ship_s_name_no_place_or_side(parse):
    assert at(parse("Elements of the Ukrainian 3rd Assault Brigade are operating near Borova."), "Borova")[
        "event_type"] == "mention"
    rows = parse('Sea drones damaged the landing ship "Minsk" and the submarine "Rostov-on-Don" at the Sevastopol '
                 "shipyard.")
    assert [r["place"] for r in rows] == ["Sevastopol"]
    assert at(rows, "Sevastopol")["event_type"] == "strike" and at(rows, "Sevastopol")["actor"] == ""


def test_a_capital_s_possessive_is_its_government_not_a_place_taken(parse):
    rows = parse("Ukrainian troops entered Kherson, in one of Kyiv's biggest successes.")
    assert at(rows, "Kyiv")["event_type"] == "mention"


def test_the_capture_of_the_town_is_not_the_capture_of_the_region_it_opens_the_road_to(parse):
    rows = parse("The ministry said the capture of the town opens the road towards the regional border with "
                 "Dnipropetrovsk.")
    assert {r["event_type"] for r in rows} == {"mention"}
    rows = parse("Ukrainian forces entered Lyman on Saturday. Lyman had been under Russian control since late May. Its "
                 "capture opens the way toward Kreminna and Svatove.")
    assert [(r["place"], r["event_type"], r["actor"]) for r in rows] == [
        ("Lyman", "control_change", "Ukraine"), ("Lyman", "mention", ""), ("Kreminna", "mention", ""),
        ("Svatove", "mention", "")]  # the state before the change is no change on the report's day
    assert at(parse("Fighting is taking place in the village of Vremivka."), "Vremivka")["event_type"] == "frontline"


def test_a_side_that_claims_a_place_bare_claims_its_capture(parse):
    rows = parse("The Russian Defence Ministry had claimed Toretsk and Shcherbynivka in late December.")
    assert [(r["place"], r["event_type"], r["actor"], r["status"]) for r in rows] == [
        ("Toretsk", "control_change", "Russia", "claimed"), ("Shcherbynivka", "control_change", "Russia", "claimed")]
    assert at(parse("Kyiv claimed Moscow was behind the attack."), "Moscow")["event_type"] == "mention"
    # people taken into custody take no place
    assert at(parse("Police in Kharkiv said two men were taken into custody."), "Kharkiv")["event_type"] == "mention"


def test_numbers_fall_and_residents_leave_without_a_place_changing_hands(parse):
    for sentence in ("A grain trader in Kyiv said freight rates had fallen by a third.",
                     "The plant in Zaporizhzhia expects steel output to fall by half this year.",
                     "Officials urged remaining residents to leave for Dnipro.",
                     "The nuclear plant at Enerhodar, occupied by Russian troops since March 2022, lost power."):
        assert {r["event_type"] for r in parse(sentence)} == {"mention"}, sentence
    assert at(parse("In Vuhledar, Ukrainian troops withdrew from their positions."), "Vuhledar")[
        "event_type"] == "control_change"


def test_a_weapon_only_one_side_uses_names_the_striker_a_sentence_does_not(parse):
    assert reading(at(parse("On Sunday a guided bomb struck a residential building in Kharkiv."), "Kharkiv")) == (
        "strike", "Russia", "Ukraine")
    assert reading(at(parse("In Saky, an airfield was hit by ATACMS missiles."), "Saky")) == (
        "strike", "Ukraine", "Russia")


def test_a_capture_the_text_says_did_not_happen_changes_no_hands(parse):
    for sentence in ("Russian forces have not captured Pokrovsk, the General Staff said.",
                     "Moscow failed to take Pokrovsk.", "Russia has yet to capture Pokrovsk.",
                     "Russian troops didn't take Pokrovsk.", "The Russian army never captured Pokrovsk."):
        assert at(parse(sentence), "Pokrovsk")["event_type"] != "control_change", sentence
    # A loss said outright ("no longer controls") stays a loss.
    assert reading(at(parse("Kyiv no longer controls Sudzha."), "Sudzha")) == ("control_change", "Russia", "Ukraine")


def test_the_oblast_that_contains_the_villages_is_not_itself_taken(parse):
    rows = parse("Russian forces captured Berdychi and Semenivka in the Donetsk region.")
    assert at(rows, "Berdychi")["event_type"] == "control_change"
    assert at(rows, "Donetsk region")["event_type"] == "mention"
    rows = parse("Russian forces captured Novenke and Basivka in Ukraine's Sumy region.")
    assert at(rows, "Basivka")["event_type"] == "control_change"
    assert at(rows, "Sumy region")["event_type"] == "mention"


def test_a_region_that_locates_the_settlement_taken_is_not_taken(parse):
    for sentence, region in (("Units of the Vostok group liberated Illinka of the Donetsk People's Republic.",
                              "Donetsk People's Republic"),
                             ("Russian troops captured Novopil and Komar in the neighbouring Donetsk region.",
                              "Donetsk region")):
        rows = parse(sentence)
        assert at(rows, region)["event_type"] == "mention", sentence
        assert rows[0]["event_type"] == "control_change"


def test_a_count_of_settlements_in_a_region_is_the_regions_change(parse):
    row = at(parse("Putin said his forces had freed 12 villages in the Kursk region."), "Kursk region")
    assert (row["event_type"], row["actor"], row["settlements_count"], row["claimed_by"]) == (
        "control_change", "Russia", 12, "Putin")


# ---- strike vs frontline ----------------------------------------------------------------------------------------
def test_where_drones_were_launched_from_is_not_what_they_hit(parse):
    rows = parse("Overnight, Russia launched 92 Shahed-type attack drones and decoys from Bryansk, Kursk and "
                 "Millerovo.")
    assert [(r["place"], r["event_type"]) for r in rows] == [
        ("Russia", "mention"), ("Bryansk", "mention"), ("Kursk", "mention"), ("Millerovo", "mention")]
    rows = parse("Drones were launched from the occupied nuclear plant at Enerhodar, hitting Nikopol.")
    assert at(rows, "Enerhodar")["event_type"] == "mention"
    assert reading(at(rows, "Nikopol"))[0] == "strike"


def test_the_general_staff_s_defence_forces_and_the_ministry_s_groups_of_forces_are_sides(parse):
    assert reading(at(parse("Yesterday, the Defence Forces struck a Russian ammunition depot near Tokmak."),
                      "Tokmak")) == ("strike", "Ukraine", "Russia")
    assert reading(at(parse("Units of the Sever group struck Ukrainian positions near Lyptsi."), "Lyptsi")) == (
        "strike", "Russia", "Ukraine")
    assert at(parse("The Israel Defence Forces struck targets near Rafah."), "Rafah")["actor"] == "Israel"


def test_it_after_a_side_named_in_its_clause_is_that_side_not_the_speaker(parse):
    rows = parse("Ukraine's top commander said he had ordered troops to withdraw from Avdiivka, handing Russia its "
                 "biggest gain since it captured Bakhmut in May last year.")
    assert reading(at(rows, "Bakhmut")) == ("control_change", "Russia", "Ukraine")
    rows = parse("The Russian Defence Ministry said it had captured Krasnohorivka.")
    assert reading(at(rows, "Krasnohorivka")) == ("control_change", "Russia", "Ukraine")


def test_a_capture_verb_with_another_object_takes_no_place(parse):
    assert at(parse("Rubio said he would take the offer to Moscow."), "Moscow")["event_type"] == "mention"


def test_a_region_describing_where_a_town_lies_is_not_taken_with_it(parse):
    rows = parse("Russian forces took Selidovo, a coal-mining town in eastern Ukraine's Donetsk region.")
    assert reading(at(rows, "Selidovo")) == ("control_change", "Russia", "Ukraine")
    assert at(rows, "Donetsk region")["event_type"] == "mention"


def test_an_attack_on_a_city_with_missiles_or_drones_is_a_strike(parse):
    assert reading(at(parse("Russia attacked Odesa with drones overnight."), "Odesa")) == (
        "strike", "Russia", "Ukraine")
    assert at(parse("Russian glide bombs hit Kharkiv."), "Kharkiv")["event_type"] == "strike"


def test_a_strike_behind_the_front_that_names_no_striker_is_the_other_side_s(parse):
    rows = parse("Ukrainian officials counted the damage on Thursday.\n\nIn Lviv, near the Polish border, an explosion "
                 "damaged an energy facility, and in Odesa drones hit the port area.")
    assert reading(at(rows, "Lviv")) == reading(at(rows, "Odesa")) == ("strike", "Russia", "Ukraine")
    rows = parse("Drones hit an oil depot in Engels overnight.")
    assert reading(at(rows, "Engels")) == ("strike", "Ukraine", "Russia")
    # along the front the striker is not guessed from the place
    assert at(parse("Shelling hit Horlivka overnight."), "Horlivka")["actor"] != "Russia"


def test_where_a_speaker_sits_and_where_guns_fire_from_are_not_struck(parse):
    rows = parse("Russia fired cruise missiles at Ukraine, the General Staff in Kyiv said.")
    assert at(rows, "Kyiv")["event_type"] == "mention"
    rows = parse("Russian forces shelled Kherson 37 times from positions on the occupied left bank near Oleshky.")
    assert at(rows, "Kherson")["event_type"] == "strike" and at(rows, "Oleshky")["event_type"] == "mention"


def test_ships_named_bare_are_no_places_and_what_a_fleet_lost_is_not_where_it_moved(parse):
    rows = parse("The Black Sea Fleet, which lost the cruiser Moskva in 2022 and the landing ship Novocherkassk in "
                 "December 2023, has moved most of its vessels from Sevastopol to Novorossiysk.")
    assert [(r["place"], r["event_type"]) for r in rows] == [("Sevastopol", "mention"), ("Novorossiysk", "mention")]


def test_the_defence_ministry_s_and_the_general_staff_s_daily_words_are_fighting(parse):
    rows = parse("Units of the Tsentr group inflicted losses on Ukrainian formations near Kotlino and Udachnoye.")
    assert reading(at(rows, "Kotlino")) == ("frontline", "Russia", "Ukraine")
    rows = parse("General Staff of the Armed Forces of Ukraine: update.\n\nThe enemy made 39 attempts to push our "
                 "units from their positions near Dachne.")
    assert reading(at(rows, "Dachne")) == ("frontline", "Russia", "Ukraine")


def test_milbloggers_claims_are_russian_claims(parse):
    row = at(parse("Russian milbloggers claimed that Russian forces seized Lozova, roughly 12 km southeast of "
                   "Kupiansk."), "Lozova")
    assert (row["status"], row["claimed_by"], row["admin1"]) == ("claimed", "Russian milbloggers", "Kharkiv")
    assert row["lat"] > 49.3  # the village by Kupiansk, not the city of Lozova


def test_the_side_a_barrage_is_launched_at_is_its_target_not_the_striker(parse):
    rows = parse("Russia launched 120 drones at Ukraine overnight, hitting energy facilities in Odesa and Kryvyi Rih, "
                 "Ukraine's air force said.")
    assert reading(at(rows, "Odesa")) == reading(at(rows, "Kryvyi Rih")) == ("strike", "Russia", "Ukraine")


def test_missiles_or_drones_fired_or_launched_at_a_place_are_a_strike_on_it(parse):
    rows = parse("Russia fired Kalibr missiles at Lviv overnight.")
    assert reading(at(rows, "Lviv")) == ("strike", "Russia", "Ukraine")
    assert reading(at(parse("Ukraine launched drones at Belgorod on Sunday."), "Belgorod")) == (
        "strike", "Ukraine", "Russia")


def test_occupied_before_a_place_says_who_holds_it_not_that_it_was_taken(parse):
    assert at(parse("Russian-installed authorities in occupied Melitopol said the school would reopen."),
              "Melitopol")["event_type"] == "mention"
    assert reading(at(parse("Russian forces occupied Melitopol in March 2022."), "Melitopol")) == (
        "control_change", "Russia", "Ukraine")


def test_a_rejected_rumour_of_a_capture_is_denied(parse):
    rows = parse("Ukraine's army rejected rumours that Russian units had entered Velyka Pysarivka.")
    assert at(rows, "Velyka Pysarivka")["status"] == "denied"


def test_a_drone_that_fell_on_a_town_is_a_strike_not_a_fall(parse):
    assert at(parse("The governor said a drone fell on an industrial site in Klintsy."), "Klintsy")["event_type"] \
        == "strike"
    assert at(parse("Avdiivka fell on Saturday, the ministry said."), "Avdiivka")["event_type"] == "control_change"


def test_a_claim_the_text_says_is_not_confirmed_stays_a_claim(parse):
    row = at(parse("ISW has not observed confirmation of Russian claims that they seized Pivdenne."), "Pivdenne")
    assert (row["event_type"], row["status"]) == ("control_change", "claimed")
    row = at(parse("The Russian MoD claimed its forces captured Sokil, but ISW has not confirmed the claim."), "Sokil")
    assert row["status"] == "claimed"


def test_the_next_sentence_can_deny_or_confirm_a_change_of_hands(parse):
    rows = parse("Russian troops raised the flag over Krasnohorivka, the ministry said. Kyiv denied this.")
    assert at(rows, "Krasnohorivka")["status"] == "denied"
    rows = parse("Russian forces captured Toretsk, the Russian Defence Ministry said. Ukrainian officials acknowledged "
                 "the loss.")
    assert at(rows, "Toretsk")["status"] == "confirmed"
    rows = parse("Russian forces captured Toretsk, the ministry said. Fighting is still under way there.")
    assert at(rows, "Toretsk")["status"] == "contested"
    # Not when the next sentence does not confirm, or confirms something about another place.
    rows = parse("Russia said it had established control over Ulakly. Ukraine's General Staff did not confirm it.")
    assert at(rows, "Ulakly")["status"] == "claimed"
    rows = parse("Bloggers claimed that Russian forces had recaptured Shcherbynivka. Ukrainian officials acknowledged "
                 "that Russian troops had made gains near Druzhba.")
    assert at(rows, "Shcherbynivka")["status"] == "claimed"


def test_more_ways_of_taking_and_losing_a_place(parse):
    assert reading(at(parse("Ukrainian forces pushed Russian troops out of Kupiansk-Vuzlovyi."), "Kupiansk-Vuzlovyi")) \
        == ("control_change", "Ukraine", "Russia")
    assert reading(at(parse("Russian troops had lost a foothold in Nevelske, Ukrainian officers said."), "Nevelske")) \
        == ("control_change", "Ukraine", "Russia")
    rows = parse("Ukraine's Khortytsia group said it had ordered troops to withdraw from Vuhledar.")
    assert reading(at(rows, "Vuhledar")) == ("control_change", "Russia", "Ukraine")


def test_a_pro_russian_channels_word_is_a_claim_and_the_ministrys_city_is_no_place_taken(parse):
    assert at(parse("Russian forces captured Hrodivka, Rybar said."), "Hrodivka")["status"] == "claimed"
    rows = parse("Russian forces captured Synkivka, the Defence Ministry in Moscow claimed on Saturday.")
    assert at(rows, "Moscow")["event_type"] == "mention"
    rows = parse("Russian troops established control over Ulakly and Dachne in the Kurakhove hromada.")
    assert at(rows, "Kurakhove hromada")["event_type"] == "mention"


def test_the_left_bank_of_a_river_is_a_bank_not_a_withdrawal(parse):
    rows = parse("Ukrainian marines have established a foothold on the left bank of the Dnipro River near the village "
                 "of Krynky.")
    assert reading(at(rows, "Krynky")) == ("frontline", "Ukraine", "Russia")


def test_the_enemy_in_a_general_staff_report_is_the_reports_adversary(parse):
    rows = parse("The General Staff of the Armed Forces of Ukraine reported 142 combat clashes. In the Kramatorsk "
                 "direction, the enemy attacked near Klishchiivka.")
    assert reading(at(rows, "Klishchiivka")) == ("frontline", "Russia", "Ukraine")
    # the report's heading names its voice
    for heading in ("General Staff of the Armed Forces of Ukraine: operational update as of 08:00.",
                    "General Staff of the Armed Forces of Ukraine, operational update as of 22:00"):
        rows = parse(heading + "\n\nIn the Toretsk direction, Russian units attacked near Toretsk. Ukrainian defenders "
                     "repelled 37 attacks. In the Pokrovsk direction, the enemy attacked 41 times near Myrnohrad.")
        assert reading(at(rows, "Myrnohrad")) == ("frontline", "Russia", "Ukraine"), heading


def test_a_town_hit_by_a_drone_or_its_debris_or_mortars_is_struck(parse):
    assert at(parse("Marhanets was hit by a kamikaze drone on Tuesday."), "Marhanets")["event_type"] == "strike"
    assert at(parse("Debris damaged a roof in Voronezh, the governor said."), "Voronezh")["event_type"] == "strike"
    rows = parse("Russian forces fired mortars at the Krasnopillia and Bilopillia communities.")
    assert reading(at(rows, "Bilopillia")) == ("strike", "Russia", "Ukraine")


def test_weapon_nouns_alone_are_not_a_strike(parse):
    rows = parse("Brigades near Kramatorsk need more rocket systems and artillery support.")
    assert at(rows, "Kramatorsk")["event_type"] == "mention"


def test_a_front_line_village_under_artillery_fire_is_frontline(parse):
    rows = parse("Russian troops pressed on. The village of Klishchiivka came under artillery fire.")
    assert reading(at(rows, "Klishchiivka")) == ("frontline", "Russia", "Ukraine")


def test_an_attack_without_a_weapon_is_fighting(parse):
    assert at(parse("Russian troops attacked Vovchansk from the north."), "Vovchansk")["event_type"] == "frontline"


# ---- "assaults east of X" ----------------------------------------------------------------------------------------
def test_assaults_east_of_a_town_are_fighting_at_that_town(parse):
    row = at(parse("Russian troops launched assaults east of Kupiansk."), "Kupiansk")
    assert reading(row) == ("frontline", "Russia", "Ukraine")


def test_a_town_only_used_to_place_another_is_a_mention(parse):
    rows = parse("Russian forces captured Soledar, a mining town near Bakhmut.")
    assert at(rows, "Soledar")["event_type"] == "control_change" and at(rows, "Bakhmut")["event_type"] == "mention"
    rows = parse("Russia said it took Stepove, north of Avdiivka.")
    assert at(rows, "Avdiivka")["event_type"] == "mention"


# ---- venue, dateline, title, launch point ----------------------------------------------------------------------
def test_a_dateline_does_not_take_the_sentences_event(parse):
    rows = parse("KHARKIV — Russian troops captured Vovchansk, officials said.")
    assert at(rows, "Vovchansk")["event_type"] == "control_change"
    assert all(r["event_type"] == "mention" for r in rows if r["place"] == "KHARKIV")


def test_a_place_in_a_title_is_not_where_it_happened(parse):
    rows = parse("Sumy governor Volodymyr Artiukh said Russian drones struck Shostka.")
    assert at(rows, "Sumy")["event_type"] == "mention" and at(rows, "Shostka")["event_type"] == "strike"


def test_a_launch_point_is_not_struck(parse):
    rows = parse("Missiles launched from Belgorod hit Kharkiv.")
    assert at(rows, "Belgorod")["event_type"] == "mention" and at(rows, "Kharkiv")["event_type"] == "strike"


def test_a_venue_is_not_where_it_happened(parse):
    rows = parse("Syrski told reporters in Dnipro that Russian troops had captured Kurakhove.")
    assert at(rows, "Dnipro")["event_type"] == "mention" and at(rows, "Kurakhove")["event_type"] == "control_change"


def test_residents_told_to_leave_a_town_do_not_hand_it_over(parse):
    row = at(parse("The governor urged residents of Kramatorsk to leave."), "Kramatorsk")
    assert row["event_type"] == "mention"


# ---- sides ------------------------------------------------------------------------------------------------------
def test_the_subject_gains_even_when_the_speaker_is_the_other_side(parse):
    row = at(parse("The Russian defence ministry said Ukrainian troops recaptured Robotyne."), "Robotyne")
    assert (reading(row), row["claimed_by"], row["status"]) == (
        ("control_change", "Ukraine", "Russia"), "Russian Defence Ministry", "confirmed")


def test_its_troops_belong_to_the_speaker(parse):
    row = at(parse("The General Staff of Ukraine said its troops had pulled out of Vuhledar."), "Vuhledar")
    assert (reading(row), row["status"]) == (("control_change", "Russia", "Ukraine"), "confirmed")


def test_surrounding_the_other_sides_units_is_the_surrounders_fighting(parse):
    row = at(parse("The Russian Defence Ministry said its troops had surrounded Ukrainian units near Kupiansk."),
             "Kupiansk")
    assert reading(row) == ("frontline", "Russia", "Ukraine")


def test_a_fall_with_no_side_named_takes_the_documents_side(parse):
    rows = parse("Russian troops kept up their attacks. Ocheretyne fell after a week.")
    assert reading(at(rows, "Ocheretyne")) == ("control_change", "Russia", "Ukraine")


# ---- status -----------------------------------------------------------------------------------------------------
def test_one_side_saying_so_is_a_claim(parse):
    assert at(parse("Russian forces captured Pishchane, the Russian Defence Ministry said."), "Pishchane")["status"] \
        == "claimed"


def test_an_independent_source_confirms(parse):
    row = at(parse("Russian forces captured Selydove, the Institute for the Study of War said."), "Selydove")
    assert (row["status"], row["claimed_by"]) == ("confirmed", "ISW")


def test_fighting_inside_makes_a_claimed_capture_contested(parse):
    rows = parse("Moscow said its troops captured Toretsk. "
                 "Ukraine's army said fighting was still going on in the town.")
    assert at(rows, "Toretsk")["status"] == "contested"


def test_a_denied_claim_is_denied(parse):
    row = at(parse("Russia said its forces took Kupiansk, a claim Ukraine's General Staff denied."), "Kupiansk")
    assert (row["event_type"], row["status"]) == ("control_change", "denied")


def test_a_side_denying_that_a_place_fell_denies_its_adversarys_gain(parse):
    for sentence in ("Ukraine's General Staff denied that Kotlyne had fallen.", "Kyiv denied that Kotlyne had fallen."):
        row = at(parse(sentence), "Kotlyne")
        assert (*reading(row), row["status"]) == ("control_change", "Russia", "Ukraine", "denied"), sentence
    row = at(parse("Russia's Defence Ministry denied that Sudzha had fallen."), "Sudzha")  # a ministry is no venue
    assert (*reading(row), row["status"]) == ("control_change", "Ukraine", "Russia", "denied")
    for sentence, place in (("Kyiv denied that Kamianske had been captured.", "Kamianske"),
                            ("Syrskyi denied Russian claims that Kamianske had been captured.", "Kamianske"),
                            ("Syrskyi denied Russian claims of the capture of Toretsk.", "Toretsk"),
                            ("Ukraine's military said that the Russian claim to have captured Toretsk was untrue.",
                             "Toretsk"),
                            ("Ukraine's General Staff dismissed the Russian statement about Kurakhove as false.",
                             "Kurakhove")):
        row = at(parse(sentence), place)
        assert (*reading(row), row["status"]) == ("control_change", "Russia", "Ukraine", "denied"), sentence


def test_a_capture_one_side_claims_while_the_other_reports_fighting_there_is_contested(parse):
    rows = parse("Russian troops have broken into Siversk, the General Staff of Ukraine said. "
                 "Russia's defence ministry claimed its forces had captured Siversk.")
    row = at(rows, "Siversk")
    assert (reading(row), row["status"], row["claimed_by"]) == (
        ("control_change", "Russia", "Ukraine"), "contested", "Russian Defence Ministry")


def test_its_troops_belong_to_the_voice_of_their_own_clause_not_to_the_denier(parse):
    row = at(parse("Moscow said its troops had liberated Yampil, but Ukraine's General Staff called the claim false."),
             "Yampil")
    assert (reading(row), row["status"], row["claimed_by"]) == (("control_change", "Russia", "Ukraine"), "denied", "")


def test_a_town_that_came_under_drone_attack_was_struck(parse):
    rows = parse("Russian troops pressed west. Dobropillia came under a heavy drone attack on Saturday.")
    assert (at(rows, "Dobropillia")["event_type"], at(rows, "Dobropillia")["date"]) == ("strike", dt.date(2025, 3, 8))


# ---- claimant ---------------------------------------------------------------------------------------------------
def test_a_person_named_by_title_is_the_claimant(parse):
    row = at(parse("The Russian president said his army had retaken 30 settlements in the Kursk region."),
             "Kursk region")
    assert (row["claimed_by"], row["settlements_count"]) == ("Putin", 30)


# ---- dates ------------------------------------------------------------------------------------------------------
NOVEMBER = dt.date(2024, 11, 20)


def test_a_month_name_in_a_later_report_is_this_years_month(parse):
    row = at(parse("Russia said it had seized Hrodivka in August.", NOVEMBER), "Hrodivka")
    assert row["date"] == dt.date(2024, 8, 1)


def test_a_month_after_the_report_is_last_years(parse):
    row = at(parse("Russian forces took Marinka in December.", NOVEMBER), "Marinka")
    assert row["date"] == dt.date(2023, 12, 1)


def test_an_explicit_day_is_kept(parse):
    row = at(parse("Russian troops captured Pishchane on June 27.", NOVEMBER), "Pishchane")
    assert row["date"] == dt.date(2024, 6, 27)


def test_fell_in_may_is_may(parse):
    assert at(parse("Ocheretyne fell in May.", NOVEMBER), "Ocheretyne")["date"] == dt.date(2024, 5, 1)


def test_last_year_dates_a_change_to_last_year(parse):
    assert at(parse("Ukraine liberated Kherson last year.", NOVEMBER), "Kherson")["date"].year == 2023


def test_an_old_recapture_in_the_same_sentence_does_not_date_a_new_advance(parse):
    row = at(parse("Russian troops advanced towards Robotyne, which Ukraine retook in August last year.", NOVEMBER),
             "Robotyne")
    assert (row["event_type"], row["date"]) == ("frontline", dt.date(2024, 11, 20))


def test_two_changes_in_one_sentence_keep_their_own_dates(parse):
    rows = parse("Russia said it took Selydove on October 30 and Novohrodivka in September.", NOVEMBER)
    assert at(rows, "Selydove")["date"] == dt.date(2024, 10, 30)
    assert at(rows, "Novohrodivka")["date"] == dt.date(2024, 9, 1)


def test_a_verb_joined_by_and_shares_the_date_of_the_verb_before(parse):
    rows = parse("Ukrainian forces crossed into Russia's Kursk region in early August and took control of the town of "
                 "Sudzha.", NOVEMBER)
    assert (at(rows, "Sudzha")["event_type"], at(rows, "Sudzha")["date"]) == ("control_change", dt.date(2024, 8, 1))


def test_a_change_with_no_date_of_its_own_is_dated_by_when_it_was_reported(parse):
    rows = parse("Ukrainian forces retook Kotlyne, west of Pokrovsk, after two days of fighting, the 68th Jaeger "
                 "Brigade said on Sunday.", NOVEMBER)
    assert at(rows, "Kotlyne")["date"] == dt.date(2024, 11, 17)


# ---- headlines and the cue --------------------------------------------------------------------------------------
def test_a_headline_is_read_too(geoparser):
    from geo.documents import make_document

    document = make_document("The town had been fought over for weeks.", title="Russia regains control over Sudzha",
                             published=dt.date(2025, 3, 14))
    [row] = [e.as_row() for e in geoparser.parse(document) if e.resolved.mention.surface == "Sudzha"]
    assert (row["place"], row["event_type"], row["actor"], row["cue"]) == (
        "Sudzha", "control_change", "Russia", "regains control over")
    assert row["start"] < 0  # the title stands before the text


def test_a_headline_claim_is_its_subjects_claim_and_fighting_going_on_contests_it(geoparser):
    from geo.documents import make_document

    document = make_document("The ministry gave no details.", published=dt.date(2025, 3, 12),
                             title="Russia claims Toretsk as Kyiv says fighting goes on")
    [row] = [e.as_row() for e in geoparser.parse(document) if e.resolved.mention.surface == "Toretsk"]
    assert (*reading(row), row["status"]) == ("control_change", "Russia", "Ukraine", "contested")


def test_the_sentence_after_the_last_place_still_contests_its_capture(parse):
    rows = parse("Russia's Defence Ministry said its forces had taken Toretsk. Ukrainian officers said fighting was "
                 "continuing in the town's northern districts.")
    assert at(rows, "Toretsk")["status"] == "contested"


def test_every_row_says_which_words_decided_its_event(parse):
    [row] = parse("Ukrainian units withdrew from Avdiivka.")
    assert row["cue"] == "withdrew from"


# ---- the seed articles ------------------------------------------------------------------------------------------
def _seed_rows(geoparser, path):
    from geo.documents import parse_text

    document = parse_text(path.read_text(encoding="utf-8"), str(path), published=dt.date(2025, 3, 12))
    return [e.as_row() for e in geoparser.parse(document)]


def _check_seed(rows):
    [sudzha] = [r for r in rows if r["place"] == "Sudzha" and r["event_type"] == "control_change"]
    assert (sudzha["actor"], sudzha["opponent"], sudzha["status"], sudzha["claimed_by"]) == (
        "Russia", "Ukraine", "contested", "Deep State")
    [counted] = [r for r in rows if r["settlements_count"] == 24]
    assert (counted["event_type"], counted["actor"], counted["claimed_by"], counted["admin1"]) == (
        "control_change", "Russia", "Putin", "Kursk")
    aims = [r for r in rows if r["place"].startswith(("Sumy", "Kharkiv")) and r["excerpt"].count("Syrski")]
    assert aims and all(r["event_type"] == "mention" for r in aims)


def test_our_seed_article_reads_sudzha_the_24_settlements_and_the_aim_right(geoparser, seed_article):
    _check_seed(_seed_rows(geoparser, seed_article))


def test_the_shared_seed_article_reads_sudzha_the_24_settlements_and_the_aim_right(geoparser):
    from pathlib import Path

    seeds = sorted((Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("shared/seeds is not beside this checkout")
    rows = _seed_rows(geoparser, seeds[0])
    _check_seed(rows)
    # "the largest settlement that Ukraine has captured in Kursk": Kursk is not taken there
    in_kursk = [r for r in rows if r["place"] == "Kursk" and "captured in Kursk" in r["excerpt"]]
    assert in_kursk and all(r["event_type"] != "control_change" for r in in_kursk)


def test_a_place_with_an_appositive_is_still_the_subject_of_its_verb(parse):
    row = at(parse("Russian troops pressed on. Pokrovsk, a key logistics hub, came under heavy attack."), "Pokrovsk")
    assert reading(row) == ("frontline", "Russia", "Ukraine")


def test_a_region_named_first_does_not_take_the_capture_of_its_village(parse):
    rows = parse("In the Donetsk region, Russian forces captured Krasnohorivka.")
    assert at(rows, "Krasnohorivka")["event_type"] == "control_change"
    assert at(rows, "Donetsk region")["event_type"] == "mention"


def test_the_side_that_repels_an_assault_defends_the_other_attacks(parse):
    row = at(parse("Ukrainian forces repelled assaults near Kupiansk-Vuzlovyi."), "Kupiansk-Vuzlovyi")
    assert reading(row) == ("frontline", "Russia", "Ukraine")
    # in the passive the subject is the side repelled: the attacker
    row = at(parse("Ukrainian attempts to break through near Lyubimovka were repelled."), "Lyubimovka")
    assert reading(row) == ("frontline", "Ukraine", "Russia")
    row = at(parse("Russian assaults near Pokrovsk were repelled, the General Staff said."), "Pokrovsk")
    assert reading(row) == ("frontline", "Russia", "Ukraine")


def test_the_object_of_one_verb_is_not_the_subject_of_the_next(parse):
    row = at(parse("Russian troops stormed Ukrainian positions and advanced near Kostiantynivka."), "Kostiantynivka")
    assert reading(row) == ("frontline", "Russia", "Ukraine")


def test_clashes_in_the_town_after_an_entry_make_it_contested(parse):
    row = at(parse("Russian troops entered Kupiansk and clashes continued in the city, Deep State said."), "Kupiansk")
    assert (row["event_type"], row["status"]) == ("control_change", "contested")


def test_a_border_crossing_from_a_third_country_does_not_make_it_the_opponent(parse):
    row = at(parse("Russian troops crossed the border from Belarus towards Chernihiv."), "Chernihiv")
    assert reading(row) == ("frontline", "Russia", "Ukraine")


@pytest.mark.parametrize(("title", "place", "actor"), [
    ("Izium retaken", "Izium", "Ukraine"),
    ("Russia claims Soledar", "Soledar", "Russia"),
    ("Russia says Sudzha retaken", "Sudzha", "Russia"),
    ("Velyka Novosilka falls", "Velyka Novosilka", "Russia"),
])
def test_headlines_without_auxiliaries_still_say_who_took_what(geoparser, title, place, actor):
    from geo.documents import make_document

    text = "Ukrainian troops advanced." if actor == "Ukraine" else "Russian troops advanced."
    document = make_document(text, title=title, published=dt.date(2024, 8, 28))
    [row] = [e.as_row() for e in geoparser.parse(document) if e.resolved.mention.surface == place]
    assert (row["event_type"], row["actor"]) == ("control_change", actor)


def test_a_capital_struck_by_a_missile_is_the_city_not_its_government(parse):
    rows = parse("A Russian missile hit Kyiv overnight. Kyiv said talks would go on.")
    assert [r["event_type"] for r in rows if r["place"] == "Kyiv"] == ["strike", "mention"]


def test_villages_a_ministry_says_it_retook_go_to_the_ministrys_side(parse):
    rows = parse("The Russian Defence Ministry said it retook a dozen villages, including Pishchane and Berdychi.")
    assert {reading(r) for r in rows} == {("control_change", "Russia", "Ukraine")}


def test_a_town_destroyed_and_abandoned_by_civilians_has_not_changed_hands(parse):
    row = at(parse("Deep State said that Pokrovsk was largely destroyed and abandoned by civilians."), "Pokrovsk")
    assert row["event_type"] != "control_change"


def test_a_region_that_opens_its_sentence_sets_the_scene_and_is_not_taken(parse):
    rows = parse("In Luhansk region, Russian troops captured Sievierodonetsk in late June, and Lysychansk fell a week "
                 "later.")
    assert at(rows, "Luhansk region")["event_type"] == "mention"
    assert reading(at(rows, "Lysychansk")) == ("control_change", "Russia", "Ukraine")
