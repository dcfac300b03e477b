"""Rasa's tracker store and lock store, configured by URL from the environment.

Rasa's own SQL tracker store takes the dialect, host, port and database as separate keys, and its
Redis lock store likewise. Operators know one `DATABASE_URL` and one `REDIS_URL`; these two thin
classes let `endpoints.yml` stay the same file on a laptop (SQLite, in-memory locks) and in
production (PostgreSQL, Redis).
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import unquote, urlparse

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

from bot.settings import get_settings


class UrlSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore, pointed at `TRACKER_DATABASE_URL` / `DATABASE_URL`."""

    def __init__(self, domain: Any = None, event_broker: Any = None, **kwargs: Any) -> None:
        settings = get_settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        url = make_url(settings.tracker_database_url)
        dialect = url.drivername.split("+")[0]
        super().__init__(
            domain=domain,
            dialect=dialect,
            host=url.host,
            port=url.port,
            db=url.database or "rasa.db",
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            login_db=kwargs.get("login_db"),
            query=dict(url.query) or None,
        )


class UrlLockStore(LockStore):
    """Redis when `REDIS_URL` is set (several Rasa servers share locks), in memory otherwise."""

    def __new__(cls, endpoint_config: Optional[Any] = None) -> LockStore:  # type: ignore[misc]
        redis_url = get_settings().redis_url
        if not redis_url:
            return InMemoryLockStore()
        parsed = urlparse(redis_url)
        prefix = (endpoint_config.kwargs.get("key_prefix") if endpoint_config else None) or "send_assistant"
        return RedisLockStore(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 6379,
            db=int((parsed.path or "/0").lstrip("/") or 0),
            password=unquote(parsed.password) if parsed.password else None,
            use_ssl=parsed.scheme == "rediss",
            key_prefix=prefix,
        )
