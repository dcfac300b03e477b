"""Driving Debian's Chromium with Playwright for Python, for the browser tests and the screenshots.

Playwright is given the system browser's path, so it never downloads one. The flags are the ones
a headless Chromium needs on these machines: no sandbox (we run as root), and no background
networking (the machines have no internet; without them Chromium keeps trying to reach Google).
axe-core comes from the npm registry (`make browser` puts it in tests/browser/node_modules) and
is evaluated into the page from disk, which a page's CSP does not block.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_JS = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WIDGET_ID = "send-assistant-widget"

#: The element that has focus, looking inside the widget's shadow root.
_FOCUSED_JS = """let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) { a = a.shadowRoot.activeElement; }"""
#: What has focus: "sa-input", "sa-launcher", an id, or a tag name.
ACTIVE_ELEMENT_JS = """() => { %s
  if (!a || a === document.body) { return null; }
  return a.id || (a.className && String(a.className).split(' ')[0]) || a.tagName.toLowerCase();
}""" % _FOCUSED_JS
#: Where the focused element is on screen, with the viewport's size.
FOCUSED_BOX_JS = """() => { %s
  const r = a.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, id: a.id, width: innerWidth, height: innerHeight};
}""" % _FOCUSED_JS

#: Rectangles of what the widget draws over the page (the launcher, or the open chat).
WIDGET_COVER_JS = """() => {
  const root = document.getElementById('%s').shadowRoot;
  const panel = root.querySelector('.sa-panel');
  const shown = panel.hidden ? root.querySelector('.sa-launcher') : panel;
  const r = shown.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
}""" % WIDGET_ID


def launch(playwright: Any) -> Any:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make browser` (make test does) to install Debian's chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def active_element(page: Any) -> Optional[str]:
    return page.evaluate(ACTIVE_ELEMENT_JS)


def focused_box(page: Any) -> Dict[str, Any]:
    return page.evaluate(FOCUSED_BOX_JS)


def tab_to(page: Any, wanted: str, limit: int = 60, backwards: bool = False) -> None:
    """Press Tab (like a keyboard user) until `wanted` has focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if active_element(page) == wanted:
            return
    raise AssertionError(f"{wanted!r} never took focus after {limit} presses of Tab")


def axe_violations(page: Any, context: str = "document") -> List[Dict[str, Any]]:
    """axe-core's violations for the page (every rule axe runs by default, WCAG 2.2 A and AA
    included), each with the HTML of the offending nodes, so a failure says what to fix."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `make browser` (make test does) to install axe-core")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async (context) => { const r = await axe.run(context === 'document' ? document : document.querySelector(context),"
        " {resultTypes: ['violations']}); return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.html + ' :: ' + n.failureSummary)})); }",
        context,
    )
    return result


def describe(violations: List[Dict[str, Any]]) -> str:
    return json.dumps(violations, indent=2)[:4000]
