"""Configuration from environment variables, with defaults that run everything on one laptop.

Every other module reads its settings from here, so that one environment variable changes one
behaviour everywhere (gateway, action server, Rasa's stores, tests).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The official Code of Practice on GOV.UK. Every Code citation links here.
CODE_OF_PRACTICE_URL = "https://www.gov.uk/government/publications/send-code-of-practice-0-to-25"
CODE_OF_PRACTICE_SOURCE = "SEND Code of Practice (2015)"

#: Longest chat message the gateway accepts. Parents write long stories; a page of text is
#: plenty, and the limit keeps one request from tying up the NLU pipeline.
MESSAGE_MAX_CHARS = 2000

#: What a council id looks like (ids in knowledge/services.yml, e.g. "halton"): checked wherever
#: one arrives from a browser (the chat API, the widget and myths pages, the staff filters).
COUNCIL_ID_PATTERN = re.compile(r"^[a-z0-9-]{1,60}$")


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    """Where things live and how the three processes find each other."""

    data_dir: Path = field(default_factory=lambda: Path(_env("DATA_DIR", str(PROJECT_ROOT / "var"))))
    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("PORT", "8000")))
    rasa_port: int = field(default_factory=lambda: int(_env("RASA_PORT", "5005")))
    action_port: int = field(default_factory=lambda: int(_env("ACTION_PORT", "5055")))
    #: The councils this deployment serves (ids from knowledge/services.yml), comma-separated in
    #: SERVED_COUNCILS. With one, every parent is that council's; with several, the page's
    #: data-council says which, or the assistant asks once.
    served_councils: tuple = field(default_factory=lambda: tuple(
        c.strip().lower() for c in _env("SERVED_COUNCILS", _env("DEFAULT_COUNCIL", "halton")).split(",") if c.strip()
    ))
    #: How long enquiries, conversations and the unanswered-questions log are kept (days).
    retention_days: int = field(default_factory=lambda: int(_env("RETENTION_DAYS", "90")))
    #: How often the running gateway deletes what is older than that (minutes).
    retention_interval_minutes: int = field(default_factory=lambda: int(_env("RETENTION_INTERVAL_MINUTES", "60")))
    #: Signs the staff session cookie. Unset: a random secret kept in DATA_DIR/staff_session_secret.
    staff_session_secret: str = field(default_factory=lambda: _env("STAFF_SESSION_SECRET", ""))
    #: Send the staff session cookie over HTTPS only (set true behind HTTPS in production).
    staff_cookie_secure: bool = field(default_factory=lambda: _env("STAFF_COOKIE_SECURE", "false").lower() in ("1", "true", "yes"))
    #: Staff sessions end after this many hours.
    staff_session_hours: int = field(default_factory=lambda: int(_env("STAFF_SESSION_HOURS", "8")))
    #: Token the gateway uses for Rasa's HTTP API (conversation state); set by the stack per run.
    rasa_token: str = field(default_factory=lambda: _env("RASA_TOKEN", ""))
    #: Web origins whose pages may embed the chat widget and the myths list (they call /api/...
    #: from the browser), comma-separated, e.g. "https://www.halton.gov.uk". "*" allows any page:
    #: the public API sends no cookies and holds nothing a page could take from another's visitor.
    widget_allowed_origins: tuple = field(default_factory=lambda: tuple(
        o.strip() for o in _env("WIDGET_ALLOWED_ORIGINS", "*").split(",") if o.strip()
    ))
    knowledge_dir: Path = field(
        default_factory=lambda: Path(_env("KNOWLEDGE_DIR", str(PROJECT_ROOT / "knowledge")))
    )
    model_dir: Path = field(default_factory=lambda: Path(_env("MODEL_DIR", str(PROJECT_ROOT / "models"))))
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL", ""))

    @property
    def default_council(self) -> Optional[str]:
        """The council to assume when the page does not say: DEFAULT_COUNCIL, or the only one served."""
        explicit = _env("DEFAULT_COUNCIL", "")
        if explicit:
            return explicit.lower()
        return self.served_councils[0] if len(self.served_councils) == 1 else None

    @property
    def database_url(self) -> str:
        """The application database (knowledge base, enquiries). SQLite in the data folder by default."""
        return _env("DATABASE_URL", f"sqlite:///{self.data_dir / 'assistant.db'}")

    @property
    def tracker_database_url(self) -> str:
        """Rasa's conversation store: the same database as the app when DATABASE_URL is set,
        otherwise its own SQLite file (so Rasa's writes do not lock the app's file)."""
        explicit = _env("TRACKER_DATABASE_URL", "")
        if explicit:
            return explicit
        if os.environ.get("DATABASE_URL", "").strip():
            return os.environ["DATABASE_URL"].strip()
        return f"sqlite:///{self.data_dir / 'tracker.db'}"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def rasa_url(self) -> str:
        return _env("RASA_URL", f"http://127.0.0.1:{self.rasa_port}")

    @property
    def action_server_url(self) -> str:
        return _env("ACTION_SERVER_URL", f"http://127.0.0.1:{self.action_port}")


def today() -> date:
    """Today's date in England, for the deadline calculator and the request letter.

    ASSISTANT_TODAY (an ISO date such as 2026-11-23) fixes it: the tests use it so that "3 March"
    always means the same year, and a trainer can use it to show a scenario. Unset in production."""
    fixed = _env("ASSISTANT_TODAY", "")
    if fixed:
        return date.fromisoformat(fixed)
    return datetime.now(ZoneInfo("Europe/London")).date()


def get_settings() -> Settings:
    """Settings as the environment says now (read afresh: tests change the environment)."""
    return Settings()
