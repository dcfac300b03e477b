"""The legal time limits for an EHC needs assessment and for a SEND Tribunal appeal: one place.

Parents lose rights by missing dates, and councils miss theirs. Every date the assistant, the
calculator page and the JSON API give comes from the functions here, and every rule carries the
provision that sets it, so a reply can always say where a date comes from.

Sources (each checked on legislation.gov.uk text or a verbatim reproduction of it; see the
README's "Deadline calculator" section for what was left out and why):

- SEND Regulations 2014 (SI 2014/1530): reg 5(1) 6 weeks to decide whether to assess; reg 10(1)
  16 weeks to say no plan will be issued; reg 13(2) 20 weeks to the final plan; their exceptions
  in regs 5(4), 10(4) and 13(3).
- Tribunal Procedure (First-tier Tribunal) (HESC Chamber) Rules 2008 (SI 2008/2699): rule 20 (2
  months from the decision letter, or 1 month from the mediation certificate, whichever is later);
  rule 12 (a limit that ends on a non-working day moves to the next working day; in a SEN case,
  one that ends from 25 December to 1 January, or in August, moves to the first working day after
  1 January or 31 August).
- SEND Regulations 2014 reg 33: a parent who wants to appeal must contact the mediation adviser
  within 2 months of the decision letter being sent (the certificate that follows is needed for
  most appeals; not for one only about the school or college named).

Weeks are counted in whole weeks from the day the council received the request (6 weeks after a
Tuesday is a Tuesday); the regulations count calendar weeks, not working days, so these dates do not
move for weekends or holidays. Months are calendar months: 2 months after 14 May is 14 July, and
where the month is shorter the last day of the month (2 months after 31 December is 28 February,
or 29 February in a leap year). Pure functions: `today` is always passed in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

import holidays
from dateutil.relativedelta import relativedelta

#: A citation in the knowledge base's own form (knowledge/laws.yml ids), rendered to a link by the
#: knowledge loader so that every link is built the same way as the answers' links.
Cite = Dict[str, str]

REGS = "send-regs-2014"
TRIBUNAL_RULES = "tribunal-rules-2008"


@dataclass(frozen=True)
class Rule:
    """One time limit: what must happen, by when, and where the law says so."""

    id: str
    #: What must happen by the date, in plain words, as the end of "By <date>, ...".
    duty: str
    weeks: Optional[int] = None
    months: Optional[int] = None
    citations: Tuple[Cite, ...] = ()
    #: The provision's short name for a sentence: "regulation 5(1)".
    short: str = ""


# --- EHC needs assessment (counted from the day the council received the request) ---
DECIDE_WHETHER_TO_ASSESS = Rule(
    id="decide-whether-to-assess", weeks=6, short="regulation 5(1)",
    duty="the council must tell you whether it will carry out an EHC needs assessment",
    citations=({"law": REGS, "section": "5(1)"},),
)
NO_PLAN_NOTICE = Rule(
    id="tell-if-no-plan", weeks=16, short="regulation 10(1)",
    duty="if the council assesses your child and decides not to issue an EHC plan, it must tell you",
    citations=({"law": REGS, "section": "10(1)"},),
)
FINAL_PLAN = Rule(
    id="final-plan", weeks=20, short="regulation 13(2) and the Code of Practice, paragraph 9.40",
    duty="if the council decides to issue an EHC plan, it must send you the final plan",
    citations=({"law": REGS, "section": "13(2)"}, {"paragraph": "9.40"}),
)
ASSESSMENT_RULES: Tuple[Rule, ...] = (DECIDE_WHETHER_TO_ASSESS, NO_PLAN_NOTICE, FINAL_PLAN)

#: When the council may go over these limits (regs 5(4), 10(4), 13(3)): nothing else.
ASSESSMENT_EXCEPTIONS = (
    "it asked your child's school, college or early years setting for advice just before or during "
    "a closure of 4 weeks or more, such as the summer holiday",
    "exceptional personal circumstances affect your child or your family",
    "you or your child were away from the council's area for 4 weeks or more",
)
ASSESSMENT_EXCEPTION_CITATIONS: Tuple[Cite, ...] = (
    {"law": REGS, "section": "5(4)"}, {"law": REGS, "section": "10(4)"}, {"law": REGS, "section": "13(3)"},
)
ASSESSMENT_EXCEPTIONS_SHORT = "regulations 5(4), 10(4) and 13(3)"

# --- SEND Tribunal appeal ---
APPEAL_FROM_DECISION = Rule(
    id="appeal-from-decision", months=2, short="rule 20 of the Tribunal Procedure Rules",
    duty="your appeal must reach the SEND Tribunal",
    citations=({"law": TRIBUNAL_RULES, "section": "20"},),
)
APPEAL_FROM_CERTIFICATE = Rule(
    id="appeal-from-certificate", months=1, short="rule 20 of the Tribunal Procedure Rules",
    duty="your appeal must reach the SEND Tribunal",
    citations=({"law": TRIBUNAL_RULES, "section": "20"},),
)
#: Contact the mediation adviser within 2 months of the decision letter being sent (reg 33).
MEDIATION_ADVICE_CITATIONS: Tuple[Cite, ...] = ({"law": REGS, "section": "33"},)
MEDIATION_ADVICE_SHORT = "regulation 33"
HOLIDAY_RULE_CITATIONS: Tuple[Cite, ...] = ({"law": TRIBUNAL_RULES, "section": "12"},)
HOLIDAY_RULE_SHORT = "rule 12 of the Tribunal Procedure Rules"


# --- Working days (Tribunal rules only) ---
@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    """England's bank holidays (with Christmas Day and Good Friday) from the `holidays` package:
    the Tribunal rules' working days leave these out. Special one-off bank holidays are included."""
    return holidays.UK(subdiv="ENG", years=year)


def is_working_day(day: date) -> bool:
    """Not a Saturday, a Sunday, Christmas Day, Good Friday or an England bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def in_christmas_window(day: date) -> bool:
    return (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1)


# --- Results ---
@dataclass(frozen=True)
class Milestone:
    rule: Rule
    date: date
    passed: bool

    def to_json(self) -> Dict[str, Any]:
        return {"id": self.rule.id, "date": self.date.isoformat(), "weekday": self.date.strftime("%A"),
                "weeks": self.rule.weeks, "what": self.rule.duty, "source": self.rule.short,
                "passed": self.passed, "citations": list(self.rule.citations)}


@dataclass(frozen=True)
class AssessmentTimeline:
    received: date
    today: date
    milestones: Tuple[Milestone, ...]

    @property
    def any_passed(self) -> bool:
        return any(m.passed for m in self.milestones)

    def to_json(self) -> Dict[str, Any]:
        return {
            "received": self.received.isoformat(), "today": self.today.isoformat(),
            "milestones": [m.to_json() for m in self.milestones],
            "exceptions": list(ASSESSMENT_EXCEPTIONS),
            "exception_citations": list(ASSESSMENT_EXCEPTION_CITATIONS),
        }


def assessment_timeline(received: date, today: date) -> AssessmentTimeline:
    """The dates an EHC needs assessment request sets running, from the day the council received it.

    A date is `passed` once the day itself is over: on the day, it is still today's duty."""
    due = [(rule, received + timedelta(weeks=rule.weeks or 0)) for rule in ASSESSMENT_RULES]
    milestones = tuple(Milestone(rule=rule, date=day, passed=day < today) for rule, day in due)
    return AssessmentTimeline(received=received, today=today, milestones=milestones)


@dataclass(frozen=True)
class Adjustment:
    """A move of the appeal deadline under rule 12, with the reason in plain words."""

    kind: str  # "christmas", "august" or "non-working-day"
    from_date: date
    to_date: date

    @property
    def reason(self) -> str:
        if self.kind == "christmas":
            return ("falls between 25 December and 1 January, so the Tribunal's rules move it to the "
                    "first working day after 1 January")
        if self.kind == "august":
            return "falls in August, so the Tribunal's rules move it to the first working day after 31 August"
        return "is not a working day, so the Tribunal's rules move it to the next working day"


@dataclass(frozen=True)
class AppealDeadline:
    decision_sent: date
    certificate_issued: Optional[date]
    today: date
    #: 2 months after the decision letter was sent.
    from_decision: date
    #: 1 month after the mediation certificate was issued (None without a certificate).
    from_certificate: Optional[date]
    #: The later of the two, before rule 12 moves it.
    unadjusted: date
    adjustments: Tuple[Adjustment, ...] = field(default_factory=tuple)

    @property
    def deadline(self) -> date:
        return self.adjustments[-1].to_date if self.adjustments else self.unadjusted

    @property
    def passed(self) -> bool:
        return self.deadline < self.today

    @property
    def certificate_counts(self) -> bool:
        """Whether the certificate gave a later deadline than the decision letter alone."""
        return self.from_certificate is not None and self.from_certificate > self.from_decision

    @property
    def certificate_helps_after(self) -> date:
        """A certificate issued after this day would give a later deadline (1 month after it)."""
        return self.from_decision - relativedelta(months=1)

    @property
    def open_with_certificate_from(self) -> date:
        """The first day a mediation certificate could have been issued and still give a deadline
        that has not passed (1 month after it, moved by rule 12, is today or later)."""
        day = self.today - relativedelta(months=APPEAL_FROM_CERTIFICATE.months or 0) - timedelta(days=14)
        while appeal_deadline(self.decision_sent, self.today, max(day, self.decision_sent)).passed:
            day += timedelta(days=1)
        return day

    @property
    def citations(self) -> List[Cite]:
        cites = list(APPEAL_FROM_DECISION.citations) + list(MEDIATION_ADVICE_CITATIONS)
        if self.adjustments:
            cites += list(HOLIDAY_RULE_CITATIONS)
        return cites

    def to_json(self) -> Dict[str, Any]:
        return {
            "decision_sent": self.decision_sent.isoformat(),
            "certificate_issued": self.certificate_issued.isoformat() if self.certificate_issued else None,
            "today": self.today.isoformat(),
            "two_months_from_decision": self.from_decision.isoformat(),
            "one_month_from_certificate": self.from_certificate.isoformat() if self.from_certificate else None,
            "deadline": self.deadline.isoformat(),
            "weekday": self.deadline.strftime("%A"),
            "passed": self.passed,
            "adjustments": [
                {"kind": a.kind, "from": a.from_date.isoformat(), "to": a.to_date.isoformat(), "reason": a.reason}
                for a in self.adjustments
            ],
            # The mediation adviser must be contacted within the same 2 months (reg 33).
            "mediation_adviser_by": self.from_decision.isoformat(),
            "citations": self.citations,
        }


def _rule_12(day: date) -> Tuple[Adjustment, ...]:
    """How rule 12 moves a time limit that ends on `day` (none if it ends on a normal working day).

    The Christmas and August rules apply to the day the limit ends; a limit that ends on a weekend
    just before Christmas moves only to the next working day, the earlier of the two readings, so
    that a parent is never told a later date than the rules can be relied on to allow."""
    if day.month == 8:
        return (Adjustment("august", day, next_working_day(date(day.year, 9, 1))),)
    if in_christmas_window(day):
        year = day.year + 1 if day.month == 12 else day.year
        return (Adjustment("christmas", day, next_working_day(date(year, 1, 2))),)
    if not is_working_day(day):
        return (Adjustment("non-working-day", day, next_working_day(day)),)
    return ()


def appeal_deadline(decision_sent: date, today: date, certificate_issued: Optional[date] = None) -> AppealDeadline:
    """The last day an appeal can reach the Tribunal, for a decision letter sent on `decision_sent`
    (and a mediation certificate issued on `certificate_issued`, if there is one)."""
    from_decision = decision_sent + relativedelta(months=APPEAL_FROM_DECISION.months or 0)
    from_certificate = (certificate_issued + relativedelta(months=APPEAL_FROM_CERTIFICATE.months or 0)
                        if certificate_issued else None)
    unadjusted = max(from_decision, from_certificate) if from_certificate else from_decision
    return AppealDeadline(
        decision_sent=decision_sent, certificate_issued=certificate_issued, today=today,
        from_decision=from_decision, from_certificate=from_certificate, unadjusted=unadjusted,
        adjustments=_rule_12(unadjusted),
    )
