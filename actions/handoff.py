"""Rasa custom actions for the handoff: which council, the enquiry form, and "forget me".

The form's questions and replies are worded in bot/handoff.py. A name or contact detail typed into
the form never reaches these actions: the gateway holds it in the enquiry store and passes a
placeholder, which is why the name and contact steps read the held value back from there.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionNotUnderstood, _repository, local_service, send
from bot import answering, enquiry_store, handoff
from bot.intents import entry_for
from bot.knowledge.store import Content, Entry, Service
from bot.pii import check_contact
from bot.settings import get_settings
from bot.signposts import safeguarding_concern
from bot.urgency import flags_in

logger = logging.getLogger(__name__)

ENQUIRY_SLOTS = ["enquiry_consent", "enquiry_name", "enquiry_contact", "enquiry_good_time", "enquiry_summary",
                 "enquiry_cancelled"]


def served(content: Content) -> List[Service]:
    return handoff.served_services(content, get_settings().served_councils)


class ActionExtractCouncil(Action):
    """Fills the council slot after every message: the page's data-council (message metadata)
    first; a served council or town named in the message; "other" when the parent was asked and
    named none we serve (they get the national services)."""

    def name(self) -> Text:
        return "action_extract_council"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        metadata = tracker.latest_message.get("metadata") or {}
        current = tracker.get_slot("council")
        asked = tracker.get_slot("requested_slot") == "council" and tracker.active_loop_name in ("council_form", "enquiry_form")
        found = None if text.startswith("/") else handoff.council_in(text, served(_repository.current()))
        if asked:
            value = found or handoff.NOT_SERVED
        elif metadata.get("council"):
            value = str(metadata["council"]).lower()
        else:
            value = found or current
        return [SlotSet("council", value)] if value != current or asked else []


class ActionAskCouncil(Action):
    def name(self) -> Text:
        return "action_ask_council"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        send(dispatcher, handoff.council_question(served(_repository.current())))
        return []


def _service(tracker: Tracker) -> Optional[Service]:
    return local_service(_repository.current(), tracker)


def topics_of(tracker: Tracker, content: Content) -> List[Entry]:
    """The knowledge entries the assistant answered in this conversation, in order, once each."""
    seen: List[str] = []
    for event in tracker.events:
        if event.get("event") != "bot":
            continue
        custom = (event.get("data") or {}).get("custom") or {}
        entry_id = custom.get("entry_id")
        if entry_id and entry_id in content.entries and entry_id not in seen:
            seen.append(entry_id)
    return [content.entries[i] for i in seen]


def _iso(timestamp: Optional[float]) -> Optional[str]:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat() if timestamp else None


def transcript_of(tracker: Tracker, content: Content) -> List[Dict[str, Any]]:
    """The conversation as staff read it: the parent's words as stored (personal data already
    masked by the gateway), the assistant's replies with the citations it gave."""
    turns: List[Dict[str, Any]] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            entry_id = entry_for(((event.get("parse_data") or {}).get("intent") or {}).get("name")) if text.startswith("/") else None
            if entry_id and entry_id in content.entries:
                text = f"(chose) {content.entries[entry_id].title}"
            elif text.startswith("/"):
                continue  # a control button ("Talk to a person"): the reply says what happened
            turns.append({"who": "parent", "text": text, "at": _iso(event.get("timestamp"))})
        elif kind == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            text = custom.get("text") or event.get("text")
            if not text:
                continue
            turn = {"who": "assistant", "text": text, "at": _iso(event.get("timestamp"))}
            if custom.get("entry_id"):
                turn["entry_id"] = custom["entry_id"]
            if custom.get("citations"):
                turn["citations"] = [{"label": c.get("label"), "url": c.get("url")} for c in custom["citations"]]
            turns.append(turn)
    return turns


def safeguarding_in(tracker: Tracker) -> bool:
    """Whether the assistant signposted safeguarding in this conversation."""
    return any(
        ((e.get("data") or {}).get("custom") or {}).get("signpost") == "safeguarding"
        for e in tracker.events if e.get("event") == "bot"
    )


class ValidateEnquiryForm(FormValidationAction):
    """Checks each answer of the enquiry form; "stop" at any step ends it with nothing stored."""

    def name(self) -> Text:
        return "validate_enquiry_form"

    @staticmethod
    def _stop(slot: str, why: str = "stopped") -> Dict[Text, Any]:
        return {slot: None, "enquiry_cancelled": why, "requested_slot": None}

    def validate_council(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if str(value) in get_settings().served_councils:
            return {"council": value}
        return {"council": value, **self._stop("enquiry_consent", "not_served")}

    def validate_enquiry_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        text = str(value or "")
        if handoff.is_stop(text) or handoff.is_no(text):
            return self._stop("enquiry_consent")
        if handoff.is_yes(text):
            return {"enquiry_consent": "yes"}
        dispatcher.utter_message(json_message=answering.Reply(
            kind="reask", text=f"Please choose \"{handoff.YES_CONSENT}\" to go on, or \"{handoff.STOP}\" if you'd rather not.").payload())
        return {"enquiry_consent": None}

    def validate_enquiry_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        text, sender = str(value or ""), tracker.sender_id
        if handoff.is_stop(text):
            return self._stop("enquiry_name")
        if handoff.is_skip(text):
            enquiry_store.drop_held(sender, "name")
            return {"enquiry_name": "skipped"}
        name = enquiry_store.held(sender, "name") if text == handoff.HELD_PLACEHOLDERS["name"] else text
        if not name or "?" in name or len(name.split()) > handoff.NAME_MAX_WORDS:
            enquiry_store.drop_held(sender, "name")
            dispatcher.utter_message(json_message=answering.Reply(
                kind="reask", text="That doesn't look like a name. You can tell the adviser about your question "
                                   "in the summary at the end.").payload())
            return {"enquiry_name": None}
        enquiry_store.hold(sender, "name", name.strip())
        return {"enquiry_name": "given"}

    def validate_enquiry_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        text, sender = str(value or ""), tracker.sender_id
        if handoff.is_stop(text):
            return self._stop("enquiry_contact")
        given = enquiry_store.held(sender, "contact") if text == handoff.HELD_PLACEHOLDERS["contact"] else text
        check = check_contact(given or "")
        if check.method is None:
            enquiry_store.drop_held(sender, "contact")
            dispatcher.utter_message(json_message=answering.Reply(kind="reask", text=f"Sorry. {check.problem}").payload())
            return {"enquiry_contact": None}
        enquiry_store.hold(sender, "contact", str(check.value))
        return {"enquiry_contact": check.method}

    def validate_enquiry_good_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if handoff.is_stop(text):
            return self._stop("enquiry_good_time")
        if handoff.is_skip(text):
            return {"enquiry_good_time": "skipped"}
        return {"enquiry_good_time": text[: handoff.GOOD_TIME_MAX_CHARS]}

    def validate_enquiry_summary(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if handoff.is_stop(text):
            return self._stop("enquiry_summary")
        if handoff.is_yes(text):
            prefilled = handoff.prefilled_summary(topics_of(tracker, _repository.current()))
            if prefilled:
                return {"enquiry_summary": prefilled}
            dispatcher.utter_message(json_message=answering.Reply(
                kind="reask", text="Please type a sentence or two about what you would like help with.").payload())
            return {"enquiry_summary": None}
        if safeguarding_concern(text):
            content = _repository.current()
            send(dispatcher, answering.safeguarding_reply(content.safeguarding, _service(tracker)))
        return {"enquiry_summary": text[: handoff.SUMMARY_MAX_CHARS]}


class _AskAction(Action):
    """Asks one question of the enquiry form (Rasa calls action_ask_<slot> when it needs it)."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def reply(self, tracker: Tracker) -> answering.Reply:
        raise NotImplementedError

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        send(dispatcher, self.reply(tracker))
        return []


class ActionAskConsent(_AskAction):
    slot = "enquiry_consent"

    def reply(self, tracker: Tracker) -> answering.Reply:
        service = _service(tracker)
        assert service is not None  # validate_council let only served councils through
        return handoff.consent_question(service, get_settings().retention_days)


class ActionAskName(_AskAction):
    slot = "enquiry_name"

    def reply(self, tracker: Tracker) -> answering.Reply:
        return handoff.name_question()


class ActionAskContact(_AskAction):
    slot = "enquiry_contact"

    def reply(self, tracker: Tracker) -> answering.Reply:
        return handoff.contact_question()


class ActionAskGoodTime(_AskAction):
    slot = "enquiry_good_time"

    def reply(self, tracker: Tracker) -> answering.Reply:
        return handoff.good_time_question()


class ActionAskSummary(_AskAction):
    slot = "enquiry_summary"

    def reply(self, tracker: Tracker) -> answering.Reply:
        return handoff.summary_question(handoff.prefilled_summary(topics_of(tracker, _repository.current())))


class ActionSubmitEnquiry(Action):
    """The form has ended: store the enquiry (or, if the parent stopped, store nothing)."""

    def name(self) -> Text:
        return "action_submit_enquiry"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        reset: List[EventType] = [SlotSet(slot, None) for slot in ENQUIRY_SLOTS]
        content, sender = _repository.current(), tracker.sender_id
        service = _service(tracker)
        cancelled = tracker.get_slot("enquiry_cancelled")
        if cancelled:
            enquiry_store.drop_held(sender)
            if cancelled == "not_served":
                send(dispatcher, handoff.not_served_reply(served(content), answering.national_services(content)))
            else:
                send(dispatcher, handoff.stopped_reply(service))
            return reset
        contact = enquiry_store.held(sender, "contact")
        if service is None or contact is None:
            enquiry_store.drop_held(sender)
            send(dispatcher, handoff.save_failed_reply(service))
            return reset
        transcript = transcript_of(tracker, content)
        summary = str(tracker.get_slot("enquiry_summary") or "")
        flags = flags_in([t["text"] for t in transcript if t["who"] == "parent"] + [summary])
        if safeguarding_in(tracker) and "safeguarding" not in flags:
            flags.insert(0, "safeguarding")
        good_time = tracker.get_slot("enquiry_good_time")
        method = str(tracker.get_slot("enquiry_contact") or "email")
        try:
            enquiry = enquiry_store.create_enquiry(enquiry_store.NewEnquiry(
                sender_id=sender, council=service.id, contact_method=method, contact=contact, summary=summary,
                name=enquiry_store.held(sender, "name") if tracker.get_slot("enquiry_name") == "given" else None,
                good_time=None if good_time in (None, "skipped") else str(good_time),
                topics=[e.id for e in topics_of(tracker, content)], flags=flags, transcript=transcript,
            ))
        except Exception as error:  # noqa: BLE001 - the parent gets a phone number, never a trace
            logger.error("Could not store an enquiry: %s", type(error).__name__)
            send(dispatcher, handoff.save_failed_reply(service))
            return reset
        finally:
            enquiry_store.drop_held(sender)
        send(dispatcher, handoff.sent_reply(service, enquiry.reference, method, get_settings().retention_days))
        return reset


class ActionForgetConfirm(Action):
    def name(self) -> Text:
        return "action_forget_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if not text.startswith("/") and not handoff.asks_to_delete(text):
            # The classifier chose "forget me" for a message with no word about deleting
            # ("blorp wibble 943..."): it was not understood, and "delete this conversation?"
            # would alarm rather than help.
            return ActionNotUnderstood().run(dispatcher, tracker, domain)
        send(dispatcher, handoff.forget_question())
        return []


class ActionForget(Action):
    """Says it is done; the gateway deletes the conversation once Rasa has answered (deleting it
    here would be undone, because Rasa saves the conversation after the action)."""

    def name(self) -> Text:
        return "action_forget"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if last_bot_kind(tracker) != "ask_forget":
            # Nothing is deleted without the parent having seen the question and said yes to it.
            send(dispatcher, handoff.forget_question())
            return []
        send(dispatcher, handoff.forgotten_reply())
        return []


def last_bot_kind(tracker: Tracker) -> Optional[str]:
    """The kind of the assistant's latest message in the conversation (ask_forget, contact, ...)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return ((event.get("data") or {}).get("custom") or {}).get("kind")
    return None


class ActionForgetCancel(Action):
    def name(self) -> Text:
        return "action_forget_cancel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        send(dispatcher, handoff.kept_reply())
        return []
