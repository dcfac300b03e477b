"""Screenshots of the staff area for the docs: docs/staff-queue.png and docs/staff-enquiry.png.

    .venv/bin/python tests/tools/staff_screenshots.py [--out docs]

Builds a throwaway SQLite database in a temporary folder (schema, published knowledge, one staff
account, three fictional enquiries), starts the gateway with uvicorn on a free port, signs in with
a real browser and saves full-page screenshots 1280 px wide.

Needs Playwright for Python (in pyproject.toml) and Debian's Chromium (`make browser` installs it);
it never downloads a browser. Every person, email address and
phone number here is fictional: the numbers are in Ofcom's 07700 900xxx range for drama, and
the addresses are at example.com.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))

from tests.browser_helpers import CHROMIUM, launch  # noqa: E402

USERNAME = "jo.bloggs@example.com"
PASSWORD = "screenshot-password-not-secret"
WIDTH = 1280


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _assistant_turn(content: Any, entry_id: str, at: str, lead: str = "") -> Dict[str, Any]:
    entry = content.entries[entry_id]
    return {
        "who": "assistant", "text": (lead + entry.body).strip(), "at": at, "entry_id": entry_id,
        "citations": [{"label": c.get("label") or c.get("title"), "url": c["url"]} for c in entry.citations],
    }


def sample_enquiries(content: Any) -> List[Dict[str, Any]]:
    """Three enquiries an officer might find on a Monday morning (all fictional)."""
    from bot import answering
    from bot.db import utcnow

    now = utcnow()

    def at(delta: timedelta, seconds: int = 0) -> str:
        return (now - delta + timedelta(seconds=seconds)).isoformat(timespec="seconds")

    # What the assistant really says to a child at risk (knowledge/signposts.yml), not a made-up text.
    safeguarding_text = answering.safeguarding_reply(content.safeguarding, answering.find_service(content, "halton")).text
    first = timedelta(hours=2, minutes=14)
    second = timedelta(days=1, hours=3)
    third = timedelta(days=3, hours=5)
    return [
        {
            "reference": "HAL-7K3F9Q", "name": "Amira Khan", "contact_method": "phone", "contact": "07700 900461",
            "good_time": "Weekdays after 3pm", "flags": ["safeguarding", "exclusion"],
            "topics": ["behaviour-and-semh", "reasonable-adjustments"], "age": first,
            "summary": (
                "My son is in Year 4 and autistic. The school keeps sending him home at lunchtime, and last "
                "week he came home with bruises on his arms after a member of staff held him down. I want to "
                "know what the school should be doing for him and what I can do about the restraint."
            ),
            "transcript": [
                {"who": "parent", "text": "My son keeps getting sent home at lunchtime because of his behaviour. Is that allowed?", "at": at(first, -240)},
                _assistant_turn(content, "behaviour-and-semh", at(first, -236)),
                {"who": "parent", "text": "Last week a member of staff held him down and he came home with bruises on his arms.", "at": at(first, -120)},
                {"who": "assistant", "text": safeguarding_text, "at": at(first, -118)},
                {"who": "parent", "text": "Can the school make changes for him because of his autism?", "at": at(first, -60)},
                _assistant_turn(content, "reasonable-adjustments", at(first, -57)),
            ],
        },
        {
            "reference": "HAL-M4R8TX", "name": "Daniel Okafor", "contact_method": "email", "contact": "d.okafor@example.com",
            "good_time": None, "flags": ["deadline"], "status": "in_progress",
            "topics": ["ehc-refusal-what-next", "tribunal-appeal-deadline", "mediation"], "age": second,
            "summary": (
                "The council refused to carry out an EHC needs assessment for my daughter. The letter is dated "
                "six weeks ago. I want help with mediation and appealing before the deadline."
            ),
            "transcript": [
                {"who": "parent", "text": "The council said no to an EHC needs assessment. What can I do?", "at": at(second, -300)},
                _assistant_turn(content, "ehc-refusal-what-next", at(second, -297)),
                {"who": "parent", "text": "How long do I have to appeal? The letter came six weeks ago.", "at": at(second, -200)},
                _assistant_turn(content, "tribunal-appeal-deadline", at(second, -197)),
                {"who": "parent", "text": "Do I have to go to mediation first?", "at": at(second, -100)},
                _assistant_turn(content, "mediation", at(second, -96)),
            ],
        },
        {
            "reference": "HAL-2WBN6D", "name": None, "contact_method": "email", "contact": "kerry.w@example.com",
            "good_time": "Any time", "flags": [], "topics": ["what-is-sen-support", "meetings-three-times-a-year"],
            "age": third,
            "summary": "Would like to understand what SEN support my son should get at primary school and how often we should meet the school.",
            "transcript": [
                {"who": "parent", "text": "what is sen support", "at": at(third, -120)},
                _assistant_turn(content, "what-is-sen-support", at(third, -117)),
                {"who": "parent", "text": "how often should the school meet me about it?", "at": at(third, -60)},
                _assistant_turn(content, "meetings-three-times-a-year", at(third, -57)),
            ],
        },
    ]


def prepare(folder: Path) -> None:
    """Schema, knowledge, the account and the enquiries, in the database the environment names."""
    from bot.db import migrate, new_session, utcnow
    from bot.knowledge.store import ContentRepository, load_and_publish
    from bot.models import Enquiry, UnansweredQuestion
    from bot.staff.accounts import create_user
    from bot.urgency import urgency_of

    migrate()
    load_and_publish()
    create_user(USERNAME, "Jo Bloggs", PASSWORD)
    content = ContentRepository().current()
    now = utcnow()
    with new_session() as session, session.begin():
        for n, sample in enumerate(sample_enquiries(content)):
            created = now - sample.pop("age")
            session.add(Enquiry(
                sender_id=f"screenshot{n}", council="halton", urgency=urgency_of(sample["flags"]),
                status=sample.pop("status", "new"), created_at=created, updated_at=created, **sample,
            ))
        for text, kind, minutes in (
            ("Who pays for school transport?", "not_understood", 50), ("who pays for school transport", "low_confidence", 20),
            ("Can [name given] go to school part time?", "out_of_scope", 5),
        ):
            session.add(UnansweredQuestion(sender_id="screenshots", council="halton", text=text, kind=kind,
                                           created_at=now - timedelta(minutes=minutes)))


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the gateway stopped (exit code {process.returncode})")
        try:
            if httpx.get(f"{url}/staff/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the gateway did not answer at {url} within {seconds:.0f} s")


def shoot(url: str, out: Path) -> List[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    queue_png, enquiry_png = out / "staff-queue.png", out / "staff-enquiry.png"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(f"{url}/staff")  # signed out: sent to the sign-in page, which returns here afterwards
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/staff")
        page.screenshot(path=str(queue_png), full_page=True)

        page.get_by_role("link", name="HAL-7K3F9Q", exact=True).click()
        page.get_by_label("In progress").check()
        page.get_by_role("button", name="Save status").click()
        page.wait_for_selector("text=Status changed")
        page.screenshot(path=str(enquiry_png), full_page=True)
        browser.close()
    return [queue_png, enquiry_png]


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs", help="folder for the PNG files")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not at {CHROMIUM}: run `make browser` to install it.", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="staff-screenshots-"))
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{folder / 'app.db'}", "DATA_DIR": str(folder),
        "SERVED_COUNCILS": "halton", "STAFF_COOKIE_SECURE": "false",
    }
    env.pop("STAFF_SESSION_SECRET", None)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DATA_DIR", "SERVED_COUNCILS", "STAFF_COOKIE_SECURE")})
    process = None
    try:
        prepare(folder)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = open(folder / "gateway.log", "w")
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bot.gateway.app:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=str(PROJECT_ROOT), env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        wait_until_up(url, process)
        for path in shoot(url, args.out):
            print(f"Saved {path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}")
        return 0
    except Exception as error:  # noqa: BLE001
        print(f"Could not make the screenshots: {error}", file=sys.stderr)
        gateway_log = folder / "gateway.log"
        if gateway_log.exists():
            print(gateway_log.read_text()[-3000:], file=sys.stderr)
        return 1
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
