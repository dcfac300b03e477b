"""Screenshots of the chat widget and the myths page for the docs:
docs/widget-phone.png, docs/widget-desktop.png and docs/myths.png.

    make screenshots        (or: .venv/bin/python tests/tools/widget_screenshots.py --out docs)

Starts the real assistant (the trained model in models/, on free ports, with a throwaway data
folder), opens the demo council page in Debian's Chromium through Playwright, opens the chat,
asks the seed question and saves what a parent sees on a phone-sized (390 x 844) and a
desktop-sized (1280 x 800) screen; then the top of /myths at 1280 px wide.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))

from bot.stack import start_private_stack  # noqa: E402
from tests.browser_helpers import launch  # noqa: E402

SEED_QUESTION = "can the school refuse an EHC request until £6,000 is spent?"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs", type=Path)
    args = parser.parse_args()
    model = PROJECT_ROOT / "models" / "send-assistant.tar.gz"
    if not model.exists():
        print("No trained model: run `make train` first.", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_private_stack(Path(data_dir), model, {"SERVED_COUNCILS": "halton"})
        url = f"http://127.0.0.1:{stack.settings.port}"
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                for name, viewport in SIZES.items():
                    page = browser.new_page(viewport=viewport, device_scale_factor=1)
                    page.set_default_timeout(60_000)
                    page.goto(f"{url}/?council=halton")
                    widget = page.locator("#send-assistant-widget")
                    widget.get_by_role("button", name="Ask a SEND question").click()
                    box = widget.get_by_role("textbox", name="Your question")
                    box.fill(SEED_QUESTION)
                    box.press("Enter")
                    widget.locator(".sa-msg--bot").first.wait_for()
                    page.mouse.move(0, 0)
                    path = args.out / f"widget-{name}.png"
                    page.screenshot(path=str(path))
                    print(f"Saved {path}")
                    page.close()
                page = browser.new_page(viewport={"width": 1280, "height": 1400}, device_scale_factor=1)
                page.goto(f"{url}/myths?council=halton")
                path = args.out / "myths.png"
                page.screenshot(path=str(path))
                print(f"Saved {path}")
                # The deadline calculator with an appeal worked out (IPSEA's Christmas example).
                page.goto(f"{url}/timescales?calculate=appeal&decision-day=1&decision-month=10&decision-year=2026"
                          "&certificate-day=29&certificate-month=11&certificate-year=2026#result")
                path = args.out / "timescales.png"
                page.screenshot(path=str(path), full_page=True)
                print(f"Saved {path}")
                page.close()
                # The request letter in the chat, on a phone (fictional details).
                page = browser.new_page(viewport=SIZES["phone"], device_scale_factor=1)
                page.set_default_timeout(60_000)
                page.goto(f"{url}/?council=halton")
                widget = page.locator("#send-assistant-widget")
                widget.get_by_role("button", name="Ask a SEND question").click()
                box = widget.get_by_role("textbox", name="Your question")
                for answer in ("/write_letter", "Sam Smith", "4 June 2016", "Oak Primary School",
                               "Sam finds reading and writing very hard and is anxious every morning."):
                    count = widget.locator(".sa-msg--bot").count()
                    box.fill(answer)
                    box.press("Enter")
                    widget.locator(".sa-msg--bot").nth(count).wait_for()
                page.mouse.move(0, 0)
                path = args.out / "widget-letter.png"
                page.screenshot(path=str(path))
                print(f"Saved {path}")
                browser.close()
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
