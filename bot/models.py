"""Tables of the application database (the knowledge base as served). Rasa keeps its own
`events` table for conversations; these sit beside it in the same database."""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class KnowledgeEntry(Base):
    """An answer or a myth, with its citations already rendered in the gateway's shape."""

    __tablename__ = "knowledge_entries"

    id = Column(String(100), primary_key=True)
    kind = Column(String(10), nullable=False)  # "answer" or "myth"
    title = Column(Text, nullable=False)  # the parent's question, or the myth as parents hear it
    topic = Column(String(40), nullable=True)
    body = Column(Text, nullable=False)  # the plain-English answer, or the true position
    verdict = Column(String(20), nullable=True)  # myths only: myth | true | partly-true
    citations = Column(JSON, nullable=False)
    related = Column(JSON, nullable=False)
    quote = Column(JSON, nullable=True)
    examples = Column(JSON, nullable=False)
    reviewed = Column(Date, nullable=False)
    # Where "what if they say no?" / "how long does that take?" lead after this entry (entry ids).
    follow_ups = Column(JSON, nullable=True)
    # Myths with an opposite only: how parents state the claim (a regular expression).
    claim_pattern = Column(Text, nullable=True)


class CodeParagraph(Base):
    __tablename__ = "code_paragraphs"

    number = Column(String(20), primary_key=True)
    chapter = Column(Integer, nullable=False)
    heading = Column(Text, nullable=False)


class SendiassService(Base):
    """A council's SENDIASS, or a national fallback; contact details keep their sources."""

    __tablename__ = "services"

    id = Column(String(60), primary_key=True)
    kind = Column(String(10), nullable=False)  # "council" or "national"
    council = Column(Text, nullable=True)
    service = Column(Text, nullable=False)
    details = Column(JSON, nullable=False)  # phone / email / website / opening_hours with source and date
    places = Column(JSON, nullable=False)
    aliases = Column(JSON, nullable=False)


class Signpost(Base):
    """A message that comes before any answer: safeguarding (kind "safeguarding"), or the note for
    a parent in Wales, Scotland or Northern Ireland (kind "nation", recognised by `places`)."""

    __tablename__ = "signposts"

    id = Column(String(60), primary_key=True)
    kind = Column(String(20), nullable=False)
    name = Column(Text, nullable=False)
    text = Column(Text, nullable=False)
    places = Column(JSON, nullable=False)
    links = Column(JSON, nullable=False)  # name, website, phone, source, checked


class ContentVersion(Base):
    """One row per successful load: readers reload their caches when the newest id changes."""

    __tablename__ = "content_versions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    fingerprint = Column(String(64), nullable=False)
    entries = Column(Integer, nullable=False)
    loaded_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())


# --- Handoff to SENDIASS, staff triage, privacy (migration 0003) ---------------------------------
# Times are stored in UTC. `sender_id` ties a row to the conversation it came from, so "forget me"
# and retention can delete everything of one conversation.


class Enquiry(Base):
    """A message a parent left, with consent, for their SENDIASS: arrives summarised, tagged with
    the knowledge entries the conversation touched, and flagged for urgency."""

    __tablename__ = "enquiries"

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(20), nullable=False, unique=True)  # told to the parent, e.g. "HAL-7K3F9Q"
    sender_id = Column(String(64), nullable=False, index=True)
    council = Column(String(60), nullable=False, index=True)  # council id, e.g. "halton"
    name = Column(Text, nullable=True)  # the name to use; optional
    contact_method = Column(String(10), nullable=False)  # "email" or "phone"
    contact = Column(Text, nullable=False)  # the only place the contact detail is stored
    good_time = Column(Text, nullable=True)
    summary = Column(Text, nullable=False)
    topics = Column(JSON, nullable=False)  # knowledge entry ids, in the order discussed
    flags = Column(JSON, nullable=False)  # urgency flags: safeguarding, deadline, exclusion, no_school_place
    urgency = Column(Integer, nullable=False, index=True)  # sum of the flags' weights: queue order
    transcript = Column(JSON, nullable=False)  # [{who, text, at, entry_id, citations}], personal data masked
    status = Column(String(20), nullable=False, default="new", index=True)  # new | in_progress | closed
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)
    updated_at = Column(DateTime(timezone=True), nullable=False)


class EnquiryAudit(Base):
    """Who changed an enquiry, when, from what to what. Deleted with its enquiry."""

    __tablename__ = "enquiry_audit"

    id = Column(Integer, primary_key=True, autoincrement=True)
    enquiry_id = Column(Integer, ForeignKey("enquiries.id", ondelete="CASCADE"), nullable=False, index=True)
    staff_username = Column(String(120), nullable=False)
    action = Column(String(30), nullable=False)  # "status" (more kinds may follow)
    from_status = Column(String(20), nullable=True)
    to_status = Column(String(20), nullable=True)
    at = Column(DateTime(timezone=True), nullable=False)


class StaffUser(Base):
    """A SENDIASS officer who may sign in to /staff. Passwords are stored as Argon2 hashes only."""

    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(120), nullable=False, unique=True)
    display_name = Column(Text, nullable=False)
    password_hash = Column(Text, nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    last_login_at = Column(DateTime(timezone=True), nullable=True)


class HeldDetail(Base):
    """The name or contact detail a parent typed into the enquiry form, held between that step
    and submission (or cancellation, which deletes it). It never enters the conversation history:
    the gateway passes Rasa a placeholder instead."""

    __tablename__ = "held_details"

    sender_id = Column(String(64), primary_key=True)
    field = Column(String(20), primary_key=True)  # "name" or "contact"
    value = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)


class PrivacyNotice(Base):
    """The conversation has been told once that personal details were hidden."""

    __tablename__ = "privacy_notices"

    sender_id = Column(String(64), primary_key=True)
    noticed_at = Column(DateTime(timezone=True), nullable=False)


class UnansweredQuestion(Base):
    """A question the assistant could not answer or answered with low confidence (text masked),
    so content editors know what to add next."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(64), nullable=False, index=True)
    council = Column(String(60), nullable=True)
    text = Column(Text, nullable=False)  # as stored in the conversation: personal data masked
    kind = Column(String(20), nullable=False)  # not_understood | clarify | out_of_scope | no_follow_up | low_confidence
    score = Column(Float, nullable=True)  # the best entry's combined score
    best_entry = Column(String(100), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)
