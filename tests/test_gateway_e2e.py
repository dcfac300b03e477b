"""End to end through the real gateway, Rasa server and action server (no mocks)."""
from __future__ import annotations

import re
import sqlite3
import uuid

import httpx
import pytest

from bot.settings import CODE_OF_PRACTICE_URL

HALTON_PHONE = "0151 511 7733"
SEED_QUESTION = "can the school refuse an EHC request until £6,000 is spent?"


def only_message(reply: dict) -> dict:
    assert len(reply["messages"]) == 1, reply
    return reply["messages"][0]


def test_seed_question_is_called_a_myth_with_citation_and_phone(assistant):
    message = only_message(assistant.chat(SEED_QUESTION))
    assert message["text"].startswith("No. That is a myth."), message["text"]
    assert HALTON_PHONE in message["text"]
    code = [c for c in message["citations"] if c["paragraph"]]
    assert code, message["citations"]
    assert code[0]["source"] == "SEND Code of Practice (2015)"
    assert re.match(r"^\d+\.\d+( to \d+\.\d+)?$", code[0]["paragraph"])
    assert code[0]["url"] == CODE_OF_PRACTICE_URL
    law = [c for c in message["citations"] if c["section"]]
    assert any("36(8)" in c["section"] and c["url"].endswith("/ukpga/2014/6/section/36") for c in law)


def test_reply_shape_always_has_buttons_and_citations(assistant):
    reply = assistant.chat("hello")
    assert reply["sender_id"]
    for message in reply["messages"]:
        assert set(message) == {"text", "buttons", "citations", "kind", "entry_id", "signpost", "candidates", "letter"}
    greeting = reply["messages"][0]
    assert "SEND Code of Practice" in greeting["text"]
    assert {"title": "Talk to a person", "payload": "/ask_for_person"} in greeting["buttons"]


def test_button_payload_answers_that_entry(assistant):
    message = only_message(assistant.chat("/q_ehc_request_who_can_ask"))
    assert message["text"].startswith("Yes"), message["text"]
    assert any(c["section"] == "section 36(1)" for c in message["citations"])
    assert HALTON_PHONE in message["text"]


def test_asking_for_a_person_gives_halton_sendiass_details(assistant):
    message = only_message(assistant.chat("can I speak to someone"))
    assert "Halton SENDIASS" in message["text"]
    assert HALTON_PHONE in message["text"]
    assert "SENDpartnership@halton.gov.uk" in message["text"]
    assert "https://sendiasshalton.co.uk/" in message["text"]


def test_council_tax_is_out_of_scope_and_cites_nothing(assistant):
    message = only_message(assistant.chat("how do I pay my council tax"))
    assert "can't help" in message["text"]
    assert message["citations"] == []
    assert HALTON_PHONE in message["text"]


def test_bot_question_is_answered_honestly(assistant):
    messages = assistant.chat("am I talking to a real person?")["messages"]
    assert "computer program" in messages[0]["text"]
    assert HALTON_PHONE in messages[-1]["text"]  # and how to reach one


@pytest.mark.parametrize(
    "body, status, expected",
    [
        ({"sender_id": "abc", "message": ""}, 422, "empty"),
        ({"sender_id": "abc", "message": "   "}, 422, "empty"),
        ({"sender_id": "abc", "message": "x" * 2001}, 422, "limit is 2000"),
        ({"sender_id": "abc"}, 422, "'message' is required"),
        ({"message": "hello"}, 422, "'sender_id' is required"),
        ({"sender_id": "a b/c", "message": "hello"}, 422, "sender_id"),
        ({"sender_id": "abc", "message": "hello", "council": "Not A Council!"}, 422, "council"),
    ],
)
def test_bad_json_input_gets_a_clear_4xx(assistant, body, status, expected):
    response = httpx.post(f"{assistant.url}/api/chat", json=body, timeout=30)
    assert response.status_code == status
    assert expected in response.json()["error"]


@pytest.mark.parametrize(
    "content, content_type",
    [
        (b"this is not json", "application/json"),
        (b'{"sender_id": "abc", "message": ', "application/json"),
        (bytes(range(256)), "application/octet-stream"),
        (b"\xff\xfe\x00\x01binary", "application/json"),
        (b"[1, 2, 3]", "application/json"),
    ],
)
def test_non_json_bodies_get_a_clear_4xx_and_the_next_message_works(assistant, content, content_type):
    sender = uuid.uuid4().hex
    response = httpx.post(
        f"{assistant.url}/api/chat", content=content, headers={"Content-Type": content_type}, timeout=30
    )
    assert 400 <= response.status_code < 500
    assert "JSON" in response.json()["error"]
    follow_up = only_message(assistant.chat("can I speak to someone", sender_id=sender))
    assert HALTON_PHONE in follow_up["text"]


def test_conversation_continues_after_bad_input(assistant):
    sender = uuid.uuid4().hex
    bad = httpx.post(f"{assistant.url}/api/chat", json={"sender_id": sender, "message": ""}, timeout=30)
    assert bad.status_code == 422
    message = only_message(assistant.chat(SEED_QUESTION, sender_id=sender))
    assert message["text"].startswith("No. That is a myth.")


def test_health_reports_every_part(assistant):
    response = httpx.get(f"{assistant.url}/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "rasa": "ok", "action_server": "ok", "database": "ok"}


def test_demo_page_and_api_docs(assistant):
    page = httpx.get(f"{assistant.url}/", timeout=10)
    assert page.status_code == 200
    assert '<script src="/widget.js"' in page.text
    assert "<script>" not in page.text and "style=" not in page.text  # nothing inline: works under a strict CSP
    assert "script-src 'self'" in page.headers["content-security-policy"]
    widget = httpx.get(f"{assistant.url}/widget.js", timeout=10)
    assert widget.status_code == 200 and widget.headers["content-type"].startswith("text/javascript")
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|\beval\(|new Function", widget.text)
    assert httpx.get(f"{assistant.url}/docs", timeout=10).status_code == 200
    schema = httpx.get(f"{assistant.url}/openapi.json", timeout=10).json()
    assert "/api/chat" in schema["paths"] and "/healthz" in schema["paths"]


def test_knowledge_and_services_api(assistant):
    entries = httpx.get(f"{assistant.url}/api/knowledge", timeout=10).json()
    assert len(entries) >= 60
    myth = httpx.get(f"{assistant.url}/api/knowledge/myth-6000-before-request", timeout=10).json()
    assert myth["verdict"] == "myth"
    assert any(c["paragraph"] == "6.95 to 6.99" for c in myth["citations"])
    assert httpx.get(f"{assistant.url}/api/knowledge/no-such-entry", timeout=10).status_code == 404
    services = {s["id"]: s for s in httpx.get(f"{assistant.url}/api/services", timeout=10).json()}
    assert services["halton"]["phone"]["value"] == HALTON_PHONE
    assert "seeds/000_" in services["halton"]["phone"]["source"]


def test_conversations_are_stored_in_the_sqlite_tracker_store(assistant):
    sender = uuid.uuid4().hex
    assistant.chat("hello", sender_id=sender)
    with sqlite3.connect(assistant.settings.data_dir / "tracker.db") as db:
        rows = db.execute("SELECT type_name FROM events WHERE sender_id = ?", (sender,)).fetchall()
    assert ("user",) in rows and ("bot",) in rows


def test_action_server_down_gives_fallback_with_phone_then_recovers(assistant):
    stack = assistant.stack
    stack.stop_one("action_server")
    try:
        message = only_message(assistant.chat(SEED_QUESTION))
        assert "something went wrong" in message["text"]
        assert HALTON_PHONE in message["text"]
        health = httpx.get(f"{assistant.url}/healthz", timeout=10)
        assert health.status_code == 503
        assert health.json()["action_server"] == "down"
        assert health.json()["rasa"] == "ok"
        # A child at risk still gets 999 first, from the gateway itself.
        at_risk = assistant.chat("my son says his dad hits him")["messages"]
        assert at_risk[0]["signpost"] == "safeguarding"
        assert at_risk[0]["text"].startswith("If a child is in immediate danger, call 999 now.")
        assert HALTON_PHONE in at_risk[-1]["text"]
    finally:
        stack.start_one("action_server")
        stack.wait_ready("action_server")
    assert only_message(assistant.chat(SEED_QUESTION))["text"].startswith("No. That is a myth.")


def test_myths_and_widget_config_api(assistant):
    myths = {m["id"]: m for m in httpx.get(f"{assistant.url}/api/myths", timeout=10).json()}
    assert len(myths) == 14
    seed = myths["myth-6000-before-request"]
    assert (seed["verdict"], seed["verdict_label"], seed["opening"]) == ("myth", "Myth", "No. That is a myth.")
    assert [c["label"] for c in seed["citations"]] == [
        "Children and Families Act 2014, section 36(8)", "SEND Code of Practice, paragraphs 6.95 to 6.99",
    ]
    assert {m["verdict"] for m in myths.values()} <= {"myth", "true", "partly-true"}
    assert "examples" not in seed  # training examples stay private to the model

    halton = httpx.get(f"{assistant.url}/api/widget/config", params={"council": "halton"}, timeout=10).json()
    assert halton["service"]["phone"] == HALTON_PHONE
    assert HALTON_PHONE in halton["unreachable"]
    assert "90 days" in halton["privacy_notice"] and halton["message_max_chars"] == 2000
    sefton = httpx.get(f"{assistant.url}/api/widget/config", params={"council": "sefton"}, timeout=10).json()
    assert sefton["service"] is None  # no sourced details held: the national services instead
    assert "IPSEA" in sefton["unreachable"] and HALTON_PHONE not in sefton["unreachable"]

    # A council's page on another origin may call the public API from the browser, without cookies.
    preflight = httpx.options(f"{assistant.url}/api/chat", timeout=10, headers={
        "Origin": "https://www.halton.gov.uk", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers
