"""Storing what the handoff needs: enquiries, the details held while the form is filled in, the
once-per-conversation privacy notice, and the log of questions the assistant could not answer.

The action server and the gateway both write here (one database), so each function opens and
commits its own short session: no long transactions across an HTTP call.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.db import new_session, utcnow
from bot.handoff import new_reference
from bot.models import Enquiry, HeldDetail, PrivacyNotice, UnansweredQuestion
from bot.urgency import urgency_of


@dataclass
class NewEnquiry:
    sender_id: str
    council: str
    contact_method: str
    contact: str
    summary: str
    name: Optional[str] = None
    good_time: Optional[str] = None
    topics: List[str] = field(default_factory=list)
    flags: List[str] = field(default_factory=list)
    transcript: List[Dict[str, Any]] = field(default_factory=list)


def create_enquiry(new: NewEnquiry) -> Enquiry:
    """Store an enquiry with status "new"; returns it with its reference."""
    now = utcnow()
    for _attempt in range(5):  # a reference collision is rare: try another
        row = Enquiry(
            reference=new_reference(new.council), sender_id=new.sender_id, council=new.council,
            name=new.name, contact_method=new.contact_method, contact=new.contact, good_time=new.good_time,
            summary=new.summary, topics=list(new.topics), flags=list(new.flags), urgency=urgency_of(new.flags),
            transcript=list(new.transcript), status="new", created_at=now, updated_at=now,
        )
        try:
            with new_session() as session, session.begin():
                session.add(row)
            return row
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free enquiry reference")


def hold(sender_id: str, name: str, value: str) -> None:
    """Hold a detail typed into the form ("name" or "contact") until the enquiry is sent or stopped."""
    with new_session() as session, session.begin():
        row = session.get(HeldDetail, (sender_id, name))
        if row is None:
            session.add(HeldDetail(sender_id=sender_id, field=name, value=value, created_at=utcnow()))
        else:
            row.value, row.created_at = value, utcnow()


def held(sender_id: str, name: str) -> Optional[str]:
    with new_session() as session:
        row = session.get(HeldDetail, (sender_id, name))
        return row.value if row else None


def drop_held(sender_id: str, name: Optional[str] = None) -> None:
    """Forget held details: one (a bad value the parent will type again) or all of a conversation."""
    with new_session() as session, session.begin():
        query = delete(HeldDetail).where(HeldDetail.sender_id == sender_id)
        if name:
            query = query.where(HeldDetail.field == name)
        session.execute(query)


def first_privacy_notice(sender_id: str) -> bool:
    """True the first time a conversation needs the "you need not share that" notice; records it."""
    with new_session() as session, session.begin():
        if session.get(PrivacyNotice, sender_id) is not None:
            return False
        session.add(PrivacyNotice(sender_id=sender_id, noticed_at=utcnow()))
        return True


def log_unanswered(sender_id: str, text: str, kind: str, council: Optional[str] = None,
                   score: Optional[float] = None, best_entry: Optional[str] = None) -> None:
    """Record a question the assistant could not answer, or answered with low confidence."""
    with new_session() as session, session.begin():
        session.add(UnansweredQuestion(
            sender_id=sender_id, council=council, text=text[:2000], kind=kind, score=score,
            best_entry=best_entry, created_at=utcnow(),
        ))


def enquiries_of(sender_id: str) -> List[Enquiry]:
    with new_session() as session:
        return list(session.execute(select(Enquiry).where(Enquiry.sender_id == sender_id)).scalars())
