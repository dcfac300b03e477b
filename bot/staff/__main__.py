"""Staff accounts from the command line.

    python -m bot.staff create-user --username jo@halton.gov.uk --name "Jo Bloggs"
    python -m bot.staff create-user --username jo@halton.gov.uk --name "Jo Bloggs" --password-stdin < file
    python -m bot.staff list-users
    python -m bot.staff reset-password --username jo@halton.gov.uk
    python -m bot.staff deactivate-user --username jo@halton.gov.uk
    python -m bot.staff activate-user --username jo@halton.gov.uk

Passwords are asked for twice without echo, or read from the first line of standard input with
--password-stdin (for scripts; never put a password on the command line, where `ps` shows it).
The database schema is brought up to date first.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import List, Optional, TextIO

from bot.staff.accounts import PASSWORD_MIN_CHARS, AccountError


class _Failure(Exception):
    pass


def _read_password(from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        line = stdin.readline()
        if not line:
            raise _Failure("No password on standard input: send it as the first line.")
        return line.rstrip("\r\n")
    first = getpass.getpass(f"Password (at least {PASSWORD_MIN_CHARS} characters): ")
    second = getpass.getpass("Type the password again: ")
    if first != second:
        raise _Failure("The two passwords are not the same. Nothing was changed; please try again.")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description="Manage staff accounts for the /staff area.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    create = commands.add_parser("create-user", help="create a staff account")
    create.add_argument("--username", required=True, help="what the officer signs in with, e.g. their work email")
    create.add_argument("--name", required=True, help="the officer's name as colleagues see it, e.g. \"Jo Bloggs\"")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    commands.add_parser("list-users", help="list staff accounts")
    reset = commands.add_parser("reset-password", help="set a new password for an account")
    reset.add_argument("--username", required=True)
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for name, text in (("deactivate-user", "stop an account from signing in"), ("activate-user", "let an account sign in again")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--username", required=True)
    return parser


def main(argv: Optional[List[str]] = None, stdin: Optional[TextIO] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 1
    stdin = stdin or sys.stdin
    from bot import db
    from bot.staff import accounts

    try:
        db.migrate()
        if args.command == "create-user":
            password = _read_password(args.password_stdin, stdin)
            user = accounts.create_user(args.username, args.name, password)
            print(f"Created the staff account '{user.username}' for {user.display_name}. "
                  "They can sign in at /staff/login.")
        elif args.command == "list-users":
            users = accounts.list_users()
            if not users:
                print("There are no staff accounts yet. Create one with: python -m bot.staff create-user "
                      "--username NAME@COUNCIL.gov.uk --name \"Their Name\"")
            for user in users:
                last = user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else "never"
                state = "active" if user.active else "deactivated"
                print(f"{user.username}\t{user.display_name}\t{state}\tlast signed in: {last}")
        elif args.command == "reset-password":
            password = _read_password(args.password_stdin, stdin)
            user = accounts.set_password(args.username, password)
            print(f"Set a new password for '{user.username}'. Their other sessions have ended.")
        elif args.command in ("deactivate-user", "activate-user"):
            active = args.command == "activate-user"
            user = accounts.set_active(args.username, active)
            print(f"'{user.username}' can {'now' if active else 'no longer'} sign in.")
    except (AccountError, _Failure) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print("\nStopped. Nothing was changed.", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - e.g. the database does not answer
        print(f"Error: could not reach the database ({type(error).__name__}: {error}).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
