"""The handoff's small decisions, without a running assistant: which council a parent named, what
counts as "stop", what the gateway holds back from the conversation, the urgency flags."""
from __future__ import annotations

from typing import Iterator

import pytest

from bot import handoff
from bot.knowledge.loader import load_knowledge
from bot.knowledge.store import content_from_kb
from bot.settings import PROJECT_ROOT
from bot.urgency import flags_in, urgency_of


@pytest.fixture(scope="module")
def services() -> Iterator[list]:
    content = content_from_kb(load_knowledge(PROJECT_ROOT / "knowledge"))
    yield handoff.served_services(content, ("halton", "sefton"))


@pytest.mark.parametrize("text, council", [
    ("Halton Borough Council", "halton"),
    ("I live in Runcorn", "halton"),
    ("widnes", "halton"),
    ("we're in Bootle near Liverpool", "sefton"),
    ("Sefton Council", "sefton"),
    ("southport", "sefton"),
    ("Somewhere else", None),
    ("Leeds", None),
    ("I'd rather not say", None),
])
def test_council_named_by_name_alias_or_town(services, text, council):
    assert handoff.council_in(text, services) == council


def test_council_question_offers_each_served_council_and_somewhere_else(services):
    reply = handoff.council_question(services)
    assert [b["payload"] for b in reply.buttons] == ["Halton Borough Council", "Sefton Council", "Somewhere else"]
    # Each button's payload is words, so tapping it and typing it are the same to the form.
    assert all(not b["payload"].startswith("/") for b in reply.buttons)


@pytest.mark.parametrize("text", ["stop", "STOP", "Cancel", "never mind", "no thanks", "Stop."])
def test_stop_words_end_the_form(text):
    assert handoff.is_stop(text)


@pytest.mark.parametrize("text", ["Sam", "Mornings", "sam@example.com", "stop the school excluding him"])
def test_answers_are_not_stop_words(text):
    assert not handoff.is_stop(text)


def test_consent_question_says_what_is_stored_who_sees_it_and_for_how_long(services):
    halton = services[0]
    text = handoff.consent_question(halton, 45).text
    assert "how to contact you" in text and "this conversation" in text
    assert "Only Halton SENDIASS staff can see it" in text
    assert "deleted after 45 days" in text
    assert "\"stop\"" in text


def test_gateway_holds_name_and_contact_answers_but_passes_choices_through():
    assert handoff.HELD_SLOTS == {"enquiry_name": "name", "enquiry_contact": "contact"}
    assert handoff.passes_through("Skip") and handoff.passes_through("stop") and handoff.passes_through("/leave_enquiry")
    assert not handoff.passes_through("sam@example.com")


def test_summary_is_prefilled_from_the_topics_discussed():
    class Topic:
        def __init__(self, title: str) -> None:
            self.title = title

    summary = handoff.prefilled_summary([Topic("Can I ask for an EHC needs assessment myself?"), Topic("What is SEN support?")])
    assert summary == "I would like advice about: Can I ask for an EHC needs assessment myself; What is SEN support."
    assert handoff.prefilled_summary([]) is None


def test_reference_is_readable_on_the_phone():
    reference = handoff.new_reference("stockton-on-tees")
    assert reference.startswith("STO-") and len(reference) == 10
    assert not set(reference[4:]) & set("01IOL")  # no characters that are easily confused


@pytest.mark.parametrize("texts, flags", [
    (["he has been excluded for 5 days"], ["exclusion"]),
    (["the appeal deadline is next week, do I need a mediation certificate"], ["deadline"]),
    (["she has had no school place since September"], ["no_school_place"]),
    (["my son says his dad hits him", "and they sent him home from school"], ["safeguarding", "exclusion"]),
    (["what is SEN support?"], []),
])
def test_urgency_flags_found_in_what_the_parent_wrote(texts, flags):
    assert flags_in(texts) == flags


def test_urgency_ranks_safeguarding_above_the_rest():
    assert urgency_of(["safeguarding"]) > urgency_of(["exclusion"]) == urgency_of(["deadline"]) > urgency_of([])
    assert urgency_of(["exclusion", "deadline"]) == urgency_of(["exclusion"]) + urgency_of(["deadline"])
