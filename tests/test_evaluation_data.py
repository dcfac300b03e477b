"""The evaluation set is honest: big enough, labelled with real entries and citations, covering
every myth in several wordings, and never copied into the training data."""
from __future__ import annotations

import re
from pathlib import Path
from typing import List, Set

import pytest
import yaml

from bot.evaluation import DEFAULT_SET, load_cases
from bot.knowledge.loader import load_knowledge
from bot.settings import PROJECT_ROOT

DEV_SET = PROJECT_ROOT / "tests" / "evaluation" / "dev_set.yml"
KINDS = {"answer", "out_of_scope", "ask_for_person", "safeguarding", "other_nation"}


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(PROJECT_ROOT / "knowledge")


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9£ ]+", " ", text.lower()).split())


def training_messages(kb) -> Set[str]:
    """Every example the classifier is trained on: the knowledge entries' and the hand-written NLU."""
    messages = {normalise(e) for entry in kb.entries() for e in entry.examples}
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        if path.name.startswith("generated_"):
            continue  # generated from the entries' examples, read above
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    messages.add(normalise(line.strip()[2:]))
    return messages


def all_turns(path: Path) -> List[str]:
    return [turn for case in load_cases(path) for turn in case.turns]


@pytest.mark.parametrize("path", [DEFAULT_SET, DEV_SET], ids=["eval", "dev"])
def test_no_evaluation_message_is_in_the_training_data(kb, path):
    training = training_messages(kb)
    copied = [t for t in all_turns(path) if normalise(t) in training]
    # Short generic follow-ups ("what if they say no") may coincide by chance; nothing longer may.
    assert [t for t in copied if len(t.split()) > 5] == []


def test_evaluation_and_development_sets_do_not_overlap():
    """Thresholds are tuned on the development set only: no evaluation message may be in it (short
    stock phrases such as "where does it say that" excepted, as above)."""
    shared = {normalise(t) for t in all_turns(DEFAULT_SET)} & {normalise(t) for t in all_turns(DEV_SET)}
    assert [t for t in shared if len(t.split()) > 5] == []


def test_evaluation_set_has_at_least_250_messages_of_every_kind():
    cases = load_cases(DEFAULT_SET)
    assert len(cases) >= 250
    kinds = {c.expect for c in cases}
    assert kinds == KINDS
    tags = {t for c in cases for t in c.tags}
    assert {"typo", "abbreviation", "long_story", "multi_question", "follow_up"} <= tags


@pytest.mark.parametrize("path", [DEFAULT_SET, DEV_SET], ids=["eval", "dev"])
def test_labels_name_real_entries_and_their_citations(kb, path):
    for case in load_cases(path):
        assert case.expect in KINDS, case.id
        if case.expect != "answer":
            continue
        assert case.entries, case.id
        labels = set()
        for entry_id in case.entries:
            entry = kb.entry(entry_id)
            assert entry is not None, f"{case.id}: unknown entry {entry_id}"
            labels |= {kb.render_citation(c)["label"] for c in entry.citations}
        assert set(case.citations) <= labels, f"{case.id}: a citation that none of its entries gives"


def test_every_myth_is_tested_in_at_least_five_wordings(kb):
    cases = load_cases(DEFAULT_SET)
    for myth_id in kb.myths:
        wordings = {normalise(c.turns[-1]) for c in cases if c.entries[:1] == [myth_id]}
        assert len(wordings) >= 5, myth_id
