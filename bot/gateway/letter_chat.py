"""The request letter in the chat: four optional questions, then the letter, kept out of Rasa.

The answers are the child's name, date of birth, school and the parent's worries: personal data
the parent gives for the letter alone. So the gateway asks the questions itself and holds the
answers in this process's memory only until the letter is shown (or for LETTER_TTL_MINUTES at
most); they never reach Rasa's conversation store, the database or a log. The letter goes back
to the parent's browser, which asks for the downloadable files with the same details
(POST /api/letters/ehc-assessment-request), so nothing needs keeping here either.

The letter starts with the "Write my request letter" button ("/write_letter") or a message that
plainly asks for one (`asks_for_letter`); from then on, until the letter is done or stopped, this
module answers every message of that conversation. Rasa is not involved: a classifier intent for
"write me a letter" cost several points of accuracy on everything else (docs/evaluation.md), and a
few unmistakable phrasings are enough where the button is offered with every answer about requests.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Dict, List, Optional

from bot.answering import TALK_TO_A_PERSON
from bot.timescale_replies import LETTER_ENTRY
from bot.dates import find_dates, has_impossible_date, short_date
from bot.letter import FILE_STEM, MAX_LENGTHS, LetterDetails, letter_text
from bot.settings import today as settings_today

#: How long an unfinished letter's answers are held before they are dropped.
LETTER_TTL_MINUTES = 30
#: The oldest a child can be for an EHC needs assessment request (up to 25), with a year to spare.
MAX_AGE_YEARS = 26

SKIP = {"title": "Skip this question", "payload": "/skip"}
STOP = {"title": "Stop the letter", "payload": "/stop_letter"}
STOP_WORDS = re.compile(r"^\s*(?:stop|cancel|quit|exit|stop the letter|/stop_letter)\s*[.!]*\s*$", re.IGNORECASE)

DOWNLOAD_PATH = "/api/letters/ehc-assessment-request"
START_PAYLOAD = "/write_letter"
#: "can you write me a letter asking for an ehc assessment", "is there a template letter to request
#: an ehcna": a letter, a request to the assistant for one, and what it is for. "What should I put
#: in my letter?" or "do I just write a letter?" are questions, answered by the assistant (with the
#: button).
_LETTER = re.compile(r"\b(?:letter|template)\b", re.IGNORECASE)
_MAKE = re.compile(r"\b(?:(?:can|could|would|will)\s+(?:you|u)|please|help\s+me|help\s+(?:with\s+)?writing|"
                   r"i\s+(?:need|want|would\s+like)|give\s+me|make\s+me|template|sample|draft)\b|^\s*write\b",
                   re.IGNORECASE)
_FOR = re.compile(r"\b(?:assess\w*|ehc\w*|statutory|request\w*)\b", re.IGNORECASE)


def asks_for_letter(message: str) -> bool:
    """Whether a message asks for the request letter (the button, or plainly in words)."""
    text = message.strip()
    if text == START_PAYLOAD:
        return True
    return len(text) <= 300 and bool(_LETTER.search(text) and _MAKE.search(text) and _FOR.search(text))


@dataclass(frozen=True)
class Question:
    field: str
    text: str


QUESTIONS = (
    Question("child_name", "What is your child's full name?"),
    Question("date_of_birth", "What is their date of birth? For example, 4 June 2016."),
    Question("school", "Which school, nursery or college do they go to?"),
    Question("concerns", (
        "In a few sentences, why are you asking for an assessment? For example: what your child finds hard, "
        "the support they have had so far, and how they are getting on.")),
)

INTRO = (
    "I'll ask you 4 short questions and then write a letter you can send to your council. Every question is "
    "optional: press \"Skip this question\" and the letter will have a gap for you to fill in.\n\n"
    "I don't save your answers. I use them to write the letter and then forget them. I don't send the letter "
    "to anyone: you send it yourself."
)


@dataclass
class Draft:
    council: Optional[str]
    answers: Dict[str, Any] = field(default_factory=dict)
    step: int = 0
    touched: float = field(default_factory=time.monotonic)


_drafts: Dict[str, Draft] = {}
_lock = threading.Lock()


def _expire() -> None:
    cutoff = time.monotonic() - LETTER_TTL_MINUTES * 60
    for sender in [s for s, d in _drafts.items() if d.touched < cutoff]:
        del _drafts[sender]


def active(sender_id: str) -> bool:
    with _lock:
        _expire()
        return sender_id in _drafts


def forget(sender_id: str) -> None:
    """Drop an unfinished letter (the parent deleted the conversation, or stopped the letter)."""
    with _lock:
        _drafts.pop(sender_id, None)


def _message(text: str, kind: str, buttons: Optional[List[Dict[str, str]]] = None, **extra: Any) -> Dict[str, Any]:
    return {"text": text, "kind": kind, "buttons": buttons or [], "citations": [], **extra}


def _ask(step: int) -> Dict[str, Any]:
    question = QUESTIONS[step]
    return _message(f"Question {step + 1} of {len(QUESTIONS)}: {question.text}", "letter_question", [SKIP, STOP])


def start(sender_id: str, council_name: Optional[str], citations: Optional[List[Dict[str, Any]]] = None) -> List[Dict[str, Any]]:
    """Begin a letter for this conversation: the intro (with the law it rests on) and the first question."""
    with _lock:
        _expire()
        _drafts[sender_id] = Draft(council=council_name)
    intro = _message(INTRO, "letter_start")
    if citations:
        intro.update(citations=citations, entry_id=LETTER_ENTRY, candidates=[LETTER_ENTRY])
    return [intro, _ask(0)]


def _check(field_name: str, text: str, today: date) -> Any:
    """The answer to keep, or raise ValueError with what to tell the parent."""
    if field_name == "date_of_birth":
        found = [f for f in find_dates(text, today) if f.year_given and not f.text.lower().endswith("ago")]
        if not found:
            if has_impossible_date(text):
                raise ValueError("That date doesn't exist. Please check the day and month, for example 4 June 2016.")
            raise ValueError("I couldn't read that as a date of birth with a year. Please type it like 4 June 2016 "
                             "or 04/06/2016, or skip this question.")
        value = found[0].value
        if value > today:
            raise ValueError("That date is in the future. Please check the year, for example 4 June 2016.")
        if value.year < today.year - MAX_AGE_YEARS:
            raise ValueError(f"That would make your child over {MAX_AGE_YEARS - 1}. Please check the year, "
                             "or skip this question.")
        return value
    limit = MAX_LENGTHS[field_name]
    if len(text) > limit:
        raise ValueError(f"That's {len(text)} characters; please keep it to {limit} or fewer "
                         "(you can add more to the letter yourself).")
    return text.strip()


def handle(sender_id: str, message: str) -> Optional[List[Dict[str, Any]]]:
    """The reply to a message sent while a letter is being written, or None when the message is
    not for the letter (a button such as "Talk to a person"): the letter is dropped and the
    message goes to the assistant as usual."""
    today = settings_today()
    with _lock:
        draft = _drafts.get(sender_id)
        if draft is None:
            return None
        if message.startswith("/") and message.strip() not in ("/skip", "/stop_letter"):
            del _drafts[sender_id]
            return None
        draft.touched = time.monotonic()
        if STOP_WORDS.match(message):
            del _drafts[sender_id]
            return [_message("I've stopped the letter. Nothing you typed for it has been kept.", "letter_stopped",
                             [{"title": "Start the letter again", "payload": START_PAYLOAD}, TALK_TO_A_PERSON])]
        question = QUESTIONS[draft.step]
        if message.strip() != "/skip":
            try:
                draft.answers[question.field] = _check(question.field, message, today)
            except ValueError as problem:
                # The parent's answer is not lost: it is still in their chat, to copy and correct.
                return [_message(str(problem), "letter_error", [SKIP, STOP])]
        draft.step += 1
        if draft.step < len(QUESTIONS):
            return [_ask(draft.step)]
        del _drafts[sender_id]
    return [letter_message(LetterDetails(council=draft.council, **draft.answers), today)]


def letter_message(details: LetterDetails, today: date) -> Dict[str, Any]:
    """The finished letter: its text in the chat, and what the browser needs to download it."""
    text = letter_text(details, today)
    fields = {**asdict(details), "date_of_birth": details.date_of_birth.isoformat() if details.date_of_birth else None}
    intro = ("Here is your letter. Add your name and address, check it, and send it to your council's SEN team "
             "by email or post. Keep a copy and a note of the date you sent it: the council has 6 weeks from when "
             "it receives it. I haven't kept your answers.")
    return _message(
        f"{intro}\n\n{text}", "letter", [TALK_TO_A_PERSON],
        letter={
            "title": "Request for an EHC needs assessment",
            "text": text,
            "fields": fields,
            "downloads": [
                {"format": fmt, "title": title, "url": f"{DOWNLOAD_PATH}?format={fmt}", "filename": f"{FILE_STEM}.{fmt}"}
                for fmt, title in (("docx", "Download as a Word file"), ("txt", "Download as a text file"))
            ],
        },
    )
