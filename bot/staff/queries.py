"""What the staff pages read and change: the enquiry queue, status changes with their audit log,
the CSV export, the grouped unanswered questions and the knowledge search.

Functions take a SQLAlchemy session from the caller (who commits), except the knowledge search,
which reads the published content through its own cached repository.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.knowledge.store import Content, ContentRepository, Entry
from bot.models import CodeParagraph, Enquiry, EnquiryAudit, UnansweredQuestion
from bot.urgency import label_of

#: Statuses in the order an enquiry moves through them, with the words staff see.
STATUSES: Dict[str, str] = {"new": "New", "in_progress": "In progress", "closed": "Closed"}
#: A filter value meaning "new or in progress".
OPEN = "open"

#: Why a question is in the unanswered log, as staff read it.
UNANSWERED_KINDS: Dict[str, str] = {
    "not_understood": "Not understood",
    "clarify": "Asked the parent to say more",
    "out_of_scope": "Outside what the assistant covers",
    "no_follow_up": "No follow-up answer",
    "low_confidence": "Answered with low confidence",
}

CSV_COLUMNS = [
    "reference", "received", "council", "status", "urgency", "flags", "topics", "name",
    "contact_method", "contact", "good_time", "summary",
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KNOWLEDGE_RESULTS = 10
PARAGRAPH_QUERY = re.compile(r"^\s*(?:(?:paragraph|para|par|p)\.?\s*)?(\d{1,2})\.(\d{1,3})\s*$", re.IGNORECASE)


class UnknownStatus(ValueError):
    pass


class UnknownEnquiry(LookupError):
    pass


def as_utc(moment: Optional[datetime]) -> Optional[datetime]:
    """SQLite gives stored UTC times back without a zone; PostgreSQL with one. Always aware UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


# --- The queue --------------------------------------------------------------------------------


def list_enquiries(
    session: Session, council: Optional[str] = None, topic: Optional[str] = None, status: Optional[str] = None,
) -> List[Enquiry]:
    """Enquiries, most urgent first and, at the same urgency, oldest first (waiting longest).
    `status` may be "open" for new or in progress; `topic` is a knowledge entry id."""
    query = select(Enquiry)
    if council:
        query = query.where(Enquiry.council == council)
    if status == OPEN:
        query = query.where(Enquiry.status.in_(["new", "in_progress"]))
    elif status:
        query = query.where(Enquiry.status == status)
    query = query.order_by(Enquiry.urgency.desc(), Enquiry.created_at.asc(), Enquiry.id.asc())
    rows = list(session.execute(query).scalars())
    if topic:  # topics is a JSON list: filtered here so SQLite and PostgreSQL behave the same
        rows = [row for row in rows if topic in (row.topics or [])]
    return rows


def count_enquiries(session: Session) -> int:
    return int(session.execute(select(func.count(Enquiry.id))).scalar() or 0)


def get_enquiry(session: Session, enquiry_id: int) -> Optional[Enquiry]:
    return session.get(Enquiry, enquiry_id)


def councils_in_use(session: Session) -> List[str]:
    return sorted(c for (c,) in session.execute(select(Enquiry.council).distinct()) if c)


def topics_in_use(session: Session) -> List[str]:
    seen: Dict[str, None] = {}
    for (topics,) in session.execute(select(Enquiry.topics)):
        for topic in topics or []:
            seen.setdefault(topic, None)
    return list(seen)


def change_status(session: Session, enquiry_id: int, new_status: str, username: str) -> Tuple[Enquiry, bool]:
    """Set an enquiry's status and record who did it. Returns the enquiry and whether anything
    changed (no audit row when the status is already `new_status`). The caller commits."""
    if new_status not in STATUSES:
        raise UnknownStatus(f"'{new_status}' is not a status; choose one of {', '.join(STATUSES)}.")
    enquiry = session.get(Enquiry, enquiry_id)
    if enquiry is None:
        raise UnknownEnquiry(f"There is no enquiry {enquiry_id}.")
    if enquiry.status == new_status:
        return enquiry, False
    now = utcnow()
    session.add(EnquiryAudit(
        enquiry_id=enquiry.id, staff_username=username, action="status",
        from_status=enquiry.status, to_status=new_status, at=now,
    ))
    enquiry.status = new_status
    enquiry.updated_at = now
    session.flush()
    return enquiry, True


def audit_of(session: Session, enquiry_id: int) -> List[EnquiryAudit]:
    """The enquiry's history, oldest first."""
    return list(session.execute(
        select(EnquiryAudit).where(EnquiryAudit.enquiry_id == enquiry_id).order_by(EnquiryAudit.at, EnquiryAudit.id)
    ).scalars())


# --- CSV export -------------------------------------------------------------------------------


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ tab or carriage return
    gets a leading single quote, so Excel or Sheets shows it as text instead of running it."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_export(enquiries: Iterable[Enquiry], titles: Optional[Dict[str, str]] = None) -> str:
    """The enquiries as CSV text with a header row. Topics are entry titles when `titles` maps
    entry ids to titles, otherwise entry ids; several values in one cell are joined with "; "."""
    titles = titles or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for enquiry in enquiries:
        received = as_utc(enquiry.created_at)
        row = [
            enquiry.reference,
            received.isoformat(timespec="seconds") if received else "",
            enquiry.council,
            STATUSES.get(enquiry.status, enquiry.status),
            enquiry.urgency,
            "; ".join(label_of(f) for f in enquiry.flags or []),
            "; ".join(titles.get(t, t) for t in enquiry.topics or []),
            enquiry.name or "",
            enquiry.contact_method,
            enquiry.contact,
            enquiry.good_time or "",
            enquiry.summary,
        ]
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


# --- Unanswered questions ---------------------------------------------------------------------


def normalise_question(text: str) -> str:
    """Lower case, punctuation removed, spaces collapsed: "Who pays?" and "who  pays" are one."""
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").lower()).split())


@dataclass
class UnansweredGroup:
    key: str  # the normalised text
    example: str  # the latest wording, as stored (masked)
    last_seen: datetime
    count: int = 0
    kinds: List[str] = field(default_factory=list)
    councils: List[str] = field(default_factory=list)
    best_entries: Counter = field(default_factory=Counter)  # type: ignore[type-arg]

    @property
    def best_entry(self) -> Optional[str]:
        """The entry most often ranked best for this question, if any was."""
        return self.best_entries.most_common(1)[0][0] if self.best_entries else None


def unanswered_groups(session: Session, council: Optional[str] = None) -> List[UnansweredGroup]:
    """The unanswered-questions log grouped by normalised text: most often asked first, and at
    the same count the most recently asked first."""
    query = select(UnansweredQuestion).order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
    if council:
        query = query.where(UnansweredQuestion.council == council)
    groups: Dict[str, UnansweredGroup] = {}
    for row in session.execute(query).scalars():
        key = normalise_question(row.text)
        if not key:
            continue
        group = groups.get(key)
        if group is None:  # rows come newest first: the first one seen is the latest
            group = groups[key] = UnansweredGroup(key=key, example=row.text.strip(), last_seen=as_utc(row.created_at))
        group.count += 1
        if row.kind not in group.kinds:
            group.kinds.append(row.kind)
        if row.council and row.council not in group.councils:
            group.councils.append(row.council)
        if row.best_entry:
            group.best_entries[row.best_entry] += 1
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last_seen.timestamp()))


# --- Knowledge search -------------------------------------------------------------------------

_repository = ContentRepository()
def published_content() -> Optional[Content]:
    """The published knowledge, or None if the database cannot be read."""
    try:
        return _repository.current()
    except Exception:  # noqa: BLE001 - the staff pages still work without titles
        return None


def entry_titles() -> Dict[str, str]:
    content = published_content()
    return {entry_id: entry.title for entry_id, entry in content.entries.items()} if content else {}


def paragraph_number(query: str) -> Optional[str]:
    """"9.14", "para 9.14" or "paragraph 9.14" -> "9.14"; anything else -> None."""
    match = PARAGRAPH_QUERY.match(query or "")
    return f"{int(match.group(1))}.{int(match.group(2))}" if match else None


def _cites(citation_paragraph: Optional[str], number: str) -> bool:
    """Whether a citation's paragraph field ("9.14", "9.14 to 9.16", "9.14, 9.15") covers `number`."""
    if not citation_paragraph:
        return False
    chapter, para = (int(p) for p in number.split("."))
    for part in re.split(r",|\band\b", citation_paragraph):
        numbers = re.findall(r"(\d{1,2})\.(\d{1,3})", part)
        if len(numbers) == 1 and (int(numbers[0][0]), int(numbers[0][1])) == (chapter, para):
            return True
        if len(numbers) == 2 and " to " in part:
            (c1, p1), (c2, p2) = ((int(a), int(b)) for a, b in numbers)
            if c1 == c2 == chapter and p1 <= para <= p2:
                return True
    return False


def search_knowledge(query: str, limit: int = KNOWLEDGE_RESULTS) -> List[Entry]:
    """Published answers and myths for `query`: first every entry citing the Code paragraph when
    the query is a paragraph number such as "9.14", then the best lexical matches (top 10)."""
    query = (query or "").strip()
    content = published_content()
    if not query or content is None or not content.entries:
        return []
    results: List[Entry] = []
    number = paragraph_number(query)
    if number:
        results = [e for e in content.entries.values() if any(_cites(c.get("paragraph"), number) for c in e.citations)]
    seen = {e.id for e in results}
    from bot.retrieval import index_for  # loads the language pipeline: only when someone searches

    for entry_id, _score in index_for(content).search(query, k=limit):
        if entry_id not in seen and entry_id in content.entries:
            results.append(content.entries[entry_id])
            seen.add(entry_id)
    return results


def code_paragraph(session: Session, number: str) -> Optional[CodeParagraph]:
    return session.get(CodeParagraph, number)


def verdict_label(verdict: Optional[str]) -> str:
    return {"myth": "Myth", "true": "True", "partly-true": "Partly true"}.get(verdict or "", verdict or "")
