"""Safeguarding and other-nation signposts, and where follow-ups lead: the content and the
detection, without Rasa."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import answering
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.store import content_from_kb
from bot.settings import PROJECT_ROOT
from bot.signposts import nation_in, safeguarding_concern


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(PROJECT_ROOT / "knowledge")


@pytest.fixture(scope="module")
def content(kb):
    return content_from_kb(kb)


@pytest.mark.parametrize("text", [
    "my son says his dad hits him when he has a meltdown",
    "I think my daughter is being abused",
    "she keeps talking about suicide",
    "he has started self-harming and the school won't do anything",
    "a member of staff dragged him across the hall",
    "my 9 year old said he wants to die",
    "he came home with bruises on his arms after being restrained",
    "my son was locked in a room on his own at school",
    "staff have been restraining her in the corridor most days",
    "he came home with scratches all over his back and he cannot tell me why",
    "the TA held him down on the floor to stop him running",
    "she had a split lip when i picked her up",
    "he ran off from school at lunch and nobody knew where he was for an hour",
    "my son went missing from the playground at breaktime",
    "a neighbour found her wandering in the street in her uniform",
    "she slipped out of the school gates and staff didn't notice",
])
def test_a_child_at_risk_is_recognised(text):
    assert safeguarding_concern(text)


@pytest.mark.parametrize("text", [
    "can I ask for an EHC needs assessment myself?",
    "the school says they have to spend £6,000 first",
    "how long does the council have to decide?",
    "my daughter struggles with reading and spelling",
    "what is a hit rate for ehcp requests",
    "he came home with a letter about the annual review",
    "can school put restrictions on what he brings in for lunch",
    "he runs off in class when he is overwhelmed, what support should he get",
    "missing school because of anxiety, what can the council do",
    "can he get out of PE because of his dyspraxia",
])
def test_an_ordinary_question_is_not_flagged(text):
    assert not safeguarding_concern(text)


def test_safeguarding_reply_gives_999_first_then_the_councils_childrens_services(content):
    halton = answering.find_service(content, "halton")
    reply = answering.safeguarding_reply(content.safeguarding, halton)
    assert reply.text.startswith("If a child is in immediate danger, call 999 now.")
    assert "0151 907 8305" in reply.text  # Halton iCART, from services.yml
    assert "0345 050 0148" in reply.text  # out of hours
    assert "0808 800 5000" in reply.text  # NSPCC
    assert reply.signpost == "safeguarding"


def test_safeguarding_reply_without_content_still_gives_999():
    reply = answering.safeguarding_reply(None, None)
    assert "999" in reply.text and "0808 800 5000" in reply.text


@pytest.mark.parametrize("text, nation", [
    ("we live in Cardiff, can I ask for an EHCP?", "wales"),
    ("my son's school is in Glasgow", "scotland"),
    ("we're in Northern Ireland", "northern-ireland"),
    ("Belfast here, what is a statement", "northern-ireland"),
    ("does the welsh system have ehcps", "wales"),
])
def test_a_place_outside_england_names_its_nation(content, text, nation):
    found = nation_in(text, content.nations)
    assert found is not None and found.id == nation


@pytest.mark.parametrize("text", [
    "we live in Newport Pagnell", "Barry the SENCO said no", "can I ask for an EHCP?", "we moved from Runcorn",
])
def test_places_in_england_and_names_are_not_taken_for_another_nation(content, text):
    assert nation_in(text, content.nations) is None


def test_nation_reply_says_the_code_is_englands_and_where_to_go(content):
    wales = next(n for n in content.nations if n.id == "wales")
    reply = answering.nation_reply(wales)
    assert "cover England only" in reply.text
    assert "SNAP Cymru" in reply.text and "https://www.snapcymru.org" in reply.text
    assert reply.citations == []  # no paragraph of England's Code for a parent in Wales


@pytest.mark.parametrize("entry, expected", [
    ("ehc-request-who-can-ask", {"if_refused": "ehc-refusal-what-next", "how_long": "ehc-decision-six-weeks"}),
    ("what-is-an-ehc-needs-assessment", {"if_refused": "ehc-refusal-what-next", "how_long": "ehc-timescale-20-weeks"}),
    ("ehc-refusal-what-next", {"if_refused": "tribunal-what-can-be-appealed", "how_long": "tribunal-appeal-deadline"}),
    ("myth-6000-before-request", {"if_refused": "ehc-request-who-can-ask", "how_long": "ehc-decision-six-weeks"}),
    ("what-is-sen-support", {"if_refused": "unhappy-with-school-support"}),
    # Not the tribunal, which hears the council's EHC decisions, not the school's SEN support.
    ("unhappy-with-school-support", {"if_refused": "disagreement-resolution"}),
    ("what-is-sendiass", {}),
])
def test_follow_ups_lead_where_the_rules_say(kb, entry, expected):
    assert kb.follow_ups_of(entry) == expected


def test_a_follow_up_to_an_unknown_entry_is_refused_naming_it(tmp_path):
    copy = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", copy)
    path = copy / "follow_ups.yml"
    path.write_text(path.read_text().replace("if_refused: ehc-refusal-what-next", "if_refused: no-such-entry", 1))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(copy)
    assert any("follow_ups.yml" in p and "no-such-entry" in p for p in error.value.problems)


def test_source_reply_repeats_the_citations_of_the_answer(content):
    entry = content.entries["ehc-request-who-can-ask"]
    reply = answering.source_reply(entry)
    assert reply.citations == entry.citations
    for citation in entry.citations:
        assert citation["label"] in reply.text
