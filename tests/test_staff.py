"""The staff area (/staff) as an officer uses it: signing in, the queue, an enquiry, status changes
with their audit log, the CSV download, knowledge search and the unanswered questions; and the
command that creates accounts. Runs in-process against a fresh SQLite database per test."""
from __future__ import annotations

import csv
import io
import os
import re
import stat
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot import db
from bot.db import new_session, utcnow
from bot.models import Enquiry, EnquiryAudit, UnansweredQuestion
from bot.staff import accounts, queries
from bot.staff.__main__ import main as staff_command

PASSWORD = "correct horse battery staple"
USERNAME = "jo@halton.gov.uk"
CODE_URL = "https://www.gov.uk/government/publications/send-code-of-practice-0-to-25"


@pytest.fixture
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SERVED_COUNCILS", "halton,sefton")
    for name in ("STAFF_SESSION_SECRET", "STAFF_COOKIE_SECURE", "STAFF_SESSION_HOURS", "DEFAULT_COUNCIL"):
        monkeypatch.delenv(name, raising=False)
    db.migrate()
    yield tmp_path


@pytest.fixture
def published(database):
    from bot.knowledge.store import load_and_publish

    load_and_publish()
    return database


@pytest.fixture
def user(database):
    return accounts.create_user(USERNAME, "Jo Bloggs", PASSWORD)


@pytest.fixture
def client(database):
    from bot.gateway.app import app

    return TestClient(app)


@pytest.fixture
def officer(client, user):
    """A client signed in as Jo Bloggs."""
    response = sign_in(client, USERNAME, PASSWORD)
    assert response.status_code == 303, response.text
    return client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str, next_path: str = "") -> Any:
    token = csrf_of(client.get("/staff/login").text)
    return client.post("/staff/login", data={"username": username, "password": password, "csrf_token": token,
                                             "next": next_path}, follow_redirects=False)


_counter = iter(range(1, 10_000))


def add_enquiry(age: timedelta = timedelta(hours=1), **fields: Any) -> Enquiry:
    n = next(_counter)
    flags = fields.pop("flags", [])
    urgency = fields.pop("urgency", {"safeguarding": 8}.get(flags[0], 4) if flags else 0)
    created = utcnow() - age
    row = Enquiry(
        reference=fields.pop("reference", f"HAL-TEST{n:02d}"), sender_id=f"sender{n}",
        council=fields.pop("council", "halton"), name=fields.pop("name", "Sam Parent"),
        contact_method=fields.pop("contact_method", "email"), contact=fields.pop("contact", "sam@example.com"),
        good_time=fields.pop("good_time", "Weekday mornings"),
        summary=fields.pop("summary", "Wants to know how to ask for an EHC needs assessment."),
        topics=fields.pop("topics", ["what-is-an-ehc-needs-assessment"]), flags=flags, urgency=urgency,
        transcript=fields.pop("transcript", []), status=fields.pop("status", "new"),
        created_at=created, updated_at=created,
    )
    assert not fields, f"unknown fields {fields}"
    with new_session() as session, session.begin():
        session.add(row)
    return row


def status_of(enquiry_id: int) -> str:
    with new_session() as session:
        return session.get(Enquiry, enquiry_id).status


def order_in(html: str, *references: str) -> list:
    return sorted(references, key=html.index)


# --- Signing in ---------------------------------------------------------------------------


def test_signed_out_officers_are_sent_to_sign_in_and_the_api_refuses(client):
    response = client.get("/staff", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login?next=/staff"
    response = client.get("/staff/enquiries/7?x=1", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/login?next=/staff/enquiries/7")
    for path in ("/staff/api/enquiries", "/staff/api/enquiries/1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 401
        assert "sign in" in response.json()["error"].lower()
    assert client.get("/staff/enquiries.csv", follow_redirects=False).status_code == 303

    page = client.get("/staff/login")
    assert page.status_code == 200
    assert 'href="#main"' in page.text and '<label class="label" for="username">' in page.text
    assert 'for="password"' in page.text and 'autocomplete="current-password"' in page.text
    assert "<script" not in page.text and "style=" not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["content-security-policy"] == "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    cookie = page.headers["set-cookie"].lower()
    assert cookie.startswith("staff_session=") and "samesite=strict" in cookie and "httponly" in cookie
    # The public API gets no staff cookie.
    assert "set-cookie" not in client.get("/static/staff.css").headers


def test_wrong_password_shows_an_error_and_signs_nobody_in(client, user):
    for username, password in ((USERNAME, "not the password at all"), ("nobody@halton.gov.uk", PASSWORD)):
        response = sign_in(client, username, password)
        assert response.status_code == 400
        assert "The username or password is not right" in response.text
        assert "There is a problem" in response.text and "<title>Error: Sign in" in response.text
        assert 'href="#username"' in response.text
    assert client.get("/staff", follow_redirects=False).status_code == 303
    assert client.get("/staff/api/enquiries").status_code == 401

    empty = sign_in(client, "", "")
    assert empty.status_code == 400 and "Enter your username" in empty.text and "Enter your password" in empty.text


def test_sign_in_needs_the_forms_csrf_token(client, user):
    client.get("/staff/login")
    missing = client.post("/staff/login", data={"username": USERNAME, "password": PASSWORD}, follow_redirects=False)
    assert missing.status_code == 403 and "This form has expired" in missing.text
    wrong = client.post("/staff/login", data={"username": USERNAME, "password": PASSWORD, "csrf_token": "forged"},
                        follow_redirects=False)
    assert wrong.status_code == 403
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_signing_in_goes_back_to_the_page_asked_for_and_signing_out_ends_the_session(client, user):
    response = sign_in(client, USERNAME, PASSWORD, next_path="/staff/unanswered")
    assert response.status_code == 303 and response.headers["location"] == "/staff/unanswered"
    page = client.get("/staff")
    assert page.status_code == 200 and "Jo Bloggs" in page.text and "Sign out" in page.text
    assert 'aria-current="page"' in page.text and "Knowledge search" in page.text and "Unanswered questions" in page.text
    with new_session() as session:
        assert session.get(type(user), user.id).last_login_at is not None

    assert client.post("/staff/logout", data={}, follow_redirects=False).status_code == 403
    response = client.post("/staff/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
    assert "You have signed out" in client.get("/staff/login").text
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_sign_in_never_sends_the_officer_to_another_site(client, user):
    for target in ("https://evil.example/staff", "//evil.example/staff", "/\\evil.example", "/api/chat"):
        response = sign_in(client, USERNAME, PASSWORD, next_path=target)
        assert response.headers["location"] == "/staff", target
        client.cookies.clear()


def test_repeated_wrong_passwords_are_throttled(client, database):
    from bot.gateway.staff_security import LOGIN_MAX_FAILURES

    accounts.create_user("throttled@halton.gov.uk", "Tess Throttle", PASSWORD)
    for _ in range(LOGIN_MAX_FAILURES):
        assert sign_in(client, "throttled@halton.gov.uk", "wrong password!!").status_code == 400
    refused = sign_in(client, "throttled@halton.gov.uk", PASSWORD)  # even the right password, for now
    assert refused.status_code == 429 and "Too many attempts to sign in" in refused.text
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_a_deactivated_account_is_signed_out(officer):
    accounts.set_active(USERNAME, False)
    assert officer.get("/staff", follow_redirects=False).status_code == 303
    assert sign_in(officer, USERNAME, PASSWORD).status_code == 400


def test_the_session_secret_is_kept_private_in_the_data_folder(client, database):
    client.get("/staff/login")
    secret = database / "staff_session_secret"
    assert secret.exists() and len(secret.read_text().strip()) >= 40
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600


# --- The queue ------------------------------------------------------------------------------


def test_queue_puts_the_most_urgent_first_then_the_longest_waiting(officer):
    older = add_enquiry(age=timedelta(days=2), reference="HAL-OLDEST")
    newer = add_enquiry(age=timedelta(days=1), reference="HAL-NEWER1")
    urgent = add_enquiry(age=timedelta(minutes=10), reference="HAL-URGENT", flags=["safeguarding"],
                         summary="Worried about a member of staff hurting her son.")
    page = officer.get("/staff")
    assert page.status_code == 200
    assert order_in(page.text, "HAL-OLDEST", "HAL-NEWER1", "HAL-URGENT") == ["HAL-URGENT", "HAL-OLDEST", "HAL-NEWER1"]
    assert "Safeguarding concern" in page.text and "<caption" in page.text and 'scope="col"' in page.text
    assert f'href="/staff/enquiries/{urgent.id}"' in page.text
    assert "10 minutes ago" in page.text and "2 days ago" in page.text
    assert "<strong>3</strong> enquiries" in page.text
    api = officer.get("/staff/api/enquiries").json()
    assert [e["reference"] for e in api] == ["HAL-URGENT", "HAL-OLDEST", "HAL-NEWER1"]
    assert "transcript" not in api[0] and api[0]["flag_labels"] == ["Safeguarding concern"]
    assert {older.id, newer.id} < {e["id"] for e in api}


def test_queue_filters_by_council_topic_and_status(officer):
    add_enquiry(reference="HAL-AAAAA1", topics=["what-is-an-ehc-needs-assessment"])
    add_enquiry(reference="HAL-BBBBB2", topics=["what-is-an-ehc-plan"], status="closed")
    add_enquiry(reference="SEF-CCCCC3", council="sefton", topics=["what-is-an-ehc-plan"], status="in_progress")

    def shown(query: str) -> set:
        html = officer.get(f"/staff?{query}").text
        return {ref for ref in ("HAL-AAAAA1", "HAL-BBBBB2", "SEF-CCCCC3") if ref in html}

    assert shown("council=sefton") == {"SEF-CCCCC3"}
    assert shown("topic=what-is-an-ehc-plan") == {"HAL-BBBBB2", "SEF-CCCCC3"}
    assert shown("status=closed") == {"HAL-BBBBB2"}
    assert shown("status=open") == {"HAL-AAAAA1", "SEF-CCCCC3"}
    assert shown("council=halton&topic=what-is-an-ehc-plan") == {"HAL-BBBBB2"}
    page = officer.get("/staff?council=halton&status=new")
    assert "<strong>1</strong> of 3 enquiries match your filters" in page.text
    assert '<option value="sefton">' in page.text and 'href="/staff/enquiries.csv?council=halton&amp;status=new"' in page.text
    assert officer.get("/staff?status=lost").status_code == 200  # a bad filter value is ignored on the page
    assert [e["reference"] for e in officer.get("/staff/api/enquiries?council=sefton").json()] == ["SEF-CCCCC3"]
    assert officer.get("/staff/api/enquiries?status=lost").status_code == 400


def test_csv_download_has_the_filtered_rows_and_cannot_run_formulas(officer):
    add_enquiry(reference="HAL-CSV001", summary="=HYPERLINK(\"http://evil.example\",\"click\")",
                flags=["deadline"], contact_method="phone", contact="07700 900123")
    add_enquiry(reference="HAL-CSV002", status="closed", name="+Plus Name")
    add_enquiry(reference="SEF-CSV003", council="sefton")
    response = officer.get("/staff/enquiries.csv?council=halton")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0] == ["reference", "received", "council", "status", "urgency", "flags", "topics", "name",
                       "contact_method", "contact", "good_time", "summary"]
    by_reference = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert set(by_reference) == {"HAL-CSV001", "HAL-CSV002"}
    first = by_reference["HAL-CSV001"]
    assert first["summary"].startswith("'=HYPERLINK")
    assert first["flags"] == "Tribunal or appeal deadline" and first["contact"] == "07700 900123"
    assert by_reference["HAL-CSV002"]["name"] == "'+Plus Name"
    assert list(by_reference) == ["HAL-CSV001", "HAL-CSV002"]  # queue order: the flagged one first
    only_closed = officer.get("/staff/enquiries.csv?status=closed").text
    assert "HAL-CSV002" in only_closed and "HAL-CSV001" not in only_closed


# --- One enquiry and its status ---------------------------------------------------------


TRANSCRIPT = [
    {"who": "parent", "text": "Can I ask for an EHC needs assessment myself?", "at": "2026-11-23T10:02:00+00:00"},
    {"who": "assistant", "text": "Yes. You can ask the council yourself.", "at": "2026-11-23T10:02:03+00:00",
     "entry_id": "what-is-an-ehc-needs-assessment",
     "citations": [{"label": "SEND Code of Practice, paragraph 9.8", "url": CODE_URL},
                   {"label": "Sneaky link", "url": "javascript:alert(1)"}]},
]


def test_enquiry_page_shows_the_details_and_the_conversation_with_sources(officer, published):
    enquiry = add_enquiry(reference="HAL-SHOW01", name="Priya Shah", contact="priya@example.com",
                          good_time="After 3pm", flags=["exclusion"], transcript=TRANSCRIPT)
    page = officer.get(f"/staff/enquiries/{enquiry.id}")
    assert page.status_code == 200
    text = page.text
    for expected in ("HAL-SHOW01", "Priya Shah", 'href="mailto:priya@example.com"', "After 3pm", "Halton Borough Council",
                     "Exclusion from school", "What is an EHC needs assessment?", "Can I ask for an EHC needs assessment myself?",
                     f'<a class="link" href="{CODE_URL}">SEND Code of Practice, paragraph 9.8</a>', "Change status",
                     'name="csrf_token"', "Back to enquiries", "Nobody has changed this enquiry"):
        assert expected in text, expected
    assert "javascript:" not in text  # a stored link that is not a web address is shown as text only
    assert officer.get("/staff/enquiries/999999").status_code == 404
    missing = officer.get("/staff/enquiries/not-a-number")
    assert missing.status_code == 404 and "Page not found" in missing.text and "text/html" in missing.headers["content-type"]
    detail = officer.get(f"/staff/api/enquiries/{enquiry.id}").json()
    assert detail["transcript"][1]["citations"][0]["label"] == "SEND Code of Practice, paragraph 9.8"
    assert officer.get("/staff/api/enquiries/999999").status_code == 404


def test_status_change_needs_the_csrf_token(officer):
    enquiry = add_enquiry()
    url = f"/staff/enquiries/{enquiry.id}/status"
    assert officer.post(url, data={"status": "closed"}, follow_redirects=False).status_code == 403
    forged = officer.post(url, data={"status": "closed", "csrf_token": "x" * 43}, follow_redirects=False)
    assert forged.status_code == 403 and "Nothing was changed" in forged.text
    assert status_of(enquiry.id) == "new"
    with new_session() as session:
        assert session.execute(select(EnquiryAudit)).first() is None


def test_status_change_is_audited_and_shown(officer):
    enquiry = add_enquiry(reference="HAL-STAT01")
    page = officer.get(f"/staff/enquiries/{enquiry.id}")
    token = csrf_of(page.text)
    response = officer.post(f"/staff/enquiries/{enquiry.id}/status", data={"status": "in_progress", "csrf_token": token},
                            follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/staff/enquiries/{enquiry.id}"
    assert status_of(enquiry.id) == "in_progress"
    with new_session() as session:
        (audit,) = session.execute(select(EnquiryAudit)).scalars().all()
        updated = session.get(Enquiry, enquiry.id).updated_at
    assert (audit.staff_username, audit.action, audit.from_status, audit.to_status) == (USERNAME, "status", "new", "in_progress")
    assert queries.as_utc(updated) > queries.as_utc(enquiry.updated_at)

    page = officer.get(f"/staff/enquiries/{enquiry.id}").text
    assert "Status changed" in page and "HAL-STAT01 is now ‘In progress’" in page
    history = page[page.index('id="history"'):]
    assert "Jo Bloggs" in history and 'data-label="From">New</td>' in history and 'data-label="To">In progress</td>' in history
    assert "Status changed" not in officer.get(f"/staff/enquiries/{enquiry.id}").text  # the banner shows once

    # The same status again changes nothing and writes nothing.
    officer.post(f"/staff/enquiries/{enquiry.id}/status", data={"status": "in_progress", "csrf_token": token})
    bad = officer.post(f"/staff/enquiries/{enquiry.id}/status", data={"status": "lost", "csrf_token": token})
    assert bad.status_code == 400 and "Select the enquiry" in bad.text
    with new_session() as session:
        assert len(queries.audit_of(session, enquiry.id)) == 1
    with new_session() as session, pytest.raises(queries.UnknownStatus):
        queries.change_status(session, enquiry.id, "archived", USERNAME)


# --- Knowledge search and unanswered questions -----------------------------------------


def test_knowledge_search_by_words_and_by_paragraph_number(officer, published):
    page = officer.get("/staff/knowledge", params={"q": "EHC needs assessment"})
    assert page.status_code == 200
    assert "What is an EHC needs assessment?" in page.text and "SEND Code of Practice, paragraph 9.1" in page.text
    assert 'role="search"' in page.text and '<label class="label label--s" for="q">' in page.text

    hits = queries.search_knowledge("9.14")
    citing = [e.id for e in hits if any(c.get("paragraph") == "9.14" for c in e.citations)]
    assert "ehc-evidence-considered" in citing and len(citing) >= 3
    assert [e.id for e in hits[:len(citing)]] == citing  # exact paragraph matches first
    page = officer.get("/staff/knowledge?q=9.14").text
    assert "Paragraph 9.14 of the SEND Code of Practice" in page
    assert "What evidence does the council look at when deciding whether to assess?" in page
    assert "Verdict:" in page  # myths that cite 9.14 show their verdict
    assert "There are no matching answers" in officer.get("/staff/knowledge?q=zzqx").text


def test_unanswered_questions_are_grouped_most_frequent_first(officer):
    now = utcnow()
    rows = [
        ("Who pays for school TRANSPORT?", "not_understood", "halton", now - timedelta(hours=3)),
        ("who pays for school transport", "low_confidence", "halton", now - timedelta(hours=1)),
        ("Can [name given] do a half day?", "out_of_scope", "sefton", now - timedelta(minutes=5)),
    ]
    with new_session() as session, session.begin():
        for text, kind, council, at in rows:
            session.add(UnansweredQuestion(sender_id="s", council=council, text=text, kind=kind, score=0.2,
                                           best_entry="what-is-an-ehc-plan" if kind == "low_confidence" else None,
                                           created_at=at))
    with new_session() as session:
        groups = queries.unanswered_groups(session)
    assert [(g.count, g.example) for g in groups] == [(2, "who pays for school transport"), (1, "Can [name given] do a half day?")]
    assert groups[0].kinds == ["low_confidence", "not_understood"] and groups[0].best_entry == "what-is-an-ehc-plan"

    page = officer.get("/staff/unanswered").text
    assert "The text is masked" in page
    assert page.index("who pays for school transport") < page.index("Can [name given] do a half day?")
    assert re.search(r'data-label="Times asked"[^>]*>2</td>', page) and "Who pays for school TRANSPORT?" not in page
    sefton_only = officer.get("/staff/unanswered?council=sefton").text
    assert "half day" in sefton_only and "school transport" not in sefton_only


# --- The account command ---------------------------------------------------------------


def test_create_user_command_makes_an_account_that_can_sign_in(client, capsys):
    code = staff_command(["create-user", "--username", "Alex@Sefton.gov.uk", "--name", "Alex Morgan", "--password-stdin"],
                         stdin=io.StringIO(PASSWORD + "\n"))
    assert code == 0 and "Created the staff account 'alex@sefton.gov.uk'" in capsys.readouterr().out
    assert sign_in(client, "alex@sefton.gov.uk", PASSWORD).status_code == 303
    assert "Alex Morgan" in client.get("/staff").text

    assert staff_command(["create-user", "--username", "sam@sefton.gov.uk", "--name", "Sam", "--password-stdin"],
                         stdin=io.StringIO("short\n")) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    assert staff_command(["create-user", "--username", "alex@sefton.gov.uk", "--name", "Alex", "--password-stdin"],
                         stdin=io.StringIO(PASSWORD + "\n")) == 1
    assert "already a staff account" in capsys.readouterr().err
    assert staff_command(["list-users"]) == 0
    listing = capsys.readouterr().out
    assert "alex@sefton.gov.uk" in listing and "sam@sefton.gov.uk" not in listing


def test_passwords_are_stored_as_argon2_hashes(user):
    with new_session() as session:
        stored = session.get(type(user), user.id).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate(USERNAME.upper(), PASSWORD) is not None
    assert accounts.authenticate(USERNAME, PASSWORD + "x") is None
