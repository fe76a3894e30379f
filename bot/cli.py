"""`python -m bot COMMAND`: run, train, evaluate, crossval, chat."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError

from bot import logs, privacy_cli
from bot.accounts import cli as accounts_cli
from bot.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start Rasa and the bot (web chat on WEB_HOST:WEB_PORT)")
    train = sub.add_parser("train", help="train the NLU model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if up to date")
    evaluate = sub.add_parser("evaluate", help="topic and answer scores over a JSONL file")
    evaluate.add_argument("file", type=Path)
    crossval = sub.add_parser("crossval", help="k-fold cross-validation of the NLU intents")
    crossval.add_argument("--folds", type=int, default=3, choices=range(2, 11), metavar="K")
    sub.add_parser("chat", help="talk to the bot in this terminal")
    corpus = sub.add_parser("corpus", help="the policy corpus")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True)
    ingest = corpus_sub.add_parser("ingest", help="load corpus/ into the database and index")
    ingest.add_argument("--force", action="store_true", help="rebuild even if unchanged")
    accounts_cli.add_parser(sub)
    privacy_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; returns the exit code."""
    args = _parser().parse_args(argv)
    logs.setup(args.verbose)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"error: bad settings:\n{exc}", file=sys.stderr)
        return 2
    logs.hide_settings(settings)
    if args.command == "train":
        from bot.rasa.training import main_train

        return main_train(settings, args.force)
    if args.command == "crossval":
        from bot.rasa.crossval import main_crossval

        return main_crossval(settings, args.folds)
    if args.command == "user":
        return accounts_cli.run(settings, args)
    if args.command == "privacy":
        return privacy_cli.run(settings, args)
    from bot import commands

    handlers = {
        "run": commands.run,
        "evaluate": commands.evaluate_command,
        "chat": commands.chat,
        "corpus": commands.corpus,
    }
    try:
        return handlers[args.command](settings, args)
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("stopped", file=sys.stderr)
        return 130
