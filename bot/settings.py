"""Configuration from environment variables, with defaults that run everything on one laptop.

Every other module reads its settings from here, so that one environment variable changes one
behaviour everywhere (gateway, action server, Rasa's stores, tests).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The official Code of Practice on GOV.UK. Every Code citation links here.
CODE_OF_PRACTICE_URL = "https://www.gov.uk/government/publications/send-code-of-practice-0-to-25"
CODE_OF_PRACTICE_SOURCE = "SEND Code of Practice (2015)"

#: Longest chat message the gateway accepts. Parents write long stories; a page of text is
#: plenty, and the limit keeps one request from tying up the NLU pipeline.
MESSAGE_MAX_CHARS = 2000


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
    default_council: str = field(default_factory=lambda: _env("DEFAULT_COUNCIL", "halton"))
    knowledge_dir: Path = field(
        default_factory=lambda: Path(_env("KNOWLEDGE_DIR", str(PROJECT_ROOT / "knowledge")))
    )
    model_dir: Path = field(default_factory=lambda: Path(_env("MODEL_DIR", str(PROJECT_ROOT / "models"))))
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL", ""))

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


def get_settings() -> Settings:
    """Settings as the environment says now (read afresh: tests change the environment)."""
    return Settings()
