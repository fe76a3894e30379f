"""`python -m bot user add|list|passwd|disable|enable`: staff accounts from the shell."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from bot.accounts import store
from bot.accounts.store import AccountError, Role
from bot.settings import Settings
from bot.storage.db import database


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `user` command and its subcommands."""
    user = sub.add_parser("user", help="staff accounts of the web console")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help="create an account (the password is asked for)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    passwd = actions.add_parser("passwd", help="set a new password (signs the account out)")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    actions.add_parser("list", help="every account and its role")
    for verb in ("disable", "enable"):
        actions.add_parser(verb, help=f"{verb} an account").add_argument("name")


def _password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out one `user` subcommand; account changes go to the audit log."""
    actor = f"cli:{os.environ.get('USER', 'unknown')}"

    async def main() -> int:
        try:
            async with database(settings.database_url) as sessions, sessions() as session:
                command = args.user_command
                if command == "list":
                    for user in await store.list_users(session):
                        state = " (disabled)" if user.disabled else ""
                        print(f"{user.name}\t{user.role}{state}")
                    return 0
                if command == "add":
                    await store.add_user(
                        session, args.name, Role(args.role), _password(args.password_stdin)
                    )
                    detail = {"role": args.role}
                elif command == "passwd":
                    await store.set_password(session, args.name, _password(args.password_stdin))
                    detail = {}
                else:
                    await store.set_disabled(session, args.name, command == "disable")
                    detail = {}
                await store.audit(session, actor, f"account_{command}", args.name, detail)
                print(f"{command}: {args.name}")
                return 0
        except AccountError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    return asyncio.run(main())
