"""`python -m bot.knowledge validate` checks the content; `... load` also publishes it live.

    validate   check every file in knowledge/ (exit 1 and list the problems if any)
    load       check, then publish to the database; the running assistant picks it up at once
"""
from __future__ import annotations

import sys

from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.store import load_and_publish
from bot.settings import get_settings


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command not in {"validate", "load"}:
        print(__doc__)
        return 2
    try:
        if command == "validate":
            kb = load_knowledge(get_settings().knowledge_dir)
            verb = "Checked"
        else:
            kb = load_and_publish()
            verb = "Published"
    except KnowledgeError as error:
        print(error, file=sys.stderr)
        print("Nothing was changed: the assistant keeps serving the last good content.", file=sys.stderr)
        return 1
    print(
        f"{verb} the knowledge base: {len(kb.answers)} answers, {len(kb.myths)} myths, "
        f"{len(kb.councils)} councils, {len(kb.national)} national services, "
        f"{len(kb.paragraphs)} indexed paragraphs."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
