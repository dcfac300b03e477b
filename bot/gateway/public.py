"""What the public sees besides the chat API: the embeddable chat widget, the myth-busting page
(and its JSON and embed script), and the demo council page.

Council web teams embed these on their own sites, usually under a strict Content Security
Policy, so nothing here needs an inline script or style, and every asset comes from this
gateway: no CDN, no framework, no tracking.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from bot import answering
from bot.knowledge.store import CONTACT_FIELDS, Content, Service
from bot.privacy import chat_notice
from bot.settings import CODE_OF_PRACTICE_URL, COUNCIL_ID_PATTERN, MESSAGE_MAX_CHARS, get_settings

STATIC = Path(__file__).resolve().parent / "static"
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates" / "public"))

#: The gateway's own pages: scripts, styles and requests from this origin only.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'self'"
)
#: Assets a council's page loads from us: short cache, so a fix reaches every council within minutes.
ASSET_HEADERS = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}


class ContactOut(BaseModel):
    name: str
    phone: Optional[str]
    email: Optional[str]
    website: Optional[str]
    opening_hours: Optional[str]


class WidgetConfig(BaseModel):
    council: Optional[str] = Field(None, description="The council the page is for, if this deployment knows it.")
    service: Optional[ContactOut] = Field(None, description="That council's SENDIASS, if we hold sourced contact details.")
    privacy_notice: str = Field(..., description="Shown before the parent's first message.")
    unreachable: str = Field(..., description="Shown when the widget cannot reach the assistant, with a person to call.")
    message_max_chars: int
    retention_days: int


class MythOut(BaseModel):
    id: str
    myth: str = Field(..., description="The myth as parents hear it.")
    verdict: str = Field(..., description="myth, true or partly-true")
    verdict_label: str = Field(..., example="Myth")
    opening: str = Field(..., description="The plain answer the assistant starts with.", example="No. That is a myth.")
    truth: str = Field(..., description="The true position, in plain English.")
    citations: List[Dict[str, Any]]
    related: List[str]
    reviewed: Optional[str] = Field(None, description="When a person last checked it against the Code (YYYY-MM-DD).")


def _council(value: Optional[str]) -> Optional[str]:
    value = (value or "").strip().lower()
    if value and COUNCIL_ID_PATTERN.match(value):
        return value
    return get_settings().default_council


def _contact(service: Optional[Service]) -> Optional[Dict[str, Any]]:
    if service is None or not service.reachable():
        return None
    return {"name": service.service, **{n: service.detail(n) for n in CONTACT_FIELDS}}


def myths_of(content: Content) -> List[Dict[str, Any]]:
    """Every myth, in the knowledge base's order, as the page, the JSON and the embed show it."""
    myths = []
    for entry in content.entries.values():
        if entry.kind != "myth" or not entry.verdict:
            continue
        myths.append({
            "id": entry.id, "myth": entry.title, "verdict": entry.verdict,
            "verdict_label": answering.VERDICT_LABEL[entry.verdict],
            "opening": answering.VERDICT_OPENING[entry.verdict], "truth": entry.body,
            "citations": entry.citations, "related": entry.related,
            "reviewed": entry.reviewed.isoformat() if entry.reviewed else None,
        })
    return myths


def install_public(app: FastAPI, served_content: Any) -> None:
    """Add the widget, myths and demo routes to the gateway. `served_content` is the gateway's
    own accessor, so these pages show exactly what the assistant answers from."""

    def _asset(name: str, media_type: str) -> FileResponse:
        return FileResponse(STATIC / name, media_type=media_type, headers=ASSET_HEADERS)

    @app.get("/widget.js", include_in_schema=False)
    async def widget_script() -> FileResponse:
        return _asset("widget.js", "text/javascript")

    @app.get("/widget.css", include_in_schema=False)
    async def widget_style() -> FileResponse:
        return _asset("widget.css", "text/css")

    @app.get("/myths.js", include_in_schema=False)
    async def myths_script() -> FileResponse:
        return _asset("myths-embed.js", "text/javascript")

    @app.get("/api/widget/config", response_model=WidgetConfig, summary="What the chat widget shows for a council")
    async def widget_config(council: Optional[str] = Query(None, example="halton")) -> Dict[str, Any]:
        settings = get_settings()
        content = served_content()
        chosen = _council(council)
        service = answering.find_service(content, chosen)
        national = answering.national_services(content)
        return {
            "council": chosen,
            "service": _contact(service),
            "privacy_notice": chat_notice(settings.retention_days),
            "unreachable": answering.unreachable_text(service, national),
            "message_max_chars": MESSAGE_MAX_CHARS,
            "retention_days": settings.retention_days,
        }

    @app.get("/api/myths", response_model=List[MythOut], summary="Every myth with its verdict, the truth and citations")
    async def myths_api() -> List[Dict[str, Any]]:
        return myths_of(served_content())

    @app.get("/myths", response_class=HTMLResponse, summary="The myth-busting page (HTML, printable)")
    async def myths_page(request: Request, council: Optional[str] = None) -> HTMLResponse:
        content = served_content()
        myths = myths_of(content)
        service = answering.find_service(content, _council(council))
        reviewed = max((m["reviewed"] for m in myths if m["reviewed"]), default=None)
        return templates.TemplateResponse(
            "myths.html",
            {
                "request": request, "myths": myths, "contact": _contact(service), "reviewed": reviewed,
                "code_url": CODE_OF_PRACTICE_URL,
                "national": [s for s in answering.national_services(content) if s.detail("website")],
            },
            headers={"Content-Security-Policy": PAGE_CSP},
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def demo_page(request: Request, council: Optional[str] = None) -> HTMLResponse:
        chosen = _council(council)
        service = answering.find_service(served_content(), chosen)
        return templates.TemplateResponse(
            "demo.html",
            {"request": request, "council": chosen, "council_name": service.council if service else None,
             "base": str(request.base_url).rstrip("/")},
            headers={"Content-Security-Policy": PAGE_CSP},
        )
