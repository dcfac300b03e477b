"""The deadline calculator and the request letter through the gateway, with the real Rasa and
action servers (today is fixed at 23 November 2026 for the assistant under test: conftest)."""
from __future__ import annotations

import io
import uuid

import httpx
from docx import Document

from tests.test_handoff_e2e import stored_conversation

HALTON_PHONE = "0151 511 7733"
REGULATIONS = "Special Educational Needs and Disability Regulations 2014"
TRIBUNAL_RULES = "Tribunal Procedure (First-tier Tribunal) (Health, Education and Social Care Chamber) Rules 2008"


def conversation(assistant):
    sender = uuid.uuid4().hex

    def say(text):
        return assistant.chat(text, sender_id=sender)["messages"]

    say.sender = sender
    return say


def labels(message):
    return [c["label"] for c in message["citations"]]


def test_assessment_request_date_gives_the_three_dates_with_their_regulations(assistant):
    messages = assistant.chat("I asked for an EHC assessment on 3 March, when should I hear?")["messages"]
    reply = next(m for m in messages if m["kind"] == "timescale")
    text = reply["text"]
    assert "I've read \"3 March\" as Tuesday 3 March 2026" in text
    assert "By Tuesday 14 April 2026 (6 weeks)" in text and "(regulation 5(1)). This date has passed." in text
    assert "By Tuesday 23 June 2026 (16 weeks)" in text and "(regulation 10(1))" in text
    assert "By Tuesday 21 July 2026 (20 weeks)" in text and "regulation 13(2)" in text
    assert "regulations 5(4), 10(4) and 13(3)" in text and HALTON_PHONE in text
    assert f"{REGULATIONS}, regulation 5(1)" in labels(reply)
    assert "SEND Code of Practice, paragraph 9.40" in labels(reply)
    assert all(c["url"].startswith("https://www.legislation.gov.uk/") or c["url"].startswith("https://www.gov.uk/")
               for c in reply["citations"])


def test_refusal_date_gives_the_appeal_deadline_and_the_mediation_step(assistant):
    messages = assistant.chat("They refused on 14 May, how long do I have to appeal?")["messages"]
    reply = next(m for m in messages if m["kind"] == "timescale")
    text = reply["text"]
    assert "as Thursday 14 May 2026" in text and "decision letter" in text
    assert "The last day was Tuesday 14 July 2026. That date has passed." in text
    assert "mediation adviser named in the decision letter" in text and "(regulation 33)" in text
    assert "late appeal" in text and HALTON_PHONE in text
    assert f"{TRIBUNAL_RULES}, rule 20" in labels(reply)
    assert f"{REGULATIONS}, regulation 33" in labels(reply)


def test_a_corrected_date_is_worked_out_again_about_the_same_topic(assistant):
    say = conversation(assistant)
    first = next(m for m in say("They refused on 14 May, how long do I have to appeal?") if m["kind"] == "timescale")
    assert "14 May 2026" in first["text"]
    corrected = next(m for m in say("no it was 1 October") if m["kind"] == "timescale")
    assert "as Thursday 1 October 2026" in corrected["text"]
    assert "Your last day is Tuesday 1 December 2026 (8 days from today)" in corrected["text"]
    # Only the certificate's date: worked out against the decision date given before. 1 month after
    # Friday 20 November 2026 is Sunday 20 December: the next working day is Monday 21 December.
    certificate = next(m for m in say("the mediation certificate came on 20 November") if m["kind"] == "timescale")
    assert "I've used the date you gave earlier, Thursday 1 October 2026" in certificate["text"]
    assert "Your last day is Monday 21 December 2026 (28 days from today)" in certificate["text"]


def test_a_certificate_date_with_no_decision_date_asks_for_it(assistant):
    messages = assistant.chat("my mediation certificate was issued on 20 November, when do I have to appeal by?")["messages"]
    assert any("What date was the council's decision letter sent?" in m["text"] for m in messages)


def test_deadline_question_without_a_date_invites_one(assistant):
    messages = assistant.chat("how long does the council have to decide whether to do an ehc needs assessment")["messages"]
    answer = next(m for m in messages if m.get("entry_id"))
    assert answer["entry_id"] == "ehc-decision-six-weeks"
    assert "tell me the date the council received your request" in answer["text"]


def test_letter_in_the_chat_then_downloaded_as_word_and_text(assistant):
    say = conversation(assistant)
    start = say("/write_letter")
    assert start[0]["kind"] == "letter_start" and "don't save your answers" in start[0]["text"]
    assert start[0]["entry_id"] == "ehc-request-how"
    assert start[1]["text"].startswith("Question 1 of 4")
    assert say("Sam Smith")[0]["text"].startswith("Question 2 of 4")
    assert say("4th June 2016")[0]["text"].startswith("Question 3 of 4")
    assert say("Oak Primary School")[0]["text"].startswith("Question 4 of 4")
    letter = say("Sam finds reading very hard and is anxious every morning.")[0]
    assert letter["kind"] == "letter"
    for words in ("Child: Sam Smith", "Date of birth: 4 June 2016", "School or setting: Oak Primary School",
                  "Halton Borough Council", "section 36(1) of the Children and Families Act 2014", "Section 36(8)",
                  "no later than 6 weeks after you receive this letter", "Sam finds reading very hard"):
        assert words in letter["text"] and words in letter["letter"]["text"]

    fields = letter["letter"]["fields"]
    word = httpx.post(f"{assistant.url}/api/letters/ehc-assessment-request?format=docx", json=fields, timeout=30)
    assert word.status_code == 200 and word.headers["content-disposition"] == 'attachment; filename="ehc-assessment-request.docx"'
    document = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "Child: Sam Smith" in document and "Date of birth: 4 June 2016" in document and "Section 36(8)" in document
    text = httpx.post(f"{assistant.url}/api/letters/ehc-assessment-request?format=txt", json=fields, timeout=30)
    assert text.headers["content-type"].startswith("text/plain") and "Child: Sam Smith" in text.text

    # The child's details never reached Rasa's conversation store.
    stored = stored_conversation(assistant, say.sender)
    for private in ("Sam Smith", "Oak Primary", "2016", "reading very hard"):
        assert private not in stored
    # After the letter the conversation goes on as normal.
    after = say("can I ask for an EHC needs assessment myself?")
    assert not any((m.get("kind") or "").startswith("letter") for m in after)
    assert any(m.get("entry_id") in {"ehc-request-who-can-ask", "true-parents-can-request"} for m in after)


def test_letter_typed_request_and_skipping_everything(assistant):
    say = conversation(assistant)
    start = say("can you help me write a letter to ask the council for an ehc needs assessment")
    assert start[0]["kind"] == "letter_start"
    for _ in range(4):
        reply = say("/skip")
    assert reply[0]["kind"] == "letter"
    assert "[Child’s full name]" in reply[0]["text"] and "[Date of birth]" in reply[0]["text"]


def test_calculator_page_and_api(assistant):
    page = httpx.get(f"{assistant.url}/timescales", params={
        "calculate": "appeal", "decision-day": "1", "decision-month": "10", "decision-year": "2026",
        "certificate-day": "29", "certificate-month": "11", "certificate-year": "2026"}, timeout=30)
    assert page.status_code == 200
    assert "Monday 4 January 2027" in page.text and "falls between 25 December and 1 January" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    error = httpx.get(f"{assistant.url}/timescales", params={
        "calculate": "assessment", "received-day": "31", "received-month": "2", "received-year": "2026"}, timeout=30)
    assert "There is a problem" in error.text and "must be a real date" in error.text
    assert 'value="31"' in error.text  # what was typed is kept
    api = httpx.get(f"{assistant.url}/api/timescales/assessment", params={"received": "2026-03-03"}, timeout=30).json()
    assert [m["date"] for m in api["milestones"]] == ["2026-04-14", "2026-06-23", "2026-07-21"]
    assert api["today"] == "2026-11-23" and all(m["passed"] for m in api["milestones"])
    appeal = httpx.get(f"{assistant.url}/api/timescales/appeal", params={"decision": "2026-06-14"}, timeout=30).json()
    assert appeal["deadline"] == "2026-09-01" and appeal["adjustments"][0]["kind"] == "august"
    bad = httpx.get(f"{assistant.url}/api/timescales/appeal", params={"decision": "14/06/2026"}, timeout=30)
    assert bad.status_code == 422 and "2026-03-03" in bad.json()["error"]


def test_a_date_on_its_own_with_nothing_discussed_asks_what_it_is(assistant):
    messages = assistant.chat("3rd march")["messages"]
    assert messages[0]["kind"] == "clarify"
    assert "What is that date?" in messages[0]["text"] and "decision letter was dated 14 May" in messages[0]["text"]
    assert messages[0]["citations"] == []
