"""Reading dates as parents type them (bot.dates): UK order, no year, relative words."""
from __future__ import annotations

from datetime import date

import pytest

from bot.dates import find_dates, has_impossible_date, long_date

TODAY = date(2026, 11, 23)  # a Monday

CASES = [
    ("I asked for an EHC assessment on 3 March, when should I hear?", date(2026, 3, 3), False),
    ("They refused on 14 May, how long do I have to appeal?", date(2026, 5, 14), False),
    ("sent it 3rd march", date(2026, 3, 3), False),
    ("on the 5th of june", date(2026, 6, 5), False),
    ("14/05", date(2026, 5, 14), False),
    ("03/05/2026", date(2026, 5, 3), True),  # day first: 3 May, never 5 March
    ("3.5.26", date(2026, 5, 3), True),
    ("2026-03-03", date(2026, 3, 3), True),
    ("March 3rd 2025", date(2025, 3, 3), True),
    # No year and later in the year than today: last year's (a request or decision is in the past).
    ("3 December", date(2025, 12, 3), False),
    ("29 feb", date(2024, 2, 29), False),
    ("last Tuesday", date(2026, 11, 17), True),
    ("last monday", date(2026, 11, 16), True),  # said on a Monday: a week ago
    ("on Monday", date(2026, 11, 23), True),
    ("yesterday", date(2026, 11, 22), True),
    ("2 weeks ago", date(2026, 11, 9), True),
    ("a month ago", date(2026, 10, 23), True),
]


@pytest.mark.parametrize("text,expected,year_given", CASES, ids=[c[0] for c in CASES])
def test_dates_parents_type(text: str, expected: date, year_given: bool) -> None:
    found = find_dates(text, TODAY)
    assert [f.value for f in found] == [expected]
    assert found[0].year_given is year_given


@pytest.mark.parametrize("text", [
    "paragraph 9.14 says so", "it takes 6-8 weeks", "20 weeks", "year 4", "she may be assessed",
    "the SATs are in May", "KS2", "section 36(8)",
])
def test_numbers_that_are_not_dates(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_impossible_dates_are_not_read_but_are_noticed() -> None:
    assert find_dates("31/02/2026", TODAY) == []
    assert has_impossible_date("31 February 2016")
    assert not has_impossible_date("29 February 2016")


def test_mediation_certificate_date_is_told_apart_from_the_decision() -> None:
    found = find_dates("The decision letter was dated 12th May. We got the mediation certificate on 20th June.", TODAY)
    assert [(f.value, f.role) for f in found] == [(date(2026, 5, 12), None), (date(2026, 6, 20), "certificate")]


def test_dates_are_echoed_in_full() -> None:
    assert long_date(date(2026, 3, 3)) == "Tuesday 3 March 2026"
