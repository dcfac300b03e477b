"""`make run`: publish the knowledge base, start the three processes, print where to chat.

Ctrl-C (or SIGTERM) stops all three and leaves nothing behind.
"""
from __future__ import annotations

import signal
import sys
import time

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.knowledge.loader import KnowledgeError
from bot.knowledge.store import load_and_publish
from bot.settings import PROJECT_ROOT, get_settings
from bot.stack import Stack
from bot.training import model_path

#: A process that dies more often than this is broken (a port in use, a bad model): stop and say so.
MAX_RESTARTS = 3


def main() -> int:
    settings = get_settings()
    try:
        kb = load_and_publish()
    except KnowledgeError as error:
        print(error, file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        shown = make_url(settings.database_url).render_as_string(hide_password=True)
        print(f"Cannot use the database at {shown}: {type(error).__name__}. Check DATABASE_URL.", file=sys.stderr)
        return 1
    print(f"Knowledge base loaded: {len(kb.answers)} answers, {len(kb.myths)} myths.")
    model = model_path()
    if not model.exists():
        print("No trained model: run `make run` (it trains first).", file=sys.stderr)
        return 1

    stack = Stack(settings, model)
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        # Only set a flag: taking a lock in a signal handler can deadlock the main thread.
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    print("Starting the action server, Rasa and the gateway (Rasa takes about 40 s to load)...")
    try:
        stack.start()
    except RuntimeError as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    shown_host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    logs = settings.log_dir
    try:
        logs = logs.relative_to(PROJECT_ROOT)
    except ValueError:
        pass
    print(
        f"\nThe SEND assistant is running.\n"
        f"  Chat:     http://{shown_host}:{settings.port}/\n"
        f"  API docs: http://{shown_host}:{settings.port}/docs\n"
        f"  Logs:     {logs}/ (gateway.log, rasa.log, action_server.log)\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
    restarts = {key: 0 for key in stack.services}
    status = 0
    try:
        while not stopping:
            time.sleep(0.5)
            for key, service in stack.services.items():
                if stopping or service.process is None or service.process.poll() is None:
                    continue
                if restarts[key] >= MAX_RESTARTS:
                    print(f"The {service.name} keeps stopping; see {service.log}. Shutting down.", file=sys.stderr)
                    stopping, status = True, 1
                    break
                restarts[key] += 1
                print(f"The {service.name} stopped unexpectedly (see {service.log}); restarting it.", flush=True)
                stack.start_one(key)
    finally:
        print("\nStopping...", flush=True)
        stack.stop()
        print("Stopped.")
    return status


if __name__ == "__main__":
    sys.exit(main())
