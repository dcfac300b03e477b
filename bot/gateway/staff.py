"""The staff area (/staff): server-rendered pages for SENDIASS officers.

Officers sign in, see the enquiries parents left (most urgent, then longest waiting, first),
open one to read the conversation and change its status (every change is audited), download the
queue as CSV, look up answers while on the phone, and see what the assistant could not answer.

Security, briefly: sessions are signed cookies (Starlette's SessionMiddleware, only on /staff,
SameSite=Strict, an absolute lifetime of STAFF_SESSION_HOURS); every form carries a per-session
CSRF token; a password change or a deactivated account ends existing sessions; failed sign-ins
are throttled per username; and every /staff response says no-store and sends a strict CSP. The
pages need no JavaScript.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Deque, Dict, List, Optional, Tuple
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.db import new_session
from bot.models import Enquiry, StaffUser
from bot.settings import Settings, get_settings
from bot.staff import accounts, queries
from bot.urgency import label_of

logger = logging.getLogger("bot.gateway.staff")

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "staff"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

SERVICE_NAME = "SENDIASS staff area"
COOKIE_NAME = "staff_session"
SECRET_FILE = "staff_session_secret"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
LOGIN_ERROR = "The username or password is not right"
#: Failed sign-ins allowed per username in LOGIN_WINDOW_SECONDS before further tries are refused.
LOGIN_MAX_FAILURES = 10
LOGIN_WINDOW_SECONDS = 15 * 60
COUNCIL_ID = re.compile(r"^[a-z0-9-]{1,60}$")
TOPIC_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
LONDON: Any
try:
    from zoneinfo import ZoneInfo

    LONDON = ZoneInfo("Europe/London")
except Exception:  # noqa: BLE001 - no time zone data: show UTC, and say so
    LONDON = timezone.utc

# Flag ids -> tag colour (GOV.UK tag colours).
FLAG_COLOURS = {"safeguarding": "red", "deadline": "orange", "exclusion": "purple", "no_school_place": "pink"}
STATUS_COLOURS = {"new": "blue", "in_progress": "yellow", "closed": "grey"}


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


def _password_marker(user: StaffUser) -> str:
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
    if user is None or not user.active or session.get("pw") != _password_marker(user):
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


def _throttled(username: str) -> bool:
    now = time.monotonic()
    with _failures_lock:
        attempts = _failures.get(username)
        if not attempts:
            return False
        while attempts and now - attempts[0] > LOGIN_WINDOW_SECONDS:
            attempts.popleft()
        return len(attempts) >= LOGIN_MAX_FAILURES


def _record_failure(username: str) -> None:
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


def _login_redirect(request: Request, next_path: Optional[str] = None) -> RedirectResponse:
    target = next_path or request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/login?next={quote(safe_next(target), safe='/')}", status_code=303)


# --- Formatting for the templates -------------------------------------------------------------


def _parse_time(value: Any) -> Optional[datetime]:
    if isinstance(value, datetime):
        return queries.as_utc(value)
    if isinstance(value, str) and value:
        try:
            return queries.as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _clock(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d}{suffix}" if moment.minute else f"{hour}{suffix}"


def local_time(value: Any, with_date: bool = True) -> str:
    """'23 November 2026 at 2:05pm' in UK time (GOV.UK style)."""
    moment = _parse_time(value)
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    if not with_date:
        return _clock(local)
    return f"{local.day} {local:%B %Y} at {_clock(local)}"


def time_ago(value: Any, now: Optional[datetime] = None) -> str:
    """'just now', '5 minutes ago', '3 hours ago', 'yesterday', '4 days ago', '6 weeks ago'."""
    moment = _parse_time(value)
    if moment is None:
        return ""
    seconds = max(0, int(((now or datetime.now(timezone.utc)) - moment).total_seconds()))

    def plural(n: int, unit: str) -> str:
        return f"{n} {unit}{'' if n == 1 else 's'} ago"

    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return plural(seconds // 60, "minute")
    if seconds < 86400:
        return plural(seconds // 3600, "hour")
    days = seconds // 86400
    if days == 1:
        return "yesterday"
    if days < 14:
        return plural(days, "day")
    return plural(days // 7, "week")


def iso(value: Any) -> str:
    moment = _parse_time(value)
    return moment.isoformat(timespec="seconds") if moment else ""


def safe_url(value: Any) -> Optional[str]:
    """A link target only if it is a web address: stored data never becomes a javascript: link."""
    if isinstance(value, str) and urlsplit(value.strip()).scheme in ("http", "https"):
        return value.strip()
    return None


templates.env.filters.update({
    "safe_url": safe_url,
    "local_time": local_time, "time_ago": time_ago, "iso": iso, "flag_label": label_of,
    "status_label": lambda s: queries.STATUSES.get(s, s),
    "unanswered_kind": lambda k: queries.UNANSWERED_KINDS.get(k, k),
    "verdict_label": queries.verdict_label,
})
templates.env.globals.update({
    "SERVICE_NAME": SERVICE_NAME, "STATUSES": queries.STATUSES, "FLAG_COLOURS": FLAG_COLOURS,
    "STATUS_COLOURS": STATUS_COLOURS,
})


def council_names() -> Dict[str, str]:
    """Council id -> the council's name, from the published SENDIASS directory."""
    content = queries.published_content()
    names: Dict[str, str] = {}
    if content:
        for service in content.services.values():
            if service.kind == "council":
                names[service.id] = service.council or service.service
    return names


def council_name(council_id: str, names: Dict[str, str]) -> str:
    return names.get(council_id) or council_id.replace("-", " ").title()


def render(request: Request, template: str, context: Dict[str, Any], status_code: int = 200,
           user: Optional[StaffUser] = None) -> Response:
    base = {
        "user": user, "csrf_token": csrf_token(request), "flash": request.session.pop("flash", None),
        "current_path": request.url.path,
    }
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)


def error_page(request: Request, status_code: int, title: str, paragraphs: List[str],
               user: Optional[StaffUser] = None, links: Optional[List[Tuple[str, str]]] = None) -> Response:
    return render(request, "error.html", {"title": title, "paragraphs": paragraphs, "links": links or []},
                  status_code=status_code, user=user)


def forbidden(request: Request, user: Optional[StaffUser] = None) -> Response:
    back = "/staff" if user else "/staff/login"
    return error_page(
        request, 403, "This form has expired",
        ["For your security, forms in the staff area only work for a limited time and in the browser "
         "session they were opened in. Nothing was changed.",
         "Go back, reload the page, and try again."],
        user=user, links=[(back, "Go to the enquiries" if user else "Go to the sign-in page")],
    )


def not_found(request: Request, user: Optional[StaffUser] = None) -> Response:
    return error_page(
        request, 404, "Page not found",
        ["If you typed the web address, check it is correct.",
         "If you followed a link to an enquiry, it may have been deleted: enquiries are deleted "
         "automatically when the retention period ends, or when the parent asks."],
        user=user, links=[("/staff", "Go to the enquiries")],
    )


# --- Filters --------------------------------------------------------------------------------


def _filters(request: Request) -> Tuple[Dict[str, str], List[str]]:
    """The queue's filters from the query string, and a problem for each value that is not valid
    (the HTML pages ignore a bad value; the API refuses it)."""
    params = request.query_params
    filters: Dict[str, str] = {}
    problems: List[str] = []
    council = (params.get("council") or "").strip().lower()
    if council:
        if COUNCIL_ID.match(council):
            filters["council"] = council
        else:
            problems.append("'council' must be a council id such as 'halton'.")
    topic = (params.get("topic") or "").strip()
    if topic:
        if TOPIC_ID.match(topic):
            filters["topic"] = topic
        else:
            problems.append("'topic' must be a knowledge entry id.")
    status = (params.get("status") or "").strip()
    if status:
        if status in queries.STATUSES or status == queries.OPEN:
            filters["status"] = status
        else:
            problems.append(f"'status' must be one of: {', '.join([*queries.STATUSES, queries.OPEN])}.")
    return filters, problems


def _enquiry_json(enquiry: Enquiry, full: bool = False, audit: Optional[list] = None) -> Dict[str, Any]:
    data: Dict[str, Any] = {
        "id": enquiry.id, "reference": enquiry.reference, "council": enquiry.council, "status": enquiry.status,
        "urgency": enquiry.urgency, "flags": list(enquiry.flags or []),
        "flag_labels": [label_of(f) for f in enquiry.flags or []], "topics": list(enquiry.topics or []),
        "name": enquiry.name, "contact_method": enquiry.contact_method, "contact": enquiry.contact,
        "good_time": enquiry.good_time, "summary": enquiry.summary,
        "created_at": iso(enquiry.created_at), "updated_at": iso(enquiry.updated_at),
        "url": f"/staff/enquiries/{enquiry.id}",
    }
    if full:
        data["transcript"] = list(enquiry.transcript or [])
        data["audit"] = [
            {"action": a.action, "from": a.from_status, "to": a.to_status, "who": a.staff_username, "at": iso(a.at)}
            for a in audit or []
        ]
    return data


def _api_unauthorised() -> JSONResponse:
    return JSONResponse(status_code=401, content={"error": "Sign in at /staff/login first: the staff API uses the staff session."})


# --- Routes ---------------------------------------------------------------------------------

router = APIRouter(prefix="/staff")


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "") -> Response:
    if current_user(request):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"title": "Sign in", "next": safe_next(next), "errors": {}, "username": ""})


@router.post("/login", include_in_schema=False)
def login(
    request: Request, username: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
    next: str = Form(""),
) -> Response:
    if not csrf_ok(request, csrf_token):
        return forbidden(request)
    target = safe_next(next)
    errors: Dict[str, str] = {}
    if not username.strip():
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"
    key = accounts.normalise_username(username)
    if not errors and _throttled(key):
        return error_page(
            request, 429, "Too many attempts to sign in",
            [f"There have been {LOGIN_MAX_FAILURES} unsuccessful attempts to sign in with this username. "
             "Wait 15 minutes, then try again.",
             "If you have forgotten your password, ask the person who manages staff accounts to reset it."],
            links=[("/staff/login", "Go to the sign-in page")],
        )
    user = None if errors else accounts.authenticate(username, password)
    if user is None:
        if not errors:
            _record_failure(key)
            logger.info("A staff sign-in failed")  # no username: it may be a mistyped password
            errors = {"username": LOGIN_ERROR}
        return render(request, "login.html", {"title": "Sign in", "next": target, "errors": errors,
                                              "username": username.strip()[:200]}, status_code=400)
    # A fresh session: nothing from before signing in survives, and the CSRF token changes.
    request.session.clear()
    request.session.update({
        "user_id": user.id, "login_at": int(time.time()), "pw": _password_marker(user),
        "csrf": secrets.token_urlsafe(32),
    })
    logger.info("Staff user %s signed in", user.id)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    user = current_user(request)
    if user is None:
        return RedirectResponse("/staff/login", status_code=303)
    if not csrf_ok(request, csrf_token):
        return forbidden(request, user)
    request.session.clear()
    request.session["flash"] = {"kind": "success", "title": "You have signed out",
                                "text": "Close the browser if you are using a shared computer."}
    return RedirectResponse("/staff/login", status_code=303)


@router.get("", include_in_schema=False)
def queue(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return _login_redirect(request)
    filters, _problems = _filters(request)
    names = council_names()
    titles = queries.entry_titles()
    with new_session() as session:
        enquiries = queries.list_enquiries(session, **filters)
        councils = sorted(set(queries.councils_in_use(session)) | set(get_settings().served_councils))
        topics = queries.topics_in_use(session)
        total = queries.count_enquiries(session) if filters else len(enquiries)
    if filters.get("topic") and filters["topic"] not in topics:
        topics.append(filters["topic"])
    return render(request, "queue.html", {
        "title": "Enquiries", "enquiries": enquiries, "filters": filters, "total": total,
        "council_options": [(c, council_name(c, names)) for c in councils],
        "topic_options": sorted(((t, titles.get(t, t)) for t in topics), key=lambda pair: pair[1].lower()),
        "council_names": names, "titles": titles, "now": datetime.now(timezone.utc),
        "csv_url": "/staff/enquiries.csv" + (f"?{urlencode(filters)}" if filters else ""),
        "council_name": council_name,
    }, user=user)


@router.get("/enquiries.csv", include_in_schema=False)
def enquiries_csv(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return _login_redirect(request)
    filters, _problems = _filters(request)
    with new_session() as session:
        enquiries = queries.list_enquiries(session, **filters)
    text = queries.csv_export(enquiries, titles=queries.entry_titles())
    stamp = datetime.now(LONDON).strftime("%Y-%m-%d-%H%M")
    logger.info("Staff user %s downloaded %d enquiries as CSV", user.id, len(enquiries))
    # The byte order mark makes Excel read the file as UTF-8 (names with accents, the £ sign).
    return Response(
        content="\ufeff" + text, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="enquiries-{stamp}.csv"'},
    )


def _enquiry_page(request: Request, user: StaffUser, enquiry_id: int, errors: Optional[Dict[str, str]] = None,
                  status_code: int = 200) -> Response:
    names = council_names()
    content = queries.published_content()
    with new_session() as session:
        enquiry = queries.get_enquiry(session, enquiry_id)
        if enquiry is None:
            return not_found(request, user)
        audit = queries.audit_of(session, enquiry_id)
        who = {u.username: u.display_name for u in session.query(StaffUser).filter(
            StaffUser.username.in_({a.staff_username for a in audit})
        )} if audit else {}
    entries = content.entries if content else {}
    return render(request, "enquiry.html", {
        "title": f"Enquiry {enquiry.reference}", "enquiry": enquiry, "audit": audit, "who": who,
        "council": council_name(enquiry.council, names), "entries": entries,
        "now": datetime.now(timezone.utc), "errors": errors or {},
    }, status_code=status_code, user=user)


def _enquiry_id(value: str) -> Optional[int]:
    return int(value) if value.isdigit() and len(value) < 12 else None


@router.get("/enquiries/{enquiry_id}", include_in_schema=False)
def enquiry_page(request: Request, enquiry_id: str) -> Response:
    user = current_user(request)
    if user is None:
        return _login_redirect(request)
    number = _enquiry_id(enquiry_id)
    if number is None:
        return not_found(request, user)
    return _enquiry_page(request, user, number)


@router.post("/enquiries/{enquiry_id}/status", include_in_schema=False)
def enquiry_status(request: Request, enquiry_id: str, status: str = Form(""), csrf_token: str = Form("")) -> Response:
    user = current_user(request)
    number = _enquiry_id(enquiry_id)
    if user is None:
        return _login_redirect(request, f"/staff/enquiries/{number}" if number else "/staff")
    if not csrf_ok(request, csrf_token):
        return forbidden(request, user)
    if number is None:
        return not_found(request, user)
    if status not in queries.STATUSES:
        with new_session() as session:
            exists = queries.get_enquiry(session, number) is not None
        if not exists:
            return not_found(request, user)
        return _enquiry_page(request, user, number, errors={"status": "Select the enquiry's new status"}, status_code=400)
    with new_session() as session:
        current = queries.get_enquiry(session, number)
        if current is None:
            return not_found(request, user)
        before = current.status
        enquiry, changed = queries.change_status(session, number, status, user.username)
        session.commit()
    label = queries.STATUSES[status]
    if changed:
        request.session["flash"] = {
            "kind": "success", "title": "Status changed",
            "text": f"{enquiry.reference} is now ‘{label}’ (it was ‘{queries.STATUSES.get(before, before)}’).",
        }
        logger.info("Staff user %s changed enquiry %s to %s", user.id, number, status)
    else:
        request.session["flash"] = {"kind": "info", "title": "Nothing changed",
                                    "text": f"{enquiry.reference} was already ‘{label}’."}
    return RedirectResponse(f"/staff/enquiries/{number}", status_code=303)


@router.get("/knowledge", include_in_schema=False)
def knowledge(request: Request, q: str = "") -> Response:
    user = current_user(request)
    if user is None:
        return _login_redirect(request)
    query = q.strip()[:200]
    results = queries.search_knowledge(query) if query else []
    paragraph = None
    number = queries.paragraph_number(query) if query else None
    if number:
        with new_session() as session:
            row = queries.code_paragraph(session, number)
            paragraph = {"number": row.number, "heading": row.heading} if row else {"number": number, "heading": None}
    return render(request, "knowledge.html", {
        "title": f"Search results for ‘{query}’" if query else "Knowledge search", "query": query,
        "results": results, "paragraph": paragraph, "searched": bool(query),
    }, user=user)


@router.get("/unanswered", include_in_schema=False)
def unanswered(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return _login_redirect(request)
    filters, _problems = _filters(request)
    council = filters.get("council")
    names = council_names()
    with new_session() as session:
        groups = queries.unanswered_groups(session, council=council)
    councils = sorted(set(get_settings().served_councils) | {c for g in groups for c in g.councils} | ({council} if council else set()))
    return render(request, "unanswered.html", {
        "title": "Unanswered questions", "groups": groups, "council": council,
        "council_options": [(c, council_name(c, names)) for c in councils], "titles": queries.entry_titles(),
        "now": datetime.now(timezone.utc),
    }, user=user)


@router.get("/api/enquiries", tags=["Staff API (signed in)"], summary="Enquiries in queue order, without transcripts")
def api_enquiries(request: Request) -> Response:
    """The queue as JSON (most urgent, then oldest first). Filters: council, topic (an entry id),
    status (new, in_progress, closed, or open for new and in progress). Needs a staff session."""
    if current_user(request) is None:
        return _api_unauthorised()
    filters, problems = _filters(request)
    if problems:
        return JSONResponse(status_code=400, content={"error": " ".join(problems)})
    with new_session() as session:
        enquiries = queries.list_enquiries(session, **filters)
    return JSONResponse([_enquiry_json(e) for e in enquiries])


@router.get("/api/enquiries/{enquiry_id}", tags=["Staff API (signed in)"], summary="One enquiry with its transcript and history")
def api_enquiry(request: Request, enquiry_id: str) -> Response:
    if current_user(request) is None:
        return _api_unauthorised()
    number = _enquiry_id(enquiry_id)
    with new_session() as session:
        enquiry = queries.get_enquiry(session, number) if number is not None else None
        if enquiry is None:
            return JSONResponse(status_code=404, content={"error": f"There is no enquiry '{enquiry_id}'."})
        audit = queries.audit_of(session, enquiry.id)
    return JSONResponse(_enquiry_json(enquiry, full=True, audit=audit))


@router.get("/{rest:path}", include_in_schema=False)
def staff_not_found(request: Request, rest: str) -> Response:
    if not rest.strip("/"):
        return RedirectResponse("/staff", status_code=303)
    if rest.startswith("api/"):
        return JSONResponse(status_code=404, content={"error": f"There is no staff API at '/staff/{rest}'."})
    return not_found(request, current_user(request))


def install_staff(app: FastAPI) -> None:
    """Add the staff area's middleware and routes to the gateway app."""
    app.add_middleware(StaffMiddleware)
    app.include_router(router)
