import datetime as dt

import pytest

from geo.dates import parse_date, sentence_date, sentence_dates

WEDNESDAY = dt.date(2025, 3, 12)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Deep State said earlier on Wednesday that Sudzha fell.", dt.date(2025, 3, 12)),
    ("On Monday, troops entered Sudzha.", dt.date(2025, 3, 10)),
    ("Russia took the village on Sunday.", dt.date(2025, 3, 9)),
    ("Troops retook it yesterday.", dt.date(2025, 3, 11)),
    ("The offensive began in August 2024.", dt.date(2024, 8, 1)),
    ("Russian forces captured it on 3 March.", dt.date(2025, 3, 3)),
    ("On March 8, 2025 the village fell.", dt.date(2025, 3, 8)),
    ("Fighting went on last week.", dt.date(2025, 3, 5)),
    ("The village was taken two days ago.", dt.date(2025, 3, 10)),
    ("It fell 3 days ago.", dt.date(2025, 3, 9)),
    ("Drones hit Odesa overnight on Monday.", dt.date(2025, 3, 10)),
    ("Drones attacked Moscow overnight to Tuesday.", dt.date(2025, 3, 11)),
    ("The curfew will apply from March.", dt.date(2025, 3, 1)),
    ("Soledar fell in mid-January.", dt.date(2025, 1, 1)),
    ("Fighting went on earlier this week.", dt.date(2025, 3, 12)),
    ("Ukrainian troops left the town the day before.", dt.date(2025, 3, 11)),
    ("The strike came the day before yesterday.", dt.date(2025, 3, 10)),
    ("Russia claimed the town two weeks ago.", dt.date(2025, 2, 26)),
    ("A ceasefire may come as early as Thursday.", dt.date(2025, 3, 13)),
    ("No date is given here.", dt.date(2025, 3, 12)),
    ("His first visit since the incursion in August 2024.", dt.date(2025, 3, 12)),
])
def test_dates_are_resolved_against_the_publication_date(sentence, expected):
    assert sentence_date(sentence, WEDNESDAY) == expected


def test_a_date_counted_from_another_counts_from_the_last_date_stated_before_it():
    sentences = ["Russia claimed Urozhaine on Monday.", "Drones hit Sumy.",
                 "Ukrainian troops had left it the day before.",
                 "A week earlier the Defence Ministry had claimed Staromaiorske.", "Fighting resumed a day later."]
    dates = sentence_dates(sentences, [2, 3, 4], WEDNESDAY)
    assert [[p.date for p in dates[i]] for i in (2, 3, 4)] == [
        [dt.date(2025, 3, 9)], [dt.date(2025, 3, 2)], [dt.date(2025, 3, 3)]]
    [said, fallen] = sentence_dates(["Kyiv said on Monday that the village had fallen two days earlier."], [0],
                                    WEDNESDAY)[0]
    assert (said.date, fallen.date) == (dt.date(2025, 3, 10), dt.date(2025, 3, 8))


def test_a_date_is_counted_only_from_a_date_to_the_day_stated_shortly_before():
    sentences = ["Russia took Bakhmut in May last year.", "Ukrainian troops left Avdiivka on Saturday.",
                 "Russia claimed the coke plant the day before.", "Moscow had claimed Krasnohorivka two weeks earlier."]
    dates = sentence_dates(sentences, [2, 3], WEDNESDAY)
    assert (dates[2][0].date, dates[3][0].date) == (dt.date(2025, 3, 7), dt.date(2025, 2, 21))
    dates = sentence_dates(["Russia took Bakhmut in May last year.", "It captured the coke plant the day before."], [1],
                           WEDNESDAY)
    assert dates[1][0].date == dt.date(2025, 3, 11)  # not 30 April: "in May" is no day to count from
    far = ["Russia claimed Urozhaine on Monday.", "A.", "B.", "C.", "Troops left Staromaiorske the day before."]
    assert sentence_dates(far, [4], WEDNESDAY)[4][0].date == dt.date(2025, 3, 11)


def test_a_day_before_another_event_is_not_counted_from_the_text_s_dates():
    assert sentence_date("Russia struck Sumy on Monday, the day before the talks.", WEDNESDAY) == dt.date(2025, 3, 10)
    assert sentence_dates(["It happened on Monday.", "Troops left a day before the talks began."], [1],
                          WEDNESDAY)[1] == ()


def test_without_a_publication_date_there_is_no_date():
    assert sentence_date("On Monday troops advanced.", None) is None


def test_an_iso_publication_date_is_read_as_written_and_an_impossible_one_is_refused():
    assert parse_date("2025-03-12") == dt.date(2025, 3, 12)
    assert parse_date(" 2024-02-29 ") == dt.date(2024, 2, 29)
    assert parse_date("12 March 2025") == dt.date(2025, 3, 12)
    for impossible in ("2025-02-30", "2025-13-45"):
        with pytest.raises(ValueError, match="not a date"):
            parse_date(impossible)
