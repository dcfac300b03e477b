"""Urgency flags for an enquiry: what in a conversation means a SENDIASS adviser should call back
first. One place for the flags, their words and their weights; the queue sorts on the sum.

Why these four: each is a situation where a parent loses something if nobody acts within days (a
child out of school, a right of appeal with a time limit, a child at risk).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Pattern, Sequence

from bot.signposts import safeguarding_concern


@dataclass(frozen=True)
class Flag:
    id: str
    label: str  # as staff see it
    weight: int  # the queue sorts on the sum of weights, highest first
    patterns: Sequence[Pattern[str]]


def _words(*patterns: str) -> List[Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


FLAGS: List[Flag] = [
    Flag(
        "safeguarding", "Safeguarding concern", 8,
        [],  # found by bot.signposts.safeguarding_concern, the same test that signposts 999 in the chat
    ),
    Flag(
        "deadline", "Tribunal or appeal deadline", 4,
        _words(r"\btribunal\b", r"\bappeal", r"\bdeadline\b", r"\bmediation certificate\b", r"\bmediation\b"),
    ),
    Flag(
        "exclusion", "Exclusion from school", 4,
        _words(r"\bexclu(?:ded|de|ding|sion|sions)\b", r"\bsuspen(?:ded|sion|sions)\b", r"\bsen[dt] (?:him |her |them |my \w+ )?home\b",
               r"\bkicked out\b", r"\bpart[- ]time timetable\b"),
    ),
    Flag(
        "no_school_place", "No school place", 4,
        _words(r"\bno school place\b", r"\bwithout a school\b", r"\bno school\b", r"\bnot in school\b",
               r"\bout of school\b", r"\bno placement\b", r"\bno place\b", r"\bmissing education\b",
               r"\bnot attending\b", r"\bcan'?t attend\b"),
    ),
]

FLAG_BY_ID = {flag.id: flag for flag in FLAGS}


def flags_in(texts: Iterable[str]) -> List[str]:
    """The flags raised by what the parent wrote, in FLAGS order."""
    texts = [t for t in texts if t]
    found = []
    for flag in FLAGS:
        if flag.id == "safeguarding":
            hit = any(safeguarding_concern(t) for t in texts)
        else:
            hit = any(p.search(t) for p in flag.patterns for t in texts)
        if hit:
            found.append(flag.id)
    return found


def urgency_of(flags: Iterable[str]) -> int:
    return sum(FLAG_BY_ID[f].weight for f in set(flags) if f in FLAG_BY_ID)


def label_of(flag_id: str) -> str:
    flag = FLAG_BY_ID.get(flag_id)
    return flag.label if flag else flag_id
