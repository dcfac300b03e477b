"""Spotting the two kinds of message that must be signposted before anything is answered.

A child at risk of harm: the intent classifier learns the `safeguarding` intent, but a parent may
mention harm in the middle of a SEND question, where the classifier picks the question. These
patterns catch that case too, so the emergency signposting always comes first. They are kept broad
on purpose: telling a parent about 999 and children's services when it was not needed costs a
sentence; missing a child at risk costs far more.

A parent outside England: the Code does not apply there, so an English answer would mislead. The
places that show which nation are content (`knowledge/signposts.yml`), matched as whole words.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional, Protocol, Sequence

_PERSON = r"(?:him|her|them|me|us|my|our|the (?:kids|children)|his|a child|the child)"

#: Phrases that say a child may be at risk of harm (the text is lower-cased first).
SAFEGUARDING_PATTERNS: Sequence[re.Pattern] = tuple(
    re.compile(p)
    for p in (
        r"\bsuicid",
        r"\bself[- ]?harm",
        r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting)\s+(?:him|her|them|my|your)sel(?:f|ves)\b",
        r"\bcutting (?:him|her)?self\b|\bcutting (?:his|her) (?:arms?|legs?|wrists?)\b",
        r"\b(?:wants?|wanted|going|want) to die\b|\bend (?:it all|(?:his|her|their|my) (?:own )?life)\b",
        r"\babus(?:e|ed|es|ing|ive|er)\b",
        r"\b(?:hits?|hitting|beats?|beating|beaten|punch(?:es|ed|ing)?|slap(?:s|ped|ping)?|kick(?:s|ed|ing)?|"
        r"grabb(?:ed|ing)|dragg(?:ed|ing)|shak(?:es|ing|en)|strangl\w*|chok(?:ed|ing)|burn(?:ed|t)|hurt(?:s|ing)?|"
        r"threaten(?:s|ed|ing)? to hurt)\s+" + _PERSON + r"\b",
        r"\b(?:was|were|been|being|got|get|gets|getting) (?:hit|hurt|beaten|punched|kicked|slapped|grabbed|dragged|"
        r"touched|assaulted|attacked|abused|neglected|beaten up)\b",
        r"\bbruis(?:e|es|ed|ing)\b",
        r"\btouch(?:ed|ing|es)? (?:him|her|them|my \w+) inappropriately\b|\binappropriate(?:ly)? touch",
        r"\bsexual(?:ly)? (?:abus|assault|touch)",
        r"\bdomestic (?:violence|abuse)\b",
        r"\b(?:not safe|unsafe|in danger|at risk of (?:harm|abuse))\b",
        r"\b(?:scared|afraid|frightened|terrified) (?:to go home|of (?:his|her|their|my) (?:dad|mum|father|mother|"
        r"step ?dad|step ?mum|partner|husband|boyfriend))\b",
        r"\bleft (?:alone|on (?:his|her|their) own) (?:for days|all night|without food|overnight)\b",
        r"\b(?:no|without) food for days\b",
        r"\bleft (?:alone|on (?:his|her|their) own) (?:all day|every day|for hours)\b",
        r"\block(?:ed|s|ing)? (?:him|her|them) (?:in|up)\b|\bsat on (?:him|her|them)\b",
        r"\b(?:restrain(?:ed|ing|s|t)?|(?:held|holding|holds) (?:him|her|them) down|held down|pinned (?:him|her|them) down)\b",
        # An injury a child came home with, or was found with, is for children's services to hear about.
        r"\b(?:came|come|comes|coming|sent) home (?:from \w+ )?with (?:a |an )?(?:cut|cuts|bruis\w*|scratch\w*|injur\w*|black eye|burns?|bite marks?|marks on)\b",
        r"\b(?:cut|split|bloody|fat) lip\b|\bblack eye\b|\bbite marks?\b",
        r"\btouch(?:ed|ing|es) (?:him|her|them)\b|\bhit (?:him|her|them|my)\b|\blocked in (?:a|the|his|her) room\b",
        # A child who went missing or got out unsupervised (often a child with SEND who runs when
        # overwhelmed): a missing child is a safeguarding matter, whoever's fault it was.
        r"\b(?:went|gone|goes|go|going) missing\b|\bmissing from (?:school|home|class)\b|\babscond\w*",
        r"\b(?:ran|run|runs|running) (?:away|off) (?:from|out of) (?:school|class|the school|home|the building)\b",
        r"\b(?:got|gets|getting|slipped|escaped|let) out (?:of )?(?:the )?(?:school|classroom|building|gates?)\b",
        r"\bfound (?:(?:him|her|them) )?(?:wandering|alone|on (?:his|her|their) own)\b|\bfound (?:by|on|in|near) the (?:main )?road\b",
    )
)


def safeguarding_concern(text: str) -> bool:
    """True if the message says, in any of the ways above, that a child may be at risk of harm."""
    lowered = " ".join(text.lower().split())
    return any(p.search(lowered) for p in SAFEGUARDING_PATTERNS)


class _Nation(Protocol):
    id: str
    places: Sequence[str]


def nation_in(text: str, nations: Iterable[_Nation]) -> Optional[_Nation]:
    """The nation outside England a message names (by a place in it), if any."""
    lowered = " " + re.sub(r"[^\w.]+", " ", text.lower()) + " "
    for nation in nations:
        for place in nation.places:
            if re.search(r"(?<![\w])" + re.escape(place.lower()) + r"(?![\w])", lowered):
                return nation
    return None
