"""The application database: one SQLAlchemy engine per URL, and Alembic migrations.

SQLite in the data folder by default, PostgreSQL when `DATABASE_URL` says so; the code is the
same for both. The schema is created and upgraded only by Alembic (`bot/migrations`), never by
`create_all`, so a production database moves forward the same way a laptop's does.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import PROJECT_ROOT, get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url`, or for DATABASE_URL as the environment says now."""
    return _engine(url or get_settings().database_url)


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"timeout": 15, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # WAL lets the gateway and the action server read while the loader writes.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def session_factory(url: str | None = None) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)


def new_session(url: str | None = None) -> Session:
    return session_factory(url)()


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini")) if (PROJECT_ROOT / "alembic.ini").exists() else Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def migrate(url: str | None = None) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is already there)."""
    get_engine(url)  # creates the SQLite file's folder on first use
    command.upgrade(alembic_config(url), "head")


def ping(url: str | None = None) -> bool:
    try:
        with get_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False


def utcnow() -> datetime:
    """Now, in UTC: every stored time is UTC, so retention and queue order compare like with like."""
    return datetime.now(timezone.utc)
