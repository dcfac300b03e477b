"""Retention and "forget me" on a real (SQLite) database: exactly what is older than the limit is
deleted, and one conversation can be deleted with everything it left."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List

import pytest
import sqlalchemy as sa

from bot import enquiry_store
from bot.db import get_engine, migrate, new_session
from bot.models import Enquiry, EnquiryAudit, HeldDetail, PrivacyNotice, UnansweredQuestion
from bot.privacy import delete_expired, forget_conversation, main

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
DAYS = 30
CUTOFF = NOW - timedelta(days=DAYS)
JUST_OLDER, JUST_NEWER = CUTOFF - timedelta(minutes=1), CUTOFF + timedelta(minutes=1)


@pytest.fixture()
def databases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    app = f"sqlite:///{tmp_path / 'assistant.db'}"
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", app)
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker)
    monkeypatch.setenv("RETENTION_DAYS", str(DAYS))
    migrate()
    with get_engine(tracker).begin() as connection:  # the columns Rasa's SQLTrackerStore uses
        connection.execute(sa.text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255), "
            "timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
        ))
    return {"app": app, "tracker": tracker}


def add_enquiry(reference: str, sender: str, at: datetime) -> None:
    with new_session() as session, session.begin():
        enquiry = Enquiry(
            reference=reference, sender_id=sender, council="halton", contact_method="email", contact="a@example.com",
            summary="help", topics=[], flags=[], urgency=0, transcript=[], status="new", created_at=at, updated_at=at,
        )
        session.add(enquiry)
        session.flush()
        session.add(EnquiryAudit(enquiry_id=enquiry.id, staff_username="jo", action="status",
                                 from_status="new", to_status="in_progress", at=at))


def add_event(tracker_url: str, sender: str, at: datetime, text: str = "hello") -> None:
    with get_engine(tracker_url).begin() as connection:
        connection.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, :d)"),
                           {"s": sender, "t": at.timestamp(), "d": f'{{"text": "{text}"}}'})


def column(url: str, query: str) -> List[str]:
    with get_engine(url).connect() as connection:
        return sorted(connection.execute(sa.text(query)).scalars().all())


def test_retention_deletes_exactly_what_is_older_than_the_limit(databases):
    add_enquiry("HAL-OLD111", "old-parent", JUST_OLDER)
    add_enquiry("HAL-NEW222", "new-parent", JUST_NEWER)
    with new_session() as session, session.begin():
        for sender, at in (("old-parent", JUST_OLDER), ("new-parent", JUST_NEWER)):
            session.add(UnansweredQuestion(sender_id=sender, text="q", kind="clarify", created_at=at))
            session.add(PrivacyNotice(sender_id=sender, noticed_at=at))
        # A form left unfinished: its details go after 24 hours, whatever the retention period.
        session.add(HeldDetail(sender_id="old-parent", field="contact", value="a@example.com", created_at=NOW - timedelta(hours=25)))
        session.add(HeldDetail(sender_id="new-parent", field="contact", value="b@example.com", created_at=NOW - timedelta(hours=23)))
    # Conversations go by their last message: "ongoing" started long ago but spoke just now.
    add_event(databases["tracker"], "old-parent", JUST_OLDER - timedelta(days=3))
    add_event(databases["tracker"], "old-parent", JUST_OLDER)
    add_event(databases["tracker"], "ongoing", JUST_OLDER - timedelta(days=50))
    add_event(databases["tracker"], "ongoing", JUST_NEWER)

    counts = delete_expired(now=NOW)

    assert counts == {"enquiries": 1, "unanswered_questions": 1, "privacy_notices": 1, "held_details": 1, "conversations": 1}
    app = databases["app"]
    assert column(app, "SELECT reference FROM enquiries") == ["HAL-NEW222"]
    assert len(column(app, "SELECT staff_username FROM enquiry_audit")) == 1  # the old one's audit went with it
    assert column(app, "SELECT sender_id FROM unanswered_questions") == ["new-parent"]
    assert column(app, "SELECT sender_id FROM privacy_notices") == ["new-parent"]
    assert column(app, "SELECT sender_id FROM held_details") == ["new-parent"]
    assert column(databases["tracker"], "SELECT DISTINCT sender_id FROM events") == ["ongoing"]


def test_forget_me_deletes_one_conversation_and_all_it_left(databases):
    add_enquiry("HAL-MINE11", "me", JUST_NEWER)
    add_enquiry("HAL-THEM22", "them", JUST_NEWER)
    enquiry_store.hold("me", "name", "Sam")
    enquiry_store.log_unanswered("me", "what about [hidden tel]", "clarify")
    assert enquiry_store.first_privacy_notice("me") is True
    assert enquiry_store.first_privacy_notice("me") is False  # told once
    add_event(databases["tracker"], "me", NOW)
    add_event(databases["tracker"], "them", NOW)

    counts = forget_conversation("me")

    assert counts == {"enquiries": 1, "held_details": 1, "privacy_notices": 1, "unanswered_questions": 1, "conversation_events": 1}
    assert column(databases["app"], "SELECT reference FROM enquiries") == ["HAL-THEM22"]
    assert column(databases["tracker"], "SELECT DISTINCT sender_id FROM events") == ["them"]
    assert enquiry_store.held("me", "name") is None


def test_retention_command_prints_what_it_deleted(databases, capsys):
    add_enquiry("HAL-ANCIEN", "old", datetime.now(timezone.utc) - timedelta(days=DAYS + 1))
    assert main(["retention"]) == 0
    out = capsys.readouterr().out
    assert f"older than {DAYS} days" in out and "1 enquiries" in out
    assert column(databases["app"], "SELECT reference FROM enquiries") == []
