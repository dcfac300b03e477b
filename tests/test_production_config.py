"""The production configuration, for real: PostgreSQL for conversations and content, Redis for
Rasa's locks, switched on by DATABASE_URL and REDIS_URL alone (no code changes)."""
from __future__ import annotations

import uuid

import redis
import sqlalchemy as sa

from alembic.script import ScriptDirectory

from bot.db import alembic_config, get_engine
from bot.rasa_stores import UrlLockStore
from tests.conftest import TEST_REDIS_URL

HALTON_PHONE = "0151 511 7733"


def test_whole_assistant_on_postgres_and_redis(production_assistant, postgres_database):
    client = redis.Redis.from_url(TEST_REDIS_URL)
    commands_before = int(client.info("stats")["total_commands_processed"])
    sender = uuid.uuid4().hex

    reply = production_assistant.chat("can the school refuse an EHC request until £6,000 is spent?", sender_id=sender)

    message = reply["messages"][0]
    assert message["text"].startswith("No. That is a myth.")
    assert HALTON_PHONE in message["text"]
    with get_engine(postgres_database).connect() as connection:
        events = connection.execute(
            sa.text("SELECT type_name FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalars().all()
        entries = connection.execute(sa.text("SELECT count(*) FROM knowledge_entries")).scalar()
        revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert "user" in events and "bot" in events  # the conversation is in PostgreSQL
    assert entries >= 60  # so is the knowledge base, through the Alembic-migrated schema
    assert revision == ScriptDirectory.from_config(alembic_config()).get_current_head()  # the newest migration
    # Rasa took and released the conversation's lock in Redis while answering.
    assert int(client.info("stats")["total_commands_processed"]) > commands_before


def test_lock_store_uses_redis_when_redis_url_is_set(monkeypatch):
    monkeypatch.setenv("REDIS_URL", TEST_REDIS_URL)
    store = UrlLockStore()
    assert type(store).__name__ == "RedisLockStore"
    conversation = f"test-{uuid.uuid4().hex}"
    lock = store.issue_ticket(conversation)
    assert store.get_lock(conversation) is not None  # the lock lives in Redis
    store.cleanup(conversation, lock)


def test_lock_store_is_in_memory_by_default(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert type(UrlLockStore()).__name__ == "InMemoryLockStore"


def test_enquiry_and_forget_me_on_postgres(production_assistant, postgres_database):
    """The handoff's tables, JSON columns and the deletion of Rasa's events on PostgreSQL."""
    sender = uuid.uuid4().hex

    def say(text):
        return production_assistant.chat(text, sender_id=sender)["messages"][-1]

    say("can the school refuse an EHC request until £6,000 is spent? his NHS number is 943 476 5919")
    for answer in ("/leave_enquiry", "Yes, I agree", "Skip", "0151 496 0000", "Any time"):
        say(answer)
    assert say("Send this summary")["kind"] == "enquiry_sent"
    engine = get_engine(postgres_database)
    with engine.connect() as connection:
        enquiry = connection.execute(
            sa.text("SELECT council, contact, contact_method, topics, transcript FROM enquiries WHERE sender_id = :s"), {"s": sender}
        ).one()
        stored = " ".join(connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}).scalars())
    assert (enquiry.council, enquiry.contact, enquiry.contact_method) == ("halton", "0151 496 0000", "phone")
    assert enquiry.topics[0] == "myth-6000-before-request"
    assert "943 476 5919" not in stored and "0151 496 0000" not in stored and "[hidden ID]" in stored

    say("delete my conversation")
    assert say("/forget_confirm")["kind"] == "forgotten"
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM enquiries WHERE sender_id = :s"), {"s": sender}).scalar() == 0
        assert connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar() == 0
