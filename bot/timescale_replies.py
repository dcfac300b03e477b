"""What the assistant says when a parent gives a date: the deadlines worked out, in plain words.

The dates come from `bot.timescales` (the rules) and `bot.dates` (reading what was typed); this
module only words them. Each reply echoes the date it understood ("I've read that as Tuesday 3
March 2026") so a misreading can be corrected, names the provision behind every date, and never
presents a date that has passed as still open.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Sequence

from bot import timescales
from bot.answering import TALK_TO_A_PERSON, Reply, sendiass_line
from bot.dates import FoundDate, long_date, short_date
from bot.knowledge.loader import KnowledgeBase, load_knowledge
from bot.knowledge.schema import Citation
from bot.knowledge.store import Service
from bot.settings import get_settings

#: The knowledge entries whose topic is the assessment's timescales, and those about challenging a
#: decision: a date given in a message about one of them is worked out as that kind of date.
ASSESSMENT_TOPICS = frozenset({
    "ehc-decision-six-weeks", "ehc-timescale-20-weeks", "ehc-timescale-exceptions", "ehc-request-how",
    "what-is-an-ehc-needs-assessment", "ehc-request-who-can-ask", "ehc-advice-gathered",
    "ehc-decision-to-issue", "ehc-draft-plan", "ehc-final-plan",
})
APPEAL_TOPICS = frozenset({
    "tribunal-appeal-deadline", "mediation", "tribunal-what-can-be-appealed", "ehc-refusal-what-next",
    "ehc-decision-not-to-issue",
})

#: Questions about a deadline itself: with a date, the worked-out dates replace the general answer.
DEADLINE_TOPICS = frozenset({"ehc-decision-six-weeks", "ehc-timescale-20-weeks", "ehc-timescale-exceptions",
                             "tribunal-appeal-deadline"})
#: Answers that end by offering to work out the parent's own dates.
CALCULATOR_HINT_TOPICS = frozenset({"ehc-decision-six-weeks", "ehc-timescale-20-weeks", "tribunal-appeal-deadline"})
#: The answer the letter puts into practice (its citations go with the letter's first message).
LETTER_ENTRY = "ehc-request-how"
#: Answers that offer to write the letter asking for an assessment.
LETTER_TOPICS = frozenset({"ehc-request-how", "ehc-request-who-can-ask", "ehc-legal-test"})

WHICH_DATE = (
    "What is that date? Tell me in one message, for example \"the council received my request for an EHC "
    "needs assessment on 3 March\" or \"the council's decision letter was dated 14 May\", and I'll work out "
    "the deadlines."
)
LETTER_BUTTON = {"title": "Write my request letter", "payload": "/write_letter"}


@lru_cache(maxsize=1)
def _knowledge() -> KnowledgeBase:
    return load_knowledge(get_settings().knowledge_dir)


def render_citations(cites: Iterable[Dict[str, str]]) -> List[Dict[str, Any]]:
    """Citations as the chat shows them (label and link), built the same way as the answers' own."""
    kb, seen, rendered = _knowledge(), set(), []
    for cite in cites:
        key = tuple(sorted(cite.items()))
        if key not in seen:
            seen.add(key)
            rendered.append(kb.render_citation(Citation(**cite)))
    return rendered


#: Words that make a dated message about challenging a decision, or about a request, whatever
#: entry the classifier leaned to (the date itself can pull it elsewhere).
APPEAL_WORDS = re.compile(r"\b(?:appeal\w*|tribunal|sendist|mediation|certificate|refus\w*|turned\s+(?:it\s+|us\s+)?down|said\s+no|"
                          r"decision\s+letter|won'?t\s+(?:assess|issue))\b", re.IGNORECASE)
ASSESSMENT_WORDS = re.compile(r"\b(?:assess\w*|appl(?:y|ied|ication)\s+for\s+(?:an?\s+)?(?:ehc|assess)\w*|"
                              r"asked\s+for\s+(?:an?\s+)?(?:ehc|assess)\w*)\b", re.IGNORECASE)
#: The topic a dated message is taken to be about when only its words say which calculator it wants.
DEFAULT_TOPIC = {"appeal": "tribunal-appeal-deadline", "assessment": "ehc-decision-six-weeks"}


def dated_topic(text: str, best: Optional[str]) -> Optional[str]:
    """The topic a message that gives a date is about, for the calculator: the classifier's best
    entry when it is a deadline topic that the words agree with; else what the words say; else None."""
    if APPEAL_WORDS.search(text):
        return best if best in APPEAL_TOPICS else DEFAULT_TOPIC["appeal"]
    if topic_kind(best):
        return best
    if ASSESSMENT_WORDS.search(text):
        return DEFAULT_TOPIC["assessment"]
    return None


def topic_kind(entry_id: Optional[str]) -> Optional[str]:
    """'assessment', 'appeal' or None: which calculator a topic calls for."""
    if entry_id in ASSESSMENT_TOPICS:
        return "assessment"
    if entry_id in APPEAL_TOPICS:
        return "appeal"
    return None


def _echo(found: FoundDate, meaning: str) -> str:
    if not found.text:  # a date from earlier in the conversation
        return f"I've used the date you gave earlier, {long_date(found.value)}, as {meaning}."
    guess = "" if found.year_given else " (you didn't give a year, so I've taken the most recent one)"
    return (f"I've read \"{found.text.rstrip('.,')}\" as {long_date(found.value)}{guess}, and taken it as {meaning}. "
            "If that's not right, tell me the date again, for example 5 March 2026.")


def _days_left(day: date, today: date) -> str:
    left = (day - today).days
    if left == 0:
        return "that is today"
    return f"{left} day{'s' if left != 1 else ''} from today"


def assessment_reply(found: FoundDate, today: date, service: Optional[Service], national: Sequence[Service]) -> Reply:
    """The dates a request received on `found.value` sets running."""
    timeline = timescales.assessment_timeline(found.value, today)
    lines = [_echo(found, "the day the council received your request"), "", "The law sets these time limits, counted from that day:"]
    for milestone in timeline.milestones:
        status = "This date has passed." if milestone.passed else f"({_days_left(milestone.date, today)})"
        lines.append(
            f"• By {long_date(milestone.date)} ({milestone.rule.weeks} weeks): {milestone.rule.duty} "
            f"({milestone.rule.short}). {status}"
        )
    lines += ["", "The council can only go over these limits if meeting them is impractical because "
              + "; or ".join(timescales.ASSESSMENT_EXCEPTIONS)
              + f" ({timescales.ASSESSMENT_EXCEPTIONS_SHORT}). Staff shortages and waiting lists are not on the list."]
    if timeline.any_passed:
        lines += ["", "If a date has passed and you have not heard, the council is late. Write to its SEN team, "
                  "ask when you will hear, and keep a copy."]
    lines += ["", "These are the latest dates the law allows: the council should act as soon as it can.",
              "", sendiass_line(service, national)]
    cites = [c for m in timeline.milestones for c in m.rule.citations] + list(timescales.ASSESSMENT_EXCEPTION_CITATIONS)
    return Reply(kind="timescale", text="\n".join(lines), citations=render_citations(cites),
                 entry_id="ehc-timescale-20-weeks", buttons=[LETTER_BUTTON, TALK_TO_A_PERSON])


def appeal_reply(decision: FoundDate, certificate: Optional[FoundDate], today: date,
                 service: Optional[Service], national: Sequence[Service]) -> Reply:
    """The last day to appeal a decision sent on `decision.value` (with a mediation certificate)."""
    lines = [_echo(decision, "the date the council sent its decision letter")]
    if certificate is not None and certificate.value < decision.value:
        lines += ["", f"The certificate date you gave ({long_date(certificate.value)}) is before the decision "
                  "letter, so I have not used it. Please check the date on the certificate and tell me it again."]
        certificate = None
    elif certificate is not None:
        lines.append(f"I've read the mediation certificate's date as {long_date(certificate.value)}.")
    result = timescales.appeal_deadline(decision.value, today, certificate.value if certificate else None)
    lines.append("")
    if result.certificate_counts:
        lines.append(f"Your appeal must reach the SEND Tribunal within 1 month of the mediation certificate, "
                     f"because that is later than 2 months after the decision letter ({short_date(result.from_decision)}). "
                     f"That gives {short_date(result.unadjusted)} ({timescales.APPEAL_FROM_CERTIFICATE.short}).")
    else:
        lines.append(f"Your appeal must reach the SEND Tribunal within 2 months of the date the decision letter was "
                     f"sent: that gives {short_date(result.unadjusted)} ({timescales.APPEAL_FROM_DECISION.short}).")
    for adjustment in result.adjustments:
        lines.append(f"{short_date(adjustment.from_date)} {adjustment.reason}: {long_date(adjustment.to_date)} "
                     f"({timescales.HOLIDAY_RULE_SHORT}).")
    if result.passed:
        lines += ["", f"The last day was {long_date(result.deadline)}. That date has passed."]
        open_from = result.open_with_certificate_from
        if certificate is None and open_from > result.certificate_helps_after:
            lines.append(f"If you contacted the mediation adviser in time and your mediation certificate was issued on "
                         f"or after {short_date(open_from)}, your deadline is 1 month after the certificate and is still "
                         "open: tell me the certificate's date.")
        lines.append("You can still ask the Tribunal to accept a late appeal, but it does not have to agree. "
                     "Get advice straight away.")
    else:
        lines += ["", f"Your last day is {long_date(result.deadline)} ({_days_left(result.deadline, today)}). "
                  "Don't leave it to the last day: the Tribunal must receive your appeal by then."]
    if certificate is None:
        contact_by = result.from_decision
        step = ("Before you can appeal, you must contact the mediation adviser named in the decision letter "
                f"within 2 months of the decision, so by {long_date(contact_by)} ({timescales.MEDIATION_ADVICE_SHORT}), and get a "
                "mediation certificate. You do not have to go to mediation: if you don't want it, the adviser "
                "gives you the certificate within 3 working days. If you do, the deadline becomes 1 month after "
                "the certificate if that is later. You don't need a certificate if you are only appealing about "
                "the school or college named in the plan.")
        if contact_by < today:
            step += " The 2 months have passed."
        lines += ["", step]
    lines += ["", sendiass_line(service, national)]
    return Reply(kind="timescale", text="\n".join(lines), citations=render_citations(result.citations),
                 entry_id="tribunal-appeal-deadline", buttons=[TALK_TO_A_PERSON])


def date_hint(kind: str) -> str:
    """One sentence inviting the parent to give the date the calculator needs."""
    if kind == "appeal":
        return ("If you tell me the date on the council's decision letter (for example, \"the letter was dated "
                "14 May\"), I'll work out your last day to appeal.")
    return ("If you tell me the date the council received your request (for example, \"they got it on 3 March\"), "
            "I'll work out the dates it must meet.")


def appeal_decision(dates: Sequence[FoundDate]) -> Optional[FoundDate]:
    """The decision letter's date among `dates`: the first that is not the mediation certificate's."""
    return next((d for d in dates if d.role != "certificate"), None)


def calculator_reply(topic: str, dates: Sequence[FoundDate], today: date,
                     service: Optional[Service], national: Sequence[Service],
                     earlier_decision: Optional[date] = None) -> Reply:
    """The reply for a message about `topic` (a knowledge entry, or 'assessment' or 'appeal') that
    gave `dates` (at least one). `earlier_decision`: the decision letter's date the parent gave
    earlier in the conversation, for a message that gives only the certificate's."""
    kind = topic if topic in ("assessment", "appeal") else topic_kind(topic) or "assessment"
    if kind == "appeal" and appeal_decision(dates) is None and earlier_decision is not None:
        dates = [FoundDate(value=earlier_decision, text="", start=-1, year_given=True)] + list(dates)
    reply = _calculator_reply(kind, dates, today, service, national)
    if reply.kind == "timescale" and topic not in ("assessment", "appeal"):
        reply.entry_id = topic
    return reply


def _calculator_reply(kind: str, dates: Sequence[FoundDate], today: date,
                      service: Optional[Service], national: Sequence[Service]) -> Reply:
    if kind == "appeal":
        certificate = next((d for d in dates if d.role == "certificate"), None)
        decision = appeal_decision(dates)
        if decision is None:
            # Only a certificate date: without the decision's date the 2-month limit is unknown.
            return Reply(kind="clarify", text=(
                f"I've read the mediation certificate's date as {long_date(dates[0].value)}. What date was the "
                "council's decision letter sent? For example, \"the letter was dated 14 May\"."),
                buttons=[TALK_TO_A_PERSON])
        return appeal_reply(decision, certificate, today, service, national)
    return assessment_reply(dates[0], today, service, national)
