"""What the assistant says: choosing the entry to answer with, and wording the reply.

Kept apart from the Rasa action classes so that the choices (when to answer, when to ask which
topic was meant) can be tested directly, and so the gateway's own fallback words come from the
same place as the assistant's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import AbstractSet, Any, Dict, FrozenSet, List, Optional, Sequence, Tuple

from bot.intents import button_payload
from bot.knowledge.store import Content, Entry, Service, Signpost

# --- Thresholds: one place. Calibrated on the development set (tests/evaluation/dev_set.yml, never on
# the evaluation set); docs/evaluation.md shows the effect. Rasa's FallbackClassifier (config.yml)
# only marks a message nlu_fallback: the choice below is made for every knowledge question. ---
#: Weight of the lexical search (BM25) against the classifier in the combined score, for a short
#: message; it rises to LEXICAL_WEIGHT_LONG for a long story (the classifier learnt from short
#: questions, and a story's key words are what BM25 reads best).
LEXICAL_WEIGHT = 0.4
LEXICAL_WEIGHT_LONG = 0.7
#: Messages up to SHORT_MESSAGE_WORDS words are short; from LONG_MESSAGE_WORDS words, long.
SHORT_MESSAGE_WORDS = 15
LONG_MESSAGE_WORDS = 40
#: A BM25 top score at or above this counts as full lexical evidence; below, it is scaled down
#: (a weak word overlap should not outvote the classifier).
LEXICAL_STRONG_SCORE = 8.0
#: Below this BM25 top score, and with no SEND term in the message, the lexical side says
#: "not about SEND at all".
LEXICAL_OFF_TOPIC_SCORE = 4.0
#: Answer when the chosen entry's combined score is at least this ...
ANSWER_MIN_CONFIDENCE = 0.1
#: ... and at least this far ahead of the runner-up (unless the two are related entries) ...
ANSWER_MIN_MARGIN = 0.01
#: ... or this far, when the best is a myth or true statement: a wrong "No. That is a myth." tells
#: a parent the opposite of the law, so a verdict needs a clearer lead than a plain answer.
VERDICT_MIN_MARGIN = 0.02
#: When the message retells or checks a claim ("the senco said...", "is that true?", "will his
#: plan end at 16?"), a myth within the top MYTH_WINDOW entries, related to the best entry and
#: scoring at least MYTH_SHARE of it, is answered instead: its reply gives the verdict and the same
#: law (the answer is offered as a button). A plain "what/how" question keeps the plain answer.
MYTH_WINDOW = 3
MYTH_SHARE = 0.1
#: A myth and a true statement on the same point "compete" when the second scores at least this
#: share of the first (then the plain answer is given: see _settle_verdict).
RIVAL_VERDICT_SHARE = 0.5
#: A claim with an opposite in the knowledge base ("only schools can ask" / "parents can ask") is
#: looked for this far down the ranking; when the message states one of the two in so many words
#: (its claim_pattern), that verdict is answered (see _stated_verdict).
STATED_CLAIM_WINDOW = 5
#: How many lexical hits take part in the combined score.
LEXICAL_CANDIDATES = 10
#: How many close topics a clarifying question offers.
CANDIDATES_TO_OFFER = 3
#: Offer an entry as a button only if its combined score is at least this.
CLARIFY_MIN_CONFIDENCE = 0.1
#: An off-topic looking message is still answered if the classifier alone is this sure. (The
#: logistic regression classifier is often 0.7 sure of something for a message about nothing it
#: knows, such as "whats 3/4 + 2/5" for the £6,000 entry; 0.8 and above cost nothing on the
#: development set.)
OFF_TOPIC_OVERRIDE_CONFIDENCE = 0.9
#: An answer whose combined score is below this is logged for the content editors as "answered
#: with low confidence" (staff area, Unanswered questions). Not a calibrated threshold: a review aid.
LOW_CONFIDENCE_ANSWER = 0.3

TALK_TO_A_PERSON = {"title": "Talk to a person", "payload": "/ask_for_person"}
#: The kinds of reply that decline a message (no answer and no topics offered).
DECLINE_KINDS = frozenset({"out_of_scope", "not_understood"})


def entry_button(entry: Entry) -> Dict[str, str]:
    return {"title": entry.title, "payload": button_payload(entry.id, entry.kind)}

VERDICT_OPENING = {
    "myth": "No. That is a myth.",
    "true": "Yes, that is right.",
    "partly-true": "Partly.",
}
#: The verdict as a tag on the myths page (a word, never colour alone).
VERDICT_LABEL = {"myth": "Myth", "true": "True", "partly-true": "Partly true"}


@dataclass
class Reply:
    """One message, in the shape the gateway returns (text, buttons, citations)."""

    text: str
    #: What sort of reply: answer, source, clarify, not_understood, out_of_scope, contact, failure,
    #: safeguarding, nation, no_follow_up (the widget and the evaluation read it).
    kind: str = "answer"
    buttons: List[Dict[str, str]] = field(default_factory=list)
    citations: List[Dict[str, Any]] = field(default_factory=list)
    entry_id: Optional[str] = None
    quote: Optional[Dict[str, str]] = None
    #: "safeguarding" or a nation's id when this is a signpost rather than an answer.
    signpost: Optional[str] = None
    #: The entries the assistant ranked highest for the message (best first), for the evaluation
    #: and for staff reviewing low-confidence answers; never shown to the parent as text.
    candidates: List[str] = field(default_factory=list)

    def payload(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {"text": self.text, "kind": self.kind, "buttons": self.buttons, "citations": self.citations}
        for name in ("entry_id", "quote", "signpost"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        if self.candidates:
            data["candidates"] = self.candidates
        return data


@dataclass
class Decision:
    """What to do with a message: answer `entry_ids[0]`, offer `entry_ids` as buttons
    (`clarify`), or neither (empty: say honestly that it was not understood)."""

    entry_ids: List[str]
    clarify: bool
    #: Declined because the message is about what another service deals with (`elsewhere`), so
    #: the reply says "contact your council" rather than "I didn't understand".
    other_service: bool = False
    #: The combined ranking (entry id, score) the decision was made from, best first.
    ranking: List[Tuple[str, float]] = field(default_factory=list, compare=False)

    @property
    def answer(self) -> Optional[str]:
        return self.entry_ids[0] if self.entry_ids and not self.clarify else None


def _related(a: Entry, b: Entry) -> bool:
    return b.id in a.related or a.id in b.related


def lexical_weight(words: int) -> float:
    """The lexical search's weight for a message of `words` words (see LEXICAL_WEIGHT)."""
    share = (words - SHORT_MESSAGE_WORDS) / (LONG_MESSAGE_WORDS - SHORT_MESSAGE_WORDS)
    return LEXICAL_WEIGHT + (LEXICAL_WEIGHT_LONG - LEXICAL_WEIGHT) * min(1.0, max(0.0, share))


def combined_ranking(
    ranking: Sequence[Tuple[str, float]],
    lexical: Sequence[Tuple[str, float]],
    entries: Dict[str, Entry],
    words: int = 0,
) -> List[Tuple[str, float]]:
    """One score per entry: the classifier's confidence blended with the entry's share of the
    lexical (BM25) scores, the lexical side scaled down when its best match is weak.

    Why both: the classifier knows parents' phrasing from the example questions; BM25 reads the
    answers too and catches the key words of long stories, where the classifier is least sure.
    """
    classifier = {i: c for i, c in ranking if i in entries}
    lexical = [(i, s) for i, s in lexical if i in entries]
    total = sum(s for _, s in lexical)
    strength = min(1.0, lexical[0][1] / LEXICAL_STRONG_SCORE) if lexical else 0.0
    share = {i: s / total for i, s in lexical} if total else {}
    weight = lexical_weight(words)
    scores = {
        i: (1 - weight) * classifier.get(i, 0.0) + weight * strength * share.get(i, 0.0)
        for i in set(classifier) | set(share)
    }
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def choose(
    ranking: Sequence[Tuple[str, float]],
    lexical: Sequence[Tuple[str, float]],
    entries: Dict[str, Entry],
    send_terms: bool = True,
    words: int = 0,
    elsewhere: bool = False,
    claim: bool = False,
    stated: AbstractSet[str] = frozenset(),
) -> Decision:
    """Decide from the classifier's ranking (entry id, confidence) and the lexical hits (id, score).

    `claim`: the message retells or checks a claim; `stated`: the entries whose claim it states in
    so many words (stated_claims). Together they settle which of two opposite verdicts to give.

    Answer when the combined score of the best entry clears the bar and its margin over the
    runner-up (or the two are near-duplicates: related entries, where either answer is right and a
    myth wins, since its reply also gives the true position). Otherwise offer the likely
    candidates, or nothing if the message looks off-topic (`send_terms` False: no SEND word in it)
    to both sides, or names what another service deals with (`elsewhere`: "free school meals",
    "council tax") and nothing about SEND: however sure the classifier is, an answer from the Code
    would be wrong there. A message with SEND words in it, or a strong word match, gets the
    closest topics offered rather than "I did not understand": a button is more use than a shrug.
    """
    decision = _choose_by_score(ranking, lexical, entries, send_terms, words, elsewhere, claim)
    if not send_terms and decision.answer and not _supported(decision.answer, ranking, lexical):
        return Decision(entry_ids=[], clarify=True, ranking=decision.ranking)
    verdict = _stated_verdict(decision, entries, stated) if claim else None
    if verdict is not None:
        return Decision(entry_ids=[verdict], clarify=False, ranking=decision.ranking)
    return decision


def _choose_by_score(
    ranking: Sequence[Tuple[str, float]],
    lexical: Sequence[Tuple[str, float]],
    entries: Dict[str, Entry],
    send_terms: bool,
    words: int,
    elsewhere: bool,
    claim: bool,
) -> Decision:
    """choose() from the scores alone (see there)."""
    combined = combined_ranking(ranking, lexical, entries, words)
    if not combined or (elsewhere and not send_terms):
        return Decision(entry_ids=[], clarify=True, ranking=combined, other_service=elsewhere and not send_terms)
    classifier_top = max((c for i, c in ranking if i in entries), default=0.0)
    lexical_top = max((s for i, s in lexical if i in entries), default=0.0)
    off_topic = not send_terms and lexical_top < LEXICAL_OFF_TOPIC_SCORE and classifier_top < OFF_TOPIC_OVERRIDE_CONFIDENCE
    if off_topic:
        return Decision(entry_ids=[], clarify=True, ranking=combined)
    top_id, top = combined[0]
    second_id, second = combined[1] if len(combined) > 1 else ("", 0.0)
    if top >= ANSWER_MIN_CONFIDENCE:
        chosen = None
        margin = VERDICT_MIN_MARGIN if entries[top_id].kind == "myth" else ANSWER_MIN_MARGIN
        if top - second >= margin:
            chosen = top_id
        elif second_id and _related(entries[top_id], entries[second_id]):
            pair = [entries[top_id], entries[second_id]]
            chosen = next((e.id for e in pair if e.kind == "myth"), top_id)
        if chosen is not None:
            if claim:
                chosen = _myth_first(chosen, combined, entries)
            chosen = _settle_verdict(chosen, combined, entries)
            return Decision(entry_ids=[chosen], clarify=False, ranking=combined)
    likely = [i for i, score in combined[:CANDIDATES_TO_OFFER] if score >= CLARIFY_MIN_CONFIDENCE]
    if len(likely) == 1 and top >= ANSWER_MIN_CONFIDENCE:
        # "Which of these is closest?" with one topic to choose from asks nothing: the runner-up
        # is too weak to offer, so the best entry is answered (the margin guards against a close
        # second, and there is none worth showing).
        chosen = _myth_first(top_id, combined, entries) if claim else top_id
        return Decision(entry_ids=[_settle_verdict(chosen, combined, entries)], clarify=False, ranking=combined)
    if not likely and (send_terms or lexical_top >= LEXICAL_STRONG_SCORE):
        likely = [i for i, score in combined[:CANDIDATES_TO_OFFER] if score > 0]
    return Decision(entry_ids=likely, clarify=True, ranking=combined)


def _supported(answer: str, ranking: Sequence[Tuple[str, float]], lexical: Sequence[Tuple[str, float]]) -> bool:
    """Whether an answer to a message with no SEND word in it has evidence of its own: the
    classifier is very sure of it, or the message's words match its text.

    The off-topic check in _choose_by_score asks whether the message matches any entry's words;
    "help with yr 6 homework whats 3/4 + 2/5" matched one entry's "homework" while the classifier
    leant to the £6,000 entry on the numbers, and the two together cleared the bar for an answer
    neither supported. (Found on the development set when the training examples grew; on both
    sets it declines only out-of-scope messages.)"""
    return (dict(ranking).get(answer, 0.0) >= OFF_TOPIC_OVERRIDE_CONFIDENCE
            or dict(lexical).get(answer, 0.0) >= LEXICAL_OFF_TOPIC_SCORE)


def _myth_first(chosen: str, combined: Sequence[Tuple[str, float]], entries: Dict[str, Entry]) -> str:
    """The myth to answer instead of the answer `chosen`, if one close behind is about the same thing.

    Parents mostly ask about a myth by retelling it ("the senco said...", "will his plan end at
    16?"), in words the answer entry's examples share, so the answer often edges ahead. The myth's
    reply answers the same question and says plainly whether what they heard is right."""
    if entries[chosen].kind == "myth":
        return chosen
    scores = dict(combined)
    for entry_id, score in combined[:MYTH_WINDOW]:
        entry = entries[entry_id]
        if entry.kind == "myth" and _related(entry, entries[chosen]) and score >= MYTH_SHARE * scores[chosen]:
            return entry_id
    return chosen


def _opposed(a: Entry, b: Entry) -> bool:
    """Whether a and b are verdicts on the same point with opposite answers (a myth and the true
    statement it denies)."""
    return a.kind == "myth" and b.kind == "myth" and a.verdict != b.verdict and _related(a, b)


def _shared_related(a: Entry, b: Entry, entries: Dict[str, Entry]) -> List[str]:
    """The published entries both a and b are related to (for a pair of opposed verdicts, the plain
    answers that state the law without a yes or no)."""
    return [i for i in a.related if i in b.related and i in entries]


def _settle_verdict(chosen: str, combined: Sequence[Tuple[str, float]], entries: Dict[str, Entry]) -> str:
    """The plain answer instead of a verdict when the opposite verdict on the same point ranks close.

    "Only schools can ask" (a myth) and "parents can ask" (true) are worded alike; opening with
    "No. That is a myth." to a parent asking "can I ask myself?" would tell them the opposite of
    the law. When the two verdicts compete, the answer both are related to states the law without
    a yes or no."""
    entry = entries[chosen]
    if entry.kind != "myth":
        return chosen
    scores = dict(combined)
    for rival_id, score in combined[:MYTH_WINDOW]:
        rival = entries[rival_id]
        if _opposed(entry, rival) and score >= RIVAL_VERDICT_SHARE * scores[chosen]:
            shared = _shared_related(entry, rival, entries)
            if shared:
                return max(shared, key=lambda i: scores.get(i, 0.0))
    return chosen


def stated_claims(text: str, entries: Dict[str, Entry]) -> FrozenSet[str]:
    """The entries whose claim `text` states in one of the ways their claim_pattern knows."""
    return frozenset(e.id for e in entries.values() if e.states_claim(text))


def _opposites(entry: Entry, entries: Dict[str, Entry]) -> List[Entry]:
    """The related myths or true statements with the other verdict that can be told from `entry`."""
    if not entry.claim_pattern:
        return []
    return [
        other for other in (entries.get(i) for i in entry.related)
        if other is not None and other.claim_pattern and _opposed(entry, other)
    ]


def _stated_verdict(decision: Decision, entries: Dict[str, Entry], stated: AbstractSet[str]) -> Optional[str]:
    """The verdict to give when a claim and its opposite are both in play and the message states
    exactly one of them.

    "Only schools can ask" (a myth) and "parents can ask" (true) share nearly every word, so the
    classifier cannot tell "the senco says parents can't apply, it has to come from school" from
    "can I apply myself?": it may answer either verdict, or the plain answer both relate to. The
    words that state each claim ("parents can't", "has to come from the school" / "parents can",
    "can I") can. Used only when the decision is already about that point (one of the pair, or an
    answer both relate to) and one of the pair ranks in the top STATED_CLAIM_WINDOW. A message
    stating both ("so I can ask myself? the school acts like it's their decision") or neither keeps
    the decision made from the scores, where _settle_verdict gives the plain answer if the two
    verdicts compete. (Giving the plain answer whenever both are stated was tried: on the
    development set it lost right verdicts and prevented no wrong one.)"""
    offered = decision.entry_ids if decision.clarify else decision.entry_ids[:1]
    if not offered:
        return None
    for entry_id, _ in decision.ranking[:STATED_CLAIM_WINDOW]:
        entry = entries[entry_id]
        for opposite in _opposites(entry, entries):
            pair = {entry.id, opposite.id}
            if not pair.union(_shared_related(entry, opposite, entries)).intersection(offered):
                continue
            said = pair.intersection(stated)
            return next(iter(said)) if len(said) == 1 else None
    return None


def sendiass_line(service: Optional[Service], national: Sequence[Service]) -> str:
    """One sentence pointing to a person: the local SENDIASS phone, or the national fallbacks."""
    if service and service.detail("phone"):
        return (
            f"{service.service} gives free, impartial advice and can talk it through with you: "
            f"call {service.detail('phone')}."
        )
    return national_fallback_text(national)


def national_fallback_text(national: Sequence[Service]) -> str:
    names = [
        f"{s.service} ({s.detail('phone') or s.detail('website')})"
        for s in national
        if s.detail("phone") or s.detail("website")
    ]
    if not names:
        return "Your council's SENDIASS gives free, impartial advice: search for 'SENDIASS' and your council's name."
    return "For free, impartial advice from a person, contact your council's SENDIASS, or " + ", or ".join(names) + "."


def citation_sentence(citations: Sequence[Dict[str, Any]]) -> str:
    labels = [c["label"] for c in citations if c.get("label")]
    return f"Where this comes from: {'; '.join(labels)}." if labels else ""


def entry_reply(entry: Entry, content: Content, service: Optional[Service], national: Sequence[Service]) -> Reply:
    """The reply for one knowledge entry: the answer (with the myth verdict first), where it
    comes from, and who to talk to."""
    opening = VERDICT_OPENING.get(entry.verdict or "", "") if entry.kind == "myth" else ""
    paragraphs = [f"{opening} {entry.body}".strip(), citation_sentence(entry.citations), sendiass_line(service, national)]
    buttons = [entry_button(content.entries[r]) for r in entry.related[:2] if r in content.entries]
    buttons.append(TALK_TO_A_PERSON)
    return Reply(
        text="\n\n".join(p for p in paragraphs if p),
        buttons=buttons,
        citations=list(entry.citations),
        entry_id=entry.id,
        quote=entry.quote,
    )


SMALL_TALK = {
    "greet": Reply(
        kind="greeting",
        text=(
            "Hello. I can help you understand the support children with special educational needs and "
            "disabilities (SEND) should get in England. I answer from the SEND Code of Practice and show "
            "you the paragraph. What would you like to ask?"
        ),
        buttons=[
            {"title": "Can I ask for an EHC needs assessment myself?", "payload": button_payload("ehc-request-who-can-ask", "answer")},
            {"title": "What is SEN support?", "payload": button_payload("what-is-sen-support", "answer")},
            TALK_TO_A_PERSON,
        ],
    ),
    "goodbye": Reply(kind="greeting", text="Goodbye. Come back any time you have a question."),
    "thank": Reply(kind="greeting", text="You're welcome. Is there anything else you'd like to ask?"),
}


def small_talk_reply(intent: str) -> Reply:
    """Hello, thanks or goodbye (a copy, so a caller can change it safely)."""
    reply = SMALL_TALK.get(intent, SMALL_TALK["greet"])
    return Reply(kind=reply.kind, text=reply.text, buttons=list(reply.buttons))


def clarify_reply(candidates: Sequence[Entry], service: Optional[Service], national: Sequence[Service]) -> Reply:
    if not candidates:
        return not_understood_reply(service, national)
    text = "I want to be sure I answer the right question. Which of these is closest?"
    buttons = [entry_button(e) for e in candidates]
    buttons.append(TALK_TO_A_PERSON)
    return Reply(text=text, kind="clarify", buttons=buttons)


def not_understood_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    text = (
        "Sorry, I'm not sure I understood. I can answer questions about support for children with "
        "special educational needs and disabilities (SEND) in England, such as SEN support at school "
        "or EHC needs assessments. Could you put it another way?\n\n" + sendiass_line(service, national)
    )
    return Reply(kind="not_understood", text=text, buttons=[TALK_TO_A_PERSON])


def out_of_scope_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    text = (
        "Sorry, I can't help with that. I only answer questions about special educational needs and "
        "disabilities (SEND) in England, using the SEND Code of Practice. For other council services, "
        "please contact your council directly.\n\n" + sendiass_line(service, national)
    )
    return Reply(kind="out_of_scope", text=text, buttons=[TALK_TO_A_PERSON])


def contact_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    """The local SENDIASS's details, each one we hold; the national services if we hold none."""
    if service and service.reachable():
        lines = [f"{service.service} gives free, impartial and confidential information, advice and support about SEND."]
        for label, name in (("Phone", "phone"), ("Email", "email"), ("Website", "website"), ("Opening hours", "opening_hours")):
            if service.detail(name):
                lines.append(f"{label}: {service.detail(name)}")
        return Reply(kind="contact", text="\n".join(lines))
    lines = ["I don't have contact details for your local SENDIASS yet."]
    for other in national:
        parts = [other.detail(n) for n in ("phone", "email", "website") if other.detail(n)]
        if parts:
            lines.append(f"{other.service}: {', '.join(parts)}")
    lines.append("Every council in England must arrange a SENDIASS: search for 'SENDIASS' and your council's name.")
    return Reply(kind="contact", text="\n".join(lines))


def failure_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    """What the gateway says when part of the assistant is down: no stack trace, a person to call."""
    text = "Sorry, something went wrong on our side and I can't answer that right now.\n\n" + sendiass_line(service, national)
    return Reply(kind="failure", text=text, buttons=[TALK_TO_A_PERSON])


def unreachable_text(service: Optional[Service], national: Sequence[Service]) -> str:
    """What the chat widget says when it cannot reach the assistant at all (the gateway is down or
    the parent's connection dropped). The widget fetches it while the service is up, so the phone
    number is there when it is needed."""
    return (
        "Sorry, I can't reach the assistant just now. Your message has not been lost: try again in a few minutes.\n\n"
        + sendiass_line(service, national)
    )


def _link_line(link: Dict[str, Any]) -> str:
    parts = [p for p in (link.get("phone"), link.get("website")) if p]
    return f"{link['name']}: {', '.join(parts)}" if parts else link["name"]


def safeguarding_reply(signpost: Optional[Signpost], service: Optional[Service]) -> Reply:
    """Emergency and safeguarding signposting: 999 first, then the council's children's services
    (where we hold its number), then the national helplines. Sent before anything else."""
    if signpost is None:  # content not loaded: never leave a child at risk without the basics
        text = ("If a child is in immediate danger, call 999 now. If you are worried a child is being harmed, "
                "contact your council's children's services or the NSPCC helpline on 0808 800 5000.")
        return Reply(kind="safeguarding", text=text, signpost="safeguarding")
    lines = [signpost.text, ""]
    if service and service.detail("childrens_services"):
        local = f"{service.council or service.service} children's services: {service.detail('childrens_services')}"
        if service.detail("childrens_services_out_of_hours"):
            local += f" (out of hours: {service.detail('childrens_services_out_of_hours')})"
        lines.append(local)
    lines += [_link_line(link) for link in signpost.links]
    return Reply(kind="safeguarding", text="\n".join(lines), signpost="safeguarding")


def nation_reply(signpost: Signpost) -> Reply:
    """For a parent in Wales, Scotland or Northern Ireland: the Code is England's; where to go."""
    lines = [signpost.text, ""] + [_link_line(link) for link in signpost.links]
    return Reply(kind="nation", text="\n".join(lines), signpost=signpost.id)


def nations_reply(nations: Sequence[Signpost]) -> Reply:
    """Outside England, but we could not tell where: each nation's system and where to go."""
    lines = ["The SEND Code of Practice and the law I answer from cover England only. Wales, Scotland "
             "and Northern Ireland each have their own law and their own advice services:"]
    for nation in nations:
        lines.append(f"- {nation.name}: " + "; ".join(_link_line(link) for link in nation.links))
    return Reply(kind="nation", text="\n".join(lines), signpost="other-nation")


#: A message that retells what someone said, or asks whether something is so: a verdict ("No.
#: That is a myth.") answers it directly. Generic words of reporting and checking, not any myth's
#: own words.
CLAIM_CHECK = re.compile(
    r"\b(?:said|says|saying|say that|told|tells|telling|reckons?|apparently|heard|claims?|claimed|according to|"
    r"keeps? (?:on )?(?:saying|telling)|insists?|mate|friend|true|right\?|correct|myth|really|realy|surely|"
    r"is that (?:so|the case|allowed|legal|a (?:rule|thing))|can they (?:say|do) that|am i right|true or false)\b"
    r"|\bis (?:that|it|this) (?:right|true|correct|so|legal|allowed|the law)\b|\bsay\b"
    # A tag question: "plans end at 16, don't they?", "ehcp ends at 16 dosent it?"
    r"|\b(?:doesn.?t|dosent|isn.?t|don.?t|won.?t|can.?t|aren.?t|shouldn.?t|didn.?t|dont|wont|cant|isnt|arent) "
    r"(?:it|he|she|they|we|i|you)\s*\?"
    r"|^\s*(?:is|are|does|do|can|will|must|has|have|would|could|should|shall)\b",
    re.I,
)


def checks_a_claim(text: str) -> bool:
    """Whether the message retells a claim or asks whether something is so (see CLAIM_CHECK)."""
    return bool(CLAIM_CHECK.search(text or ""))


#: "Where does it say that?" in the ways parents put it. Only asked of a topic under discussion, so
#: each pattern needs a word pointing back at it ("that", "this", "it").
SOURCE_REQUEST = re.compile(
    r"\bwhere (?:does|do|did|is|'s)? ?(?:it|that|this|the law|the code)\b.{0,20}\b(?:say|said|says|written|come from|from)\b"
    r"|\b(?:show|tell) me where\b"
    r"|\b(?:which|what|whats|what's|what is) (?:the )?(?:bit|part|section|paragraph|regulation|law|act|rule|reference|legislation)\b"
    r".{0,30}\b(?:that|this|it)\b"
    r"|\b(?:quote|reference|cite)\b.{0,20}\b(?:that|this|it)\b"
    r"|\b(?:that|this|it)\b.{0,15}\bin (?:the law|the code|writing)\b",
    re.I,
)
#: A longer message is a new question that happens to contain such words.
SOURCE_REQUEST_MAX_WORDS = 16

#: "How long have I got?" and "what if they say no?" in the ways parents put them. With nothing
#: else in the message (no SEND term, a few words), they can only be about the topic under
#: discussion, whatever the classifier made of them (it tends to pick an entry about deadlines).
FOLLOW_UP_CUES: Dict[str, "re.Pattern[str]"] = {
    "how_long": re.compile(
        r"^\W*(?:(?:and|so|but|ok|okay|right)\W+)?(?:how long\b|how many (?:days|weeks)\b|"
        r"what.?s the (?:time limit|deadline)\b|is there a (?:time limit|deadline)\b)", re.I),
    "if_refused": re.compile(
        r"^\W*(?:(?:and|so|but|ok|okay|right)\W+)?(?:what (?:if|happens if|then if|do i do if|can i do if)|if)\b"
        r".{0,40}?\b(?:say no|says no|said no|refuse\w*|won.?t|wont|turn\w* (?:it |me |us |him |her |them )?down|"
        r"decline\w*|reject\w*)", re.I),
}
#: A longer message is a question in its own right.
FOLLOW_UP_MAX_WORDS = 10


def asks_for_source(text: str) -> bool:
    """Whether a message asks where the last answer comes from ("what section of the act is that")."""
    return len(text.split()) <= SOURCE_REQUEST_MAX_WORDS and bool(SOURCE_REQUEST.search(text))


def follow_up_by_wording(text: str) -> Optional[str]:
    """The follow-up kind (how_long, if_refused) a short message asks, by its wording alone."""
    if len(text.split()) > FOLLOW_UP_MAX_WORDS:
        return None
    return next((kind for kind, cue in FOLLOW_UP_CUES.items() if cue.search(text)), None)


def after_safeguarding_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    """Said after the safeguarding signposting instead of "I can't help with that": the parent
    may still want advice about their child's support, and must not feel turned away."""
    text = ("If you would also like advice about your child's support at school or nursery, a person can help. "
            + sendiass_line(service, national))
    return Reply(kind="contact", text=text, buttons=[TALK_TO_A_PERSON])


def source_reply(entry: Entry) -> Reply:
    """"Where does it say that?": the citations of the answer just given, as links."""
    lines = [f"My answer to \"{entry.title}\" comes from:"]
    lines += [f"- {c['label']}" for c in entry.citations]
    if entry.quote:
        lines.append(f"\nThe Code says (paragraph {entry.quote['paragraph']}): \"{entry.quote['text']}\"")
    lines.append("\nThe links open the official text, so you can show it to the school or the council.")
    return Reply(kind="source", text="\n".join(lines), citations=list(entry.citations), entry_id=entry.id, quote=entry.quote,
                 buttons=[TALK_TO_A_PERSON])


def no_follow_up_reply(entry: Entry, content: Content, service: Optional[Service], national: Sequence[Service]) -> Reply:
    """A follow-up we hold no answer for after this topic: say so, offer related topics and a person."""
    text = (f"I don't have a clear answer to that for \"{entry.title}\". These may help, or an adviser "
            f"can talk it through with you.\n\n{sendiass_line(service, national)}")
    buttons = [entry_button(content.entries[r]) for r in entry.related[:CANDIDATES_TO_OFFER] if r in content.entries]
    return Reply(kind="no_follow_up", text=text, buttons=buttons + [TALK_TO_A_PERSON])


def no_topic_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    """A follow-up ("where does it say that?") with nothing discussed yet."""
    text = ("Which topic do you mean? Ask me your question in a few words, for example \"can I ask for "
            "an EHC needs assessment myself?\"\n\n" + sendiass_line(service, national))
    return Reply(kind="not_understood", text=text, buttons=[TALK_TO_A_PERSON])


def find_service(content: Content, council: Optional[str]) -> Optional[Service]:
    """The council's SENDIASS by id, name or alias (case-insensitive)."""
    if not council:
        return None
    wanted = council.strip().lower()
    for service in content.services.values():
        if service.kind != "council":
            continue
        names = {service.id, (service.council or "").lower(), service.service.lower(), *(a.lower() for a in service.aliases)}
        if wanted in names:
            return service
    return None


def national_services(content: Content) -> List[Service]:
    return [s for s in content.services.values() if s.kind == "national"]
