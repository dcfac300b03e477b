"""What the assistant says: choosing the entry to answer with, and wording the reply.

Kept apart from the Rasa action classes so that the choices (when to answer, when to ask which
topic was meant) can be tested directly, and so the gateway's own fallback words come from the
same place as the assistant's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.intents import button_payload
from bot.knowledge.store import Content, Entry, Service, Signpost

# --- Thresholds: one place (besides Rasa's FallbackClassifier in config.yml, which turns a message
# below 0.3 confidence, or within 0.05 of the runner-up, into nlu_fallback before any of this). ---
#: Answer straight away when the classifier's top entry is at least this confident ...
ANSWER_MIN_CONFIDENCE = 0.5
#: ... and at least this far ahead of the runner-up.
ANSWER_MIN_MARGIN = 0.15
#: Below the bar, the lexical search can still confirm one of the classifier's top candidates.
CANDIDATES_TO_OFFER = 3
#: Two related entries at the top (near-duplicates), or the lexical search agreeing: answer at this.
RELATED_MIN_CONFIDENCE = 0.3
#: When nothing was clear enough to answer, offer entries at least this likely as buttons.
CLARIFY_MIN_CONFIDENCE = 0.1

TALK_TO_A_PERSON = {"title": "Talk to a person", "payload": "/ask_for_person"}


def entry_button(entry: Entry) -> Dict[str, str]:
    return {"title": entry.title, "payload": button_payload(entry.id, entry.kind)}

VERDICT_OPENING = {
    "myth": "No. That is a myth.",
    "true": "Yes, that is right.",
    "partly-true": "Partly.",
}


@dataclass
class Reply:
    """One message, in the shape the gateway returns (text, buttons, citations)."""

    text: str
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
        data: Dict[str, Any] = {"text": self.text, "buttons": self.buttons, "citations": self.citations}
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

    @property
    def answer(self) -> Optional[str]:
        return self.entry_ids[0] if self.entry_ids and not self.clarify else None


def _related(a: Entry, b: Entry) -> bool:
    return b.id in a.related or a.id in b.related


def choose(
    ranking: Sequence[Tuple[str, float]],
    lexical: Sequence[Tuple[str, float]],
    entries: Dict[str, Entry],
) -> Decision:
    """Decide from the classifier's ranking (entry id, confidence) and the lexical hits (id, score).

    Answer when the classifier is confident and clear of the runner-up; or when the top two are
    near-duplicates (related entries: either answer is right; a myth wins, since its reply also
    gives the true position); or when the lexical search confirms one of the close candidates.
    Otherwise offer the likely candidates, or nothing if the message looks off-topic to both.
    """
    ranking = [(i, conf) for i, conf in ranking if i in entries]
    lexical_ids = [i for i, _ in lexical if i in entries]
    if not ranking:
        return Decision(entry_ids=[], clarify=True)
    top_id, top = ranking[0]
    second_id, second = ranking[1] if len(ranking) > 1 else ("", 0.0)
    if top >= ANSWER_MIN_CONFIDENCE and top - second >= ANSWER_MIN_MARGIN:
        return Decision(entry_ids=[top_id], clarify=False)
    near_duplicates = (
        second_id
        and top >= RELATED_MIN_CONFIDENCE
        and second >= CLARIFY_MIN_CONFIDENCE
        and top - second < ANSWER_MIN_MARGIN
        and _related(entries[top_id], entries[second_id])
    )
    if near_duplicates:
        pair = [entries[top_id], entries[second_id]]
        myth = next((e.id for e in pair if e.kind == "myth"), top_id)
        return Decision(entry_ids=[myth], clarify=False)
    likely = [i for i, conf in ranking[:CANDIDATES_TO_OFFER] if conf >= CLARIFY_MIN_CONFIDENCE]
    if lexical_ids and lexical_ids[0] in likely and top >= RELATED_MIN_CONFIDENCE:
        return Decision(entry_ids=[lexical_ids[0]], clarify=False)
    on_topic = bool(set(lexical_ids) & set(likely)) or sum(c for _, c in ranking[:CANDIDATES_TO_OFFER]) >= 0.5
    return Decision(entry_ids=likely if on_topic else [], clarify=True)


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


def clarify_reply(candidates: Sequence[Entry], service: Optional[Service], national: Sequence[Service]) -> Reply:
    if not candidates:
        return not_understood_reply(service, national)
    text = "I want to be sure I answer the right question. Which of these is closest?"
    buttons = [entry_button(e) for e in candidates]
    buttons.append(TALK_TO_A_PERSON)
    return Reply(text=text, buttons=buttons)


def not_understood_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    text = (
        "Sorry, I'm not sure I understood. I can answer questions about support for children with "
        "special educational needs and disabilities (SEND) in England, such as SEN support at school "
        "or EHC needs assessments. Could you put it another way?\n\n" + sendiass_line(service, national)
    )
    return Reply(text=text, buttons=[TALK_TO_A_PERSON])


def out_of_scope_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    text = (
        "Sorry, I can't help with that. I only answer questions about special educational needs and "
        "disabilities (SEND) in England, using the SEND Code of Practice. For other council services, "
        "please contact your council directly.\n\n" + sendiass_line(service, national)
    )
    return Reply(text=text, buttons=[TALK_TO_A_PERSON])


def contact_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    """The local SENDIASS's details, each one we hold; the national services if we hold none."""
    if service and (service.detail("phone") or service.detail("email") or service.detail("website")):
        lines = [f"{service.service} gives free, impartial and confidential information, advice and support about SEND."]
        for label, name in (("Phone", "phone"), ("Email", "email"), ("Website", "website"), ("Opening hours", "opening_hours")):
            if service.detail(name):
                lines.append(f"{label}: {service.detail(name)}")
        return Reply(text="\n".join(lines))
    lines = ["I don't have contact details for your local SENDIASS yet."]
    for other in national:
        parts = [other.detail(n) for n in ("phone", "email", "website") if other.detail(n)]
        if parts:
            lines.append(f"{other.service}: {', '.join(parts)}")
    lines.append("Every council in England must arrange a SENDIASS: search for 'SENDIASS' and your council's name.")
    return Reply(text="\n".join(lines))


def failure_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    """What the gateway says when part of the assistant is down: no stack trace, a person to call."""
    text = "Sorry, something went wrong on our side and I can't answer that right now.\n\n" + sendiass_line(service, national)
    return Reply(text=text, buttons=[TALK_TO_A_PERSON])


def _link_line(link: Dict[str, Any]) -> str:
    parts = [p for p in (link.get("phone"), link.get("website")) if p]
    return f"{link['name']}: {', '.join(parts)}" if parts else link["name"]


def safeguarding_reply(signpost: Optional[Signpost], service: Optional[Service]) -> Reply:
    """Emergency and safeguarding signposting: 999 first, then the council's children's services
    (where we hold its number), then the national helplines. Sent before anything else."""
    if signpost is None:  # content not loaded: never leave a child at risk without the basics
        text = ("If a child is in immediate danger, call 999 now. If you are worried a child is being harmed, "
                "contact your council's children's services or the NSPCC helpline on 0808 800 5000.")
        return Reply(text=text, signpost="safeguarding")
    lines = [signpost.text, ""]
    if service and service.detail("childrens_services"):
        local = f"{service.council or service.service} children's services: {service.detail('childrens_services')}"
        if service.detail("childrens_services_out_of_hours"):
            local += f" (out of hours: {service.detail('childrens_services_out_of_hours')})"
        lines.append(local)
    lines += [_link_line(link) for link in signpost.links]
    return Reply(text="\n".join(lines), signpost="safeguarding")


def nation_reply(signpost: Signpost) -> Reply:
    """For a parent in Wales, Scotland or Northern Ireland: the Code is England's; where to go."""
    lines = [signpost.text, ""] + [_link_line(link) for link in signpost.links]
    return Reply(text="\n".join(lines), signpost=signpost.id)


def nations_reply(nations: Sequence[Signpost]) -> Reply:
    """Outside England, but we could not tell where: each nation's system and where to go."""
    lines = ["The SEND Code of Practice and the law I answer from cover England only. Wales, Scotland "
             "and Northern Ireland each have their own law and their own advice services:"]
    for nation in nations:
        lines.append(f"- {nation.name}: " + "; ".join(_link_line(link) for link in nation.links))
    return Reply(text="\n".join(lines), signpost="other-nation")


def source_reply(entry: Entry) -> Reply:
    """"Where does it say that?": the citations of the answer just given, as links."""
    lines = [f"My answer to \"{entry.title}\" comes from:"]
    lines += [f"- {c['label']}" for c in entry.citations]
    if entry.quote:
        lines.append(f"\nThe Code says (paragraph {entry.quote['paragraph']}): \"{entry.quote['text']}\"")
    lines.append("\nThe links open the official text, so you can show it to the school or the council.")
    return Reply(text="\n".join(lines), citations=list(entry.citations), entry_id=entry.id, quote=entry.quote,
                 buttons=[TALK_TO_A_PERSON])


def no_follow_up_reply(entry: Entry, content: Content, service: Optional[Service], national: Sequence[Service]) -> Reply:
    """A follow-up we hold no answer for after this topic: say so, offer related topics and a person."""
    text = (f"I don't have a clear answer to that for \"{entry.title}\". These may help, or an adviser "
            f"can talk it through with you.\n\n{sendiass_line(service, national)}")
    buttons = [entry_button(content.entries[r]) for r in entry.related[:CANDIDATES_TO_OFFER] if r in content.entries]
    return Reply(text=text, buttons=buttons + [TALK_TO_A_PERSON])


def no_topic_reply(service: Optional[Service], national: Sequence[Service]) -> Reply:
    """A follow-up ("where does it say that?") with nothing discussed yet."""
    text = ("Which topic do you mean? Ask me your question in a few words, for example \"can I ask for "
            "an EHC needs assessment myself?\"\n\n" + sendiass_line(service, national))
    return Reply(text=text, buttons=[TALK_TO_A_PERSON])


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
