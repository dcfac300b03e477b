"""Security of the staff area (/staff), kept in one module so it can be reviewed in one place.

Sessions are signed cookies (Starlette's SessionMiddleware, only on /staff, SameSite=Strict, an
absolute lifetime of STAFF_SESSION_HOURS); every form carries a per-session CSRF token; a password
change or a deactivated account ends existing sessions; failed sign-ins are throttled per username;
sign-in only ever sends the officer to a page inside the staff area; and every /staff response says
no-store and sends a strict CSP. The pages and routes that use this live in bot.gateway.staff.
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import Deque, Dict, Optional, Tuple
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.models import StaffUser
from bot.settings import Settings, get_settings
from bot.staff import accounts

# The staff area's logger, as before the split, so log configuration and output are unchanged.
logger = logging.getLogger("bot.gateway.staff")

COOKIE_NAME = "staff_session"
SECRET_FILE = "staff_session_secret"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
#: Failed sign-ins allowed per username in LOGIN_WINDOW_SECONDS before further tries are refused.
LOGIN_MAX_FAILURES = 10
LOGIN_WINDOW_SECONDS = 15 * 60


# --- Sessions and security headers ------------------------------------------------------------

_secret_lock = threading.Lock()
_secrets_by_path: Dict[str, str] = {}


def session_secret(settings: Settings) -> str:
    """STAFF_SESSION_SECRET, or a random secret made once and kept (mode 0600) in the data folder,
    so sessions survive a restart. Several gateway hosts must share STAFF_SESSION_SECRET instead."""
    if settings.staff_session_secret:
        return settings.staff_session_secret
    path = Path(settings.data_dir) / SECRET_FILE
    with _secret_lock:
        cached = _secrets_by_path.get(str(path))
        if cached:
            return cached
        secret = _read_or_create_secret(path)
        _secrets_by_path[str(path)] = secret
        return secret


def _read_or_create_secret(path: Path) -> str:
    for _attempt in range(3):
        if path.exists():
            secret = path.read_text(encoding="ascii").strip()
            if secret:
                return secret
            time.sleep(0.05)  # another process is writing it
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=".staff_secret_")  # created with mode 0600
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
            try:
                os.link(tmp, path)  # atomic, and never replaces a secret another process made
                logger.info("Made a new staff session secret in %s", path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    secret = path.read_text(encoding="ascii").strip()
    if not secret:
        raise RuntimeError(f"{path} is empty: delete it, or set STAFF_SESSION_SECRET")
    return secret


def _is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


class StaffMiddleware:
    """Sessions and security headers for /staff only; the public API is left exactly as it was.

    Wraps Starlette's SessionMiddleware, configured from the settings of the moment (read afresh,
    like everything else here), so the cookie name, lifetime and HTTPS flag follow the environment."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._sessions: Dict[Tuple[str, bool, int], SessionMiddleware] = {}

    def _session_middleware(self) -> SessionMiddleware:
        settings = get_settings()
        key = (session_secret(settings), settings.staff_cookie_secure, max(1, settings.staff_session_hours) * 3600)
        middleware = self._sessions.get(key)
        if middleware is None:
            middleware = SessionMiddleware(
                self.app, secret_key=key[0], session_cookie=COOKIE_NAME, max_age=key[2], path="/staff",
                same_site="strict", https_only=key[1],
            )
            self._sessions[key] = middleware
        return middleware

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_staff_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self._session_middleware()(scope, receive, send_with_headers)


# --- Signed-in user, CSRF, throttling ---------------------------------------------------------


def password_marker(user: StaffUser) -> str:
    """Changes when the password does: a new password ends sessions signed in with the old one."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def current_user(request: Request) -> Optional[StaffUser]:
    session = request.session
    user_id = session.get("user_id")
    if not isinstance(user_id, int):
        return None
    hours = max(1, get_settings().staff_session_hours)
    login_at = session.get("login_at")
    if not isinstance(login_at, (int, float)) or time.time() - login_at > hours * 3600:
        session.clear()
        return None
    user = accounts.get_user(user_id)
    if user is None or not user.active or session.get("pw") != password_marker(user):
        session.clear()
        return None
    return user


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, submitted: Optional[str]) -> bool:
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not expected or not submitted:
        return False
    return secrets.compare_digest(expected.encode(), submitted.encode())


_failures_lock = threading.Lock()
_failures: Dict[str, Deque[float]] = {}


def throttled(username: str) -> bool:
    now = time.monotonic()
    with _failures_lock:
        attempts = _failures.get(username)
        if not attempts:
            return False
        while attempts and now - attempts[0] > LOGIN_WINDOW_SECONDS:
            attempts.popleft()
        return len(attempts) >= LOGIN_MAX_FAILURES


def record_failure(username: str) -> None:
    with _failures_lock:
        if len(_failures) > 10000:  # someone is trying many names: forget the oldest half
            for key in list(_failures)[:5000]:
                _failures.pop(key, None)
        _failures.setdefault(username, deque(maxlen=LOGIN_MAX_FAILURES)).append(time.monotonic())


def safe_next(value: Optional[str]) -> str:
    """Where to go after signing in: only a path inside the staff area, never another site."""
    default = "/staff"
    if not value or len(value) > 500 or "\\" in value or any(ord(ch) < 32 for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//") or not _is_staff_path(parts.path):
        return default
    if parts.path.startswith("/staff/login") or parts.path.startswith("/staff/logout"):
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")
