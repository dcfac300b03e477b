"""Shared fixtures: one trained model and one running assistant per test session.

Training takes about a minute and a Rasa server about 40 s and 1 GB, so the whole suite shares
them: `make test` trains first (only if the training data changed), and the stack fixture starts
the real three processes once, on free ports, with their own data folder.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import httpx
import pytest

from bot.settings import Settings
from bot.stack import DEPLOYMENT_VARIABLES, Stack, free_port, start_private_stack  # noqa: F401 (re-exported)
#: "Today" for the assistant under test, so that "3 March" (no year) always means 3 March 2026 and the
#: deadline tests do not change with the calendar (bot.settings.today).
TEST_TODAY = "2026-11-23"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
#: The test assistant serves two councils: Halton (whose SENDIASS details we hold) and Sefton (whose
#: we do not), as a deployment for several councils would.
SERVED_COUNCILS = "halton,sefton"


@dataclass
class RunningAssistant:
    url: str
    settings: Settings
    stack: Stack

    def chat(self, message: str, sender_id: Optional[str] = None, council: Optional[str] = "halton", **extra: Any) -> Dict[str, Any]:
        """Send a message as a council's page does (data-council="halton"); council=None is a
        page that does not say which council."""
        body = {"sender_id": sender_id or uuid.uuid4().hex, "message": message, **extra}
        if council is not None:
            body["council"] = council
        response = httpx.post(f"{self.url}/api/chat", json=body, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    from bot.training import generate, train

    generate()
    return train()


def _start(tmp: Path, model: Path, extra: Dict[str, str]) -> RunningAssistant:
    stack = start_private_stack(tmp, model, extra)
    return RunningAssistant(url=f"http://127.0.0.1:{stack.settings.port}", settings=stack.settings, stack=stack)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[RunningAssistant]:
    """The assistant with its laptop defaults (SQLite files in its data folder, in-memory locks),
    deployed for two councils, so a page that does not say which council gets asked."""
    running = _start(tmp_path_factory.mktemp("assistant"), trained_model,
                     {"SERVED_COUNCILS": SERVED_COUNCILS, "ASSISTANT_TODAY": TEST_TODAY})
    try:
        yield running
    finally:
        running.stack.stop()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database on this machine's server, dropped afterwards."""
    import sqlalchemy as sa

    name = f"send_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        from bot.db import get_engine

        get_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ), {"n": name})
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def production_assistant(
    tmp_path_factory: pytest.TempPathFactory, trained_model: Path, postgres_database: str
) -> Iterator[RunningAssistant]:
    """The assistant configured for production: PostgreSQL for everything, Redis for Rasa's locks."""
    running = _start(
        tmp_path_factory.mktemp("production"), trained_model,
        {"DATABASE_URL": postgres_database, "REDIS_URL": TEST_REDIS_URL},
    )
    try:
        yield running
    finally:
        running.stack.stop()
