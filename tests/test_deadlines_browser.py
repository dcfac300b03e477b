"""The request letter in the chat widget and the deadline calculator page, in a real browser
(Debian's Chromium via Playwright) against the real assistant."""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document

from tests.browser_helpers import axe_violations, describe
from tests.test_widget_browser import ask, browser, council_site, page, widget  # noqa: F401 - fixtures

PHONE = {"width": 320, "height": 640}


def answer_question(page, text):  # noqa: F811 - `page` is the fixture's value
    reply = ask(page, text)
    return reply.inner_text()


def test_letter_written_in_the_widget_and_downloaded_as_a_word_file(page, council_site, tmp_path: Path):  # noqa: F811
    page.goto(f"{council_site}/?council=halton")
    widget(page).get_by_role("button", name="Ask a SEND question").click()
    reply = ask(page, "how do I ask the council for an EHC needs assessment?")
    reply.get_by_role("button", name="Write my request letter").click()
    widget(page).get_by_text("Question 1 of 4").wait_for()
    assert "Question 2 of 4" in answer_question(page, "Sam Smith")
    assert "Question 3 of 4" in answer_question(page, "4/6/2016")
    assert "Question 4 of 4" in answer_question(page, "Oak Primary School")
    letter = ask(page, "Sam finds reading very hard.")
    box = letter.get_by_role("region", name="Request for an EHC needs assessment")
    assert "Child: Sam Smith" in box.inner_text() and "Section 36(8)" in box.inner_text()

    with page.expect_download() as download_info:
        letter.get_by_role("button", name="Download as a Word file").click()
    download = download_info.value
    assert download.suggested_filename == "ehc-assessment-request.docx"
    saved = tmp_path / "letter.docx"
    download.save_as(saved)
    words = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
    assert "Child: Sam Smith" in words and "Date of birth: 4 June 2016" in words and "Halton Borough Council" in words
    assert "Downloaded: ehc-assessment-request.docx" in letter.get_by_role("status").inner_text()

    with page.expect_download() as text_info:
        letter.get_by_role("button", name="Download as a text file").click()
    assert text_info.value.suggested_filename == "ehc-assessment-request.txt"
    assert [m for m in page.console_messages if "Content Security Policy" in m] == []
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_calculator_page_is_accessible_with_errors_and_results(page, assistant):  # noqa: F811
    page.goto(f"{assistant.url}/timescales")
    assert axe_violations(page) == []
    page.get_by_role("group", name="When did the council receive the request?").get_by_label("Day").fill("31")
    page.get_by_role("group", name="When did the council receive the request?").get_by_label("Month").fill("2")
    page.get_by_role("group", name="When did the council receive the request?").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Work out assessment dates").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text() and page.title().startswith("Error: ")
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "received-day"
    violations = axe_violations(page)
    assert violations == [], describe(violations)

    page.goto(f"{assistant.url}/timescales?calculate=appeal&decision-day=14&decision-month=5&decision-year=2026")
    result = page.locator("#result")
    assert "Tuesday 14 July 2026" in result.inner_text() and "This date has passed." in result.inner_text()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.set_viewport_size(PHONE)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"]
