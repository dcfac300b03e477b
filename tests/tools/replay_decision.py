"""Replay the assistant's decision over a model's parses of the evaluation and development sets.

    .venv/bin/python tests/tools/replay_decision.py                       # the model in models/
    .venv/bin/python tests/tools/replay_decision.py --model other.tar.gz
    .venv/bin/python tests/tools/replay_decision.py --config variant.yml  # train a variant first
    .venv/bin/python tests/tools/replay_decision.py --config config.yml --seed 2
    .venv/bin/python tests/tools/replay_decision.py --show                # and the cases that went wrong

Why: `make evaluate` runs the whole assistant and is the measure that counts, but it cannot tell a
better model from a luckier one, and a new threshold or rule costs a full run to try. This parses
every single-turn message of both sets once with a model, then runs the actions' own decision
(`actions.actions.decide`, the real code, on a fresh SQLite copy of the knowledge base) over
those parses, in seconds. Follow-ups, signposts and the handoff are not replayed: only what
`decide()` does for a knowledge question, and whether an out-of-scope message is declined. The
figures therefore differ a little from `make evaluate`'s; docs/evaluation.md (issue 4, third
pass) used this to compare classifiers over several random seeds. Choose on the development set.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))
from bot.evaluation import load_cases  # noqa: E402

SETS = {"eval": PROJECT_ROOT / "tests" / "evaluation" / "eval_set.yml",
        "dev": PROJECT_ROOT / "tests" / "evaluation" / "dev_set.yml"}


def train(config: Path, seed: Optional[int], out: Path) -> Path:
    """A whole model (as `make train` builds it) from `config`, with DIET's random_seed set if asked."""
    text = config.read_text(encoding="utf-8")
    if seed is not None:
        if "random_seed:" not in text:
            raise SystemExit(f"{config} has no random_seed to change (logistic regression needs none).")
        text = "\n".join(
            line.split("random_seed:")[0] + f"random_seed: {seed}" if "random_seed:" in line else line
            for line in text.splitlines()
        ) + "\n"
    variant = out / "config.yml"
    variant.write_text(text, encoding="utf-8")
    subprocess.run(["make", "-s", "pipeline", "generate"], cwd=PROJECT_ROOT, check=True)
    command = [str(Path(sys.executable).parent / "rasa"), "train", "--config", str(variant), "--domain", "domain",
               "--data", "data", "--out", str(out), "--fixed-model-name", "replay"]
    with (out / "train.log").open("w") as log:
        subprocess.run(command, cwd=PROJECT_ROOT, check=True, stdout=log, stderr=subprocess.STDOUT)
    return out / "replay.tar.gz"


def parse_all(model: Path) -> Dict[str, Dict[str, Any]]:
    """Every single-turn message of both sets, parsed by `model` (intent ranking and entities)."""
    import structlog
    from rasa.core.agent import Agent

    # Rasa logs every parse, with the message text, at debug level: not wanted on the console.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    async def run() -> Dict[str, Dict[str, Any]]:
        agent = Agent.load(str(model))
        parses = {}
        for path in SETS.values():
            for case in load_cases(path):
                if len(case.turns) == 1:
                    parses[case.id] = await agent.parse_message(case.turns[0])
        return parses

    return asyncio.run(run())


def replay(name: str, parses: Dict[str, Dict[str, Any]], actions: Any, content: Any, show: bool = False) -> List[str]:
    """The figures for one set, as printable lines (with `show`, first the cases that went wrong)."""
    n = right = fallback = myth_n = myth_right = true_as_myth = 0
    oos_n = oos_declined = oos_cited = declined = 0
    per_myth: Counter = Counter()
    per_myth_n: Counter = Counter()
    wrong: List[str] = []
    for case in load_cases(SETS[name]):
        parse = parses.get(case.id)
        if parse is None:
            continue
        # A first message: no topic open, no slot set.
        tracker = Tracker("replay", {}, parse, [], False, None, {}, "action_listen")
        intent = (parse.get("intent") or {}).get("name") or ""
        answer, refused = None, False
        if intent == "out_of_scope":
            decision = actions.decide(content, tracker) if actions.has_send_terms(tracker) else None
            answer = decision.answer if decision else None
            refused = answer is None
        elif intent.startswith(("q_", "m_")) or intent == "nlu_fallback":
            decision = actions.decide(content, tracker)
            answer = decision.answer
            refused = not decision.answer and not decision.entry_ids
        if show and (answer is not None if case.expect == "out_of_scope" else
                     case.expect == "answer" and case.entries and answer not in case.entries):
            wrong.append(f"  {case.id} ({case.expect}: {', '.join(case.entries or [])}) got {answer or 'no answer'}: "
                         f"{case.turns[0][:80]!r}")
        if case.expect == "out_of_scope":
            oos_n += 1
            oos_declined += refused
            oos_cited += answer is not None
        if case.expect not in ("safeguarding", "other_nation"):  # signposted before any decision
            declined += refused
        if case.expect != "answer" or not case.entries:
            continue
        n += 1
        right += answer in case.entries
        fallback += answer is None
        expected = content.entries.get(case.entries[0])
        if expected is not None and expected.kind == "myth":
            got = content.entries.get(answer) if answer else None
            verdict = got.verdict if got is not None and got.kind == "myth" else None
            myth_n += 1
            per_myth_n[expected.id] += 1
            if verdict == expected.verdict:
                myth_right += 1
                per_myth[expected.id] += 1
            if expected.verdict == "true" and verdict == "myth":
                true_as_myth += 1
    under = [f"{m} {per_myth[m]} of {per_myth_n[m]}" for m in sorted(per_myth_n) if per_myth[m] < 5]
    return wrong + [
        f"{name} set, {n} single-turn answerable messages:",
        f"  answer-entry accuracy {right / n:.1%}, fallback {fallback / n:.1%}",
        f"  myth verdicts {myth_right} of {myth_n} ({myth_right / myth_n:.1%}), true statements called a myth {true_as_myth}",
        f"  myths recognised in fewer than 5 wordings: {', '.join(under) or 'none'}",
        f"  out of scope: {oos_declined} of {oos_n} declined, {oos_cited} answered with a citation, "
        f"precision {oos_declined / declined if declined else 0:.1%}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "send-assistant.tar.gz")
    parser.add_argument("--config", type=Path, help="train a model from this config first")
    parser.add_argument("--seed", type=int, help="with --config: DIET's random_seed")
    parser.add_argument("--set", choices=["dev", "eval", "both"], default="dev")
    parser.add_argument("--show", action="store_true", help="list the cases that went wrong (read the development set's)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        model = train(args.config, args.seed, work) if args.config else args.model
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'replay.db'}"
        from bot.knowledge.store import load_and_publish

        load_and_publish(url=os.environ["DATABASE_URL"])
        import actions.actions as actions

        content = actions._repository.current()
        parses = parse_all(model)
        for name in (["dev", "eval"] if args.set == "both" else [args.set]):
            print("\n".join(replay(name, parses, actions, content, show=args.show)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
