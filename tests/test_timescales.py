"""The deadline rules (bot.timescales), checked against dates worked out by hand from the rules.

Each expected date below was counted on a calendar, not computed with the code under test:
weeks as 7-day steps from the day the request was received (SEND Regulations 2014 regs 5(1),
10(1), 13(2)); months as calendar months (Tribunal Procedure Rules 2008 rule 20); then rule 12:
a limit ending on a weekend or bank holiday moves to the next working day; one ending from 25
December to 1 January moves to the first working day after 1 January; one ending in August to the
first working day after 31 August.
"""
from __future__ import annotations

from datetime import date

import pytest

from bot import timescales

TODAY = date(2026, 11, 23)  # a Monday

# (case, request received, decide whether to assess by (6 weeks), say "no plan" by (16 weeks), final plan by (20 weeks))
ASSESSMENT_CASES = [
    ("normal: Tuesday 3 March 2026", date(2026, 3, 3), date(2026, 4, 14), date(2026, 6, 23), date(2026, 7, 21)),
    # The regulations count weeks, not working days: a Saturday request gives Saturday deadlines.
    ("request received on a Saturday", date(2026, 11, 21), date(2027, 1, 2), date(2027, 3, 13), date(2027, 4, 10)),
    # Christmas does not move the council's deadlines: 28 December (a bank holiday) stays.
    ("across Christmas", date(2026, 11, 16), date(2026, 12, 28), date(2027, 3, 8), date(2027, 4, 5)),
    # 2028 is a leap year: 6 weeks after 17 January is 28 February (29 February exists but is day 43).
    ("leap year", date(2028, 1, 17), date(2028, 2, 28), date(2028, 5, 8), date(2028, 6, 5)),
    ("in August (summer holiday)", date(2026, 8, 3), date(2026, 9, 14), date(2026, 11, 23), date(2026, 12, 21)),
]


@pytest.mark.parametrize("case,received,decide,no_plan,final", ASSESSMENT_CASES, ids=[c[0] for c in ASSESSMENT_CASES])
def test_assessment_dates(case: str, received: date, decide: date, no_plan: date, final: date) -> None:
    timeline = timescales.assessment_timeline(received, TODAY)
    assert [m.date for m in timeline.milestones] == [decide, no_plan, final]
    assert [m.rule.weeks for m in timeline.milestones] == [6, 16, 20]
    assert [m.rule.short for m in timeline.milestones][0] == "regulation 5(1)"


def test_assessment_dates_that_have_passed_are_marked_passed_and_today_is_not() -> None:
    old = timescales.assessment_timeline(date(2026, 3, 3), TODAY)
    assert [m.passed for m in old.milestones] == [True, True, True]
    # 16 weeks from 3 August 2026 is 23 November 2026: today, still the council's duty today.
    august = timescales.assessment_timeline(date(2026, 8, 3), TODAY)
    assert [m.passed for m in august.milestones] == [True, False, False]
    recent = timescales.assessment_timeline(date(2026, 11, 16), TODAY)
    assert not recent.any_passed


# (case, decision letter sent, mediation certificate issued, last day to appeal, what moved it)
APPEAL_CASES = [
    ("normal: 14 May 2026 gives Tuesday 14 July", date(2026, 5, 14), None, date(2026, 7, 14), None),
    ("ends on a Saturday: next working day", date(2026, 9, 7), None, date(2026, 11, 9), "non-working-day"),
    ("ends on a Saturday at the end of a month", date(2026, 8, 31), None, date(2026, 11, 2), "non-working-day"),
    ("ends on the early May bank holiday", date(2027, 3, 3), None, date(2027, 5, 4), "non-working-day"),
    ("ends on Good Friday: past Easter Monday", date(2027, 1, 26), None, date(2027, 3, 30), "non-working-day"),
    ("ends on Christmas Day", date(2026, 10, 25), None, date(2027, 1, 4), "christmas"),
    ("ends on 1 January", date(2026, 11, 1), None, date(2027, 1, 4), "christmas"),
    # IPSEA's example: letter 1 October, certificate 29 November: 29 December is later, and over Christmas.
    ("certificate later than the decision, over Christmas", date(2026, 10, 1), date(2026, 11, 29), date(2027, 1, 4), "christmas"),
    ("certificate later than the decision", date(2026, 5, 12), date(2026, 6, 20), date(2026, 7, 20), None),
    ("certificate early: 2 months from the decision still later", date(2026, 10, 1), date(2026, 10, 15), date(2026, 12, 1), None),
    # 31 August 2026 is the summer bank holiday, so the first working day after 31 August is 1 September.
    ("ends in August", date(2026, 6, 14), None, date(2026, 9, 1), "august"),
    ("ends in August, 1 September a Sunday", date(2024, 6, 10), None, date(2024, 9, 2), "august"),
    ("leap year: 2 months after 31 December is 29 February", date(2027, 12, 31), None, date(2028, 2, 29), None),
    ("not a leap year: 28 February 2027 is a Sunday", date(2026, 12, 31), None, date(2027, 3, 1), "non-working-day"),
    # Saturday 24 December 2022: the next working day is Wednesday 28 December (26 and 27 were bank holidays).
    # The Christmas rule is applied to the day the limit ends, the earlier of the two readings.
    ("ends on Christmas Eve, a Saturday", date(2022, 10, 24), None, date(2022, 12, 28), "non-working-day"),
]


@pytest.mark.parametrize("case,sent,certificate,deadline,moved", APPEAL_CASES, ids=[c[0] for c in APPEAL_CASES])
def test_appeal_deadline(case: str, sent: date, certificate: date, deadline: date, moved: str) -> None:
    result = timescales.appeal_deadline(sent, TODAY, certificate)
    assert result.deadline == deadline
    assert [a.kind for a in result.adjustments] == ([moved] if moved else [])
    assert timescales.is_working_day(result.deadline)


def test_appeal_deadline_passed_is_never_open() -> None:
    passed = timescales.appeal_deadline(date(2026, 5, 14), TODAY)
    assert passed.passed and passed.deadline == date(2026, 7, 14)
    open_ = timescales.appeal_deadline(date(2026, 10, 1), TODAY)
    assert not open_.passed and open_.deadline == date(2026, 12, 1)
    on_the_day = timescales.appeal_deadline(date(2026, 9, 23), TODAY)
    assert on_the_day.deadline == TODAY and not on_the_day.passed


def test_certificate_that_would_still_help() -> None:
    # After a 14 May decision, a certificate issued after 14 June gives a later deadline than 14 July.
    result = timescales.appeal_deadline(date(2026, 5, 14), TODAY)
    assert result.certificate_helps_after == date(2026, 6, 14)
    assert not timescales.appeal_deadline(date(2026, 5, 14), TODAY, date(2026, 6, 10)).certificate_counts
    assert timescales.appeal_deadline(date(2026, 5, 14), TODAY, date(2026, 6, 20)).certificate_counts


def test_working_days_follow_englands_bank_holidays() -> None:
    assert not timescales.is_working_day(date(2026, 12, 28))  # Boxing Day (substitute day)
    assert not timescales.is_working_day(date(2027, 3, 26))  # Good Friday
    assert not timescales.is_working_day(date(2026, 8, 31))  # summer bank holiday
    assert timescales.is_working_day(date(2027, 1, 4))
    assert timescales.is_working_day(date(2026, 3, 17))  # St Patrick's Day: a holiday in Northern Ireland only


def test_every_rule_names_the_law_it_comes_from() -> None:
    for rule in timescales.ASSESSMENT_RULES + (timescales.APPEAL_FROM_DECISION, timescales.APPEAL_FROM_CERTIFICATE):
        assert rule.citations and rule.short
    cited = {(c.get("law"), c.get("section")) for c in timescales.appeal_deadline(date(2026, 10, 25), TODAY).citations}
    assert cited == {("tribunal-rules-2008", "20"), ("send-regs-2014", "33"), ("tribunal-rules-2008", "12")}


def test_a_certificate_keeps_a_passed_deadline_open_only_if_recent() -> None:
    # 1 month after 22 October 2026 is Sunday 22 November, which moves to Monday 23 November: today.
    # 1 month after 21 October is Saturday 21 November, which also moves to Monday 23 November.
    # 1 month after 20 October is Friday 20 November: passed.
    result = timescales.appeal_deadline(date(2026, 5, 14), TODAY)
    assert result.open_with_certificate_from == date(2026, 10, 21)
    assert not timescales.appeal_deadline(date(2026, 5, 14), TODAY, date(2026, 10, 21)).passed
    assert timescales.appeal_deadline(date(2026, 5, 14), TODAY, date(2026, 10, 20)).passed
