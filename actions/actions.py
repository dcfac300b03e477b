"""Rasa custom actions: they read the knowledge base from the database and send one reply each.

Each reply goes out as a custom JSON message (`text`, `buttons`, `citations`) so that a reply and
its citations travel together through Rasa's REST channel to the gateway.
"""
from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any, Dict, List, NamedTuple, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import answering, enquiry_store
from bot.handoff import LEAVE_ENQUIRY, asks_about_the_assistant, asks_to_delete, forget_question
from bot.intents import entry_for
from bot.dates import FoundDate, find_dates
from bot.nlp import elsewhere_labels, everyday_labels
from bot.pii import mask
from bot.signposts import nation_in, safeguarding_concern
from bot.knowledge.store import Content, ContentRepository, Service
from bot.retrieval import index_for
from bot.settings import get_settings
from bot.settings import today as settings_today
from bot.timescale_replies import (
    CALCULATOR_HINT_TOPICS, DEADLINE_TOPICS, LETTER_BUTTON, LETTER_TOPICS, WHICH_DATE,
    appeal_decision, calculator_reply, date_hint, dated_topic, topic_kind,
)

logger = logging.getLogger(__name__)

_repository = ContentRepository()
#: The BM25 index for this content version (rebuilt only when the content changes).
lexical_index = index_for


def council_of(tracker: Tracker) -> Optional[str]:
    """The parent's council: the page's data-council, the one they named, or the deployment's only one."""
    metadata = tracker.latest_message.get("metadata") or {}
    council = metadata.get("council") or tracker.get_slot("council") or get_settings().default_council
    return str(council) if council else None


def local_service(content: Content, tracker: Tracker) -> Optional[Service]:
    return answering.find_service(content, council_of(tracker))


def send(dispatcher: CollectingDispatcher, reply: answering.Reply) -> None:
    dispatcher.utter_message(json_message=reply.payload())


def safeguarding_sent(dispatcher: CollectingDispatcher) -> bool:
    """Whether this turn's replies already include the safeguarding signposting."""
    return any((m.get("custom") or {}).get("signpost") == "safeguarding" for m in dispatcher.messages)


def send_decline(dispatcher: CollectingDispatcher, reply: answering.Reply, service: Optional[Service],
                 national: List[Service]) -> None:
    """Send "I can't help with that" (or "I didn't understand"), unless the safeguarding signposting
    has just been given: after 999 and children's services, a parent must not read "Sorry, I can't
    help", so they get the offer of a person instead."""
    if safeguarding_sent(dispatcher):
        reply = answering.after_safeguarding_reply(service, national)
    send(dispatcher, reply)


def answer_source_request(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content) -> bool:
    """Answer "what section of the act is that?" about the topic under discussion, whatever the
    classifier made of it (it learnt the usual wordings only). True if answered."""
    topic = content.entries.get(tracker.get_slot("current_topic") or "")
    text = tracker.latest_message.get("text") or ""
    if topic is None or text.startswith("/") or not answering.asks_for_source(text):
        return False
    send(dispatcher, answering.source_reply(topic))
    return True


def follow_up_by_wording(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content) -> Optional[List[EventType]]:
    """Answer "how long have I got?" or "what if they say no?" about the topic under discussion
    when the message says nothing else (no SEND term, a few words), whatever the classifier made
    of it. None if the message is not such a follow-up."""
    text = tracker.latest_message.get("text") or ""
    if not tracker.get_slot("current_topic") or text.startswith("/") or has_send_terms(tracker):
        return None
    kind = answering.follow_up_by_wording(text)
    return follow_up(dispatcher, tracker, content, kind) if kind else None


def handled_first(
    dispatcher: CollectingDispatcher, tracker: Tracker, content: Content, service: Optional[Service]
) -> Optional[List[EventType]]:
    """What is dealt with before any decision: the signposts, then "where does it say that?",
    "how long?" and "what if they say no?" about the open topic. The events to return if it was
    dealt with (nothing else should be sent), else None."""
    if signpost_first(dispatcher, tracker, content, service) or answer_source_request(dispatcher, tracker, content):
        return []
    return follow_up_by_wording(dispatcher, tracker, content)


def entry_ranking(tracker: Tracker) -> List[Tuple[str, float]]:
    """The classifier's ranking of knowledge entries for the latest message: (entry id, confidence)."""
    ranking = []
    for item in tracker.latest_message.get("intent_ranking") or []:
        entry_id = entry_for(item.get("name"))
        if entry_id:
            ranking.append((entry_id, float(item.get("confidence") or 0.0)))
    return ranking


def lexical_hits(content: Content, tracker: Tracker) -> List[Tuple[str, float]]:
    text = tracker.latest_message.get("text") or ""
    return lexical_index(content).search(text, k=answering.LEXICAL_CANDIDATES)


def has_send_terms(tracker: Tracker) -> bool:
    """Whether the glossary's EntityRuler found a SEND term (not just "the council") in the message."""
    everyday = everyday_labels()
    return any(e.get("entity") not in everyday for e in tracker.latest_message.get("entities") or [])


def names_elsewhere(tracker: Tracker) -> bool:
    """Whether the message names something other services deal with ("free school meals")."""
    elsewhere = elsewhere_labels()
    return any(e.get("entity") in elsewhere for e in tracker.latest_message.get("entities") or [])


def decide(content: Content, tracker: Tracker, among_entries_only: bool = False) -> answering.Decision:
    """The decision for the latest message (with the combined ranking it was made from).

    `among_entries_only`: the classifier's top intent was not a knowledge entry (a long message
    starting "hi", a follow-up with nothing discussed yet), so its confidence is spread again over
    the entries alone, as if the message had to be about one of them."""
    ranking, lexical = entry_ranking(tracker), lexical_hits(content, tracker)
    total = sum(c for _, c in ranking)
    if among_entries_only and total > 0:
        ranking = [(i, c / total) for i, c in ranking]
    # The glossary's EntityRuler marks SEND terms (EHC_PLAN, SENCO, ...): a message with none,
    # and no lexical match, is probably not about SEND at all.
    text = tracker.latest_message.get("text") or ""
    return answering.choose(ranking, lexical, content.entries, send_terms=has_send_terms(tracker), words=len(text.split()),
                            elsewhere=names_elsewhere(tracker), claim=answering.checks_a_claim(text),
                            stated=answering.stated_claims(text, content.entries))


def runner_up_intents(tracker: Tracker) -> List[str]:
    """The classifier's best real intents, best first (Rasa puts nlu_fallback first when it was unsure)."""
    return [str(item.get("name") or "") for item in tracker.latest_message.get("intent_ranking") or []
            if item.get("name") != "nlu_fallback"]


def runner_up_intent(tracker: Tracker) -> str:
    """The classifier's best real intent, or "" if there is none."""
    intents = runner_up_intents(tracker)
    return intents[0] if intents else ""


def ranked_candidates(decision: answering.Decision) -> List[str]:
    """The entries in the order the assistant would offer them: the decision's, then the ranking's."""
    ordered: List[str] = []
    for entry_id in list(decision.entry_ids) + [i for i, _ in decision.ranking]:
        if entry_id not in ordered:
            ordered.append(entry_id)
    return ordered[: answering.CANDIDATES_TO_OFFER]


def reply_to(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    decision: answering.Decision,
    content: Content,
    service: Optional[Service],
    national: List[Service],
) -> List[EventType]:
    """Send the reply a decision calls for; remember the topic when an entry was answered.

    A message that gives a date on a deadline topic ("I asked for an assessment on 3 March, when
    should I hear?") gets the dates worked out instead of the general answer."""
    dated = calculator_reply_for(tracker, decision, service, national)
    if dated is None:
        return answer_decision(dispatcher, tracker, decision, content, service, national)
    if dated.topic is None:
        send(dispatcher, dated.reply)
        return []
    dated.reply.candidates = [dated.topic] + [c for c in ranked_candidates(decision) if c != dated.topic]
    # A corrected date, or a certificate's date, is worked out again about this topic.
    remember: List[EventType] = [SlotSet("current_topic", dated.topic)]
    if dated.decision_date:
        remember.append(SlotSet(DECISION_DATE_SLOT, dated.decision_date.isoformat()))
    answered = decision.answer
    if answered and not dated.date_only and (
        topic_kind(answered) is None or (answered == dated.topic and dated.topic not in DEADLINE_TOPICS)
    ):
        # "They refused today, what now?", "they have 6 weeks, right?": the answer (or the
        # verdict), then the dates it sets running.
        events = answer_decision(dispatcher, tracker, decision, content, service, national)
        send(dispatcher, dated.reply)
        return events + remember
    # A question about the deadline itself, or a date on its own: the dates are the answer.
    send(dispatcher, dated.reply)
    return remember


def answer_decision(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    decision: answering.Decision,
    content: Content,
    service: Optional[Service],
    national: List[Service],
) -> List[EventType]:
    """Send the knowledge base's reply for a decision: the entry's answer, or the closest topics."""
    if decision.answer:
        entry = content.entries[decision.answer]
        reply = answering.entry_reply(entry, content, service, national)
        if entry.id in CALCULATOR_HINT_TOPICS:
            reply.text = f"{reply.text}\n\n{date_hint(topic_kind(entry.id) or 'assessment')}"
        if entry.id in LETTER_TOPICS:
            reply.buttons.insert(max(0, len(reply.buttons) - 1), LETTER_BUTTON)  # before "Talk to a person"
        events: List[EventType] = [SlotSet("current_topic", entry.id)]
    else:
        candidates = [content.entries[i] for i in decision.entry_ids]
        if not candidates and decision.other_service:
            # "Is my son entitled to free school meals?": say whose job it is, not "I didn't understand".
            reply = answering.out_of_scope_reply(service, national)
        else:
            reply = answering.clarify_reply(candidates, service, national)
        # The closest candidate stands as the topic, so "what if they say no?" still has one
        # (follow-ups mostly depend on the topic, which close candidates share).
        events = [SlotSet("current_topic", candidates[0].id)] if candidates else []
    reply.candidates = ranked_candidates(decision)
    if reply.kind in answering.DECLINE_KINDS:
        send_decline(dispatcher, reply, service, national)
    else:
        send(dispatcher, reply)
    if decision.answer is None:
        record_unanswered(tracker, reply.kind, decision)
    elif decision.ranking and decision.ranking[0][1] < answering.LOW_CONFIDENCE_ANSWER:
        record_unanswered(tracker, "low_confidence", decision)
    return events


#: A message this short that gives a date is an answer to "when was that?" (or a correction of the
#: date the last reply echoed): it is about the topic under discussion, whatever else it resembles.
DATE_ONLY_MAX_WORDS = 8


#: The decision letter's date last given (ISO), so "the certificate came on 29 November" can be
#: worked out without asking for the decision's date again. A date alone is not personal data.
DECISION_DATE_SLOT = "appeal_decision_date"


def is_date_only(text: str, found: Optional[List[FoundDate]] = None) -> bool:
    """Whether a message is little more than a date ("3rd march", "no, it was 1 October")."""
    found = find_dates(text, settings_today()) if found is None else found
    return bool(found) and len(text.split()) <= DATE_ONLY_MAX_WORDS


class DatedReply(NamedTuple):
    """The calculator's reply to a message that gave a date, and what the conversation keeps of it."""

    reply: answering.Reply
    #: The topic the dates were worked out for (None: the assistant asked what the date is).
    topic: Optional[str]
    #: The message was little more than the date.
    date_only: bool
    #: The decision letter's date the message gave, for a later certificate date.
    decision_date: Optional[date] = None


def calculator_reply_for(
    tracker: Tracker, decision: answering.Decision, service: Optional[Service], national: List[Service]
) -> Optional[DatedReply]:
    """The deadline calculator's reply if the message gives a date on a deadline topic (or is just
    a date); None otherwise, and whenever the calculator cannot help."""
    text = tracker.latest_message.get("text") or ""
    if not text or text.startswith("/"):
        return None
    today = settings_today()
    found = find_dates(text, today)
    if not found:
        return None
    current = tracker.get_slot("current_topic")
    best = decision.answer or (decision.entry_ids[0] if decision.entry_ids else None)
    date_only = is_date_only(text, found)
    if date_only:
        best = None  # for a few words and a date, the classifier's guess is noise: the words decide
    topic = dated_topic(text, best)
    if date_only and topic_kind(current) and not dated_topic(text, None):
        topic = current  # "no, it was 1 October": about what was just discussed
    if topic is None:
        if date_only:
            # A date and nothing to hang it on: ask what it is rather than guess.
            return DatedReply(answering.Reply(kind="clarify", text=WHICH_DATE, buttons=[answering.TALK_TO_A_PERSON]), None, True)
        return None
    try:
        earlier = tracker.get_slot(DECISION_DATE_SLOT)
        reply = calculator_reply(topic, found, today, service, national,
                                 earlier_decision=date.fromisoformat(earlier) if earlier else None)
        given = appeal_decision(found) if topic_kind(topic) == "appeal" else None
        return DatedReply(reply, topic, date_only, given.value if given else None)
    except Exception as error:  # noqa: BLE001 - the general answer is better than no answer
        logger.warning("The deadline calculator failed: %s", type(error).__name__)
        return None


def record_unanswered(tracker: Tracker, kind: str, decision: Optional[answering.Decision] = None) -> None:
    """Log a question the assistant could not answer (or barely could) for the content editors.
    The text is as the gateway passed it (personal data masked) and is masked again here in case
    a message reached Rasa some other way. A failure here must never cost the parent their answer."""
    text = tracker.latest_message.get("text") or ""
    if not text or text.startswith("/"):
        return
    best = decision.ranking[0] if decision and decision.ranking else (None, None)
    try:
        enquiry_store.log_unanswered(
            tracker.sender_id, mask(text).text, kind, council=council_of(tracker), score=best[1], best_entry=best[0],
        )
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not log an unanswered question: %s", type(error).__name__)


def answer_as_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, content: Content, among_entries_only: bool = False
) -> List[EventType]:
    """Answer the latest message from the knowledge base, or ask which topic was meant."""
    service, national = local_service(content, tracker), answering.national_services(content)
    return reply_to(dispatcher, tracker, decide(content, tracker, among_entries_only), content, service, national)


def signpost_first(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content, service: Optional[Service]) -> bool:
    """Send what must come before any answer; True if nothing else should be answered.

    A child at risk: the safeguarding signposting, then the answer as usual. A parent outside
    England: the note on their nation instead of an answer from England's law."""
    text = tracker.latest_message.get("text") or ""
    if safeguarding_concern(text):
        send(dispatcher, answering.safeguarding_reply(content.safeguarding, service))
    nation = nation_in(text, content.nations)
    if nation is not None:
        send(dispatcher, answering.nation_reply(nation))  # type: ignore[arg-type]
        return True
    return False


class ActionAnswer(Action):
    """Answer a question or a myth from the knowledge base, or ask which topic was meant."""

    def name(self) -> Text:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = _repository.current()
        service = local_service(content, tracker)
        national = answering.national_services(content)
        message_text = tracker.latest_message.get("text") or ""
        ranking = entry_ranking(tracker)
        if message_text.startswith("/") and ranking and ranking[0][0] in content.entries:
            # A button asked for this entry by name (a button for a withdrawn entry falls through).
            decision = answering.Decision(entry_ids=[ranking[0][0]], clarify=False, ranking=ranking)
        else:
            handled = handled_first(dispatcher, tracker, content, service)
            if handled is not None:
                return handled
            decision = decide(content, tracker)
        return reply_to(dispatcher, tracker, decision, content, service, national)


class ActionSendiassContact(Action):
    """Give the local SENDIASS's details (or the national services where we hold none), and offer
    to leave a message for an adviser where this deployment takes enquiries for that council."""

    def name(self) -> Text:
        return "action_sendiass_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = _repository.current()
        service = local_service(content, tracker)
        reply = answering.contact_reply(service, answering.national_services(content))
        if service is not None and service.id in get_settings().served_councils:
            reply.buttons = [LEAVE_ENQUIRY]
        send(dispatcher, reply)
        return []


class ActionOutOfScope(Action):
    """Say what the assistant cannot help with, and who can."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        content = _repository.current()
        if is_date_only(text) and topic_kind(tracker.get_slot("current_topic")):
            # "14/05" after a deadline answer looks like nothing the classifier knows: it is the date.
            return answer_as_question(dispatcher, tracker, content)
        service, national = local_service(content, tracker), answering.national_services(content)
        handled = handled_first(dispatcher, tracker, content, service)
        if handled is not None:
            return handled
        decision = None
        if has_send_terms(tracker):
            # "Out of scope" but with SEND words in it: answer only if the knowledge base clearly
            # has the answer; otherwise say so, as the classifier did.
            decision = decide(content, tracker)
            if decision.answer:
                return reply_to(dispatcher, tracker, decision, content, service, national)
        send_decline(dispatcher, answering.out_of_scope_reply(service, national), service, national)
        record_unanswered(tracker, "out_of_scope", decision)
        return []


class ActionNotUnderstood(Action):
    """Rasa was unsure (nlu_fallback): answer if the entries at the top agree, offer the closest
    topics if there are any, else say honestly that it did not understand; always offer a person."""

    def name(self) -> Text:
        return "action_not_understood"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = _repository.current()
        service, national = local_service(content, tracker), answering.national_services(content)
        handled = handled_first(dispatcher, tracker, content, service)
        if handled is not None:
            return handled
        likely = runner_up_intent(tracker)
        if likely in FOLLOW_UP_KINDS and tracker.get_slot("current_topic"):
            # An unsure "what if they say no?" in the middle of a topic: a follow-up after all.
            return follow_up(dispatcher, tracker, content, FOLLOW_UP_KINDS[likely])
        if likely in ("forget_me", "forget_confirm") and asks_to_delete(tracker.latest_message.get("text") or ""):
            # "delete my conversation" is close to its own confirmation: ask, never delete here.
            send(dispatcher, forget_question())
            return []
        if likely == "bot_challenge" and not asks_about_the_assistant(tracker.latest_message.get("text") or ""):
            return answer_as_question(dispatcher, tracker, content)
        if likely in HANDOFF_FORMS and "bot_challenge" in runner_up_intents(tracker)[1:2]:
            # "Am I talking to a real person?": close between "are you a person?" and "I want a
            # person". Saying what the assistant is, with the contact, answers both.
            likely = "bot_challenge"
        if likely in HANDOFF_FORMS:
            # Probably "can I speak to someone" / "can someone call me back": the same handoff as
            # when the classifier is sure (the council is asked for if it is not known yet).
            return [FollowupAction(HANDOFF_FORMS[likely])]
        if likely == "bot_challenge":
            # Unsure between "are you a person?" and "I want a person": both want a person.
            dispatcher.utter_message(response="utter_bot_challenge")
            send(dispatcher, answering.contact_reply(service, national))
            return []
        return answer_as_question(dispatcher, tracker, content)


class ActionSafeguarding(Action):
    """A child may be at risk of harm: emergency and safeguarding signposting before anything else."""

    def name(self) -> Text:
        return "action_safeguarding"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = _repository.current()
        service = local_service(content, tracker)
        reply = answering.safeguarding_reply(content.safeguarding, service)
        reply.buttons = [answering.TALK_TO_A_PERSON]
        send(dispatcher, reply)
        return []


class ActionOtherNation(Action):
    """The parent is in Wales, Scotland or Northern Ireland: the Code is England's; where to go."""

    def name(self) -> Text:
        return "action_other_nation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = _repository.current()
        if signpost_first(dispatcher, tracker, content, local_service(content, tracker)):
            return []
        text = tracker.latest_message.get("text") or ""
        if has_send_terms(tracker) and not re.search(r"\bengland\b", text, re.I):
            # No place outside England named, and a SEND question asked ("we live in Halton, can
            # I ask for an EHC needs assessment?"): the classifier's lean to "other nation" is a
            # guess, and the question is what the parent wants answered.
            return answer_as_question(dispatcher, tracker, content, among_entries_only=True)
        # Outside England, but no place we know was named: every nation's note.
        send(dispatcher, answering.nations_reply(content.nations))  # type: ignore[arg-type]
        return []


#: The form each handoff intent starts (data/rules/handoff.yml does the same when the classifier is sure).
HANDOFF_FORMS = {"ask_for_person": "council_form", "leave_enquiry": "enquiry_form"}

FOLLOW_UP_KINDS = {
    "followup_if_refused": "if_refused",
    "followup_how_long": "how_long",
    "followup_source": "source",
}


class ActionFollowUp(Action):
    """"What if they say no?", "how long does that take?", "where does it say that?": answered
    about the topic under discussion (the current_topic slot), as the knowledge base's follow-up
    rules say (knowledge/follow_ups.yml)."""

    def name(self) -> Text:
        return "action_follow_up"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = _repository.current()
        service = local_service(content, tracker)
        if signpost_first(dispatcher, tracker, content, service):
            return []
        kind = FOLLOW_UP_KINDS.get((tracker.latest_message.get("intent") or {}).get("name") or "")
        return follow_up(dispatcher, tracker, content, kind)


def follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content, kind: Optional[str]) -> List[EventType]:
    """Answer a follow-up of `kind` (if_refused, how_long, source) about the current topic."""
    service, national = local_service(content, tracker), answering.national_services(content)
    topic = content.entries.get(tracker.get_slot("current_topic") or "")
    if topic is None or kind is None:
        # Nothing discussed yet: treat it as a question in its own right.
        decision = decide(content, tracker, among_entries_only=True)
        if decision.answer or decision.entry_ids:
            return reply_to(dispatcher, tracker, decision, content, service, national)
        send(dispatcher, answering.no_topic_reply(service, national))
        return []
    if kind == "source":
        send(dispatcher, answering.source_reply(topic))
        return []
    target = content.entries.get(topic.follow_ups.get(kind, ""))
    if target is None:
        send(dispatcher, answering.no_follow_up_reply(topic, content, service, national))
        record_unanswered(tracker, "no_follow_up")
        return []
    return reply_to(dispatcher, tracker, answering.Decision(entry_ids=[target.id], clarify=False), content, service, national)


#: Small talk with more words than this is a question that happens to start with "hi" or end with
#: "thanks": it is answered as a question.
SMALL_TALK_MAX_WORDS = 8


class ActionSmallTalk(Action):
    """Hello, thanks, goodbye: the usual short reply, unless the message is really a question."""

    def name(self) -> Text:
        return "action_small_talk"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name") or "greet"
        if len(text.split()) <= SMALL_TALK_MAX_WORDS:
            send(dispatcher, answering.small_talk_reply(intent))
            return []
        content = _repository.current()
        if signpost_first(dispatcher, tracker, content, local_service(content, tracker)):
            return []
        return answer_as_question(dispatcher, tracker, content, among_entries_only=True)

