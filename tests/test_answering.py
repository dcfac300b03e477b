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
    RELATED_MIN_CONFIDENCE,
    Decision,
    choose,
)
from bot.knowledge.store import Entry


def entry(entry_id: str, kind: str = "answer", related: Optional[List[str]] = None, verdict: Optional[str] = None) -> Entry:
    return Entry(
        id=entry_id, kind=kind, title=f"Title of {entry_id}", topic=None, body=f"Body of {entry_id}.",
        verdict=verdict if kind == "myth" else None, citations=[], related=list(related or []),
        quote=None, examples=[],
    )


@pytest.fixture
def entries() -> Dict[str, Entry]:
    """Two unrelated answers, a related answer/myth pair, and a few spares for candidate lists."""
    items = [
        entry("mediation"),
        entry("naming-a-school"),
        entry("legal-test", related=["myth-6000"]),
        entry("myth-6000", kind="myth", verdict="myth", related=["legal-test"]),
        entry("tribunal-deadline"),
        entry("draft-plan"),
    ]
    return {e.id: e for e in items}


def answered(decision: Decision) -> Optional[str]:
    return decision.answer


# --- confident and clear ---------------------------------------------------------------------------

def test_confident_and_clear_of_the_runner_up_is_answered(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.3
    decision = choose([("mediation", top), ("naming-a-school", top - ANSWER_MIN_MARGIN - 0.1)], [], entries)
    assert decision == Decision(entry_ids=["mediation"], clarify=False)
    assert decision.answer == "mediation"


def test_confident_top_with_no_runner_up_is_answered(entries):
    decision = choose([("mediation", ANSWER_MIN_CONFIDENCE)], [], entries)
    assert decision.answer == "mediation"


def test_confident_answer_ignores_a_disagreeing_lexical_hit(entries):
    decision = choose([("mediation", 0.9), ("naming-a-school", 0.05)], [("naming-a-school", 7.0)], entries)
    assert decision.answer == "mediation"


def test_below_answer_confidence_alone_is_not_answered(entries):
    top = ANSWER_MIN_CONFIDENCE - 0.05
    decision = choose([("mediation", top), ("naming-a-school", 0.01)], [], entries)
    assert decision.answer is None
    assert decision.clarify is True


# --- confident but within the margin -------------------------------------------------------------

def test_within_the_margin_unrelated_and_unconfirmed_asks_which(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.1
    second = top - ANSWER_MIN_MARGIN / 2
    decision = choose([("mediation", top), ("naming-a-school", second)], [], entries)
    assert decision.answer is None
    assert decision.clarify is True
    assert decision.entry_ids == ["mediation", "naming-a-school"]


def test_within_the_margin_related_pair_is_answered(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.1
    decision = choose([("legal-test", top), ("myth-6000", top - ANSWER_MIN_MARGIN / 2)], [], entries)
    assert decision.clarify is False
    assert decision.answer in {"legal-test", "myth-6000"}


def test_within_the_margin_lexically_confirmed_runner_up_is_answered(entries):
    top = ANSWER_MIN_CONFIDENCE + 0.1
    decision = choose(
        [("mediation", top), ("naming-a-school", top - ANSWER_MIN_MARGIN / 2)],
        [("naming-a-school", 5.2), ("mediation", 1.1)],
        entries,
    )
    assert decision == Decision(entry_ids=["naming-a-school"], clarify=False)


# --- related pair near the top: the myth wins ----------------------------------------------------

@pytest.mark.parametrize("order", ["answer first", "myth first"])
def test_related_pair_near_the_top_answers_the_myth(entries, order):
    top, second = RELATED_MIN_CONFIDENCE + 0.05, RELATED_MIN_CONFIDENCE + 0.03
    pair = [("legal-test", top), ("myth-6000", second)] if order == "answer first" else [("myth-6000", top), ("legal-test", second)]
    decision = choose(pair, [], entries)
    assert decision == Decision(entry_ids=["myth-6000"], clarify=False)


def test_relation_counts_when_listed_on_one_side_only(entries):
    entries["legal-test"].related = []  # only the myth lists the answer now
    top = RELATED_MIN_CONFIDENCE + 0.05
    decision = choose([("legal-test", top), ("myth-6000", top - 0.02)], [], entries)
    assert decision.answer == "myth-6000"


def test_related_pair_below_the_related_bar_is_not_answered(entries):
    top = RELATED_MIN_CONFIDENCE - 0.05
    decision = choose([("legal-test", top), ("myth-6000", top - 0.02)], [], entries)
    assert decision.answer is None
    assert decision.clarify is True


def test_related_myth_far_below_the_top_does_not_take_over_the_answer(entries):
    top = (RELATED_MIN_CONFIDENCE + ANSWER_MIN_CONFIDENCE) / 2  # not confident enough to answer alone
    tiny = CLARIFY_MIN_CONFIDENCE / 5                            # not even worth offering as a button
    decision = choose([("legal-test", top), ("myth-6000", tiny)], [], entries)
    assert "myth-6000" not in decision.entry_ids


# --- lexical confirmation of a close candidate ---------------------------------------------------

def test_lexical_confirmation_of_a_close_candidate_answers_it(entries):
    top = RELATED_MIN_CONFIDENCE + 0.05
    decision = choose(
        [("mediation", top), ("naming-a-school", top - 0.02), ("draft-plan", top - 0.1)],
        [("draft-plan", 3.0), ("mediation", 0.5)],
        entries,
    )
    assert decision == Decision(entry_ids=["draft-plan"], clarify=False)


def test_lexical_hit_outside_the_classifiers_candidates_is_not_answered(entries):
    top = RELATED_MIN_CONFIDENCE + 0.05
    decision = choose(
        [("mediation", top), ("naming-a-school", top - 0.02)],
        [("tribunal-deadline", 9.0)],
        entries,
    )
    assert decision.answer is None
    assert decision.clarify is True
    assert "tribunal-deadline" not in decision.entry_ids


def test_lexical_confirmation_needs_the_related_bar(entries):
    top = RELATED_MIN_CONFIDENCE - 0.05
    decision = choose([("mediation", top), ("naming-a-school", top - 0.02)], [("naming-a-school", 4.0)], entries)
    assert decision.answer is None
    assert decision.clarify is True
    assert decision.entry_ids == ["mediation", "naming-a-school"]


def test_lexical_hits_for_unknown_entries_are_ignored(entries):
    top = RELATED_MIN_CONFIDENCE + 0.05
    decision = choose(
        [("mediation", top), ("naming-a-school", top - 0.02)],
        [("no-such-entry", 9.0), ("naming-a-school", 3.0)],
        entries,
    )
    assert decision == Decision(entry_ids=["naming-a-school"], clarify=False)


# --- off-topic and the candidate list ------------------------------------------------------------

def test_off_topic_gives_no_candidates(entries):
    low = [("mediation", 0.2), ("naming-a-school", 0.15), ("draft-plan", 0.1)]
    assert sum(c for _, c in low) < 0.5
    decision = choose(low, [], entries)
    assert decision == Decision(entry_ids=[], clarify=True)
    assert decision.answer is None


def test_empty_ranking_gives_no_candidates(entries):
    assert choose([], [("mediation", 2.0)], entries) == Decision(entry_ids=[], clarify=True)


def test_ranking_of_only_unknown_entries_gives_no_candidates(entries):
    decision = choose([("no-such-entry", 0.95), ("another-unknown", 0.01)], [], entries)
    assert decision == Decision(entry_ids=[], clarify=True)


def test_unknown_entries_in_the_ranking_are_skipped(entries):
    decision = choose([("no-such-entry", 0.95), ("mediation", 0.9), ("draft-plan", 0.02)], [], entries)
    assert decision.answer == "mediation"


def test_low_confidences_with_lexical_overlap_offer_the_candidates(entries):
    low = [("mediation", 0.2), ("naming-a-school", 0.15), ("draft-plan", 0.1)]
    decision = choose(low, [("naming-a-school", 1.5)], entries)
    assert decision.clarify is True
    assert decision.entry_ids == ["mediation", "naming-a-school", "draft-plan"]


def test_candidates_never_include_entries_below_the_clarify_bar(entries):
    below = CLARIFY_MIN_CONFIDENCE / 2
    ranking = [("mediation", 0.45), ("naming-a-school", 0.4), ("draft-plan", below)]
    decision = choose(ranking, [("draft-plan", 6.0)], entries)
    assert decision.clarify is True
    assert "draft-plan" not in decision.entry_ids
    assert decision.entry_ids == ["mediation", "naming-a-school"]


def test_candidates_are_at_most_the_offer_limit(entries):
    ids = ["mediation", "naming-a-school", "tribunal-deadline", "draft-plan"]
    ranking = [(i, 0.24 - n * 0.01) for n, i in enumerate(ids)]
    decision = choose(ranking, [], entries)
    assert decision.clarify is True
    assert decision.entry_ids == ids[:CANDIDATES_TO_OFFER]
    assert all(conf >= CLARIFY_MIN_CONFIDENCE for i, conf in ranking if i in decision.entry_ids)
