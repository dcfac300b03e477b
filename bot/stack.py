"""Start and stop the three processes (action server, Rasa, gateway) as one unit.

`make run` and the test suite both use this, so the tests exercise the same start-up a person
gets. Each process runs in its own process group with its output in a log file; stopping kills
the whole group, so nothing is left behind (Rasa and Sanic start worker processes of their own).
"""
from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from bot.settings import PROJECT_ROOT, Settings

BIN = Path(sys.executable).parent
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONWARNINGS": "ignore",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONUNBUFFERED": "1",
}


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    log: Path
    env: Dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None


class Stack:
    """The running assistant: start() blocks until all three answer; stop() ends them all."""

    def __init__(
        self,
        settings: Settings,
        model: Path,
        extra_env: Optional[Dict[str, str]] = None,
        base_env: Optional[Dict[str, str]] = None,
    ) -> None:
        self.settings = settings
        self.env = {
            **(os.environ if base_env is None else base_env),
            **QUIET_ENV,
            "DATA_DIR": str(settings.data_dir),
            "ACTION_PORT": str(settings.action_port),
            "RASA_PORT": str(settings.rasa_port),
            **(extra_env or {}),
        }
        if not self.env.get("RASA_TOKEN"):
            self.env["RASA_TOKEN"] = secrets.token_hex(24)  # the gateway gets it through the env
        logs = settings.log_dir
        endpoints = self._render_endpoints()
        self.services = {
            "action_server": Service(
                "action server",
                [str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
                f"http://127.0.0.1:{settings.action_port}/health",
                logs / "action_server.log",
                {"SANIC_HOST": "127.0.0.1"},
            ),
            "rasa": Service(
                "Rasa server",
                [
                    str(BIN / "rasa"), "run", "--model", str(model), "--endpoints", str(endpoints),
                    "--credentials", "credentials.yml", "--interface", "127.0.0.1",
                    "--port", str(settings.rasa_port),
                    # Rasa's HTTP API (127.0.0.1 only, behind a per-run token): the gateway reads
                    # which question of a form a conversation is at, to keep form answers private.
                    "--enable-api", f"--auth-token={self.env['RASA_TOKEN']}",
                ],
                f"http://127.0.0.1:{settings.rasa_port}/",
                logs / "rasa.log",
            ),
            "gateway": Service(
                "gateway",
                [
                    str(BIN / "python"), "-m", "uvicorn", "bot.gateway.app:app", "--host", settings.host,
                    "--port", str(settings.port), "--no-server-header",
                ],
                f"http://127.0.0.1:{settings.port}/healthz",
                logs / "gateway.log",
            ),
        }

    def _render_endpoints(self) -> Path:
        """endpoints.yml with ${VARS} filled in from our environment (Rasa 3.6 leaves `${...}` in
        a URL as it is), written to the data folder for this run."""
        template = (PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")
        rendered = re.sub(r"\$\{(\w+)\}", lambda m: self.env.get(m.group(1), ""), template)
        target = self.settings.data_dir / "endpoints.yml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rendered, encoding="utf-8")
        return target

    def start_one(self, key: str) -> None:
        service = self.services[key]
        service.log.parent.mkdir(parents=True, exist_ok=True)
        handle = service.log.open("a")
        service.process = subprocess.Popen(
            service.command, cwd=PROJECT_ROOT, env={**self.env, **service.env},
            stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        handle.close()

    def wait_ready(self, key: str, timeout: float = 240.0) -> None:
        service = self.services[key]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if service.process is not None and service.process.poll() is not None:
                raise RuntimeError(f"The {service.name} stopped while starting; see {service.log}")
            try:
                # The gateway's /healthz says 503 until everything behind it answers: any reply will do.
                if httpx.get(service.health_url, timeout=2.0).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"The {service.name} did not answer within {timeout:.0f} s; see {service.log}")

    def _check_ports_free(self) -> None:
        ports = {"PORT": self.settings.port, "RASA_PORT": self.settings.rasa_port, "ACTION_PORT": self.settings.action_port}
        for variable, port in ports.items():
            with socket.socket() as probe:
                probe.settimeout(0.5)
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise RuntimeError(
                        f"port {port} is already in use (is the assistant already running?). "
                        f"Stop the other program, or choose another port with {variable}=..."
                    )

    def start(self) -> None:
        self._check_ports_free()
        try:
            for key in ("action_server", "rasa", "gateway"):
                self.start_one(key)
            for key in ("action_server", "gateway", "rasa"):
                self.wait_ready(key)
        except BaseException:
            self.stop()
            raise

    def stop_one(self, key: str, grace: float = 10.0) -> None:
        process = self.services[key].process
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # workers that ignored SIGTERM
        except ProcessLookupError:
            pass
        process.wait()
        self.services[key].process = None

    def stop(self) -> None:
        for key in ("gateway", "rasa", "action_server"):
            self.stop_one(key)


#: Environment variables that would point a private stack at someone else's database or Redis.
DEPLOYMENT_VARIABLES = (
    "DATABASE_URL", "TRACKER_DATABASE_URL", "REDIS_URL", "DATA_DIR", "PORT", "HOST", "RASA_TOKEN",
    "SERVED_COUNCILS", "DEFAULT_COUNCIL", "RETENTION_DAYS", "STAFF_SESSION_SECRET",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_private_stack(data_dir: Path, model: Path, extra_env: Optional[Dict[str, str]] = None) -> Stack:
    """A whole assistant on free ports with its own data folder and database (SQLite unless
    `extra_env` says otherwise), content published: for the tests and the evaluation, which must
    not touch a running deployment."""
    from bot.knowledge.store import load_and_publish

    extra_env = extra_env or {}
    base_env = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT_VARIABLES}
    settings = Settings(
        data_dir=data_dir, host="127.0.0.1", port=free_port(), rasa_port=free_port(), action_port=free_port(),
    )
    env = {**base_env, "DATA_DIR": str(data_dir), **extra_env}
    load_and_publish(url=extra_env.get("DATABASE_URL", f"sqlite:///{data_dir / 'assistant.db'}"))
    stack = Stack(settings, model, base_env=env)
    stack.start()
    return stack
