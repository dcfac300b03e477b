"""The deadline calculator as a page and a JSON API, and the request letter's downloads.

SENDIASS staff on the phone need the same dates the chat gives a parent, without a conversation:
/timescales is a plain form (it works without JavaScript, GOV.UK date inputs), and
/api/timescales/* return the same figures as JSON. Both read `bot.timescales`, as the chat does.

The letter downloads are stateless: the browser sends the details it was shown, and gets the file.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Tuple

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, validator

from bot import timescales
from bot.dates import long_date, short_date
from bot.gateway.letter_chat import DOWNLOAD_PATH
from bot.gateway.public import PAGE_CSP, templates
from bot.letter import FILE_STEM, MAX_LENGTHS, LetterDetails, letter_docx, letter_text
from bot.settings import CODE_OF_PRACTICE_URL
from bot.settings import today as settings_today
from bot.timescale_replies import render_citations

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class CitationOut(BaseModel):
    label: str
    url: str


class MilestoneOut(BaseModel):
    id: str
    date: str = Field(..., example="2026-04-14")
    weekday: str = Field(..., example="Tuesday")
    weeks: Optional[int] = Field(None, example=6)
    what: str = Field(..., description="What must happen by the date.")
    source: str = Field(..., example="regulation 5(1)")
    passed: bool = Field(..., description="True once the date is over (before `today`).")
    citations: List[CitationOut]


class AssessmentOut(BaseModel):
    received: str = Field(..., description="The day the council received the request.")
    today: str
    milestones: List[MilestoneOut]
    exceptions: List[str] = Field(..., description="The only reasons the council may go over these limits.")
    exception_citations: List[CitationOut]


class AdjustmentOut(BaseModel):
    kind: str = Field(..., description="christmas, august or non-working-day")
    from_: str = Field(..., alias="from")
    to: str
    reason: str


class AppealOut(BaseModel):
    decision_sent: str
    certificate_issued: Optional[str]
    today: str
    two_months_from_decision: str
    one_month_from_certificate: Optional[str]
    deadline: str = Field(..., description="The last day the Tribunal must receive the appeal.")
    weekday: str
    passed: bool
    adjustments: List[AdjustmentOut]
    mediation_adviser_by: str = Field(..., description="Contact the mediation adviser by this date (2 months after the decision), unless appealing only about the school or college named.")
    citations: List[CitationOut]


class LetterIn(BaseModel):
    child_name: Optional[str] = Field(None, max_length=MAX_LENGTHS["child_name"], example="Sam Smith")
    date_of_birth: Optional[date] = Field(None, example="2016-06-04")
    school: Optional[str] = Field(None, max_length=MAX_LENGTHS["school"], example="Oak Primary School")
    concerns: Optional[str] = Field(None, max_length=MAX_LENGTHS["concerns"])
    council: Optional[str] = Field(None, max_length=100, example="Halton Borough Council")

    @validator("date_of_birth")
    def _past(cls, value: Optional[date]) -> Optional[date]:
        if value is not None and value > settings_today():
            raise ValueError("is in the future")
        return value


def _cites(raw: List[Dict[str, str]]) -> List[Dict[str, str]]:
    return [{"label": c["label"], "url": c["url"]} for c in render_citations(raw)]


def assessment_json(received: date, today: date) -> Dict[str, Any]:
    data = timescales.assessment_timeline(received, today).to_json()
    for milestone in data["milestones"]:
        milestone["citations"] = _cites(milestone["citations"])
    data["exception_citations"] = _cites(data["exception_citations"])
    return data


def appeal_json(decision: date, today: date, certificate: Optional[date]) -> Dict[str, Any]:
    result = timescales.appeal_deadline(decision, today, certificate)
    data = result.to_json()
    data["citations"] = _cites(data["citations"])
    return data


def _iso(name: str, value: Optional[str], required: bool = True) -> Tuple[Optional[date], Optional[str]]:
    if not value:
        return None, (f"'{name}' is required: a date like 2026-03-03." if required else None)
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, f"'{name}' must be a real date written like 2026-03-03."


def _form_date(params: Dict[str, str], prefix: str, label: str, required: bool) -> Tuple[Optional[date], Optional[str], Dict[str, str]]:
    """A GOV.UK date input's value (day, month, year fields), or the error to show beside it."""
    raw = {part: (params.get(f"{prefix}-{part}") or "").strip() for part in ("day", "month", "year")}
    if not any(raw.values()):
        return None, (f"Enter {label}" if required else None), raw
    sentence = label[0].upper() + label[1:]
    missing = [part for part in ("day", "month", "year") if not raw[part]]
    if missing:
        return None, f"{sentence} must include a {' and '.join(missing)}", raw
    try:
        if not all(v.isdigit() for v in raw.values()) or len(raw["year"]) != 4:
            raise ValueError(raw)
        return date(int(raw["year"]), int(raw["month"]), int(raw["day"])), None, raw
    except ValueError:
        return None, f"{sentence} must be a real date, like 3 3 2026", raw


def install_deadlines(app: FastAPI) -> None:
    """Add the calculator page, its JSON API and the letter downloads to the gateway."""

    @app.get("/api/timescales/assessment", response_model=AssessmentOut, summary="EHC needs assessment dates from the day a request was received")
    async def assessment_api(
        received: str = Query(..., description="The day the council received the request (YYYY-MM-DD).", example="2026-03-03"),
        today: Optional[str] = Query(None, description="Work the dates out as on this day (YYYY-MM-DD); default: today in England."),
    ) -> Any:
        when, problem = _iso("received", received)
        on, problem_today = _iso("today", today, required=False)
        if problem or problem_today:
            return JSONResponse(status_code=422, content={"error": problem or problem_today})
        return assessment_json(when, on or settings_today())  # type: ignore[arg-type]

    @app.get("/api/timescales/appeal", response_model=AppealOut, response_model_by_alias=True,
             summary="The last day to appeal to the SEND Tribunal")
    async def appeal_api(
        decision: str = Query(..., description="The day the council sent its decision letter (YYYY-MM-DD).", example="2026-05-14"),
        certificate: Optional[str] = Query(None, description="The day the mediation certificate was issued, if there is one (YYYY-MM-DD)."),
        today: Optional[str] = Query(None, description="Work the date out as on this day (YYYY-MM-DD); default: today in England."),
    ) -> Any:
        sent, problem = _iso("decision", decision)
        issued, problem_cert = _iso("certificate", certificate, required=False)
        on, problem_today = _iso("today", today, required=False)
        problem = problem or problem_cert or problem_today
        if not problem and issued and sent and issued < sent:
            problem = "'certificate' is before 'decision': a mediation certificate comes after the decision."
        if problem:
            return JSONResponse(status_code=422, content={"error": problem})
        return appeal_json(sent, on or settings_today(), issued)  # type: ignore[arg-type]

    @app.get("/timescales", response_class=HTMLResponse, summary="The deadline calculator (HTML form)")
    async def timescales_page(request: Request) -> HTMLResponse:
        params = dict(request.query_params)
        kind = params.get("calculate")
        today = settings_today()
        errors: List[Dict[str, str]] = []
        values: Dict[str, Dict[str, str]] = {}
        result: Dict[str, Any] = {}
        if kind == "assessment":
            received, problem, values["received"] = _form_date(params, "received", "the date the council received the request", True)
            if problem:
                errors.append({"field": "received-day", "text": problem})
            elif received:
                result = {"kind": "assessment", "received": long_date(received), "data": assessment_json(received, today)}
        elif kind == "appeal":
            sent, problem, values["decision"] = _form_date(params, "decision", "the date the decision letter was sent", True)
            issued, problem_cert, values["certificate"] = _form_date(params, "certificate", "the date the mediation certificate was issued", False)
            if problem:
                errors.append({"field": "decision-day", "text": problem})
            if problem_cert:
                errors.append({"field": "certificate-day", "text": problem_cert})
            if not errors and sent and issued and issued < sent:
                errors.append({"field": "certificate-day", "text": "The mediation certificate's date must be after the decision letter's"})
            if not errors and sent:
                result = {"kind": "appeal", "decision": long_date(sent), "certificate": long_date(issued) if issued else None,
                          "data": appeal_json(sent, today, issued)}
        return templates.TemplateResponse(
            "timescales.html",
            {"request": request, "errors": errors, "values": values, "result": result, "kind": kind,
             "today": long_date(today), "long_date": lambda iso: long_date(date.fromisoformat(iso)),
             "short_date": lambda iso: short_date(date.fromisoformat(iso)),
             "exceptions": timescales.ASSESSMENT_EXCEPTIONS, "code_url": CODE_OF_PRACTICE_URL},
            headers={"Content-Security-Policy": PAGE_CSP},
        )

    @app.post(
        DOWNLOAD_PATH,
        responses={200: {"content": {DOCX_TYPE: {}, "text/plain": {}}, "description": "The letter as a file"}},
        summary="The letter asking for an EHC needs assessment, as a Word or text file",
    )
    async def letter_download(
        details: LetterIn,
        format: str = Query("docx", regex="^(docx|txt)$", description="docx (Word) or txt"),
    ) -> Response:
        """Nothing is stored: the file is made from the details sent and forgotten."""
        letter = LetterDetails(**details.dict())
        today = settings_today()
        headers = {"Content-Disposition": f'attachment; filename="{FILE_STEM}.{format}"', "Cache-Control": "no-store"}
        if format == "txt":
            return Response(letter_text(letter, today).encode("utf-8"), media_type="text/plain; charset=utf-8", headers=headers)
        return Response(letter_docx(letter, today), media_type=DOCX_TYPE, headers=headers)
