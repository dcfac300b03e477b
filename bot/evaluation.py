"""Measure the assistant on an evaluation set, through the gateway API, beside a BM25 baseline.

    python -m bot.evaluation                       # tests/evaluation/eval_set.yml, own private stack
    python -m bot.evaluation --set tests/evaluation/dev_set.yml
    python -m bot.evaluation --url http://127.0.0.1:8000   # a running assistant
    python -m bot.evaluation --report docs/evaluation.md   # also write the results as Markdown

Each case is sent as a new conversation (follow-ups send their earlier turns first) and only the
replies to the last turn are judged. The baseline is BM25 over the same knowledge base (questions,
answers and example questions) with no NLU and no context: it sees the last turn only.

Definitions (over cases labelled `answer` unless said otherwise):
- top-1 citation accuracy: the first answering message cites at least one expected citation;
- top-3 citation accuracy: an expected citation is cited by one of the three entries the
  assistant ranked highest (the entry answered counts first; a clarifying question's buttons are
  its candidates);
- entry accuracy: the entry answered is one of the expected entries;
- myth verdict accuracy (cases tagged myth / true_statement): the reply opens with the right
  verdict ("No. That is a myth." or "Yes, that is right.");
- fallback rate: the assistant asked which topic was meant, or said it did not understand;
- out of scope, as a detector: "declined" means it answered with no entry and no offer of topics
  (out_of_scope or not_understood); precision = declined cases that were out of scope / declined;
  recall = out-of-scope cases declined / out-of-scope cases;
- safeguarding, other nation, ask for a person: the expected signpost or contact details came.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import sys
import tempfile
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import httpx
import yaml

from bot.answering import DECLINE_KINDS, VERDICT_OPENING
from bot.knowledge.loader import KnowledgeBase, load_knowledge
from bot.settings import PROJECT_ROOT, get_settings

DEFAULT_SET = PROJECT_ROOT / "tests" / "evaluation" / "eval_set.yml"
#: BM25 baseline: below this top score the baseline calls a message out of scope. Chosen on the
#: development set (tests/evaluation/dev_set.yml): the score with the most right answers plus
#: rightly declined out-of-scope messages there (0, 2, 4, 6, 8 and 10 were tried).
BASELINE_MIN_SCORE = 4.0
#: Replies that give the local SENDIASS's details: the details themselves, or the start of the
#: enquiry form ("can someone call me back"), whose first message names the service and its number.
CONTACT_KINDS = {"contact", "ask_consent"}
TARGETS = {"top1_citation": 0.80, "top3_citation": 0.90, "oos_precision": 0.95}


@dataclass
class Case:
    id: str
    turns: List[str]
    expect: str
    entries: List[str] = field(default_factory=list)
    citations: List[str] = field(default_factory=list)
    tags: List[str] = field(default_factory=list)
    nation: Optional[str] = None


@dataclass
class Outcome:
    """What one system did with one case, in the terms the figures need."""

    answered: Optional[str]  # entry id answered
    cited: Set[str]  # citation labels of the answer
    top3_cited: Set[str]  # citation labels of the top three candidates
    kind: str  # the first judged message's kind
    text: str
    signposts: List[str]
    contact: bool


def load_cases(path: Path) -> List[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for raw in data["cases"]:
        turns = list(raw.get("turns") or [raw["text"]])
        cases.append(Case(
            id=raw["id"], turns=turns, expect=raw["expect"], entries=list(raw.get("entries") or []),
            citations=list(raw.get("citations") or []), tags=list(raw.get("tags") or []), nation=raw.get("nation"),
        ))
    return cases


def _labels(kb: KnowledgeBase, entry_id: Optional[str]) -> Set[str]:
    entry = kb.entry(entry_id) if entry_id else None
    return {kb.render_citation(c)["label"] or "" for c in entry.citations} if entry else set()


def expected_citations(kb: KnowledgeBase, case: Case) -> Set[str]:
    if case.citations:
        return set(case.citations)
    return set().union(*(_labels(kb, e) for e in case.entries)) if case.entries else set()


# --- The assistant, through the gateway ---

def ask_assistant(url: str, case: Case, council: str) -> Dict[str, Any]:
    sender = f"eval-{case.id}-{uuid.uuid4().hex[:8]}"
    messages: List[Dict[str, Any]] = []
    with httpx.Client(timeout=120) as client:
        for turn in case.turns:
            response = client.post(f"{url}/api/chat", json={"sender_id": sender, "message": turn, "council": council})
            response.raise_for_status()
            messages = response.json()["messages"]
    return {"messages": messages}


def assistant_outcome(kb: KnowledgeBase, reply: Dict[str, Any]) -> Outcome:
    messages = reply["messages"]
    signposts = [m["signpost"] for m in messages if m.get("signpost")]
    judged = [m for m in messages if not m.get("signpost")] or messages
    first = judged[0] if judged else {"kind": "none", "text": ""}
    answer = next((m for m in judged if m.get("entry_id")), None)
    answered = answer["entry_id"] if answer else None
    cited = {c.get("label") or "" for c in (answer or {}).get("citations", [])}
    candidates: List[str] = list((answer or first).get("candidates") or [])
    if answered and answered not in candidates:
        candidates.insert(0, answered)
    top3 = set(cited)
    for entry_id in candidates[:3]:
        top3 |= _labels(kb, entry_id)
    contact = any(m.get("kind") in CONTACT_KINDS for m in messages)
    return Outcome(answered=answered, cited=cited, top3_cited=top3, kind=first.get("kind") or "chat",
                   text=(answer or first).get("text", ""), signposts=signposts, contact=contact)


# --- The baseline: BM25 only ---

def baseline_outcome(kb: KnowledgeBase, index: Any, case: Case) -> Outcome:
    hits = index.search(case.turns[-1], k=3)
    if not hits or hits[0][1] < BASELINE_MIN_SCORE:
        return Outcome(None, set(), set(), "out_of_scope", "", [], False)
    top = hits[0][0]
    entry = kb.entry(top)
    verdict = getattr(entry, "verdict", None)
    text = VERDICT_OPENING.get(verdict or "", "") if verdict else ""
    top3 = set().union(*(_labels(kb, i) for i, _ in hits))
    return Outcome(top, _labels(kb, top), top3, "answer", text, [], False)


# --- Figures ---

def _rate(hits: int, total: int) -> Optional[float]:
    return hits / total if total else None


def figures(kb: KnowledgeBase, cases: Sequence[Case], outcomes: Sequence[Outcome]) -> Dict[str, Any]:
    answer_cases = [(c, o) for c, o in zip(cases, outcomes) if c.expect == "answer"]
    myth_cases = [(c, o) for c, o in answer_cases if c.entries and kb.myths.get(c.entries[0])]
    oos = [(c, o) for c, o in zip(cases, outcomes) if c.expect == "out_of_scope"]
    declined = [(c, o) for c, o in zip(cases, outcomes) if o.answered is None and o.kind in DECLINE_KINDS]

    def expected_verdict(case: Case) -> str:
        return kb.myths[case.entries[0]].verdict

    myth_ok = [c.id for c, o in myth_cases if o.text.startswith(VERDICT_OPENING[expected_verdict(c)])]
    per_myth: Dict[str, int] = Counter()
    per_myth_total: Dict[str, int] = Counter()
    true_called_myth = 0
    for c, o in myth_cases:
        per_myth_total[c.entries[0]] += 1
        if c.id in myth_ok:
            per_myth[c.entries[0]] += 1
        if expected_verdict(c) == "true" and o.text.startswith(VERDICT_OPENING["myth"]):
            true_called_myth += 1

    def kind_rate(expect: str, ok: Any) -> Tuple[int, int]:
        chosen = [(c, o) for c, o in zip(cases, outcomes) if c.expect == expect]
        return sum(1 for c, o in chosen if ok(c, o)), len(chosen)

    safeguarding = kind_rate("safeguarding", lambda c, o: bool(o.signposts) and o.signposts[0] == "safeguarding")
    nation = kind_rate("other_nation", lambda c, o: any(s in (c.nation, (c.nation or "").replace("_", "-"), "other-nation") for s in o.signposts))
    person = kind_rate("ask_for_person", lambda c, o: o.contact)

    by_tag: Dict[str, List[bool]] = defaultdict(list)
    for c, o in answer_cases:
        ok = bool(o.cited & expected_citations(kb, c))
        for tag in c.tags or ["plain"]:
            by_tag[tag].append(ok)

    return {
        "cases": len(cases),
        "answer_cases": len(answer_cases),
        "top1_citation": _rate(sum(1 for c, o in answer_cases if o.cited & expected_citations(kb, c)), len(answer_cases)),
        "top3_citation": _rate(sum(1 for c, o in answer_cases if o.top3_cited & expected_citations(kb, c)), len(answer_cases)),
        "entry_accuracy": _rate(sum(1 for c, o in answer_cases if o.answered in c.entries), len(answer_cases)),
        "myth_verdict": _rate(len(myth_ok), len(myth_cases)),
        "myth_cases": len(myth_cases),
        "per_myth": {m: (per_myth[m], per_myth_total[m]) for m in sorted(per_myth_total)},
        "true_called_myth": true_called_myth,
        "fallback_rate": _rate(sum(1 for c, o in answer_cases if o.answered is None), len(answer_cases)),
        "oos_precision": _rate(sum(1 for c, o in declined if c.expect == "out_of_scope"), len(declined)),
        "oos_recall": _rate(sum(1 for c, o in oos if o.answered is None and o.kind in DECLINE_KINDS), len(oos)),
        "oos_answered_with_citation": sum(1 for c, o in oos if o.cited),
        "oos_cases": len(oos),
        "safeguarding": _rate(*safeguarding),
        "other_nation": _rate(*nation),
        "ask_for_person": _rate(*person),
        "by_tag": {t: _rate(sum(v), len(v)) for t, v in sorted(by_tag.items())},
        "by_tag_n": {t: len(v) for t, v in by_tag.items()},
    }


ROWS = (
    ("top1_citation", "Top-1 citation accuracy"),
    ("top3_citation", "Top-3 citation accuracy"),
    ("entry_accuracy", "Answer-entry accuracy (top 1)"),
    ("myth_verdict", "Myth verdict accuracy"),
    ("fallback_rate", "Fallback rate (asked which topic, or did not understand)"),
    ("oos_precision", "Out-of-scope precision"),
    ("oos_recall", "Out-of-scope recall"),
    ("safeguarding", "Safeguarding signposted first"),
    ("other_nation", "Other nation recognised"),
    ("ask_for_person", "Asked for a person: SENDIASS details given"),
)


def _pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def render(name: str, ours: Dict[str, Any], base: Dict[str, Any], failures: List[str]) -> str:
    lines = [
        f"Evaluation set: {name} ({ours['cases']} cases, {ours['answer_cases']} with an expected answer, "
        f"{ours['myth_cases']} myth checks, {ours['oos_cases']} out of scope)",
        "",
        "| Measure | Assistant | BM25 baseline | Target |",
        "|---|---|---|---|",
    ]
    targets = {**{k: f">= {_pct(v)}" for k, v in TARGETS.items()}}
    for key, label in ROWS:
        lines.append(f"| {label} | {_pct(ours[key])} | {_pct(base[key])} | {targets.get(key, '')} |")
    lines.append(f"| Out-of-scope messages answered with a citation | {ours['oos_answered_with_citation']} of {ours['oos_cases']} "
                 f"| {base['oos_answered_with_citation']} of {base['oos_cases']} | 0 |")
    lines.append(f"| True statements called a myth | {ours['true_called_myth']} | {base['true_called_myth']} | 0 |")
    lines += ["", "Top-1 citation accuracy by kind of message:", "", "| Tag | Cases | Assistant | BM25 baseline |", "|---|---|---|---|"]
    for tag, value in ours["by_tag"].items():
        lines.append(f"| {tag} | {ours['by_tag_n'][tag]} | {_pct(value)} | {_pct(base['by_tag'].get(tag))} |")
    lines += ["", "Myths recognised (reply opened with the right verdict), per myth:", "", "| Myth entry | Assistant | BM25 baseline |", "|---|---|---|"]
    for myth, (ok, total) in ours["per_myth"].items():
        b_ok, _ = base["per_myth"].get(myth, (0, total))
        lines.append(f"| {myth} | {ok} of {total} | {b_ok} of {total} |")
    if failures:
        lines += ["", f"Cases the assistant got wrong ({len(failures)}):", ""] + [f"- {f}" for f in failures]
    return "\n".join(lines)


def failure_lines(kb: KnowledgeBase, cases: Sequence[Case], outcomes: Sequence[Outcome]) -> List[str]:
    out = []
    for c, o in zip(cases, outcomes):
        if c.expect == "answer":
            wrong = not (o.cited & expected_citations(kb, c))
            myth = c.entries and kb.myths.get(c.entries[0])
            if myth and not o.text.startswith(VERDICT_OPENING[myth.verdict]):
                wrong = True
        elif c.expect == "out_of_scope":
            wrong = not (o.answered is None and o.kind in DECLINE_KINDS)
        elif c.expect == "safeguarding":
            wrong = not (o.signposts and o.signposts[0] == "safeguarding")
        elif c.expect == "other_nation":
            wrong = not o.signposts
        else:
            wrong = not o.contact
        if wrong:
            got = o.answered or o.kind
            out.append(f"{c.id} ({c.expect}{': ' + ', '.join(c.entries[:2]) if c.entries else ''}) got {got}: "
                       f"\"{c.turns[-1][:90]}\"")
    return out


def run(
    set_path: Path, url: Optional[str], council: str, workers: int = 4, replies_path: Optional[Path] = None
) -> Tuple[Dict[str, Any], Dict[str, Any], List[str]]:
    from bot.retrieval import LexicalIndex
    from bot.knowledge.store import content_from_kb

    kb = load_knowledge(get_settings().knowledge_dir)
    cases = load_cases(set_path)
    stack = None
    if url is None:
        from bot.stack import start_private_stack
        from bot.training import generate, train

        generate()
        model = train()
        print("Starting a private assistant for the evaluation (about a minute)...", flush=True)
        stack = start_private_stack(Path(tempfile.mkdtemp(prefix="send-eval-")), model)
        url = f"http://127.0.0.1:{stack.settings.port}"
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            replies = list(pool.map(lambda c: ask_assistant(url, c, council), cases))
    finally:
        if stack is not None:
            stack.stop()
    if replies_path is not None:
        # Every reply in full, for reading the failures (candidates, kinds) after a run.
        dump = [{"id": c.id, "expect": c.expect, "entries": c.entries, "turns": c.turns, "messages": r["messages"]}
                for c, r in zip(cases, replies)]
        replies_path.write_text(json.dumps(dump, indent=1, ensure_ascii=False), encoding="utf-8")
    ours = [assistant_outcome(kb, r) for r in replies]
    index = LexicalIndex.from_entries(content_from_kb(kb).entries.values())
    base = [baseline_outcome(kb, index, c) for c in cases]
    return figures(kb, cases, ours), figures(kb, cases, base), failure_lines(kb, cases, ours)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="evaluation set (YAML)")
    parser.add_argument("--url", help="a running gateway; default: start a private assistant")
    parser.add_argument("--council", default="halton")
    parser.add_argument("--report", type=Path, help="also write the results here (Markdown)")
    parser.add_argument("--replies", type=Path, help="also write every case's replies here (JSON), for reading failures")
    args = parser.parse_args(argv)
    ours, base, failures = run(args.set, args.url, args.council, replies_path=args.replies)
    try:
        name = str(args.set.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        name = str(args.set)
    table = render(name, ours, base, failures)
    print(table)
    if args.report:
        command = "python -m bot.evaluation --set " + name
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(
            f"# Evaluation results: {name}\n\nMeasured on {dt.date.today().isoformat()} with `{command}` "
            f"(through the gateway API; see `bot/evaluation.py` for the definitions).\n\n{table}\n",
            encoding="utf-8",
        )
        print(f"\nWritten to {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
