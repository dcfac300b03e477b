"""The handoff to SENDIASS through the real gateway, Rasa and action server: contact details,
asking which council once, the enquiry form (stored with council, tags and flags), stopping it,
personal data kept out of the conversation store, and "forget me"."""
from __future__ import annotations

import json
import re
import uuid
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa

from bot.db import get_engine

HALTON_PHONE = "0151 511 7733"
HALTON_EMAIL = "SENDpartnership@halton.gov.uk"
LEAVE_ENQUIRY = {"title": "Leave a message for an adviser", "payload": "/leave_enquiry"}
SIX_THOUSAND = "the school says they can't ask for an EHC assessment until they've spent £6,000"


class Conversation:
    def __init__(self, assistant: Any, council: Any = "halton") -> None:
        self.assistant, self.council, self.sender = assistant, council, uuid.uuid4().hex

    def say(self, text: str) -> List[Dict[str, Any]]:
        return self.assistant.chat(text, sender_id=self.sender, council=self.council)["messages"]

    def last(self, text: str) -> Dict[str, Any]:
        return self.say(text)[-1]


def app_rows(assistant: Any, query: str, **params: Any) -> List[Dict[str, Any]]:
    url = f"sqlite:///{assistant.settings.data_dir / 'assistant.db'}"
    with get_engine(url).connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.text(query), params)]


def stored_conversation(assistant: Any, sender: str) -> str:
    """Everything Rasa's tracker store holds for a conversation, as one string."""
    url = f"sqlite:///{assistant.settings.data_dir / 'tracker.db'}"
    with get_engine(url).connect() as connection:
        rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}).scalars().all()
    return "\n".join(rows)


def enquiries_of(assistant: Any, sender: str) -> List[Dict[str, Any]]:
    rows = app_rows(assistant, "SELECT * FROM enquiries WHERE sender_id = :s", s=sender)
    for row in rows:
        for name in ("topics", "flags", "transcript"):
            row[name] = json.loads(row[name]) if isinstance(row[name], str) else row[name]
    return rows


def leave_enquiry(chat: Conversation, name: str = "Sam Taylor", contact: str = "sam.taylor@example.com") -> Dict[str, Any]:
    assert chat.last("/leave_enquiry")["kind"] == "ask_consent"
    assert chat.last("Yes, I agree")["kind"] == "ask_name"
    assert chat.last(name)["kind"] == "ask_contact"
    assert chat.last(contact)["kind"] == "ask_good_time"
    summary = chat.last("Mornings")
    assert summary["kind"] == "ask_summary"
    if {"title": "Send this summary", "payload": "Send this summary"} in summary["buttons"]:
        return chat.last("Send this summary")
    return chat.last("I need help asking for an EHC needs assessment")  # nothing discussed to pre-fill from


def test_whole_handoff_gives_details_then_stores_a_tagged_flagged_enquiry(assistant):
    chat = Conversation(assistant)
    myth = chat.last(SIX_THOUSAND)
    assert myth["entry_id"] == "myth-6000-before-request"
    chat.say("he has been excluded twice this term and I don't know what to do")

    details = chat.last("can I speak to someone")
    assert details["kind"] == "contact"
    assert HALTON_PHONE in details["text"] and HALTON_EMAIL in details["text"]
    assert LEAVE_ENQUIRY in details["buttons"]

    consent = chat.last("/leave_enquiry")
    assert consent["kind"] == "ask_consent"
    assert "Only Halton SENDIASS staff can see it" in consent["text"]
    assert "deleted after 90 days" in consent["text"]
    assert chat.last("Yes, I agree")["kind"] == "ask_name"
    assert chat.last("Sam Taylor")["kind"] == "ask_contact"

    bad = chat.say("sam.taylor@example")
    assert bad[0]["kind"] == "reask"
    assert "doesn't look complete" in bad[0]["text"] and "name@example.com" in bad[0]["text"]
    assert bad[-1]["kind"] == "ask_contact"  # asked again, kindly

    assert chat.last("sam.taylor@example.com")["kind"] == "ask_good_time"
    summary = chat.last("Mornings")
    assert summary["kind"] == "ask_summary"
    assert "I would like advice about:" in summary["text"]
    sent = chat.last("Send this summary")
    assert sent["kind"] == "enquiry_sent"
    reference = re.search(r"Your reference is (HAL-[A-Z0-9]{6})", sent["text"]).group(1)
    assert HALTON_PHONE in sent["text"]

    [enquiry] = enquiries_of(assistant, chat.sender)
    assert enquiry["reference"] == reference
    assert enquiry["council"] == "halton"
    assert (enquiry["name"], enquiry["contact_method"], enquiry["contact"]) == ("Sam Taylor", "email", "sam.taylor@example.com")
    assert enquiry["good_time"] == "Mornings"
    assert enquiry["topics"][0] == "myth-6000-before-request"
    assert enquiry["summary"].startswith("I would like advice about:")
    assert "exclusion" in enquiry["flags"] and enquiry["urgency"] >= 4
    assert enquiry["status"] == "new"
    parent_turns = [t["text"] for t in enquiry["transcript"] if t["who"] == "parent"]
    assert SIX_THOUSAND in parent_turns and "[contact details given]" in parent_turns
    answered = [t for t in enquiry["transcript"] if t.get("entry_id") == "myth-6000-before-request"]
    assert answered and answered[0]["citations"][0]["url"].startswith("https://")
    # The name and contact detail are in the enquiry only: not in the conversation store.
    stored = stored_conversation(assistant, chat.sender)
    assert "sam.taylor@example" not in stored and "Sam Taylor" not in stored
    assert "[contact details given]" in stored
    assert app_rows(assistant, "SELECT * FROM held_details WHERE sender_id = :s", s=chat.sender) == []


@pytest.mark.parametrize("stop_word", ["stop", "Cancel"])
def test_stopping_the_form_at_any_step_stores_nothing(assistant, stop_word):
    chat = Conversation(assistant)
    chat.say("/leave_enquiry")
    chat.say("Yes, I agree")
    chat.say("Sam Taylor")
    chat.say("07700 900123")
    stopped = chat.last(stop_word)
    assert stopped["kind"] == "enquiry_stopped"
    assert "Nothing has been saved" in stopped["text"] and HALTON_PHONE in stopped["text"]
    assert enquiries_of(assistant, chat.sender) == []
    assert app_rows(assistant, "SELECT * FROM held_details WHERE sender_id = :s", s=chat.sender) == []
    # The conversation carries on as normal afterwards.
    assert chat.last(SIX_THOUSAND)["text"].startswith("No. That is a myth.")


def test_declining_consent_stores_nothing(assistant):
    chat = Conversation(assistant)
    chat.say("/leave_enquiry")
    assert chat.last("No")["kind"] == "enquiry_stopped"
    assert enquiries_of(assistant, chat.sender) == []


def test_unknown_council_is_asked_once_and_a_town_name_picks_it(assistant):
    chat = Conversation(assistant, council=None)
    question = chat.last("who can help me")
    assert question["kind"] == "ask_council"
    assert [b["title"] for b in question["buttons"]] == ["Halton Borough Council", "Sefton Council", "Somewhere else"]
    details = chat.last("I live in Runcorn")
    assert details["kind"] == "contact" and HALTON_PHONE in details["text"]
    again = chat.last("give me a phone number")
    assert again["kind"] == "contact" and HALTON_PHONE in again["text"]  # not asked twice


def test_a_council_not_served_gets_the_national_services(assistant):
    chat = Conversation(assistant, council=None)
    assert chat.last("can I speak to someone")["kind"] == "ask_council"
    details = chat.last("Somewhere else")
    assert details["kind"] == "contact"
    assert "IPSEA" in details["text"] and HALTON_PHONE not in details["text"]
    assert LEAVE_ENQUIRY not in details["buttons"]


def test_a_served_council_chosen_by_button_without_details_points_to_national_services(assistant):
    chat = Conversation(assistant, council=None)
    chat.say("can I speak to someone")
    details = chat.last("Sefton Council")
    assert "don't have contact details" in details["text"] and "IPSEA" in details["text"]


def test_personal_details_are_masked_in_the_store_and_the_transcript_but_not_the_council(assistant):
    chat = Conversation(assistant)
    replies = chat.say("My son's NHS number is 943 476 5919 and we live in Halton, WA7 2GP. "
                       "Can I ask for an EHC needs assessment myself?")
    # The conversation goes on: an answer, the closest topics, or (it reads like a parent giving
    # their details) the SENDIASS contact; never a failure.
    assert replies[0]["kind"] in ("answer", "clarify", "contact")
    notices = [m for m in replies if m["kind"] == "privacy"]
    assert len(notices) == 1 and replies[-1] is notices[0]
    assert "an NHS number and a postcode" in notices[0]["text"]
    second = chat.say("you can reach me on 07700 900123 or jo.bloggs@example.com")
    assert not [m for m in second if m["kind"] == "privacy"]  # told once only

    stored = stored_conversation(assistant, chat.sender)
    for secret in ("943 476 5919", "WA7 2GP", "07700 900123", "jo.bloggs@example.com"):
        assert secret not in stored
    for placeholder in ("[hidden ID]", "[hidden postcode]", "[hidden tel]", "[hidden e-mail]"):
        assert placeholder in stored
    assert "we live in Halton" in stored

    assert leave_enquiry(chat)["kind"] == "enquiry_sent"
    [enquiry] = enquiries_of(assistant, chat.sender)
    transcript = json.dumps(enquiry["transcript"])
    assert "jo.bloggs@example.com" not in transcript and "943 476 5919" not in transcript
    assert "[hidden ID]" in transcript and "we live in Halton" in transcript
    assert enquiry["contact"] == "sam.taylor@example.com"  # the one detail given, with consent, for the enquiry


def test_forget_me_deletes_the_conversation_and_its_enquiry(assistant):
    chat = Conversation(assistant)
    chat.say(SIX_THOUSAND)
    assert leave_enquiry(chat)["kind"] == "enquiry_sent"
    assert chat.last("please delete my conversation")["kind"] == "ask_forget"  # asked first, whatever the classifier thought
    done = chat.last("/forget_confirm")
    assert done["kind"] == "forgotten"
    assert enquiries_of(assistant, chat.sender) == []
    assert stored_conversation(assistant, chat.sender) == ""


def test_unanswered_questions_are_logged_masked_for_the_content_editors(assistant):
    chat = Conversation(assistant)
    chat.say("blorp wibble frobnicate 943 476 5919")
    rows = app_rows(assistant, "SELECT text, kind FROM unanswered_questions WHERE sender_id = :s", s=chat.sender)
    assert [r["text"] for r in rows] == ["blorp wibble frobnicate [hidden ID]"]
    assert rows[0]["kind"] in ("not_understood", "clarify", "low_confidence")
