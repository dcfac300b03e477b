"""The staff area (/staff): server-rendered pages for SENDIASS officers.

Officers sign in, see the enquiries parents left (most urgent, then longest waiting, first),
open one to read the conversation and change its status (every change is audited), download the
queue as CSV, look up answers while on the phone, and see what the assistant could not answer.

This module holds the routes, templates, error pages, queue filters and JSON shaping. Sessions,
CSRF, sign-in throttling and the security headers are in bot.gateway.staff_security; how times,
links, tags and council names are shown is in bot.gateway.staff_format. The pages need no JavaScript.
"""
from __future__ import annotations

import logging
import re
import secrets
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from bot.db import new_session
from bot.gateway.staff_format import (
    FLAG_COLOURS, LONDON, STATUS_COLOURS, council_name, council_names, iso, local_time, safe_url, time_ago,
)
from bot.gateway.staff_security import (
    LOGIN_MAX_FAILURES, StaffMiddleware, csrf_ok, csrf_token, current_user, password_marker, record_failure,
    safe_next, throttled,
)
from bot.models import Enquiry, StaffUser
from bot.settings import COUNCIL_ID_PATTERN, get_settings
from bot.staff import accounts, queries
from bot.urgency import label_of

logger = logging.getLogger("bot.gateway.staff")

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "staff"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

SERVICE_NAME = "SENDIASS staff area"
LOGIN_ERROR = "The username or password is not right"
TOPIC_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def _login_redirect(request: Request, next_path: Optional[str] = None) -> RedirectResponse:
    target = next_path or request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/login?next={quote(safe_next(target), safe='/')}", status_code=303)


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
        if COUNCIL_ID_PATTERN.match(council):
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
    if not errors and throttled(key):
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
            record_failure(key)
            logger.info("A staff sign-in failed")  # no username: it may be a mistyped password
            errors = {"username": LOGIN_ERROR}
        return render(request, "login.html", {"title": "Sign in", "next": target, "errors": errors,
                                              "username": username.strip()[:200]}, status_code=400)
    # A fresh session: nothing from before signing in survives, and the CSRF token changes.
    request.session.clear()
    request.session.update({
        "user_id": user.id, "login_at": int(time.time()), "pw": password_marker(user),
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
