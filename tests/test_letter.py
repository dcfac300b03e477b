"""The request letter (bot.letter) and its questions in the chat (bot.gateway.letter_chat)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from bot.gateway import letter_chat
from bot.letter import LetterDetails, letter_docx, letter_text

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TODAY", TODAY.isoformat())


def test_letter_has_the_details_the_legal_test_and_the_six_weeks() -> None:
    text = letter_text(LetterDetails("Sam Smith", date(2016, 6, 4), "Oak Primary School",
                                     "Sam cannot read yet and is anxious every morning.", "Halton Borough Council"), TODAY)
    assert "Child: Sam Smith" in text and "Date of birth: 4 June 2016" in text
    assert "School or setting: Oak Primary School" in text and "Halton Borough Council" in text
    assert "section 36(1) of the Children and Families Act 2014" in text
    assert "Section 36(8)" in text and "has or may have special educational needs" in text
    assert "no later than 6 weeks after you receive this letter" in text and "regulation 5(1)" in text
    assert "Sam cannot read yet" in text and "23 November 2026" in text


def test_skipped_details_leave_gaps_to_fill_in() -> None:
    text = letter_text(LetterDetails(), TODAY)
    for gap in ("[Child’s full name]", "[Date of birth]", "[School, nursery or college]", "[Your council]", "[Describe what my child"):
        assert gap in text
    assert "section 36(1)" in text


def test_word_file_has_the_same_words() -> None:
    document = Document(io.BytesIO(letter_docx(LetterDetails("Sam Smith", date(2016, 6, 4)), TODAY)))
    words = "\n".join(p.text for p in document.paragraphs)
    assert "Child: Sam Smith" in words and "Section 36(8)" in words and "4 June 2016" in words
    assert document.core_properties.title.startswith("Request for an education, health and care")


def test_chat_asks_four_optional_questions_then_shows_the_letter() -> None:
    sender = "letter-test-1"
    first = letter_chat.start(sender, "Halton Borough Council")
    assert first[0]["kind"] == "letter_start" and "don't save your answers" in first[0]["text"]
    assert first[1]["text"].startswith("Question 1 of 4") and {"title": "Skip this question", "payload": "/skip"} in first[1]["buttons"]
    assert letter_chat.handle(sender, "Sam Smith")[0]["text"].startswith("Question 2 of 4")
    problem = letter_chat.handle(sender, "the fourth of june")
    assert problem[0]["kind"] == "letter_error" and "4 June 2016" in problem[0]["text"]
    assert letter_chat.handle(sender, "31/02/2016")[0]["text"].startswith("That date doesn't exist")
    assert letter_chat.handle(sender, "4th June 2016")[0]["text"].startswith("Question 3 of 4")
    assert letter_chat.handle(sender, "/skip")[0]["text"].startswith("Question 4 of 4")
    done = letter_chat.handle(sender, "He can't read yet.")[0]
    assert done["kind"] == "letter"
    assert "Child: Sam Smith" in done["text"] and "[School, nursery or college]" in done["text"]
    assert done["letter"]["fields"] == {"child_name": "Sam Smith", "date_of_birth": "2016-06-04", "school": None,
                                        "concerns": "He can't read yet.", "council": "Halton Borough Council"}
    assert [d["format"] for d in done["letter"]["downloads"]] == ["docx", "txt"]
    # Nothing is held once the letter is shown.
    assert not letter_chat.active(sender)


def test_a_future_date_of_birth_is_refused_kindly() -> None:
    sender = "letter-test-2"
    letter_chat.start(sender, None)
    letter_chat.handle(sender, "/skip")
    reply = letter_chat.handle(sender, "4 June 2027")[0]
    assert reply["kind"] == "letter_error" and "in the future" in reply["text"]
    assert letter_chat.active(sender)
    letter_chat.forget(sender)


def test_stop_drops_the_answers_and_other_buttons_leave_the_letter() -> None:
    sender = "letter-test-3"
    letter_chat.start(sender, None)
    letter_chat.handle(sender, "Sam Smith")
    stopped = letter_chat.handle(sender, "stop")[0]
    assert stopped["kind"] == "letter_stopped" and "Nothing you typed for it has been kept" in stopped["text"]
    assert not letter_chat.active(sender)
    letter_chat.start(sender, None)
    assert letter_chat.handle(sender, "/ask_for_person") is None
    assert not letter_chat.active(sender)


@pytest.mark.parametrize("message", [
    "/write_letter", "can you help me write a letter to ask the council for an ehc needs assessment",
    "is there a template letter to request an ehcna", "please draft my ehcp request letter",
    "I need a letter to send to the LA asking for an ehc assessment",
])
def test_plain_requests_for_the_letter_start_it(message: str) -> None:
    assert letter_chat.asks_for_letter(message)


@pytest.mark.parametrize("message", [
    "what should i put in my letter to the LA asking them to assess",
    "got a letter today saying they wont do the ehc needs assessment",
    "how do i actually apply for ehcna, is there a form or do i just write a letter to someone",
    "can you explain the decision letter", "write_letter",
])
def test_questions_about_letters_are_left_to_the_assistant(message: str) -> None:
    assert not letter_chat.asks_for_letter(message)
