"""Tables of the application database (the knowledge base as served). Rasa keeps its own
`events` table for conversations; these sit beside it in the same database."""
from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, Integer, String, Text, func
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
