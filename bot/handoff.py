"""The handoff to a person: which council's SENDIASS, and the words of the enquiry form.

Kept apart from the Rasa actions so the wording (what is stored, who sees it, for how long) is in
one place, read by the actions, the tests and the README alike, and so the small decisions (is
this "stop"? which council is "Runcorn"?) can be tested without a running assistant.
"""
from __future__ import annotations

import re
import secrets
from typing import List, Optional, Sequence

from bot.answering import TALK_TO_A_PERSON, Reply, national_fallback_text
from bot.knowledge.store import Content, Entry, Service

#: The council slot's value when the parent lives outside every council this deployment serves.
NOT_SERVED = "other"
#: Button titles and payloads. A payload that does not start with "/" is sent back as the
#: parent's words, so a form hears "Skip" whether it was tapped or typed.
LEAVE_ENQUIRY = {"title": "Leave a message for an adviser", "payload": "/leave_enquiry"}
SOMEWHERE_ELSE = "Somewhere else"
YES_CONSENT = "Yes, I agree"
STOP = "Stop"
SKIP = "Skip"
USE_SUMMARY = "Send this summary"
#: Placeholders the gateway passes to Rasa instead of a name or contact detail typed into the
#: form (the real words are held in the enquiry store only, never in the conversation).
HELD_PLACEHOLDERS = {"name": "[name given]", "contact": "[contact details given]"}
#: The form steps whose answers the gateway holds back from the conversation.
HELD_SLOTS = {"enquiry_name": "name", "enquiry_contact": "contact"}

SUMMARY_MAX_CHARS = 1000
GOOD_TIME_MAX_CHARS = 200
NAME_MAX_WORDS = 6
#: The adviser's summary lists at most this many topics from the conversation.
SUMMARY_TOPICS = 3


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


STOP_WORDS = {
    "stop", "cancel", "quit", "exit", "no stop", "stop please", "please stop", "cancel please",
    "never mind", "nevermind", "forget it", "i don't want to", "i dont want to", "no thanks",
    "no thank you", "i've changed my mind", "ive changed my mind", "changed my mind",
    "don't send it", "dont send it", "do not send it", "no don't", "no dont",
}
SKIP_WORDS = {"skip", "skip this", "skip it", "no", "none", "rather not", "i'd rather not", "id rather not",
              "prefer not to say", "no name", "pass"}
YES_WORDS = {"yes", "yes i agree", "i agree", "agree", "ok", "okay", "yes please", "yep", "yeah", "sure",
             "that's fine", "thats fine", "fine", "go ahead", "y", "send this summary", "send it", "send",
             "that's right", "thats right", "looks good", "correct"}
NO_WORDS = {"no", "nope", "no i don't", "no i dont", "i don't agree", "i dont agree", "don't agree", "dont agree"}


def is_stop(text: str) -> bool:
    return _normalise(text) in STOP_WORDS


def is_skip(text: str) -> bool:
    return _normalise(text) in SKIP_WORDS


def is_yes(text: str) -> bool:
    return _normalise(text) in YES_WORDS


def is_no(text: str) -> bool:
    return _normalise(text) in NO_WORDS


def passes_through(text: str) -> bool:
    """A form answer that is a choice, not a personal detail: the gateway need not hold it."""
    return is_stop(text) or is_skip(text) or text.startswith("/")


# --- Which council ----------------------------------------------------------------------------


def served_services(content: Content, served: Sequence[str]) -> List[Service]:
    return [content.services[c] for c in served if c in content.services and content.services[c].kind == "council"]


def _names_of(service: Service) -> List[str]:
    return [service.id.replace("-", " "), service.council or "", service.service, *service.aliases, *service.places]


def council_in(text: str, services: Sequence[Service]) -> Optional[str]:
    """The served council a message names: by id, name, alias or a town in it ("I'm in Runcorn")."""
    lowered = " " + _normalise(text.replace("-", " ")) + " "
    best: Optional[str] = None
    best_length = 0
    for service in services:
        for name in _names_of(service):
            wanted = _normalise(name.replace("-", " "))
            if wanted and f" {wanted} " in lowered and len(wanted) > best_length:
                best, best_length = service.id, len(wanted)
    return best


def council_question(services: Sequence[Service]) -> Reply:
    text = ("Which council area do you live in? Each council has its own SENDIASS, so this tells me who "
            "can help you. You can type the name of your town.")
    buttons = [{"title": s.council or s.service, "payload": s.council or s.service} for s in services]
    buttons.append({"title": SOMEWHERE_ELSE, "payload": SOMEWHERE_ELSE})
    return Reply(kind="ask_council", text=text, buttons=buttons)


# --- The enquiry form -------------------------------------------------------------------------


def consent_question(service: Service, retention_days: int) -> Reply:
    text = (
        f"I can pass a message to {service.service} so an adviser can contact you.\n\n"
        "Before you decide, here is what happens:\n"
        f"- I will store your message, how to contact you, a name if you give one, and this conversation "
        f"(with personal details such as emails and phone numbers hidden).\n"
        f"- Only {service.service} staff can see it. They use it to contact you about your question.\n"
        f"- It is deleted after {retention_days} days. You can ask me to delete it sooner: type "
        "\"delete my conversation\".\n\n"
        "Do you agree? You can type \"stop\" at any time and nothing will be saved."
    )
    if service.detail("phone"):
        text += f"\n\nIf you would rather call, {service.service}'s number is {service.detail('phone')}."
    return Reply(kind="ask_consent", text=text, buttons=[
        {"title": YES_CONSENT, "payload": YES_CONSENT}, {"title": STOP, "payload": STOP},
    ])


def name_question() -> Reply:
    return Reply(kind="ask_name", text="What name should the adviser use when they contact you? You can skip this.",
                 buttons=[{"title": SKIP, "payload": SKIP}, {"title": STOP, "payload": STOP}])


def contact_question() -> Reply:
    return Reply(kind="ask_contact", text="How should the adviser contact you? Type an email address or a phone number.",
                 buttons=[{"title": STOP, "payload": STOP}])


def good_time_question() -> Reply:
    choices = ["Any time", "Mornings", "Afternoons", SKIP]
    return Reply(kind="ask_good_time", text="When is a good time to contact you? You can type your own answer.",
                 buttons=[{"title": c, "payload": c} for c in choices] + [{"title": STOP, "payload": STOP}])


def prefilled_summary(topics: Sequence[Entry]) -> Optional[str]:
    """The adviser's summary from what the conversation touched, in the parent's voice."""
    if not topics:
        return None
    titles = [t.title.rstrip("?.") for t in topics[:SUMMARY_TOPICS]]
    return "I would like advice about: " + "; ".join(titles) + "."


def summary_question(prefilled: Optional[str]) -> Reply:
    if prefilled is None:
        return Reply(kind="ask_summary", text="In a sentence or two, what would you like help with?",
                     buttons=[{"title": STOP, "payload": STOP}])
    text = (f"Here is a short summary for the adviser:\n\n\"{prefilled}\"\n\n"
            "You can send it as it is, or type your own words instead.")
    return Reply(kind="ask_summary", text=text, buttons=[
        {"title": USE_SUMMARY, "payload": USE_SUMMARY}, {"title": STOP, "payload": STOP},
    ])


def stopped_reply(service: Optional[Service]) -> Reply:
    text = "OK, I've stopped. Nothing has been saved."
    if service and service.detail("phone"):
        text += f" You can still call {service.service} on {service.detail('phone')}."
    return Reply(kind="enquiry_stopped", text=text, buttons=[TALK_TO_A_PERSON])


def not_served_reply(services: Sequence[Service], national: Sequence[Service]) -> Reply:
    names = ", ".join(s.council or s.service for s in services)
    text = (f"I can only pass messages to the SENDIASS for {names}. I can't send one for your area.\n\n"
            + national_fallback_text(national))
    return Reply(kind="enquiry_stopped", text=text, buttons=[TALK_TO_A_PERSON])


def sent_reply(service: Service, reference: str, method: str, retention_days: int) -> Reply:
    how = "by email" if method == "email" else "by phone"
    text = (f"Thank you. I've sent your message to {service.service}. Your reference is {reference}.\n\n"
            f"An adviser will contact you {how}.")
    if service.detail("phone"):
        text += f" If it is urgent, call {service.detail('phone')}."
    text += (f"\n\nYour message is kept for {retention_days} days. To delete it and this conversation now, "
             "type \"delete my conversation\".")
    return Reply(kind="enquiry_sent", text=text)


def save_failed_reply(service: Optional[Service]) -> Reply:
    text = "Sorry, I couldn't save your message just now, so nothing has been stored."
    if service and service.detail("phone"):
        text += f" Please call {service.service} on {service.detail('phone')}."
    return Reply(kind="failure", text=text, buttons=[TALK_TO_A_PERSON])


# Forgetting a conversation ("delete my conversation").
FORGET_CONFIRM = {"title": "Yes, delete it", "payload": "/forget_confirm"}
FORGET_KEEP = {"title": "No, keep it", "payload": "/forget_cancel"}


#: Words a request to forget the conversation cannot do without. An unsure classifier that leans
#: towards "forget me" for a message with none of them ("what age should kids start swimming?")
#: has simply not understood it: asking "delete this conversation?" would alarm, not help.
DELETION_WORDS = re.compile(r"\b(?:delet\w*|forget\w*|forgot|remov\w*|eras\w*|wipe\w*|clear\w*|get rid|destroy\w*)\b", re.I)


def asks_to_delete(text: str) -> bool:
    return bool(DELETION_WORDS.search(text or ""))


#: Words a question about the assistant itself ("am I talking to a real person?") cannot do
#: without. An unsure lean towards "are you a bot?" for a message with none of them ("we're
#: waiting to hear about a plan") is a guess, not a question about the assistant.
ABOUT_THE_ASSISTANT = re.compile(
    r"\b(?:bot|robot|chat ?bot|human|person|people|real|computer|ai|machine|automated|program|someone|"
    r"somebody|anyone|are you|who are you|what are you|talking to)\b", re.I)


def asks_about_the_assistant(text: str) -> bool:
    return bool(ABOUT_THE_ASSISTANT.search(text or ""))


def forget_question() -> Reply:
    text = ("Do you want me to delete this conversation? This also deletes any message you left for "
            "SENDIASS in it. It cannot be undone.")
    return Reply(kind="ask_forget", text=text, buttons=[FORGET_CONFIRM, FORGET_KEEP])


def forgotten_reply() -> Reply:
    return Reply(kind="forgotten", text="Done. I've deleted this conversation and anything you left in it. "
                                        "If you ask me something new, it starts a new conversation.")


def kept_reply() -> Reply:
    return Reply(kind="greeting", text="OK, I've kept it. What would you like to ask?")


def new_reference(council_id: str) -> str:
    """A reference a parent can read out on the phone: council prefix, six unambiguous characters."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    prefix = re.sub(r"[^A-Z]", "", council_id.upper())[:3] or "ENQ"
    return f"{prefix}-" + "".join(secrets.choice(alphabet) for _ in range(6))

