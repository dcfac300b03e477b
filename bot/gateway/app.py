"""The public entry point: a FastAPI app in front of Rasa.

Rasa and the action server listen on 127.0.0.1 only; the widget, council pages and integrators
talk to this gateway. It validates input with kind, specific messages, shapes Rasa's replies into
one documented contract (text, buttons, citations), and when any part behind it fails it still
answers the parent, with the local SENDIASS phone number, never a stack trace.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from starlette.concurrency import run_in_threadpool

from bot import answering, enquiry_store, handoff, pii
from bot.gateway import letter_chat
from bot.gateway.deadlines import install_deadlines
from bot.gateway.public import install_public
from bot.db import ping
from bot.privacy import delete_expired, forget_conversation
from bot.knowledge.loader import load_knowledge
from bot.knowledge.store import CONTACT_FIELDS, Content, ContentRepository, Service, content_from_kb
from bot.settings import COUNCIL_ID_PATTERN, MESSAGE_MAX_CHARS, get_settings
from bot.signposts import safeguarding_concern

logger = logging.getLogger("bot.gateway")
STATIC = Path(__file__).resolve().parent / "static"
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
RASA_TIMEOUT_SECONDS = 30.0


class ChatRequest(BaseModel):
    sender_id: str = Field(..., description="An opaque id for the conversation (1-64 letters, digits, - or _). Keep it per browser tab.", example="b7f3c2d1e0a94f6b")
    message: str = Field(..., description=f"What the parent typed (1-{MESSAGE_MAX_CHARS} characters), or a button's payload.", example="Can the school refuse an EHC request until £6,000 is spent?")
    council: Optional[str] = Field(None, description="The council whose SENDIASS to offer, e.g. 'halton'. Defaults to the deployment's council.", example="halton")

    @validator("sender_id")
    def _sender(cls, value: str) -> str:
        if not SENDER_PATTERN.match(value):
            raise ValueError("must be 1 to 64 characters: letters, digits, '-' or '_'")
        return value

    @validator("message")
    def _message(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("is empty: please type a question")
        if len(value) > MESSAGE_MAX_CHARS:
            raise ValueError(
                f"is {len(value)} characters long; the limit is {MESSAGE_MAX_CHARS}. Please shorten it, "
                "or split it into two messages"
            )
        if "\x00" in value:
            raise ValueError("contains characters that are not text")
        return value

    @validator("council")
    def _council(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not COUNCIL_ID_PATTERN.match(value):
            raise ValueError("must be a council id such as 'halton'")
        return value


class Button(BaseModel):
    title: str
    payload: str


class Citation(BaseModel):
    source: str = Field(..., example="SEND Code of Practice (2015)")
    paragraph: Optional[str] = Field(None, description="The Code's paragraph number as printed in the Code; null for an Act or Regulations.", example="6.45")
    section: Optional[str] = Field(None, description="For an Act or Regulations: the section or regulation.", example="section 36(8)")
    title: str
    label: Optional[str] = Field(None, example="SEND Code of Practice, paragraph 6.45")
    url: str


class LetterDownload(BaseModel):
    format: str = Field(..., example="docx")
    title: str = Field(..., example="Download as a Word file")
    url: str = Field(..., description="POST the letter's `fields` here (JSON) to get the file.", example="/api/letters/ehc-assessment-request?format=docx")
    filename: str = Field(..., example="ehc-assessment-request.docx")


class LetterOut(BaseModel):
    title: str
    text: str = Field(..., description="The letter as plain text.")
    fields: Dict[str, Optional[str]] = Field(..., description="The details the parent gave (null where skipped), to POST for a download.")
    downloads: List[LetterDownload]


class Message(BaseModel):
    text: str
    buttons: List[Button] = []
    citations: List[Citation] = []
    kind: Optional[str] = Field(
        None, description="answer, source, clarify, not_understood, out_of_scope, contact, failure, safeguarding, nation or no_follow_up; null for small talk."
    )
    entry_id: Optional[str] = Field(None, description="The knowledge entry this message answers, if it answers one.")
    signpost: Optional[str] = Field(
        None, description="'safeguarding', a nation's id ('wales', 'scotland', 'northern-ireland') or 'other-nation' when this message is a signpost sent before any answer."
    )
    candidates: List[str] = Field([], description="The knowledge entries ranked highest for the message, best first (for evaluation and staff review).")
    letter: Optional[LetterOut] = Field(None, description="Only on kind 'letter': the request letter the parent asked for, with its download links.")


class ChatResponse(BaseModel):
    sender_id: str
    messages: List[Message]


class ErrorResponse(BaseModel):
    error: str


app = FastAPI(
    title="SEND advice assistant",
    version="0.1.0",
    description=(
        "Answers parents' questions about special educational needs and disabilities (SEND) in "
        "England from the SEND Code of Practice (2015), with citations, and hands off to the local "
        "SENDIASS. This is the public API the chat widget and council pages use."
    ),
)
app.mount("/static", StaticFiles(directory=STATIC), name="static")
# Council pages on other origins call the public API from the browser (the widget, the myths
# embed). No credentials: the staff area's cookie is never sent or readable cross-origin.
app.add_middleware(
    CORSMiddleware, allow_origins=list(get_settings().widget_allowed_origins), allow_credentials=False,
    allow_methods=["GET", "POST", "DELETE"], allow_headers=["Content-Type"], max_age=600,
)
_repository = ContentRepository()
_fallback_content: Optional[Content] = None


def served_content() -> Content:
    """The content as published; from the files if the database does not answer at all."""
    global _fallback_content
    try:
        return _repository.current()
    except Exception:  # noqa: BLE001
        if _fallback_content is None:
            _fallback_content = content_from_kb(load_knowledge(get_settings().knowledge_dir))
        return _fallback_content


def _service(content: Content, council: Optional[str]) -> Optional[Service]:
    return answering.find_service(content, council or get_settings().default_council)


def _served_with_service(council: Optional[str]) -> Tuple[Optional[Content], Optional[Service]]:
    """The served content and the council's SENDIASS; (None, None) if even the files cannot be
    read, since the replies built from them have wording of their own for that."""
    try:
        content = served_content()
    except Exception:  # noqa: BLE001 - the content itself is unreadable: still answer kindly
        return None, None
    return content, _service(content, council)


def failure_messages(council: Optional[str]) -> List[Dict[str, Any]]:
    """What to say when the assistant behind the gateway does not answer: a person to call.
    (A child at risk gets the signposting in front of it from safeguarding_first, as on every reply.)"""
    content, service = _served_with_service(council)
    return [answering.failure_reply(service, answering.national_services(content) if content else []).payload()]


def safeguarding_first(messages: List[Dict[str, Any]], council: Optional[str], text: str) -> List[Dict[str, Any]]:
    """The messages with the safeguarding signposting in front, if the parent's message says a
    child may be at risk and nothing has signposted it yet.

    The actions signpost first when they answer a question, but a child at risk can be mentioned
    in any message: one the classifier took for "I want a person" ("a teacher hit my son, I need
    to speak to someone"), an answer to a form's question, a turn of the letter, or one the
    assistant behind the gateway never answered. Checking here, on every reply, makes the promise
    independent of which path answered."""
    if not safeguarding_concern(text) or any(m.get("signpost") == "safeguarding" for m in messages):
        return messages
    content, service = _served_with_service(council)
    return [answering.safeguarding_reply(content.safeguarding if content else None, service).payload()] + messages


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


@app.exception_handler(RequestValidationError)
async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") in ("value_error.jsondecode", "json_invalid") for e in errors):
        return JSONResponse(
            status_code=400,
            content={"error": 'The request body must be JSON, like {"sender_id": "abc123", "message": "Hello"}.'},
        )
    messages = []
    for error in errors:
        name = _field_name(error.get("loc", ()))
        if error.get("type") in ("value_error.missing", "missing"):
            messages.append(f"'{name}' is required.")
        elif error.get("type", "").startswith("type_error") and name == "body":
            messages.append('The request body must be a JSON object, like {"sender_id": "abc123", "message": "Hello"}.')
        else:
            messages.append(f"'{name}' {error.get('msg')}.")
    return JSONResponse(status_code=422, content={"error": " ".join(messages)})


@app.exception_handler(StarletteHTTPException)
async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else "The request could not be handled."
    if exc.status_code == 400 and "parsing the body" in detail:
        detail = 'The request body must be JSON text, like {"sender_id": "abc123", "message": "Hello"}.'
    return JSONResponse(status_code=exc.status_code, content={"error": detail})


def _shape(rasa_message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """One Rasa REST message in the gateway's contract."""
    custom = rasa_message.get("custom")
    if isinstance(custom, dict) and custom.get("text"):
        shaped = {
            "text": custom["text"],
            "buttons": custom.get("buttons") or [],
            "citations": custom.get("citations") or [],
            "candidates": custom.get("candidates") or [],
        }
        for name in ("kind", "entry_id", "signpost"):
            if custom.get(name):
                shaped[name] = custom[name]
        return shaped
    if rasa_message.get("text"):
        return {"text": rasa_message["text"], "buttons": rasa_message.get("buttons") or [], "citations": []}
    return None


@app.post(
    "/api/chat",
    response_model=ChatResponse,
    responses={400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    summary="Send a parent's message and get the assistant's replies",
)
async def chat(request: ChatRequest) -> Dict[str, Any]:
    """Personal details are taken out before the message goes any further: Rasa stores what it
    is given, so it is given the masked text (or, for the enquiry form's name and contact
    questions, a placeholder while the real answer is held in the enquiry store)."""
    settings = get_settings()
    started = time.monotonic()
    # The request letter is the gateway's alone: its answers are never forwarded (bot.gateway.letter_chat).
    letter_messages = None
    if letter_chat.asks_for_letter(request.message):
        letter_messages = start_letter(request.sender_id, request.council)
    elif letter_chat.active(request.sender_id):
        letter_messages = letter_chat.handle(request.sender_id, request.message)
    if letter_messages is not None:
        letter_messages = safeguarding_first(letter_messages, request.council, request.message)
        logger.info("chat reply (letter): %d message(s) in %.0f ms", len(letter_messages), (time.monotonic() - started) * 1000)
        return {"sender_id": request.sender_id, "messages": letter_messages}
    state = await conversation_state(request.sender_id)
    forwarded, masked_kinds = await run_in_threadpool(protect, request.sender_id, request.message, state)
    payload: Dict[str, Any] = {"sender": request.sender_id, "message": forwarded}
    council = request.council or settings.default_council
    payload["metadata"] = {"council": council} if council else {}
    messages: List[Dict[str, Any]] = []
    try:
        async with httpx.AsyncClient(timeout=RASA_TIMEOUT_SECONDS) as client:
            response = await client.post(f"{settings.rasa_url}/webhooks/rest/webhook", json=payload)
        response.raise_for_status()
        messages = [m for m in (_shape(item) for item in response.json()) if m]
    except (httpx.HTTPError, ValueError) as error:
        logger.warning("Rasa did not answer (%s); sending the fallback reply", type(error).__name__)
    if not messages:
        # Rasa answered nothing (the action server is down) or did not answer at all.
        messages = failure_messages(request.council)
    messages = safeguarding_first(messages, request.council, request.message)
    if any(m.get("kind") == "forgotten" for m in messages):
        # Deleted only now: Rasa saves the conversation after its actions run.
        messages = await forget_after_reply(request.sender_id, messages)
    elif masked_kinds and await run_in_threadpool(_first_notice, request.sender_id):
        messages.append({"text": pii.notice_text(masked_kinds), "kind": "privacy", "buttons": [], "citations": []})
    # Never log the message text: parents write about their children.
    logger.info("chat reply: %d message(s) in %.0f ms", len(messages), (time.monotonic() - started) * 1000)
    return {"sender_id": request.sender_id, "messages": messages}


def start_letter(sender_id: str, council: Optional[str]) -> List[Dict[str, Any]]:
    """The letter's first messages, with the council's name and the law the letter rests on."""
    try:
        content = served_content()
        service = _service(content, council)
        entry = content.entries.get(letter_chat.LETTER_ENTRY)
    except Exception:  # noqa: BLE001 - the letter just has a gap for the council's name
        service, entry = None, None
    return letter_chat.start(sender_id, service.council if service else None, list(entry.citations) if entry else None)


async def conversation_state(sender_id: str) -> Dict[str, Any]:
    """The form and question the conversation is at (Rasa's tracker), or {} if Rasa cannot say."""
    settings = get_settings()
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(
                f"{settings.rasa_url}/conversations/{sender_id}/tracker",
                params={"include_events": "NONE", "token": settings.rasa_token},
            )
        response.raise_for_status()
        tracker = response.json()
        return {
            "active_loop": (tracker.get("active_loop") or {}).get("name"),
            "requested_slot": (tracker.get("slots") or {}).get("requested_slot"),
        }
    except (httpx.HTTPError, ValueError):
        return {}


def protect(sender_id: str, message: str, state: Dict[str, Any]) -> Tuple[str, List[str]]:
    """What Rasa may store of `message`, and the kinds of personal data masked out of it.

    The enquiry form's name and contact answers are given on purpose, with consent, for the
    enquiry alone: they are held in the enquiry store and Rasa gets a placeholder."""
    requested = state.get("requested_slot") if state.get("active_loop") == "enquiry_form" else None
    if requested in handoff.HELD_SLOTS and not handoff.passes_through(message):
        field_name = handoff.HELD_SLOTS[requested]
        try:
            enquiry_store.hold(sender_id, field_name, message)
            return handoff.HELD_PLACEHOLDERS[field_name], []
        except Exception as error:  # noqa: BLE001 - cannot hold it: mask it, the form asks again
            logger.warning("Could not hold a form answer: %s", type(error).__name__)
    masked = pii.mask(message)
    return masked.text, masked.kinds


def _first_notice(sender_id: str) -> bool:
    try:
        return enquiry_store.first_privacy_notice(sender_id)
    except Exception:  # noqa: BLE001 - no database: better to tell the parent again than never
        return True


async def forget_after_reply(sender_id: str, messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    letter_chat.forget(sender_id)
    try:
        await run_in_threadpool(forget_conversation, sender_id)
        return messages
    except Exception as error:  # noqa: BLE001
        logger.error("Could not delete a conversation: %s", type(error).__name__)
        text = ("Sorry, I couldn't delete the conversation just now. Please try again in a few minutes, "
                "or ask your SENDIASS to delete your message.")
        return [{"text": text, "kind": "failure", "buttons": [answering.TALK_TO_A_PERSON], "citations": []}]


class ForgetResponse(BaseModel):
    deleted: Dict[str, int] = Field(..., description="How many rows were deleted from each store.")


@app.delete(
    "/api/conversations/{sender_id}",
    response_model=ForgetResponse,
    responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="Delete a conversation and everything it left (the parent's 'forget me')",
)
async def forget(sender_id: str) -> Any:
    if not SENDER_PATTERN.match(sender_id):
        return JSONResponse(status_code=422, content={"error": "'sender_id' must be 1 to 64 characters: letters, digits, '-' or '_'."})
    letter_chat.forget(sender_id)
    try:
        counts = await run_in_threadpool(forget_conversation, sender_id)
    except Exception as error:  # noqa: BLE001
        logger.error("Could not delete a conversation: %s", type(error).__name__)
        return JSONResponse(status_code=503, content={"error": "The conversation could not be deleted just now. Please try again."})
    return {"deleted": counts}


async def _retention_schedule() -> None:
    """Delete what is older than RETENTION_DAYS now and then every RETENTION_INTERVAL_MINUTES."""
    while True:
        try:
            counts = await run_in_threadpool(delete_expired)
            logger.info("Retention: deleted %s", counts)
        except Exception as error:  # noqa: BLE001 - try again next time
            logger.warning("Retention run failed: %s", type(error).__name__)
        await asyncio.sleep(max(1, get_settings().retention_interval_minutes) * 60)


@app.on_event("startup")
async def _start_retention() -> None:
    app.state.retention_task = asyncio.create_task(_retention_schedule())


@app.on_event("shutdown")
async def _stop_retention() -> None:
    task = getattr(app.state, "retention_task", None)
    if task is not None:
        task.cancel()


async def _answers(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=3.0) as client:
            return (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


@app.get("/healthz", summary="Whether Rasa, the action server and the database answer")
async def healthz() -> JSONResponse:
    settings = get_settings()
    parts = {
        "rasa": "ok" if await _answers(f"{settings.rasa_url}/") else "down",
        "action_server": "ok" if await _answers(f"{settings.action_server_url}/health") else "down",
        "database": "ok" if ping() else "down",
    }
    healthy = all(v == "ok" for v in parts.values())
    return JSONResponse(status_code=200 if healthy else 503, content={"status": "ok" if healthy else "degraded", **parts})


class KnowledgeEntryOut(BaseModel):
    id: str
    kind: str = Field(..., description="'answer' or 'myth'")
    title: str = Field(..., description="The parent's question, or the myth as parents hear it")
    topic: Optional[str]
    answer: str
    verdict: Optional[str] = Field(None, description="Myths only: myth, true or partly-true")
    citations: List[Citation]
    related: List[str]
    quote: Optional[Dict[str, str]] = None


class ContactDetailOut(BaseModel):
    value: str
    source: str
    checked: str


class ServiceOut(BaseModel):
    id: str
    kind: str = Field(..., description="'council' (a local SENDIASS) or 'national' (a fallback)")
    council: Optional[str]
    service: str
    phone: Optional[ContactDetailOut]
    email: Optional[ContactDetailOut]
    website: Optional[ContactDetailOut]
    opening_hours: Optional[ContactDetailOut]
    places: List[str]


@app.get("/api/knowledge", response_model=List[KnowledgeEntryOut], summary="Every answer and myth, with citations")
async def knowledge_list() -> List[Dict[str, Any]]:
    return [entry.public() for entry in served_content().entries.values()]


@app.get(
    "/api/knowledge/{entry_id}",
    response_model=KnowledgeEntryOut,
    responses={404: {"model": ErrorResponse}},
    summary="One answer or myth",
)
async def knowledge_entry(entry_id: str) -> Dict[str, Any]:
    entry = served_content().entries.get(entry_id)
    if entry is None:
        raise StarletteHTTPException(status_code=404, detail=f"There is no knowledge entry '{entry_id}'.")
    return entry.public()


@app.get("/api/services", response_model=List[ServiceOut], summary="The SENDIASS directory, with sources")
async def services() -> List[Dict[str, Any]]:
    return [
        {
            "id": s.id, "kind": s.kind, "council": s.council, "service": s.service, "places": s.places,
            **{name: s.details.get(name) for name in CONTACT_FIELDS},
        }
        for s in served_content().services.values()
    ]


# The chat widget, the myths page and the demo council page (bot.gateway.public).
install_public(app, served_content)
# The deadline calculator (/timescales, /api/timescales/*) and the request letter's downloads.
install_deadlines(app)


# The staff area (/staff): server-rendered pages for SENDIASS officers, with their own sessions.
from bot.gateway.staff import install_staff  # noqa: E402 - after the public routes on purpose

install_staff(app)
