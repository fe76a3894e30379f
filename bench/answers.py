"""Answer path speed: the bank's matching and composition, retrieval, and whole answers.

Prints rows of figures and the settings they ran with; run `.venv/bin/python bench/answers.py`.
The messages are the routing test split and the golden answer questions, in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions import finder  # noqa: E402
from actions.answers import Answerer, Contacts  # noqa: E402
from actions.reply import Responder  # noqa: E402
from bot.corpus.service import load_retriever  # noqa: E402
from bot.dialogue.core import DialogueCore  # noqa: E402
from bot.nlu.client import NLUService, RasaClient  # noqa: E402
from bot.rasa.server import RasaServer  # noqa: E402
from bot.rasa.training import model_path, train  # noqa: E402
from bot.settings import Settings  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def row(name: str, values: list[float], total: float) -> None:
    print(
        f"{name:<34} n={len(values):<5} {len(values) / total:9.1f} /s"
        f"  p50={percentile(values, 0.5) * 1000:8.3f} ms"
        f"  p95={percentile(values, 0.95) * 1000:8.3f} ms",
        flush=True,
    )


async def main(args: argparse.Namespace) -> None:
    cases = []
    for name in ("routing_test.jsonl", "answers_test.jsonl"):
        lines = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8")
        cases += [json.loads(line) for line in lines.splitlines() if line.strip()]
    for case in cases:
        case.setdefault("topic", "other")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            rasa_url=None,
            rasa_token=None,
            database_url=f"sqlite:///{tmp}/bench.db",
            index_dir=Path(tmp) / "index",
            _env_file=None,
        )
        started = time.perf_counter()
        retriever = await load_retriever(settings)
        print(f"{'ingest + index build':<34} {time.perf_counter() - started:.2f} s", flush=True)

        timings = []
        loop_start = time.perf_counter()
        for i in range(args.n):
            case = cases[i % len(cases)]
            start = time.perf_counter()
            retriever.search(case["text"], case["topic"])
            timings.append(time.perf_counter() - start)
        row("retrieval (BM25 + boosts)", timings, time.perf_counter() - loop_start)

        started = time.perf_counter()
        answerer = Answerer(retriever, Contacts())
        print(f"{'bank index build':<34} {time.perf_counter() - started:.2f} s", flush=True)
        model = model_path(settings) if model_path(settings).exists() else train(settings)
        async with RasaServer(settings, model) as rasa, aiohttp.ClientSession() as http:
            nlu = NLUService(RasaClient(http, rasa.url, rasa.token, timeout=30), retry_after=0)
            responder = Responder(answerer)
            core = DialogueCore(nlu, responder)
            for case in cases[:10]:
                await core.handle_text(case["text"], "warm-up")
            understood = []
            nlu_only, answer_only, whole = [], [], []
            for i in range(args.n_e2e):
                text = cases[i % len(cases)]["text"]
                start = time.perf_counter()
                result = await nlu.understand(text)
                mid = time.perf_counter()
                responder.to_message(result)
                end = time.perf_counter()
                nlu_only.append(mid - start)
                answer_only.append(end - mid)
                understood.append(result)
            total = sum(nlu_only) + sum(answer_only)
            row("NLU round trip (Rasa)", nlu_only, sum(nlu_only))
            row("answer composition after NLU", answer_only, sum(answer_only))
            start = time.perf_counter()
            for i in range(args.n_e2e):
                t0 = time.perf_counter()
                await core.handle_text(cases[i % len(cases)]["text"], f"bench-{i}")
                whole.append(time.perf_counter() - t0)
            row("end to end (dialogue core)", whole, time.perf_counter() - start)
            print(f"{'answers per second, sequential':<34} {args.n_e2e / total:.1f}", flush=True)
    texts = [len(e.texts) for e in answerer.bank.values()]
    print(
        f"settings: bank of {len(answerer.bank)} entries and {sum(texts)} question texts;"
        f" finder answer>={finder.ANSWER_SCORE} margin>={finder.ANSWER_MARGIN}"
        f" choice>={finder.CHOICE_SCORE} other_service x{finder.OTHER_SERVICE};"
        f" {len(cases)} messages cycled; one process, {args.n_e2e} end-to-end turns",
        flush=True,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=2000, help="retrieval queries")
    parser.add_argument("--n-e2e", type=int, default=300, help="end-to-end messages")
    asyncio.run(main(parser.parse_args()))
