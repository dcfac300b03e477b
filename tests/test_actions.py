"""The custom actions, as a parent would see their replies: rasa_sdk's real Tracker and
CollectingDispatcher, the real knowledge base published into a SQLite file, no Rasa server.

The classifier's output is given by hand (intent_ranking), so each test pins what the actions do
with one kind of NLU result: confident, ambiguous, a button press, or nothing recognised.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.store import load_and_publish

PROJECT = Path(__file__).resolve().parent.parent
KNOWLEDGE = PROJECT / "knowledge"

HALTON_PHONE = "0151 511 7733"
HALTON_EMAIL = "SENDpartnership@halton.gov.uk"
HALTON_WEBSITE = "https://sendiasshalton.co.uk/"
TALK_TO_A_PERSON = {"title": "Talk to a person", "payload": "/ask_for_person"}
#: A UK phone number as people write them: 0151 511 7733, 020 7608 8700, 01642527145, +44 ...
UK_PHONE = re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")


@pytest.fixture(scope="module")
def actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The actions module, reading a fresh SQLite copy of the real knowledge base, default council
    Halton. The environment is restored when the module's tests are done."""
    url = f"sqlite:///{tmp_path_factory.mktemp('actions') / 'assistant.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.delenv("DEFAULT_COUNCIL", raising=False)
        load_and_publish(knowledge_dir=KNOWLEDGE, url=url)
        import actions.actions as module

        yield module


def tracker(
    text: str,
    ranking: Sequence[Tuple[str, float]] = (),
    metadata: Optional[Dict[str, Any]] = None,
    slots: Optional[Dict[str, Any]] = None,
) -> Tracker:
    intent = {"name": ranking[0][0], "confidence": ranking[0][1]} if ranking else {"name": "nlu_fallback", "confidence": 1.0}
    latest_message = {
        "text": text,
        "intent": intent,
        "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking],
        "entities": [],
        "metadata": metadata or {},
    }
    all_slots = {"council": None, "current_topic": None, **(slots or {})}
    return Tracker("parent-1", all_slots, latest_message, [], False, None, {}, "action_listen")


def run(action: Any, t: Tracker) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """Run one action; return its one reply (text, buttons, citations) and its events."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    assert len(dispatcher.messages) == 1, dispatcher.messages
    reply = dispatcher.messages[0]["custom"]
    assert {"text", "buttons", "citations"} <= set(reply)
    return reply, events


def code_paragraphs(reply: Dict[str, Any]) -> List[str]:
    return [c["paragraph"] for c in reply["citations"] if c.get("paragraph")]


# --- action_answer -------------------------------------------------------------------------------

def test_confident_myth_is_called_a_myth_with_citation_and_phone(actions):
    reply, events = run(actions.ActionAnswer(), tracker(
        "is it true the school has to spend £6000 before they can apply for an ehcp",
        [("m_myth_6000_before_request", 0.9), ("q_six_thousand_threshold", 0.05)],
    ))
    assert reply["text"].startswith("No. That is a myth."), reply["text"]
    assert "6.95 to 6.99" in code_paragraphs(reply)
    assert HALTON_PHONE in reply["text"]
    assert TALK_TO_A_PERSON in reply["buttons"]
    assert events == [SlotSet("current_topic", "myth-6000-before-request")]


def test_confident_true_statement_is_confirmed_not_called_a_myth(actions):
    # "ehcp" is a glossary term, found by the pipeline as EHC_PLAN (a message with no SEND word
    # needs its words to match the answer, or a classifier at 0.9).
    reply, events = run(actions.ActionAnswer(), with_entities(tracker(
        "is it true i can apply for an ehcp myself",
        [("m_true_parents_can_request", 0.88), ("q_ehc_request_how", 0.06)],
    ), "EHC_PLAN"))
    assert reply["text"].startswith("Yes, that is right."), reply["text"]
    assert "myth" not in reply["text"].lower()
    assert HALTON_PHONE in reply["text"]
    assert events == [SlotSet("current_topic", "true-parents-can-request")]


def test_confident_answer_has_law_citation_related_buttons_and_a_person(actions):
    reply, events = run(actions.ActionAnswer(), tracker(
        "what is the legal test for an ehc needs assessment",
        [("q_ehc_legal_test", 0.91), ("q_ehc_evidence_considered", 0.04)],
    ))
    assert reply["text"].startswith("The legal test is low."), reply["text"]
    assert "No. That is a myth." not in reply["text"]
    law = [c for c in reply["citations"] if c.get("section") == "section 36(8)"]
    assert law, reply["citations"]
    assert law[0]["url"].endswith("/ukpga/2014/6/section/36")
    assert "9.14" in code_paragraphs(reply)
    assert "Where this comes from:" in reply["text"]
    assert HALTON_PHONE in reply["text"]
    payloads = [b["payload"] for b in reply["buttons"]]
    assert payloads[:2] == ["/q_ehc_evidence_considered", "/q_ehc_refusal_what_next"]
    assert all(b["title"] for b in reply["buttons"])
    assert reply["buttons"][-1] == TALK_TO_A_PERSON
    assert events == [SlotSet("current_topic", "ehc-legal-test")]


def test_button_payload_answers_that_entry(actions):
    reply, events = run(actions.ActionAnswer(), tracker(
        "/q_meetings_three_times_a_year", [("q_meetings_three_times_a_year", 1.0)],
    ))
    assert reply["text"].startswith("At least three times a year."), reply["text"]
    assert "6.65" in code_paragraphs(reply)
    assert HALTON_PHONE in reply["text"]
    assert events == [SlotSet("current_topic", "meetings-three-times-a-year")]


def test_myth_button_from_a_related_list_answers_the_myth(actions):
    reply, events = run(actions.ActionAnswer(), tracker(
        "/m_myth_6000_before_request", [("m_myth_6000_before_request", 1.0)],
    ))
    assert reply["text"].startswith("No. That is a myth.")
    assert events == [SlotSet("current_topic", "myth-6000-before-request")]


def test_off_topic_looking_message_without_send_words_is_not_guessed_at(actions):
    reply, events = run(actions.ActionAnswer(), tracker(
        "what about that thing they mentioned", [("q_mediation", 0.35), ("q_ehc_naming_a_school", 0.33)],
    ))
    assert reply["text"].startswith("Sorry, I'm not sure I understood.")
    assert HALTON_PHONE in reply["text"]
    assert events == []


def test_two_unrelated_close_low_entries_ask_which_is_closest(actions):
    text = "what about that thing they mentioned"
    ranking = [("q_mediation", 0.35), ("q_ehc_naming_a_school", 0.345)]  # closer than the margin
    # Precondition: the lexical search does not confirm either candidate.
    content = actions._repository.current()
    hits = [entry_id for entry_id, _ in actions.lexical_index(content).search(text, k=3)]
    assert not hits or hits[0] not in {"mediation", "ehc-naming-a-school"}, hits

    unsure = tracker(text, ranking)
    unsure.latest_message["entities"] = [{"entity": "SEN", "value": "special educational needs"}]  # a SEND word
    reply, events = run(actions.ActionAnswer(), unsure)
    assert "Which of these is closest?" in reply["text"]
    assert [b["payload"] for b in reply["buttons"]] == ["/q_mediation", "/q_ehc_naming_a_school", "/ask_for_person"]
    assert reply["buttons"][0]["title"] == content.entries["mediation"].title
    assert reply["buttons"][1]["title"] == content.entries["ehc-naming-a-school"].title
    assert reply["citations"] == []
    # The closest candidate stands as the topic, so a follow-up ("what if they say no?") has one.
    assert events == [SlotSet("current_topic", "mediation")]


def test_lexical_search_settles_a_tie_between_two_candidates(actions):
    reply, events = run(actions.ActionAnswer(), tracker(
        "what is mediation and do i have to do it",
        [("q_ehc_naming_a_school", 0.33), ("q_mediation", 0.33)],
    ))
    assert events == [SlotSet("current_topic", "mediation")]
    assert "Which of these is closest?" not in reply["text"]
    assert HALTON_PHONE in reply["text"]


def test_plain_question_is_not_answered_with_a_barely_ranked_related_myth(actions):
    reply, events = run(actions.ActionAnswer(), tracker(
        "what is the legal test for an ehc assessment",
        [("q_ehc_legal_test", 0.45), ("m_myth_6000_before_request", 0.02)],
    ))
    assert not reply["text"].startswith("No. That is a myth."), reply["text"]
    assert events == [SlotSet("current_topic", "ehc-legal-test")]


def test_button_for_an_entry_no_longer_published_still_gets_a_reply(actions):
    reply, events = run(actions.ActionAnswer(), tracker("/q_withdrawn_entry", [("q_withdrawn_entry", 1.0)]))
    assert HALTON_PHONE in reply["text"]
    assert events == []


def test_local_council_from_metadata_changes_the_phone_line(actions):
    reply, _ = run(actions.ActionAnswer(), tracker(
        "/q_meetings_three_times_a_year", [("q_meetings_three_times_a_year", 1.0)],
        metadata={"council": "greenwich"},
    ))
    assert reply["text"].startswith("At least three times a year.")
    assert HALTON_PHONE not in reply["text"]
    assert "https://www.ipsea.org.uk/" in reply["text"]
    assert not UK_PHONE.search(reply["text"]), reply["text"]


# --- action_not_understood -----------------------------------------------------------------------

def test_not_understood_gibberish_says_so_and_gives_the_phone(actions):
    reply, events = run(actions.ActionNotUnderstood(), tracker("asdf qwer zxcv", []))
    assert "not sure I understood" in reply["text"]
    assert HALTON_PHONE in reply["text"]
    assert reply["buttons"] == [TALK_TO_A_PERSON]
    assert reply["citations"] == []
    assert events == []


def test_not_understood_with_only_low_unconfirmed_guesses_says_so(actions):
    reply, events = run(actions.ActionNotUnderstood(), tracker(
        "asdf qwer zxcv", [("q_mediation", 0.2), ("greet", 0.15), ("q_ehc_draft_plan", 0.1)],
    ))
    assert "not sure I understood" in reply["text"]
    assert events == []


def test_not_understood_answers_a_related_pair_at_the_top(actions):
    reply, events = run(actions.ActionNotUnderstood(), tracker(
        "school wont ask for an assessment until theyve spent loads",
        [("q_ehc_legal_test", 0.34), ("m_myth_6000_before_request", 0.32)],
    ))
    assert reply["text"].startswith("No. That is a myth.")
    assert events == [SlotSet("current_topic", "myth-6000-before-request")]


def test_not_understood_for_a_council_without_details_points_to_national_services(actions):
    reply, _ = run(actions.ActionNotUnderstood(), tracker("asdf qwer zxcv", [], slots={"council": "greenwich"}))
    assert "not sure I understood" in reply["text"]
    assert "https://www.ipsea.org.uk/" in reply["text"]
    assert not UK_PHONE.search(reply["text"]), reply["text"]


# --- action_sendiass_contact ---------------------------------------------------------------------

def test_contact_gives_haltons_phone_email_and_website_by_default(actions):
    assert "DEFAULT_COUNCIL" not in os.environ
    reply, events = run(actions.ActionSendiassContact(), tracker("how do i contact sendiass", [("ask_for_person", 0.97)]))
    assert "Halton SENDIASS" in reply["text"]
    assert f"Phone: {HALTON_PHONE}" in reply["text"]
    assert f"Email: {HALTON_EMAIL}" in reply["text"]
    assert f"Website: {HALTON_WEBSITE}" in reply["text"]
    assert "Opening hours" not in reply["text"]  # none held: nothing invented
    assert events == []


def test_contact_by_council_alias(actions):
    reply, _ = run(actions.ActionSendiassContact(), tracker("contact", [], metadata={"council": "Halton Borough Council"}))
    assert f"Phone: {HALTON_PHONE}" in reply["text"]


def test_contact_for_a_council_without_details_lists_national_services_and_no_phone(actions):
    reply, _ = run(actions.ActionSendiassContact(), tracker("contact", [], metadata={"council": "greenwich"}))
    text = reply["text"]
    assert "don't have contact details for your local SENDIASS" in text
    assert "https://www.ipsea.org.uk/" in text
    assert "https://contact.org.uk/" in text
    assert "search for 'SENDIASS'" in text
    assert HALTON_PHONE not in text
    assert UK_PHONE.findall(text) == [], text


def test_metadata_council_overrides_the_slot(actions):
    reply, _ = run(actions.ActionSendiassContact(), tracker(
        "contact", [], metadata={"council": "greenwich"}, slots={"council": "halton"},
    ))
    assert HALTON_PHONE not in reply["text"]


# --- action_out_of_scope -------------------------------------------------------------------------

def test_out_of_scope_says_it_cannot_help_and_gives_the_phone(actions):
    reply, events = run(actions.ActionOutOfScope(), tracker("when is my bin collection", [("out_of_scope", 0.95)]))
    assert "can't help with that" in reply["text"]
    assert HALTON_PHONE in reply["text"]
    assert reply["buttons"] == [TALK_TO_A_PERSON]
    assert events == []


# --- issue 4: declining only what is really not about SEND ---------------------------------------

def with_entities(t: Tracker, *labels: str) -> Tracker:
    t.latest_message["entities"] = [{"entity": label, "value": label.lower()} for label in labels]
    return t


def run_all(action: Any, t: Tracker) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, t, {})
    return [m["custom"] for m in dispatcher.messages]


def test_another_service_gets_contact_your_council_however_sure_the_classifier(actions):
    t = with_entities(tracker("does my son get free school meals", [("q_right_to_achieve_best", 0.7)]), "FREE_SCHOOL_MEALS")
    reply, events = run(actions.ActionAnswer(), t)
    assert reply["kind"] == "out_of_scope"
    assert "please contact your council directly" in reply["text"]
    assert HALTON_PHONE in reply["text"]
    assert reply["citations"] == [] and events == []


def test_another_service_beside_a_send_word_is_answered(actions):
    t = with_entities(tracker("my son has an EHC plan, can the school refuse him free school meals because of it",
                              [("q_what_is_an_ehc_plan", 0.7)]), "EHC_PLAN", "FREE_SCHOOL_MEALS")
    reply, _ = run(actions.ActionAnswer(), t)
    assert reply["kind"] == "answer" and reply["entry_id"] == "what-is-an-ehc-plan"


@pytest.mark.parametrize("action", ["ActionNotUnderstood", "ActionOutOfScope", "ActionAnswer"])
def test_where_does_it_say_that_in_other_words_gives_the_topics_citations(actions, action):
    t = tracker("which part of the act is that", [("nlu_fallback", 0.3), ("q_best_endeavours", 0.13)],
                slots={"current_topic": "ehc-legal-test"})
    if action != "ActionNotUnderstood":
        t.latest_message["intent_ranking"] = t.latest_message["intent_ranking"][1:]
        t.latest_message["intent"] = {"name": "out_of_scope" if action == "ActionOutOfScope" else "q_best_endeavours", "confidence": 0.5}
    reply, events = run(getattr(actions, action)(), t)
    assert reply["kind"] == "source" and reply["entry_id"] == "ehc-legal-test"
    assert any("section 36(8)" in c["label"] for c in reply["citations"])


def test_where_does_it_say_that_with_nothing_discussed_is_not_a_source_reply(actions):
    reply, _ = run(actions.ActionNotUnderstood(), tracker("which part of the act is that", [("nlu_fallback", 0.3), ("q_best_endeavours", 0.13)]))
    assert reply["kind"] != "source"


def test_an_unsure_guess_at_forget_me_without_a_deletion_word_does_not_offer_to_delete(actions):
    reply, _ = run(actions.ActionNotUnderstood(), tracker(
        "what time does the swimming pool open", [("nlu_fallback", 0.3), ("forget_me", 0.17), ("out_of_scope", 0.1)]))
    assert reply["kind"] != "ask_forget" and "delete" not in reply["text"]


def test_an_unsure_delete_my_chat_still_asks_first(actions):
    reply, _ = run(actions.ActionNotUnderstood(), tracker("pls delete this chat", [("nlu_fallback", 0.3), ("forget_me", 0.25)]))
    assert reply["kind"] == "ask_forget"


def test_after_safeguarding_signposting_a_parent_is_not_told_sorry_i_cant_help(actions):
    replies = run_all(actions.ActionOutOfScope(), tracker(
        "staff keep restraining him and he came home with scratches on his arms", [("out_of_scope", 0.7)]))
    assert [r["kind"] for r in replies] == ["safeguarding", "contact"]
    assert replies[0]["text"].startswith("If a child is in immediate danger, call 999 now.")
    assert "can't help" not in replies[1]["text"] and HALTON_PHONE in replies[1]["text"]


def test_an_unsure_guess_at_are_you_a_bot_without_a_word_about_it_is_answered_as_a_question(actions):
    t = tracker("the council finished assessing him and we are waiting to hear about an ehc plan",
                [("nlu_fallback", 0.3), ("bot_challenge", 0.2), ("q_ehc_decision_to_issue", 0.15)])
    reply, _ = run(actions.ActionNotUnderstood(), with_entities(t, "EHC_PLAN"))
    assert "computer program" not in reply["text"]
    assert reply["kind"] in ("answer", "clarify")


def test_an_unsure_am_i_talking_to_a_person_still_gets_the_bot_answer(actions):
    dispatcher = CollectingDispatcher()
    actions.ActionNotUnderstood().run(dispatcher, tracker("is this a real person", [("nlu_fallback", 0.3), ("bot_challenge", 0.25)]), {})
    assert dispatcher.messages[0].get("response") == "utter_bot_challenge"


# --- follow-ups recognised by their wording ------------------------------------------------------

@pytest.mark.parametrize("action", ["ActionNotUnderstood", "ActionOutOfScope", "ActionAnswer"])
def test_how_long_have_i_got_is_about_the_open_topic_whatever_the_classifier_guessed(actions, action):
    """After "the council refused to assess": "how long have I got" is the appeal deadline, not
    the council's six weeks that the classifier leans to."""
    t = tracker("so how long have i got", [("q_ehc_decision_six_weeks", 0.4), ("q_tribunal_appeal_deadline", 0.2)],
                slots={"current_topic": "ehc-refusal-what-next"})
    if action == "ActionOutOfScope":
        t.latest_message["intent"] = {"name": "out_of_scope", "confidence": 0.5}
    elif action == "ActionNotUnderstood":
        t.latest_message["intent_ranking"].insert(0, {"name": "nlu_fallback", "confidence": 0.3})
    reply, events = run(getattr(actions, action)(), t)
    assert reply["entry_id"] == "tribunal-appeal-deadline"
    assert SlotSet("current_topic", "tribunal-appeal-deadline") in events


def test_what_if_they_say_no_in_other_words_follows_the_open_topic(actions):
    t = tracker("and what if they turn it down", [("q_ehc_decision_not_to_issue", 0.5)],
                slots={"current_topic": "what-is-an-ehc-needs-assessment"})
    reply, _ = run(actions.ActionAnswer(), t)
    assert reply["entry_id"] == "ehc-refusal-what-next"


def test_a_how_long_question_with_its_own_subject_is_answered_as_asked(actions):
    """"How long does an EHC needs assessment take?" names its topic: no follow-up guess."""
    t = with_entities(tracker("how long does an EHC needs assessment take", [("q_ehc_timescale_20_weeks", 0.8)],
                              slots={"current_topic": "mediation"}), "EHC_ASSESSMENT")
    reply, _ = run(actions.ActionAnswer(), t)
    assert reply["entry_id"] == "ehc-timescale-20-weeks"


def test_how_long_with_nothing_discussed_is_answered_as_a_question(actions):
    t = with_entities(tracker("how long do they have to decide about the assessment", [("q_ehc_decision_six_weeks", 0.8)]),
                      "ASSESSMENT")
    reply, _ = run(actions.ActionAnswer(), t)
    assert reply["entry_id"] == "ehc-decision-six-weeks"


def test_a_lean_to_another_nation_with_no_place_named_answers_the_send_question(actions):
    """"We live in Halton ... can I ask for an assessment myself?": no place outside England."""
    t = with_entities(tracker("we live in Halton, can I ask for an EHC needs assessment myself?",
                              [("other_nation", 0.5), ("q_ehc_request_who_can_ask", 0.3)]), "EHC_ASSESSMENT")
    reply, _ = run(actions.ActionOtherNation(), t)
    assert reply["kind"] == "answer" and reply["entry_id"] in {"ehc-request-who-can-ask", "true-parents-can-request"}


def test_not_in_england_with_no_place_named_still_gets_every_nations_note(actions):
    t = with_entities(tracker("we are not in england, can I get an EHCP?", [("other_nation", 0.6)]), "EHC_PLAN")
    reply, _ = run(actions.ActionOtherNation(), t)
    assert reply["kind"] == "nation" and "England" in reply["text"]


def test_a_lean_to_forget_me_without_a_word_about_deleting_is_not_asked_about(actions):
    import actions.handoff as handoff_actions
    t = tracker("blorp wibble frobnicate", [("forget_me", 0.4), ("out_of_scope", 0.2)])
    reply, _ = run(handoff_actions.ActionForgetConfirm(), t)
    assert reply["kind"] == "not_understood" and "delete" not in reply["text"].lower()
    asked, _ = run(handoff_actions.ActionForgetConfirm(), tracker("please delete everything i said", [("forget_me", 0.9)]))
    assert asked["kind"] == "ask_forget"
