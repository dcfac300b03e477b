"""Naming between knowledge entries and Rasa intents: one intent per entry.

Each answer entry is trained as its own intent (`q_<id>`), each myth as `m_<id>`, from the example
questions in `knowledge/`. Intent names use underscores where ids use hyphens, so the mapping is
exact both ways. Buttons send `/<intent>` to ask for an entry directly.
"""
from __future__ import annotations

from typing import Optional

ANSWER_PREFIX = "q_"
MYTH_PREFIX = "m_"


def intent_for(entry_id: str, kind: str) -> str:
    prefix = MYTH_PREFIX if kind == "myth" else ANSWER_PREFIX
    return prefix + entry_id.replace("-", "_")


def entry_for(intent: Optional[str]) -> Optional[str]:
    """The entry id an intent stands for, or None for the conversational intents (greet, ...)."""
    if not intent:
        return None
    for prefix in (ANSWER_PREFIX, MYTH_PREFIX):
        if intent.startswith(prefix):
            return intent[len(prefix):].replace("_", "-")
    return None


def button_payload(entry_id: str, kind: str) -> str:
    return "/" + intent_for(entry_id, kind)
