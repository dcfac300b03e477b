"""Rasa custom actions: they read the knowledge base from the database and send one reply each.

Each reply goes out as a custom JSON message (`text`, `buttons`, `citations`) so that a reply and
its citations travel together through Rasa's REST channel to the gateway.
"""
from __future__ import annotations

import abc
import logging
import threading
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import answering
from bot.intents import entry_for
from bot.knowledge.store import Content, ContentRepository, Service
from bot.retrieval import LexicalIndex
from bot.settings import get_settings

logger = logging.getLogger(__name__)

_repository = ContentRepository()
_index_lock = threading.Lock()
_index: Tuple[int, Optional[LexicalIndex]] = (-1, None)


def lexical_index(content: Content) -> LexicalIndex:
    """The BM25 index for this content version (rebuilt only when the content changes)."""
    global _index
    with _index_lock:
        if _index[0] != content.version or _index[1] is None:
            _index = (content.version, LexicalIndex.from_entries(content.entries.values()))
        return _index[1]


def council_of(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    return str(metadata.get("council") or tracker.get_slot("council") or get_settings().default_council)


def local_service(content: Content, tracker: Tracker) -> Optional[Service]:
    return answering.find_service(content, council_of(tracker))


def send(dispatcher: CollectingDispatcher, reply: answering.Reply) -> None:
    dispatcher.utter_message(json_message=reply.payload())


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
    return lexical_index(content).search(text, k=answering.CANDIDATES_TO_OFFER)


def reply_to(
    dispatcher: CollectingDispatcher,
    decision: answering.Decision,
    content: Content,
    service: Optional[Service],
    national: List[Service],
) -> List[EventType]:
    """Send the reply a decision calls for; remember the topic when an entry was answered."""
    if decision.answer:
        entry = content.entries[decision.answer]
        send(dispatcher, answering.entry_reply(entry, content, service, national))
        return [SlotSet("current_topic", entry.id)]
    candidates = [content.entries[i] for i in decision.entry_ids]
    send(dispatcher, answering.clarify_reply(candidates, service, national))
    return []


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
            decision = answering.Decision(entry_ids=[ranking[0][0]], clarify=False)
        else:
            decision = answering.choose(ranking, lexical_hits(content, tracker), content.entries)
        return reply_to(dispatcher, decision, content, service, national)


class _FixedReplyAction(Action, metaclass=abc.ABCMeta):
    """An action whose reply depends only on who the local SENDIASS is. Abstract, so that
    rasa-sdk registers only its subclasses."""

    action_name = ""

    @staticmethod
    @abc.abstractmethod
    def reply(service: Optional[Service], national: List[Service]) -> answering.Reply:
        """The reply for this council's SENDIASS (or the national services)."""

    def name(self) -> Text:
        return self.action_name

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = _repository.current()
        send(dispatcher, self.reply(local_service(content, tracker), answering.national_services(content)))
        return []


class ActionSendiassContact(_FixedReplyAction):
    """Give the local SENDIASS's details (or the national services where we hold none)."""

    action_name = "action_sendiass_contact"
    reply = staticmethod(answering.contact_reply)


class ActionOutOfScope(_FixedReplyAction):
    """Say what the assistant cannot help with, and who can."""

    action_name = "action_out_of_scope"
    reply = staticmethod(answering.out_of_scope_reply)


class ActionNotUnderstood(Action):
    """Rasa was unsure (nlu_fallback): answer if the entries at the top agree, offer the closest
    topics if there are any, else say honestly that it did not understand; always offer a person."""

    def name(self) -> Text:
        return "action_not_understood"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        content = _repository.current()
        service, national = local_service(content, tracker), answering.national_services(content)
        decision = answering.choose(entry_ranking(tracker), lexical_hits(content, tracker), content.entries)
        return reply_to(dispatcher, decision, content, service, national)
