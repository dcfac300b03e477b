"""Put a checked knowledge base into the database, and read it back with a cache.

Loading is all or nothing: the files are checked in full first (`load_knowledge`), then the old
rows are replaced inside one transaction. A bad edit therefore never reaches a parent: the
assistant keeps serving the last good content until the files are fixed.

Readers (the action server, the gateway) keep the content in memory and reload it when a newer
`content_versions` row appears, so an officer's change goes live without restarting anything.
"""
from __future__ import annotations

import logging
import re
import threading
from datetime import date
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from sqlalchemy import delete, func, select

from bot.db import migrate, new_session
from bot.knowledge.loader import KnowledgeBase, load_knowledge
from bot.models import CodeParagraph, ContentVersion, KnowledgeEntry, SendiassService
from bot.models import Signpost as SignpostRow
from bot.settings import get_settings

logger = logging.getLogger(__name__)
#: The ways to reach a SENDIASS, in the order they are shown.
CONTACT_FIELDS = ("phone", "email", "website", "opening_hours")


def _service_row(service: Any, kind: str) -> SendiassService:
    details = {}
    for name in (*CONTACT_FIELDS, "childrens_services", "childrens_services_out_of_hours"):
        detail = getattr(service, name)
        details[name] = (
            {"value": detail.value, "source": detail.source, "checked": detail.checked.isoformat()}
            if detail
            else None
        )
    if service.description:
        details["description"] = service.description
    return SendiassService(
        id=service.id, kind=kind, council=service.council, service=service.service,
        details=details, places=list(service.places), aliases=list(service.aliases),
    )


def _entry_rows(kb: KnowledgeBase) -> List[KnowledgeEntry]:
    rows = [
        KnowledgeEntry(
            id=answer.id, kind="answer", title=answer.title, topic=answer.topic, body=answer.answer,
            citations=[kb.render_citation(c) for c in answer.citations], related=list(answer.related),
            quote=answer.quote.dict() if answer.quote else None, examples=list(answer.examples),
            reviewed=answer.reviewed, follow_ups=kb.follow_ups_of(answer.id),
        )
        for answer in kb.answers.values()
    ]
    rows += [
        KnowledgeEntry(
            id=myth.id, kind="myth", title=myth.myth, topic=None, body=myth.truth, verdict=myth.verdict,
            citations=[kb.render_citation(c) for c in myth.citations], related=list(myth.related),
            quote=None, examples=list(myth.examples), reviewed=myth.reviewed,
            follow_ups=kb.follow_ups_of(myth.id), claim_pattern=myth.claim_pattern,
        )
        for myth in kb.myths.values()
    ]
    return rows


def _service_rows(kb: KnowledgeBase) -> List[SendiassService]:
    return [_service_row(c, "council") for c in kb.councils.values()] + [
        _service_row(n, "national") for n in kb.national.values()
    ]


def _signpost_rows(kb: KnowledgeBase) -> List[SignpostRow]:
    signposts = [("safeguarding", kb.safeguarding)] if kb.safeguarding else []
    signposts += [("nation", nation) for nation in kb.nations.values()]
    return [
        SignpostRow(
            id=item.id, kind=kind, name=item.name, text=item.text, places=list(item.places),
            links=[{**link.dict(), "checked": link.checked.isoformat()} for link in item.links],
        )
        for kind, item in signposts
    ]


def publish(kb: KnowledgeBase, url: Optional[str] = None) -> int:
    """Replace the served content with `kb` in one transaction; return the new version id."""
    with new_session(url) as session, session.begin():
        for table in (KnowledgeEntry, CodeParagraph, SendiassService, SignpostRow):
            session.execute(delete(table))
        for paragraph in kb.paragraphs.values():
            session.add(CodeParagraph(number=paragraph.number, chapter=paragraph.chapter, heading=paragraph.heading))
        session.add_all(_entry_rows(kb))
        session.add_all(_service_rows(kb))
        session.add_all(_signpost_rows(kb))
        version = ContentVersion(fingerprint=kb.fingerprint, entries=len(kb.answers) + len(kb.myths))
        session.add(version)
        session.flush()
        return int(version.id)


def load_and_publish(knowledge_dir: Optional[Path] = None, url: Optional[str] = None) -> KnowledgeBase:
    """Check the files, migrate the schema, publish. Raises KnowledgeError (nothing changed) if
    the files are wrong."""
    kb = load_knowledge(knowledge_dir or get_settings().knowledge_dir)
    migrate(url)
    publish(kb, url)
    return kb


@dataclass
class Entry:
    id: str
    kind: str
    title: str
    topic: Optional[str]
    body: str
    verdict: Optional[str]
    citations: List[Dict[str, Any]]
    related: List[str]
    quote: Optional[Dict[str, Any]]
    examples: List[str]
    follow_ups: Dict[str, str] = field(default_factory=dict)
    #: When a person last checked the entry against the Code (shown on the myths page).
    reviewed: Optional[date] = None
    #: How parents state this claim (myths with an opposite only; see knowledge/README.md).
    claim_pattern: Optional[str] = None

    def states_claim(self, text: str) -> bool:
        """Whether `text` states this entry's claim in one of the ways its claim_pattern knows."""
        return bool(self.claim_pattern) and re.search(self.claim_pattern, text, re.I) is not None

    def public(self) -> Dict[str, Any]:
        """The entry as the API shows it (no training examples)."""
        data = {
            "id": self.id, "kind": self.kind, "title": self.title, "topic": self.topic,
            "answer": self.body, "citations": self.citations, "related": self.related,
        }
        if self.kind == "myth":
            data["verdict"] = self.verdict
        if self.quote:
            data["quote"] = self.quote
        return data


@dataclass
class Service:
    id: str
    kind: str
    council: Optional[str]
    service: str
    details: Dict[str, Any]
    places: List[str]
    aliases: List[str]

    def detail(self, name: str) -> Optional[str]:
        value = self.details.get(name)
        return value.get("value") if isinstance(value, dict) else None

    def reachable(self) -> bool:
        """Whether we hold a sourced phone, email or website (opening hours alone reach no one)."""
        return any(self.detail(name) for name in ("phone", "email", "website"))


@dataclass
class Signpost:
    id: str
    kind: str
    name: str
    text: str
    places: List[str]
    links: List[Dict[str, Any]]


@dataclass
class Content:
    version: int
    entries: Dict[str, Entry] = field(default_factory=dict)
    services: Dict[str, Service] = field(default_factory=dict)
    signposts: Dict[str, Signpost] = field(default_factory=dict)

    @property
    def safeguarding(self) -> Optional[Signpost]:
        return next((s for s in self.signposts.values() if s.kind == "safeguarding"), None)

    @property
    def nations(self) -> List[Signpost]:
        return [s for s in self.signposts.values() if s.kind == "nation"]


def _content(
    version: int,
    entries: Iterable[KnowledgeEntry],
    services: Iterable[SendiassService],
    signposts: Iterable[SignpostRow] = (),
) -> Content:
    content = Content(version=version)
    for row in entries:
        content.entries[row.id] = Entry(
            id=row.id, kind=row.kind, title=row.title, topic=row.topic, body=row.body,
            verdict=row.verdict, citations=list(row.citations), related=list(row.related),
            quote=row.quote, examples=list(row.examples), follow_ups=dict(row.follow_ups or {}),
            reviewed=row.reviewed, claim_pattern=row.claim_pattern,
        )
    for row in services:
        content.services[row.id] = Service(
            id=row.id, kind=row.kind, council=row.council, service=row.service,
            details=dict(row.details), places=list(row.places), aliases=list(row.aliases),
        )
    for row in signposts:
        content.signposts[row.id] = Signpost(
            id=row.id, kind=row.kind, name=row.name, text=row.text, places=list(row.places), links=list(row.links),
        )
    return content


def content_from_kb(kb: KnowledgeBase) -> Content:
    """Content straight from checked files, without a database: the gateway's last resort when
    the database does not answer, so a parent still gets the right phone number."""
    return _content(0, _entry_rows(kb), _service_rows(kb), _signpost_rows(kb))


class ContentRepository:
    """Served content, cached per process and refreshed when a newer version is published."""

    def __init__(self, url: Optional[str] = None) -> None:
        self._url = url
        self._content: Optional[Content] = None
        self._lock = threading.Lock()

    def _latest_version(self) -> int:
        with new_session(self._url) as session:
            return int(session.execute(select(func.max(ContentVersion.id))).scalar() or 0)

    def _read(self, version: int) -> Content:
        with new_session(self._url) as session:
            entries = list(session.execute(select(KnowledgeEntry)).scalars())
            services = list(session.execute(select(SendiassService)).scalars())
            signposts = list(session.execute(select(SignpostRow)).scalars())
        return _content(version, entries, services, signposts)

    def current(self) -> Content:
        """The newest published content; the last good copy if the database does not answer."""
        with self._lock:
            try:
                version = self._latest_version()
                if self._content is None or self._content.version != version:
                    self._content = self._read(version)
            except Exception:  # noqa: BLE001 - keep serving what we have
                if self._content is None:
                    raise
                logger.warning("Database unavailable; serving cached content version %s", self._content.version)
            return self._content
