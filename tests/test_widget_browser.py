"""The chat widget and the myths page in a real browser (Debian's Chromium, driven by Playwright
for Python), against the real assistant: gateway, Rasa and action server.

A second little web server plays the council's website: another origin, with a strict Content
Security Policy that only allows the assistant's address, and the one script tag.
"""
from __future__ import annotations

import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from bot.settings import CODE_OF_PRACTICE_URL
from tests.browser_helpers import (
    WIDGET_COVER_JS, active_element, axe_violations, describe, focused_box, launch, tab_to,
)

HALTON_PHONE = "0151 511 7733"
SEED_QUESTION = "can the school refuse an EHC request until £6,000 is spent?"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


# --- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.console_messages = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.console_messages.append(m.text))  # type: ignore[attr-defined]
    yield page
    context.close()


def council_page(gateway: str, query: Dict[str, str]) -> str:
    """A council's web page: the one script tag, plenty of links (some in the corner where the
    chat button sits), optionally the myths embed."""
    attrs = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in query.items() if k in ("council", "title", "colour", "position"))
    # Every other link is long enough to wrap across the whole width, under the chat's corner.
    links = "\n".join(
        f'<p><a href="#l{i}" id="l{i}">{("Council link " + str(i) + " ") * (14 if i % 2 else 1)}</a></p>' for i in range(40)
    )
    myths = ""
    if query.get("myths"):
        myths = f'<div id="send-myths"></div><script src="{gateway}/myths.js" data-target="send-myths" defer></script>'
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Halton Borough Council - SEND local offer</title></head>
<body><main><h1>SEND local offer</h1>{myths}{links}</main>
<script src="{gateway}/widget.js" {attrs} defer></script></body></html>"""


@pytest.fixture(scope="module")
def council_site(assistant: Any) -> Iterator[str]:
    """The council's website on another origin, under a CSP that allows only the assistant."""
    gateway = assistant.url

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
            body = council_page(gateway, query).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'none'; script-src {gateway}; style-src {gateway}; connect-src {gateway}; base-uri 'none'",
            )
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()


# --- helpers ----------------------------------------------------------------------------------
def widget(page: Any) -> Any:
    return page.locator("#send-assistant-widget")


def ask(page: Any, text: str) -> Any:
    """Type a question and send it with Enter; return the assistant's newest message."""
    box = widget(page).get_by_role("textbox", name="Your question")
    count = widget(page).locator(".sa-msg--bot").count()
    box.fill(text)
    box.press("Enter")
    widget(page).locator(".sa-msg--bot").nth(count).wait_for()
    return widget(page).locator(".sa-msg--bot").nth(count)


def open_by_keyboard(page: Any) -> None:
    tab_to(page, "sa-launcher")
    page.keyboard.press("Enter")
    widget(page).get_by_role("dialog").wait_for()


def no_horizontal_scroll(page: Any) -> Dict[str, Any]:
    return page.evaluate("""() => {
      // Elements that scroll sideways inside the chat (the 1 px visually-hidden texts aside).
      const root = document.getElementById('send-assistant-widget');
      const inner = root ? [...root.shadowRoot.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1
          && getComputedStyle(e).overflowX !== 'visible' && e.clientWidth > 1).map(e => e.className) : [];
      return {page: document.documentElement.scrollWidth, viewport: window.innerWidth, inner};
    }""")


# --- the journey the issue describes ----------------------------------------------------------
def test_seed_question_by_keyboard_shows_verdict_citation_and_phone(page, assistant):
    page.goto(f"{assistant.url}/?council=halton")
    open_by_keyboard(page)
    assert active_element(page) == "sa-input", "focus should move into the chat when it opens"
    dialog = widget(page).get_by_role("dialog", name="Ask a SEND question")
    notice = dialog.locator(".sa-notice")
    assert "do not type your child's name" in notice.inner_text()
    assert "90 days" in notice.inner_text()

    page.keyboard.type(SEED_QUESTION)
    page.keyboard.press("Enter")
    reply = widget(page).locator(".sa-msg--bot").first
    reply.wait_for()
    text = reply.inner_text()
    assert "No. That is a myth." in text
    assert HALTON_PHONE in text
    citation = reply.get_by_role("link", name=re.compile(r"Code of Practice, paragraphs? 6\.95"))
    assert citation.get_attribute("href") == CODE_OF_PRACTICE_URL
    assert "opens in new tab" in citation.inner_text()
    phone = reply.get_by_role("link", name=HALTON_PHONE)
    assert phone.get_attribute("href") == "tel:01515117733"

    log = widget(page).get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    assert widget(page).get_by_role("button", name="Talk to a person").is_visible()
    assert widget(page).get_by_role("group", name="Suggested replies").count() >= 1

    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert active_element(page) == "sa-launcher", "focus should go back to the button on close"


def test_conversation_survives_a_reload_in_the_same_tab_only(page, assistant):
    page.goto(f"{assistant.url}/?council=halton")
    widget(page).get_by_role("button", name="Ask a SEND question").click()
    reply = ask(page, SEED_QUESTION)
    assert "No. That is a myth." in reply.inner_text()
    sender = page.evaluate("JSON.parse(sessionStorage.getItem('send-assistant:v1:halton')).sender")

    page.reload()
    restored = widget(page).locator(".sa-msg")
    restored.nth(1).wait_for()
    assert SEED_QUESTION in restored.nth(0).inner_text()
    assert "No. That is a myth." in restored.nth(1).inner_text()
    assert widget(page).get_by_role("link", name=re.compile(r"paragraphs? 6\.95")).count() == 1
    assert page.evaluate("JSON.parse(sessionStorage.getItem('send-assistant:v1:halton')).sender") == sender

    # The same conversation goes on after the reload (Rasa knows what was asked).
    follow_up = ask(page, "can I ask for the assessment myself then?")
    assert follow_up.get_by_role("link").count() >= 1

    other_tab = page.context.new_page()
    other_tab.goto(f"{assistant.url}/?council=halton")
    other_tab.locator("#send-assistant-widget").get_by_role("button", name="Ask a SEND question").click()
    assert other_tab.locator("#send-assistant-widget .sa-msg").count() == 0


def test_chat_reflows_at_320_px_with_no_horizontal_scrolling(browser, assistant):
    for viewport in ({"width": 320, "height": 640}, {"width": 320, "height": 256}):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{assistant.url}/?council=halton")
        assert no_horizontal_scroll(page)["page"] <= 320
        open_by_keyboard(page)
        reply = ask(page, SEED_QUESTION)
        assert "No. That is a myth." in reply.inner_text()
        measured = no_horizontal_scroll(page)
        assert measured["page"] <= 320 and measured["inner"] == [], (viewport, measured)
        assert widget(page).get_by_role("dialog").get_attribute("aria-modal") == "true"
        # Every control in the chat is reachable and fully visible when it has focus (2.4.11).
        for _ in range(12):
            page.keyboard.press("Tab")
            box = focused_box(page)
            assert box["left"] >= -1 and box["right"] <= box["width"] + 1 and box["bottom"] > 0 and box["top"] < box["height"], box
        context.close()


def test_no_axe_violations_on_the_demo_page_with_the_chat_open(page, assistant):
    page.goto(f"{assistant.url}/?council=halton")
    assert axe_violations(page) == [], "closed"
    open_by_keyboard(page)
    ask(page, SEED_QUESTION)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.set_viewport_size(PHONE)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_myths_page_lists_every_myth_accessibly_and_prints(page, assistant):
    myths = httpx.get(f"{assistant.url}/api/myths", timeout=10).json()
    assert len(myths) >= 12
    page.goto(f"{assistant.url}/myths?council=halton")
    assert page.get_by_role("heading", level=1).inner_text() == "Myths about SEN support and EHC needs assessments"
    for myth in myths:
        section = page.locator(f"section#{myth['id']}")
        assert myth["myth"] in section.get_by_role("heading", level=2).inner_text()
        assert section.locator(".tag").inner_text() == myth["verdict_label"]
        assert myth["opening"] in section.inner_text()
        for citation in myth["citations"]:
            assert section.get_by_role("link", name=citation["label"]).first.get_attribute("href") == citation["url"]
    seed = page.locator("section#myth-6000-before-request")
    assert seed.locator(".tag").inner_text() == "Myth"
    assert page.get_by_role("link", name=HALTON_PHONE).get_attribute("href") == "tel:01515117733"
    violations = axe_violations(page)
    assert violations == [], describe(violations)

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.emulate_media(media="print")
    assert not page.locator("nav.contents").is_visible()
    printed_url = page.evaluate(
        "getComputedStyle(document.querySelector('#myth-6000-before-request a[href^=\"http\"]'), '::after').content"
    )
    assert "legislation.gov.uk" in printed_url or "gov.uk" in printed_url


# --- on a council's own site ------------------------------------------------------------------
def test_one_script_tag_on_another_origin_under_a_strict_csp(page, council_site):
    page.goto(f"{council_site}/?council=halton&myths=1")
    widget(page).get_by_role("button", name="Ask a SEND question").click()
    reply = ask(page, SEED_QUESTION)
    assert "No. That is a myth." in reply.inner_text()
    assert HALTON_PHONE in reply.inner_text()
    # The myths embed rendered into the council's own page, in the council's own markup.
    page.locator("#send-myths .send-myths__item").first.wait_for()
    assert page.locator("#send-myths .send-myths__item").count() >= 12
    assert "No. That is a myth." in page.locator("#send-myths-myth-6000-before-request").inner_text()
    violations = [m for m in page.console_messages if "Content Security Policy" in m]
    assert violations == [], violations


def test_title_colour_and_position_attributes(page, council_site):
    page.goto(f"{council_site}/?council=halton&title=Ask%20Halton%20SENDIASS&colour=%23ffdd00&position=left")
    launcher = widget(page).get_by_role("button", name="Ask Halton SENDIASS")
    launcher.wait_for()
    look = launcher.evaluate("b => { const s = getComputedStyle(b); const r = b.getBoundingClientRect(); return {bg: s.backgroundColor, fg: s.color, left: r.left}; }")
    assert look["bg"] == "rgb(255, 221, 0)" and look["fg"] == "rgb(11, 12, 12)", look  # dark text on yellow
    assert look["left"] < 100
    page.goto(f"{council_site}/?council=halton&colour=%23777777")  # mid grey fails AA with white and black text: ignored
    colour = widget(page).get_by_role("button", name="Ask a SEND question").evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(29, 112, 184)"


def test_focused_page_controls_are_never_behind_the_chat(page, council_site):
    """WCAG 2.4.11: tab through every link on the page with the chat closed, and back through
    them with it open; none may be covered by the chat button or the chat."""
    page.goto(f"{council_site}/?council=halton")
    widget(page).get_by_role("button", name="Ask a SEND question").wait_for()

    def covered() -> list:
        # The widget scrolls the page on the next animation frame: allow a slow machine 0.5 s.
        for _ in range(10):
            page.wait_for_timeout(50)
            cover = page.evaluate(WIDGET_COVER_JS)
            box = focused_box(page)
            overlaps = box["right"] > cover["left"] and box["left"] < cover["right"] and box["bottom"] > cover["top"] and box["top"] < cover["bottom"]
            if not overlaps:
                return []
        return [box["id"]]

    hidden = []
    for _ in range(40):
        page.keyboard.press("Tab")
        hidden += covered()
    assert hidden == [], f"covered by the chat button: {hidden}"

    widget(page).get_by_role("button", name="Ask a SEND question").click()
    page.keyboard.press("Shift+Tab")  # out of the chat, back into the page
    for _ in range(39):
        if active_element(page) in ("sa-input", "sa-scroll", None):
            break
        hidden += covered()
        page.keyboard.press("Shift+Tab")
    assert hidden == [], f"covered by the open chat: {hidden}"


# --- when things go wrong ---------------------------------------------------------------------
def test_unreachable_service_gives_the_phone_number_and_loses_nothing(page, assistant):
    page.goto(f"{assistant.url}/?council=halton")
    widget(page).get_by_role("button", name="Ask a SEND question").click()
    widget(page).locator(".sa-notice__text").filter(has_text="90 days").wait_for()  # config fetched
    page.route("**/api/chat", lambda route: route.abort("connectionrefused"))
    failed = ask(page, SEED_QUESTION)
    assert "can't reach the assistant" in failed.inner_text()
    assert HALTON_PHONE in failed.inner_text()
    assert SEED_QUESTION in widget(page).locator(".sa-msg--user").last.inner_text()

    page.unroute("**/api/chat")
    widget(page).get_by_role("button", name="Try again").click()
    answer = widget(page).locator(".sa-msg--bot").nth(1)
    answer.wait_for()
    assert "No. That is a myth." in answer.inner_text()
    assert widget(page).locator(".sa-msg--user").count() == 1  # not sent twice on screen


def test_too_long_a_message_is_kept_with_a_clear_error(page, assistant):
    page.goto(f"{assistant.url}/?council=halton")
    widget(page).get_by_role("button", name="Ask a SEND question").click()
    box = widget(page).get_by_role("textbox", name="Your question")
    box.press("Enter")
    assert widget(page).locator(".sa-error").inner_text().endswith("Enter your question")
    long_text = "My son needs help. " * 120
    box.fill(long_text)
    box.press("Enter")
    error = widget(page).locator(".sa-error").inner_text()
    assert "2,000 characters or fewer" in error
    assert box.input_value() == long_text
    assert box.get_attribute("aria-invalid") == "true"
    assert widget(page).locator(".sa-msg").count() == 0


def test_typing_indicator_and_reduced_motion(browser, assistant):
    for motion, animated in (("no-preference", True), ("reduce", False)):
        context = browser.new_context(viewport=DESKTOP, reduced_motion=motion)
        page = context.new_page()
        page.set_default_timeout(60_000)
        held = []
        page.route("**/api/chat", lambda route: held.append(route))
        page.goto(f"{assistant.url}/?council=halton")
        widget(page).get_by_role("button", name="Ask a SEND question").click()
        box = widget(page).get_by_role("textbox", name="Your question")
        box.fill("What is SEN support?")
        box.press("Enter")
        status = widget(page).get_by_role("status")
        status.filter(has_text="The assistant is typing").wait_for()
        name = widget(page).locator(".sa-dots span").first.evaluate("d => getComputedStyle(d).animationName")
        assert (name != "none") is animated, (motion, name)
        page.wait_for_timeout(100)
        held[0].continue_()
        widget(page).locator(".sa-msg--bot").first.wait_for()
        assert "typing" not in status.inner_text()
        context.close()


def test_clear_conversation_empties_the_chat_and_deletes_the_stored_copy(page, assistant):
    page.goto(f"{assistant.url}/?council=halton")
    widget(page).get_by_role("button", name="Ask a SEND question").click()
    ask(page, SEED_QUESTION)
    old_sender = page.evaluate("JSON.parse(sessionStorage.getItem('send-assistant:v1:halton')).sender")
    widget(page).get_by_role("button", name="Clear conversation").click()
    assert active_element(page) == "sa-confirm-heading"
    with page.expect_response(lambda r: r.request.method == "DELETE" and old_sender in r.url) as deleted:
        widget(page).get_by_role("button", name="Yes, clear it").click()
    assert deleted.value.status == 200
    assert widget(page).locator(".sa-msg").count() == 0
    assert "Conversation cleared." in widget(page).get_by_role("status").inner_text()
    assert active_element(page) == "sa-input"
    new_sender = page.evaluate("JSON.parse(sessionStorage.getItem('send-assistant:v1:halton')).sender")
    assert new_sender != old_sender
    page.reload()
    widget(page).get_by_role("dialog").wait_for()
    assert widget(page).locator(".sa-msg").count() == 0


def test_talk_to_a_person_is_always_there_and_gives_the_contact(page, assistant):
    page.goto(f"{assistant.url}/?council=halton")
    widget(page).get_by_role("button", name="Ask a SEND question").click()
    widget(page).get_by_role("button", name="Talk to a person").click()
    reply = widget(page).locator(".sa-msg--bot").first
    reply.wait_for()
    assert HALTON_PHONE in reply.inner_text()
    assert widget(page).get_by_role("button", name="Leave a message for an adviser").is_visible()
