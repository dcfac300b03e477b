"""bot.answering.choose(): when the assistant answers, when it asks which topic was meant, and when
it admits it did not understand.

Pure tests on small hand-made entries: no database, no Rasa, no NLP pipeline. The thresholds are
imported, so a retuned threshold moves the test inputs with it.
"""
from __future__ import annotations

from typing import Dict, List, Optional

import pytest

from bot.answering import (
    ANSWER_MIN_CONFIDENCE,
    ANSWER_MIN_MARGIN,
    CANDIDATES_TO_OFFER,
    CLARIFY_MIN_CONFIDENCE,
    LEXICAL_OFF_TOPIC_SCORE,
    LEXICAL_STRONG_SCORE,
    LEXICAL_WEIGHT,
    LEXICAL_WEIGHT_LONG,
    LONG_MESSAGE_WORDS,
    MYTH_SHARE,
    MYTH_WINDOW,
    RIVAL_VERDICT_SHARE,
    VERDICT_MIN_MARGIN,
    SHORT_MESSAGE_WORDS,
    STATED_CLAIM_WINDOW,
    Decision,
    choose,
    combined_ranking,
    asks_for_source,
    checks_a_claim,
    follow_up_by_wording,
    lexical_weight,
    stated_claims,
)
from bot.knowledge.store import Entry


def entry(entry_id: str, kind: str = "answer", related: Optional[List[str]] = None, verdict: Optional[str] = None,
          claim_pattern: Optional[str] = None) -> Entry:
    return Entry(
        id=entry_id, kind=kind, title=f"Title of {entry_id}", topic=None, body=f"Body of {entry_id}.",
        verdict=verdict if kind == "myth" else None, citations=[], related=list(related or []),
        quote=None, examples=[], claim_pattern=claim_pattern,
    )


@pytest.fixture
def entries() -> Dict[str, Entry]:
    """Two unrelated answers, a related answer/myth pair, and a few spares for candidate lists."""
    items = [
        entry("mediation"),
        entry("naming-a-school"),
        entry("who-can-ask", related=["myth-only-school", "true-parents-can"]),
        entry("myth-only-school", kind="myth", verdict="myth", related=["who-can-ask", "true-parents-can"],
              claim_pattern=r"\bonly (?:the )?school\b|\bparents can.?t\b"),
        entry("true-parents-can", kind="myth", verdict="true", related=["who-can-ask", "myth-only-school"],
              claim_pattern=r"\bparents can\b(?!.?t)|\bcan i\b"),
        entry("legal-test", related=["myth-6000"]),
        entry("myth-6000", kind="myth", verdict="myth", related=["legal-test"]),
        entry("tribunal-deadline"),
        entry("draft-plan"),
    ]
    return {e.id: e for e in items}


def conf(combined: float) -> float:
    """The classifier confidence that, with no lexical hit, gives this combined score (short message)."""
    return combined / (1 - LEXICAL_WEIGHT)


# --- the combined score --------------------------------------------------------------------------

def test_combined_score_blends_classifier_and_lexical_share(entries):
    strong = LEXICAL_STRONG_SCORE
    combined = dict(combined_ranking([("mediation", 0.5)], [("mediation", strong), ("draft-plan", strong)], entries))
    assert combined["mediation"] == pytest.approx((1 - LEXICAL_WEIGHT) * 0.5 + LEXICAL_WEIGHT * 0.5)
    assert combined["draft-plan"] == pytest.approx(LEXICAL_WEIGHT * 0.5)


def test_weak_lexical_match_counts_for_less(entries):
    weak = dict(combined_ranking([], [("mediation", LEXICAL_STRONG_SCORE / 4)], entries))
    strong = dict(combined_ranking([], [("mediation", LEXICAL_STRONG_SCORE)], entries))
    assert weak["mediation"] == pytest.approx(strong["mediation"] / 4)


def test_long_messages_lean_on_the_lexical_search():
    assert lexical_weight(3) == LEXICAL_WEIGHT
    assert lexical_weight(SHORT_MESSAGE_WORDS) == LEXICAL_WEIGHT
    assert LEXICAL_WEIGHT < lexical_weight((SHORT_MESSAGE_WORDS + LONG_MESSAGE_WORDS) // 2) < LEXICAL_WEIGHT_LONG
    assert lexical_weight(LONG_MESSAGE_WORDS * 3) == LEXICAL_WEIGHT_LONG


def test_a_long_story_can_be_won_by_its_key_words(entries):
    ranking = [("mediation", 0.8), ("naming-a-school", 0.02)]
    lexical = [("naming-a-school", 20.0), ("mediation", 1.0)]
    assert choose(ranking, lexical, entries, words=5).answer == "mediation"
    assert choose(ranking, lexical, entries, words=LONG_MESSAGE_WORDS).answer == "naming-a-school"


# --- confident and clear ---------------------------------------------------------------------------

def test_clear_of_the_runner_up_is_answered(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.1
    decision = choose([("mediation", conf(top)), ("naming-a-school", conf(top - ANSWER_MIN_MARGIN - 0.02))], [], entries)
    assert decision == Decision(entry_ids=["mediation"], clarify=False)


def test_top_with_no_runner_up_is_answered(entries):
    assert choose([("mediation", conf(ANSWER_MIN_CONFIDENCE))], [], entries).answer == "mediation"


def test_confident_answer_survives_a_disagreeing_lexical_hit(entries):
    decision = choose([("mediation", 0.9), ("naming-a-school", 0.05)], [("naming-a-school", 7.0)], entries)
    assert decision.answer == "mediation"


def test_below_the_answer_bar_is_not_answered(entries):
    decision = choose([("mediation", conf(ANSWER_MIN_CONFIDENCE - 0.02)), ("naming-a-school", 0.01)], [], entries)
    assert decision.answer is None
    assert decision.clarify is True
    assert decision.entry_ids[0] == "mediation"


# --- within the margin ---------------------------------------------------------------------------

def test_within_the_margin_unrelated_asks_which(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.1
    decision = choose([("mediation", conf(top)), ("naming-a-school", conf(top - ANSWER_MIN_MARGIN / 2))], [], entries)
    assert decision == Decision(entry_ids=["mediation", "naming-a-school"], clarify=True)


@pytest.mark.parametrize("order", ["answer first", "myth first"])
def test_within_the_margin_related_pair_answers_the_myth(entries, order):
    top = ANSWER_MIN_CONFIDENCE + 0.05
    second = top - ANSWER_MIN_MARGIN / 2
    pair = [("legal-test", conf(top)), ("myth-6000", conf(second))]
    if order == "myth first":
        pair = [("myth-6000", conf(top)), ("legal-test", conf(second))]
    assert choose(pair, [], entries) == Decision(entry_ids=["myth-6000"], clarify=False)


def test_relation_counts_when_listed_on_one_side_only(entries):
    entries["legal-test"].related = []  # only the myth lists the answer now
    top = ANSWER_MIN_CONFIDENCE + 0.05
    decision = choose([("legal-test", conf(top)), ("myth-6000", conf(top - ANSWER_MIN_MARGIN / 2))], [], entries)
    assert decision.answer == "myth-6000"


def test_related_pair_below_the_answer_bar_is_not_answered(entries):
    top = ANSWER_MIN_CONFIDENCE - 0.02
    decision = choose([("legal-test", conf(top)), ("myth-6000", conf(top - 0.01))], [], entries)
    assert decision.answer is None


def test_lexical_agreement_breaks_a_tie(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.05
    ranking = [("mediation", conf(top)), ("naming-a-school", conf(top - 0.01))]
    decision = choose(ranking, [("naming-a-school", LEXICAL_STRONG_SCORE)], entries)
    assert decision == Decision(entry_ids=["naming-a-school"], clarify=False)


def test_lexical_hits_for_unknown_entries_are_ignored(entries):
    decision = choose([("mediation", 0.9)], [("no-such-entry", 30.0)], entries)
    assert decision.answer == "mediation"


# --- off topic and the candidate list --------------------------------------------------------------

def test_off_topic_message_gets_no_candidates(entries):
    low = [("mediation", 0.3), ("naming-a-school", 0.2)]
    decision = choose(low, [("mediation", LEXICAL_OFF_TOPIC_SCORE - 1)], entries, send_terms=False)
    assert decision == Decision(entry_ids=[], clarify=True)


def test_same_message_with_send_words_gets_an_answer_or_candidates(entries):
    low = [("mediation", 0.3), ("naming-a-school", 0.2)]
    decision = choose(low, [("mediation", LEXICAL_OFF_TOPIC_SCORE - 1)], entries, send_terms=True)
    assert decision.entry_ids[0] == "mediation"


def test_send_words_always_offer_candidates_however_unsure(entries):
    tiny = CLARIFY_MIN_CONFIDENCE / 4
    decision = choose([("mediation", tiny), ("draft-plan", tiny / 2)], [], entries, send_terms=True)
    assert decision == Decision(entry_ids=["mediation", "draft-plan"], clarify=True)


def test_no_send_words_and_nothing_likely_says_not_understood(entries):
    tiny = CLARIFY_MIN_CONFIDENCE / 4
    decision = choose([("mediation", tiny)], [("mediation", LEXICAL_OFF_TOPIC_SCORE / 2)], entries, send_terms=False)
    assert decision == Decision(entry_ids=[], clarify=True)


def test_a_very_sure_classifier_overrides_the_off_topic_check(entries):
    decision = choose([("mediation", 0.95)], [], entries, send_terms=False)
    assert decision.answer == "mediation"


def test_no_send_words_needs_evidence_for_the_answer_itself(entries):
    """"help with yr 6 homework whats 3/4 + 2/5": the classifier leans to one entry on the numbers,
    the words match another. Neither supports an answer: it is declined, not answered."""
    ranking = [("mediation", 0.6), ("naming-a-school", 0.1)]
    lexical = [("naming-a-school", LEXICAL_OFF_TOPIC_SCORE + 0.5)]
    assert choose(ranking, lexical, entries, send_terms=False) == Decision(entry_ids=[], clarify=True)


def test_no_send_words_answered_when_its_words_match_the_answer(entries):
    ranking = [("mediation", 0.6), ("naming-a-school", 0.1)]
    lexical = [("mediation", LEXICAL_OFF_TOPIC_SCORE + 0.5)]
    assert choose(ranking, lexical, entries, send_terms=False).answer == "mediation"
    # With a SEND word the classifier's lean is enough, as before.
    lexical = [("naming-a-school", LEXICAL_OFF_TOPIC_SCORE + 0.5)]
    assert choose(ranking, lexical, entries, send_terms=True).answer == "mediation"


def test_empty_ranking_gives_no_candidates(entries):
    assert choose([], [], entries) == Decision(entry_ids=[], clarify=True)


def test_ranking_of_only_unknown_entries_gives_no_candidates(entries):
    assert choose([("no-such-entry", 0.95)], [], entries) == Decision(entry_ids=[], clarify=True)


def test_candidates_are_at_most_the_offer_limit_and_above_the_bar(entries):
    ids = ["mediation", "naming-a-school", "tribunal-deadline", "draft-plan"]
    ranking = [(i, conf(ANSWER_MIN_CONFIDENCE - 0.01 - n * 0.01)) for n, i in enumerate(ids)]
    decision = choose(ranking, [], entries)
    assert decision.clarify is True
    assert decision.entry_ids == ids[:CANDIDATES_TO_OFFER]


# --- myths: what the parent heard, and never the wrong verdict -------------------------------------

def test_a_retold_claim_gets_the_related_myth_close_behind_the_answer(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.2
    ranking = [("legal-test", conf(top)), ("mediation", conf(top * 0.6)), ("myth-6000", conf(top * MYTH_SHARE + 0.01))]
    assert choose(ranking, [], entries, claim=True).answer == "myth-6000"


def test_a_plain_question_keeps_the_plain_answer(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.2
    ranking = [("legal-test", conf(top)), ("mediation", conf(top * 0.6)), ("myth-6000", conf(top * 0.5))]
    assert choose(ranking, [], entries, claim=False).answer == "legal-test"


def test_a_related_myth_far_behind_or_outside_the_window_is_not_answered_instead(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.2
    far = [("legal-test", conf(top)), ("myth-6000", conf(top * MYTH_SHARE * 0.5))]
    assert choose(far, [], entries, claim=True).answer == "legal-test"
    crowded = [("legal-test", conf(top))] + [(i, conf(top * 0.9 - n * 0.02)) for n, i in enumerate(
        ["mediation", "naming-a-school", "draft-plan"][: MYTH_WINDOW - 1])] + [("myth-6000", conf(top * 0.5))]
    assert choose(crowded, [], entries, claim=True).answer == "legal-test"


def test_an_unrelated_myth_close_behind_is_not_answered_instead(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.2
    ranking = [("mediation", conf(top)), ("myth-6000", conf(top - VERDICT_MIN_MARGIN - 0.01))]
    assert choose(ranking, [], entries, claim=True).answer == "mediation"


def test_a_verdict_needs_a_clearer_lead_than_a_plain_answer(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.2
    between = (ANSWER_MIN_MARGIN + VERDICT_MIN_MARGIN) / 2
    plain = [("mediation", conf(top)), ("draft-plan", conf(top - between))]
    assert choose(plain, [], entries).answer == "mediation"
    verdict = [("myth-6000", conf(top)), ("draft-plan", conf(top - between))]
    decision = choose(verdict, [], entries)
    assert decision.answer is None and decision.entry_ids[:2] == ["myth-6000", "draft-plan"]


def test_opposite_verdicts_close_together_give_the_plain_answer(entries):
    """"Can mums ask directly, or is that a myth?": "No. That is a myth." would say the opposite of the law."""
    top = ANSWER_MIN_CONFIDENCE + 0.2
    ranking = [("myth-only-school", conf(top)), ("true-parents-can", conf(top * RIVAL_VERDICT_SHARE + 0.01)),
               ("who-can-ask", conf(top / 4))]
    assert choose(ranking, [], entries).answer == "who-can-ask"


def test_a_clear_verdict_is_kept(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.3
    ranking = [("myth-only-school", conf(top)), ("who-can-ask", conf(top / 3)),
               ("true-parents-can", conf(top * RIVAL_VERDICT_SHARE / 2))]
    assert choose(ranking, [], entries).answer == "myth-only-school"


@pytest.mark.parametrize("text, claim", [
    ("the senco said plans stop at 16", True),
    ("is it true the school has to spend 6k first", True),
    ("will his plan end when he leaves school", True),
    ("what support can she get at college", False),
    ("how do i ask for an assessment", False),
    ("school say he cant have a TA without a plan is that right", True),
    ("ehcp ends at 16 dosent it?", True),
    ("plans stop when they go to college, don't they?", True),
    ("what happens at the annual review", False),
])
def test_a_retold_or_checked_claim_is_recognised(text, claim):
    assert checks_a_claim(text) is claim


# --- other services, and strong word matches ---------------------------------------------------------

def test_a_message_about_another_service_is_declined_however_sure_the_classifier(entries):
    decision = choose([("mediation", 0.95)], [("mediation", LEXICAL_STRONG_SCORE * 2)], entries,
                      send_terms=False, elsewhere=True)
    assert decision == Decision(entry_ids=[], clarify=True, other_service=True)


def test_another_service_named_beside_a_send_term_is_still_answered(entries):
    decision = choose([("mediation", 0.95)], [], entries, send_terms=True, elsewhere=True)
    assert decision.answer == "mediation" and decision.other_service is False


def test_a_strong_word_match_without_send_terms_offers_topics_not_a_shrug(entries):
    tiny = CLARIFY_MIN_CONFIDENCE / 4
    decision = choose([("mediation", tiny)], [("mediation", LEXICAL_STRONG_SCORE), ("draft-plan", 1.0)], entries,
                      send_terms=False, words=30)
    assert decision.entry_ids and decision.entry_ids[0] == "mediation"


# --- "where does it say that?" ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "where does it say that", "what section of the act is that", "whats the law that says that",
    "which bit of the law says that", "can you show me where thats written", "is that in the code",
    "where does it say that? i want to send it to the school",
])
def test_asking_where_the_answer_comes_from_is_recognised(text):
    assert asks_for_source(text)


@pytest.mark.parametrize("text", [
    "what does the law say about exclusions", "what law covers part time timetables", "what if they say no",
    "where can i find the local offer", "what is the legal test for an assessment",
    "my son has been on a part time timetable since september and the school say that the law lets them "
    "do it for as long as they like, is that right",
])
def test_a_new_question_is_not_taken_for_where_does_it_say_that(text):
    assert not asks_for_source(text)


# --- a claim and its opposite ----------------------------------------------------------------------

def decide_claim(ranking, entries, text: str) -> Decision:
    return choose(ranking, [], entries, claim=checks_a_claim(text), stated=stated_claims(text, entries))


def test_stated_claims_reads_each_entrys_own_pattern(entries):
    assert stated_claims("the head said only the school can ask", entries) == {"myth-only-school"}
    assert stated_claims("is it true parents can ask", entries) == {"true-parents-can"}
    assert stated_claims("can i ask or is it only school", entries) == {"myth-only-school", "true-parents-can"}
    assert stated_claims("what is mediation", entries) == set()


def test_a_retold_myth_gets_its_verdict_when_the_plain_answer_ranks_first(entries):
    """"The senco says only the school can ask, is that true?": the plain answer edges ahead on
    shared words, but the message states the myth, so the reply opens "No. That is a myth."."""
    top = ANSWER_MIN_CONFIDENCE + 0.3
    ranking = [("who-can-ask", conf(top)), ("true-parents-can", conf(top / 2)), ("myth-only-school", conf(top / 3))]
    assert decide_claim(ranking, entries, "the senco says only the school can ask, is that true?").answer == "myth-only-school"


def test_a_checked_true_statement_is_never_answered_as_the_myth(entries):
    """The classifier's pick of the myth is overruled when the parent states the true claim."""
    top = ANSWER_MIN_CONFIDENCE + 0.4
    ranking = [("myth-only-school", conf(top)), ("who-can-ask", conf(top / 4))]
    assert decide_claim(ranking, entries, "a friend says parents can ask the council directly, true?").answer == "true-parents-can"


@pytest.mark.parametrize("text", ["can i ask or is it only school?", "is it true that everyone asks the council"])
def test_both_claims_or_neither_keep_the_decision_from_the_scores(entries, text):
    top = ANSWER_MIN_CONFIDENCE + 0.3
    ranking = [("who-can-ask", conf(top)), ("true-parents-can", conf(top / 2)), ("myth-only-school", conf(top / 3))]
    assert checks_a_claim(text)
    assert decide_claim(ranking, entries, text) == choose(ranking, [], entries, claim=True)


def test_a_plain_question_is_not_turned_into_a_verdict(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.3
    ranking = [("who-can-ask", conf(top)), ("myth-only-school", conf(top / 3))]
    text = "how do parents can apply"  # states the true claim but checks nothing
    assert not checks_a_claim(text)
    assert decide_claim(ranking, entries, text).answer == "who-can-ask"


def test_another_point_is_never_turned_into_a_verdict(entries):
    """Words that state a claim only count when the decision is already about that claim."""
    top = ANSWER_MIN_CONFIDENCE + 0.3
    ranking = [("mediation", conf(top)), ("myth-only-school", conf(top / 3))]
    assert decide_claim(ranking, entries, "is it true only the school can go to mediation").answer == "mediation"


def test_a_pair_outside_the_window_is_not_looked_for(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.3
    spares = ["mediation", "naming-a-school", "legal-test", "tribunal-deadline", "draft-plan"]
    ranking = [("who-can-ask", conf(top))] + [(s, conf(top / (i + 3))) for i, s in enumerate(spares)]
    ranking += [("myth-only-school", conf(top / 20)), ("true-parents-can", conf(top / 21))]
    assert len(ranking) > STATED_CLAIM_WINDOW
    assert decide_claim(ranking, entries, "is it true only the school can ask").answer == "who-can-ask"


def test_an_unsure_choice_between_the_pair_is_settled_by_the_wording(entries):
    """Asked "which topic?" before; the wording makes it clear."""
    top = ANSWER_MIN_CONFIDENCE + 0.05
    ranking = [("myth-only-school", conf(top)), ("mediation", conf(top - VERDICT_MIN_MARGIN / 2))]
    assert choose(ranking, [], entries).clarify
    assert decide_claim(ranking, entries, "they told me parents can't ask, true?").answer == "myth-only-school"


def test_one_topic_worth_offering_is_answered_not_asked_about(entries):
    """"Which of these is closest?" with a single button asks nothing: the entry is answered."""
    top = ANSWER_MIN_CONFIDENCE + VERDICT_MIN_MARGIN / 4
    ranking = [("myth-6000", conf(top)), ("mediation", conf(CLARIFY_MIN_CONFIDENCE - 0.01))]
    assert top - (CLARIFY_MIN_CONFIDENCE - 0.01) < VERDICT_MIN_MARGIN  # within the margin ...
    decision = choose(ranking, [], entries)
    assert decision.answer == "myth-6000"  # ... but the runner-up is too weak to offer
    two = [("myth-6000", conf(top)), ("mediation", conf(CLARIFY_MIN_CONFIDENCE))]
    assert choose(two, [], entries).clarify


@pytest.mark.parametrize("text, kind", [
    ("how long have i got", "how_long"),
    ("and how long do they have?", "how_long"),
    ("whats the deadline", "how_long"),
    ("what if they say no", "if_refused"),
    ("and if they refuse?", "if_refused"),
    ("what happens if the LA turn it down", "if_refused"),
    ("what if they wont", "if_refused"),
    ("how long does it take for the council to decide whether to assess my son", None),  # a question of its own
    ("what is an annual review", None),
    ("what if he needs a TA", None),
])
def test_a_follow_up_is_recognised_by_its_wording(text, kind):
    assert follow_up_by_wording(text) == kind
