"""Whole conversations through the gateway, with the real Rasa and action servers: follow-ups
about the topic under discussion, safeguarding first, other nations, the fields the widget and the
evaluation read."""
from __future__ import annotations

import uuid

import pytest

from bot.knowledge.loader import load_knowledge
from bot.settings import PROJECT_ROOT

HALTON_PHONE = "0151 511 7733"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(PROJECT_ROOT / "knowledge")


def labels(kb, entry_id):
    return [kb.render_citation(c)["label"] for c in kb.entry(entry_id).citations]


def conversation(assistant):
    sender = uuid.uuid4().hex

    def say(text):
        return assistant.chat(text, sender_id=sender)["messages"]

    return say


def test_follow_ups_are_answered_about_the_topic_under_discussion(assistant, kb):
    say = conversation(assistant)
    first = say("Can I ask the council for an EHC needs assessment myself?")
    assert first[0]["entry_id"] in {"ehc-request-who-can-ask", "true-parents-can-request"}

    refused = say("what if they say no?")
    assert refused[0]["entry_id"] == "ehc-refusal-what-next"
    assert [c["label"] for c in refused[0]["citations"]] == labels(kb, "ehc-refusal-what-next")

    source = say("where does it say that?")
    assert source[0]["kind"] == "source"
    assert source[0]["entry_id"] == "ehc-refusal-what-next"
    assert [c["label"] for c in source[0]["citations"]] == labels(kb, "ehc-refusal-what-next")
    assert all(c["url"].startswith("https://") for c in source[0]["citations"])

    deadline = say("how long do I have?")
    assert deadline[0]["entry_id"] == "tribunal-appeal-deadline"


def test_how_long_after_asking_for_an_assessment_is_the_six_week_decision(assistant, kb):
    say = conversation(assistant)
    say("how do I request an EHC needs assessment from the council")
    reply = say("how long does that take?")
    assert reply[0]["entry_id"] == "ehc-decision-six-weeks"
    assert [c["label"] for c in reply[0]["citations"]] == labels(kb, "ehc-decision-six-weeks")


def test_where_does_it_say_that_with_nothing_discussed_asks_which_topic(assistant):
    reply = conversation(assistant)("where does it say that?")
    assert reply[0]["kind"] in {"not_understood", "clarify"}
    assert {"title": "Talk to a person", "payload": "/ask_for_person"} in reply[0]["buttons"]
    assert not reply[0]["citations"]


def test_safeguarding_comes_first_even_inside_a_send_question(assistant):
    reply = conversation(assistant)(
        "my son has autism and he told me a member of staff dragged him across the hall, "
        "can I ask for an EHC needs assessment?"
    )
    first = reply[0]
    assert first["signpost"] == "safeguarding"
    assert first["text"].startswith("If a child is in immediate danger, call 999 now.")
    assert "0151 907 8305" in first["text"]  # Halton children's services (iCART)
    assert "0808 800 5000" in first["text"]  # NSPCC


def test_a_plain_safeguarding_message_gets_the_signposting(assistant):
    reply = conversation(assistant)("i think my daughter is being abused at home")
    assert reply[0]["signpost"] == "safeguarding"
    assert "999" in reply[0]["text"]


@pytest.mark.parametrize("text, nation, advice", [
    ("we live in Cardiff, how do I ask for an EHCP?", "wales", "SNAP Cymru"),
    ("im in scotland, does the send code of practice apply to us", "scotland", "0345 123 2303"),
    ("my son is at primary school in Belfast and needs help", "northern-ireland", "nidirect"),
])
def test_other_nations_get_the_note_not_englands_paragraphs(assistant, text, nation, advice):
    reply = conversation(assistant)(text)
    assert reply[0]["signpost"] == nation
    assert "cover England only" in reply[0]["text"]
    assert advice in reply[0]["text"]
    assert all(not m["citations"] for m in reply)


def test_a_long_hello_is_answered_as_the_question_it_is(assistant):
    reply = conversation(assistant)(
        "hi there, my daughter's school says they have to spend £6,000 on her support "
        "before they can ask for an EHC needs assessment, is that true?"
    )
    assert reply[0]["text"].startswith("No. That is a myth.")
    assert reply[0]["entry_id"] == "myth-6000-before-request"


def test_answers_carry_their_kind_and_candidates(assistant):
    reply = conversation(assistant)("what is SEN support?")
    assert reply[0]["kind"] == "answer"
    assert reply[0]["entry_id"] == "what-is-sen-support"
    assert reply[0]["candidates"][0] == "what-is-sen-support"
    assert len(reply[0]["candidates"]) <= 3


def test_council_tax_is_not_answered_with_a_paragraph(assistant):
    reply = conversation(assistant)("how do I pay my council tax?")
    assert reply[0]["kind"] == "out_of_scope"
    assert all(not m["citations"] for m in reply)
    assert HALTON_PHONE in reply[0]["text"]


@pytest.mark.parametrize("text", [
    "do we qualify for free school meals, my son is in year 3",
    "how do I apply for a reception place for my daughter",
])
def test_other_services_school_parents_ask_about_get_contact_your_council_not_a_paragraph(assistant, text):
    reply = conversation(assistant)(text)
    assert reply[0]["kind"] == "out_of_scope"
    assert "please contact your council directly" in reply[0]["text"]
    assert all(not m["citations"] for m in reply)


def test_which_part_of_the_act_says_that_gives_the_last_answers_law(assistant, kb):
    say = conversation(assistant)
    assert say("what is the legal test for an EHC needs assessment")[0]["entry_id"] == "ehc-legal-test"
    source = say("which part of the act says that?")
    assert source[0]["kind"] == "source" and source[0]["entry_id"] == "ehc-legal-test"
    assert "Children and Families Act 2014, section 36(8)" in [c["label"] for c in source[0]["citations"]]


def test_a_retold_myth_gets_the_verdict(assistant):
    reply = conversation(assistant)("my neighbour reckons ehcps stop when they turn 16, is that true")
    assert reply[0]["entry_id"] == "myth-plan-ends-at-16"
    assert reply[0]["text"].startswith("No. That is a myth.")


def test_a_parent_asking_whether_they_can_ask_is_never_told_no(assistant):
    reply = conversation(assistant)("can parents ask for an EHC needs assessment directly or is that a myth?")
    assert not reply[0]["text"].startswith("No.")
    assert reply[0]["entry_id"] in {"ehc-request-who-can-ask", "true-parents-can-request"}


def test_restraint_with_injuries_is_signposted_first_and_never_turned_away(assistant):
    reply = conversation(assistant)("the school keep restraining my daughter and she has bruises on her arms")
    assert reply[0]["signpost"] == "safeguarding"
    assert all("can't help" not in m["text"] for m in reply)


@pytest.mark.parametrize("text", [
    "a teacher hit my son today, i need to speak to someone",
    "can i talk to a person, my daughter said a TA hurt her",
])
def test_a_child_at_risk_in_a_request_for_a_person_is_signposted_first_then_the_details(assistant, text):
    """The classifier takes these for "I want a person"; the signposting comes first all the same."""
    reply = conversation(assistant)(text)
    assert reply[0]["signpost"] == "safeguarding"
    assert reply[0]["text"].startswith("If a child is in immediate danger, call 999 now.")
    assert sum(1 for m in reply if m.get("signpost") == "safeguarding") == 1
    assert any(HALTON_PHONE in m["text"] for m in reply[1:])  # and the person they asked for


def test_a_child_at_risk_mentioned_while_writing_the_letter_is_signposted_first(assistant):
    say = conversation(assistant)
    say("can you help me write a letter asking for an EHC needs assessment")
    reply = say("he came home with bruises on his arms again")
    assert reply[0]["signpost"] == "safeguarding"


def test_a_retold_only_school_myth_is_called_a_myth_and_a_checked_right_is_confirmed(assistant):
    """The two claims share nearly every word; the wording that states each one settles the verdict."""
    myth = conversation(assistant)("our nursery says parents aren't allowed to ask the council for an EHC needs assessment, is that right?")
    assert myth[0]["entry_id"] == "myth-only-school-can-request"
    assert myth[0]["text"].startswith("No. That is a myth.")
    true = conversation(assistant)("is it true that mums and dads can send the EHC needs assessment request to the council themselves?")
    assert true[0]["entry_id"] == "true-parents-can-request"
    assert true[0]["text"].startswith("Yes, that is right.")
