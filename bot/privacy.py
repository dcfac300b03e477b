"""Deleting personal data: one conversation on the parent's request ("forget me"), and everything
older than the retention period (`python -m bot.privacy retention`, and hourly while running).

What a conversation leaves behind: Rasa's events (the tracker store), any enquiry it left (with
its audit log), details held by an unfinished form, the privacy-notice mark and the
unanswered-questions log. Both deletions cover all of them.
"""
from __future__ import annotations

import argparse
import logging
import sys
from datetime import datetime, timedelta
from typing import Dict, Optional

from sqlalchemy import delete, inspect, select, text

from bot.db import get_engine, migrate, new_session, utcnow
from bot.models import Enquiry, HeldDetail, PrivacyNotice, UnansweredQuestion
from bot.settings import get_settings

logger = logging.getLogger(__name__)

#: Details held by a form that was never finished are deleted after this long, whatever the
#: retention period: they were given for an enquiry that was not sent.
HELD_DETAIL_MAX_AGE = timedelta(hours=24)


def chat_notice(retention_days: int) -> str:
    """The short notice the chat widget shows before the parent's first message. It must stay
    true to what the code does: masking (bot.pii), retention (delete_expired) and Clear
    conversation (the widget calls DELETE /api/conversations/{id}, i.e. forget_conversation)."""
    return (
        "Please do not type your child's name, date of birth or address. You do not need them to get an answer. "
        f"We keep conversations for {retention_days} days to improve this service, then delete them. "
        "Choose 'Clear conversation' to delete yours now. "
        "This is general information, not legal advice about your child."
    )


def _tracker_has_events(url: str) -> bool:
    return inspect(get_engine(url)).has_table("events")


def forget_conversation(sender_id: str) -> Dict[str, int]:
    """Delete everything stored for one conversation. Returns the rows deleted per store."""
    counts: Dict[str, int] = {}
    with new_session() as session, session.begin():
        enquiries = session.execute(select(Enquiry).where(Enquiry.sender_id == sender_id)).scalars().all()
        for enquiry in enquiries:
            session.delete(enquiry)  # the audit rows go with it (ON DELETE CASCADE)
        counts["enquiries"] = len(enquiries)
        for name, model in (("held_details", HeldDetail), ("privacy_notices", PrivacyNotice),
                            ("unanswered_questions", UnansweredQuestion)):
            counts[name] = session.execute(delete(model).where(model.sender_id == sender_id)).rowcount or 0
    tracker_url = get_settings().tracker_database_url
    if _tracker_has_events(tracker_url):
        with get_engine(tracker_url).begin() as connection:
            counts["conversation_events"] = connection.execute(
                text("DELETE FROM events WHERE sender_id = :s"), {"s": sender_id}
            ).rowcount or 0
    logger.info("Forgot a conversation at the parent's request: %s", counts)  # counts only, no ids
    return counts


def delete_expired(now: Optional[datetime] = None, days: Optional[int] = None) -> Dict[str, int]:
    """Delete what is older than the retention period: enquiries by when they were received,
    conversations by their last message, unanswered questions by when they were asked; details
    held by an unfinished form after HELD_DETAIL_MAX_AGE."""
    now = now or utcnow()
    days = get_settings().retention_days if days is None else days
    cutoff = now - timedelta(days=days)
    counts: Dict[str, int] = {}
    with new_session() as session, session.begin():
        old = session.execute(select(Enquiry).where(Enquiry.created_at < cutoff)).scalars().all()
        for enquiry in old:
            session.delete(enquiry)
        counts["enquiries"] = len(old)
        counts["unanswered_questions"] = session.execute(
            delete(UnansweredQuestion).where(UnansweredQuestion.created_at < cutoff)).rowcount or 0
        counts["privacy_notices"] = session.execute(
            delete(PrivacyNotice).where(PrivacyNotice.noticed_at < cutoff)).rowcount or 0
        counts["held_details"] = session.execute(
            delete(HeldDetail).where(HeldDetail.created_at < now - HELD_DETAIL_MAX_AGE)).rowcount or 0
    counts["conversations"] = 0
    tracker_url = get_settings().tracker_database_url
    if _tracker_has_events(tracker_url):
        with get_engine(tracker_url).begin() as connection:
            stale = connection.execute(
                text("SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :t"),
                {"t": cutoff.timestamp()},
            ).scalars().all()
            for sender_id in stale:
                connection.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender_id})
            counts["conversations"] = len(stale)
    return counts


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.privacy", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    retention = sub.add_parser("retention", help="delete everything older than RETENTION_DAYS")
    retention.add_argument("--days", type=int, default=None, help="override RETENTION_DAYS for this run")
    forget = sub.add_parser("forget", help="delete one conversation (its sender id) and what it left")
    forget.add_argument("sender_id")
    args = parser.parse_args(argv)
    migrate()
    if args.command == "retention":
        days = get_settings().retention_days if args.days is None else args.days
        counts = delete_expired(days=days)
        print(f"Deleted what was older than {days} days: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    else:
        counts = forget_conversation(args.sender_id)
        print("Deleted: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
