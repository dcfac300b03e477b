"""The shape of the curated content in `knowledge/`, checked with pydantic.

A SENDIASS officer edits YAML, not code, so every error must say which file, which entry and which
field is wrong, in words they can act on. The cross-checks (paragraph numbers against the index,
related ids, law ids) live in `loader.py`; this module checks each entry on its own.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Extra, root_validator, validator

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_PATTERN = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s]*)?$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
UK_PHONE_PATTERN = re.compile(r"^(?:0\d[\d ]{8,12}\d|\+44[\d ]{9,13}\d)$")

#: "At most about 120 words": past this the validator refuses the answer.
MAX_ANSWER_WORDS = 130
MIN_EXAMPLES = 8

TOPICS = (
    "principles", "identifying-sen", "sen-support", "senco", "school-duties", "funding",
    "ehc-assessment", "ehc-plan", "personal-budgets", "annual-review", "disagreements",
    "appeals", "sendiass", "equality", "early-years", "further-education",
)


class Strict(BaseModel):
    """Unknown fields are refused: a misspelt field name would otherwise be silently ignored."""

    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(f"'{value}' must be lower-case words joined by hyphens, e.g. ehc-legal-test")
    return value


def _check_url(value: Optional[str]) -> Optional[str]:
    if value is not None and not URL_PATTERN.match(value):
        raise ValueError(f"'{value}' is not a web address (it must start with https:// or http://)")
    return value


class Citation(Strict):
    """A Code paragraph (`paragraph: "6.45"`), or a law (`law: cfa-2014` with `section: "36(8)"`;
    `regulation:` or `rule:` may stand for `section:`, as editors naturally write them)."""

    paragraph: Optional[str] = None
    law: Optional[str] = None
    section: Optional[str] = None
    url: Optional[str] = None

    _url = validator("url", allow_reuse=True)(_check_url)

    @root_validator(pre=True)
    def _section_synonyms(cls, values: dict) -> dict:
        for synonym in ("regulation", "rule"):
            if synonym in values:
                if values.get("section"):
                    raise ValueError(f"give '{synonym}' or 'section', not both")
                values = {**values, "section": values[synonym]}
                values.pop(synonym)
        if values.get("section") is not None:
            values["section"] = str(values["section"])
        return values

    @validator("section", always=True)
    def _one_kind(cls, section: Optional[str], values: dict) -> Optional[str]:
        paragraph, law = values.get("paragraph"), values.get("law")
        if bool(paragraph) == bool(law):
            raise ValueError("give either 'paragraph' (a Code paragraph) or 'law' with 'section', not both or neither")
        if law and not section:
            raise ValueError(f"a citation of law '{law}' needs a 'section' (the section or regulation number)")
        if paragraph and section:
            raise ValueError("'section' goes with 'law', not with a Code 'paragraph'")
        return section


class Quote(Strict):
    text: str
    paragraph: str
    seed: str

    @validator("seed")
    def _seed_name(cls, value: str) -> str:
        if not re.match(r"^\d{3}_[0-9a-f]+\.txt$", value):
            raise ValueError(f"'{value}' must be a seed leaflet's file name, e.g. 000_175b3ac47789d278.txt")
        return value


def _check_examples(values: List[str]) -> List[str]:
    cleaned = [v.strip() for v in values if v and v.strip()]
    if len(cleaned) < MIN_EXAMPLES:
        raise ValueError(f"needs at least {MIN_EXAMPLES} example questions, has {len(cleaned)}")
    seen = set()
    for example in cleaned:
        key = example.lower()
        if key in seen:
            raise ValueError(f"example '{example}' is given twice")
        seen.add(key)
    return cleaned


def _check_length(value: str) -> str:
    words = len(value.split())
    if words > MAX_ANSWER_WORDS:
        raise ValueError(f"is {words} words long; keep it to about 120 (at most {MAX_ANSWER_WORDS})")
    return value


class _Entry(Strict):
    """What answers and myths share: an id, citations, related entries, training examples and the
    date a person last checked it against the sources."""

    id: str
    citations: List[Citation]
    related: List[str] = []
    examples: List[str]
    reviewed: dt.date

    _id = validator("id", allow_reuse=True)(_check_id)
    _examples = validator("examples", allow_reuse=True)(_check_examples)

    @validator("citations")
    def _at_least_one(cls, value: List[Citation]) -> List[Citation]:
        if not value:
            raise ValueError("needs at least one citation")
        return value


class Answer(_Entry):
    title: str
    topic: Literal[TOPICS]  # type: ignore[valid-type]
    answer: str
    quote: Optional[Quote] = None

    _length = validator("answer", allow_reuse=True)(_check_length)


class Myth(_Entry):
    myth: str
    verdict: Literal["myth", "true", "partly-true"]
    truth: str
    #: Regular expressions (case does not matter) for the ways parents state this claim itself,
    #: such as "parents can't" or "has to come from the school". Only for a claim whose opposite is
    #: also in the knowledge base ("only schools can ask" / "parents can ask"): they tell which of
    #: the two a parent is checking (see bot/answering.py, stated claims).
    claim_patterns: List[str] = []

    _length = validator("truth", allow_reuse=True)(_check_length)

    @validator("claim_patterns", each_item=True)
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value, re.I)
        except re.error as error:
            raise ValueError(f"{value!r} is not a valid regular expression ({error})") from None
        return value

    @property
    def claim_pattern(self) -> Optional[str]:
        """The claim_patterns as one regular expression (None when there are none)."""
        return "|".join(f"(?:{p})" for p in self.claim_patterns) or None


class ContactDetail(Strict):
    value: str
    source: str
    checked: dt.date


class Service(Strict):
    """A SENDIASS (per council) or a national service."""

    id: str
    council: Optional[str] = None
    service: str
    places: List[str] = []
    aliases: List[str] = []
    phone: Optional[ContactDetail] = None
    email: Optional[ContactDetail] = None
    website: Optional[ContactDetail] = None
    opening_hours: Optional[ContactDetail] = None
    # The council's children's services (children's social care), for a child at risk of harm.
    childrens_services: Optional[ContactDetail] = None
    childrens_services_out_of_hours: Optional[ContactDetail] = None
    description: Optional[str] = None

    _id = validator("id", allow_reuse=True)(_check_id)

    @validator("phone", "childrens_services", "childrens_services_out_of_hours")
    def _phone(cls, detail: Optional[ContactDetail]) -> Optional[ContactDetail]:
        if detail and not UK_PHONE_PATTERN.match(detail.value):
            raise ValueError(f"'{detail.value}' is not a UK phone number (e.g. 0151 511 7733)")
        return detail

    @validator("email")
    def _email(cls, detail: Optional[ContactDetail]) -> Optional[ContactDetail]:
        if detail and not EMAIL_PATTERN.match(detail.value):
            raise ValueError(f"'{detail.value}' is not an email address")
        return detail

    @validator("website")
    def _website(cls, detail: Optional[ContactDetail]) -> Optional[ContactDetail]:
        if detail:
            _check_url(detail.value)
        return detail


class Paragraph(Strict):
    number: str
    chapter: int
    heading: str
    evidence: str


class Law(Strict):
    id: str
    name: str
    unit: Literal["section", "regulation", "rule"]
    url: str


class GlossaryTerm(Strict):
    label: str
    canonical: str
    meaning: str
    variants: List[str]
    #: False for everyday words ("the council"): on their own they do not make a message about SEND.
    send_specific: bool = True
    #: True for words about what other services deal with ("council tax", "school admissions"): a
    #: message with one and no SEND term is not a SEND question. Such a term is never SEND-specific.
    elsewhere: bool = False

    @root_validator(skip_on_failure=True)
    def _elsewhere_is_not_send(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values.get("elsewhere") and values.get("send_specific"):
            raise ValueError(f"'{values.get('label')}': a term for other services ('elsewhere: true') needs 'send_specific: false'")
        return values

    @validator("label")
    def _label(cls, value: str) -> str:
        if not re.match(r"^[A-Z][A-Z0-9_]*$", value):
            raise ValueError(f"'{value}' must be UPPER_CASE_WITH_UNDERSCORES")
        return value


FOLLOW_UP_KINDS = ("if_refused", "how_long")


class FollowUpRule(Strict):
    """What "what if they say no?" and "how long does that take?" lead to after a topic (`topic`)
    or after particular entries (`entries`, which override their topic's rule)."""

    topic: Optional[Literal[TOPICS]] = None  # type: ignore[valid-type]
    entries: List[str] = []
    if_refused: Optional[str] = None
    how_long: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _topic_or_entries(cls, values: dict) -> dict:
        if bool(values.get("topic")) == bool(values.get("entries")):
            raise ValueError("give either 'topic' or 'entries', not both or neither")
        if not (values.get("if_refused") or values.get("how_long")):
            raise ValueError("give 'if_refused' or 'how_long' (the entry id a follow-up leads to)")
        return values


class Link(Strict):
    """A place to send a parent: a name, a web address and/or phone, and where we found it."""

    name: str
    website: Optional[str] = None
    phone: Optional[str] = None
    source: str
    checked: dt.date

    _website = validator("website", allow_reuse=True)(_check_url)

    @validator("phone")
    def _phone(cls, value: Optional[str]) -> Optional[str]:
        # Helplines have short numbers too (999, 0800 1111, 116 123).
        if value and not (UK_PHONE_PATTERN.match(value) or re.match(r"^\d{3,8}$", value.replace(" ", ""))):
            raise ValueError(f"'{value}' is not a UK phone number")
        return value


class Signpost(Strict):
    """A fixed message that comes before any answer: a child at risk (`safeguarding`), or a
    parent outside England (a nation, recognised by `places`)."""

    id: str
    name: str
    text: str
    places: List[str] = []
    links: List[Link]

    _id = validator("id", allow_reuse=True)(_check_id)
    _length = validator("text", allow_reuse=True)(_check_length)
