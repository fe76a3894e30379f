"""NLU throughput and latency: raw Rasa `/model/parse`, then the bot's client on top.

Prints one row per measurement; run with `make bench` or `.venv/bin/python bench/nlu.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.client import NLUService, RasaClient  # noqa: E402
from bot.nlu.normalize import for_model  # noqa: E402
from bot.rasa.server import RasaServer  # noqa: E402
from bot.rasa.training import model_path, train  # noqa: E402
from bot.settings import Settings  # noqa: E402


def texts() -> list[str]:
    lines = (ROOT / "tests" / "data" / "routing_test.jsonl").read_text(encoding="utf-8")
    return [json.loads(line)["text"] for line in lines.splitlines() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(
    name: str, call: Callable[[str], Awaitable[object]], corpus: list[str], concurrency: int, n: int
) -> None:
    latencies: list[float] = []
    queue = list(range(n))

    async def worker() -> None:
        while queue:
            i = queue.pop()
            start = time.perf_counter()
            await call(corpus[i % len(corpus)])
            latencies.append(time.perf_counter() - start)

    for text in corpus[:10]:  # warm-up
        await call(text)
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    print(
        f"{name:<28} c={concurrency:<3} n={n:<5} {n / elapsed:8.1f} msg/s"
        f"  p50={percentile(latencies, 0.5) * 1000:7.1f} ms"
        f"  p95={percentile(latencies, 0.95) * 1000:7.1f} ms",
        flush=True,
    )


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


async def main(args: argparse.Namespace) -> None:
    settings = Settings(rasa_url=None, rasa_token=None, _env_file=None)
    if args.train:
        with tempfile.TemporaryDirectory() as out:
            fresh = settings.model_copy(update={"models_dir": Path(out)})
            started = time.perf_counter()
            train(fresh, force=True)
            print(f"{'rasa train nlu':<28} wall={time.perf_counter() - started:.1f} s", flush=True)
    model = model_path(settings) if model_path(settings).exists() else train(settings)
    corpus = texts()
    async with RasaServer(settings, model) as rasa, aiohttp.ClientSession() as http:
        url = f"{rasa.url}/model/parse"

        async def raw(text: str) -> object:
            # The same text the bot would send, so both rows parse identical inputs.
            async with http.post(
                url, params={"token": rasa.token}, json={"text": for_model(text)}
            ) as r:
                return await r.json()

        nlu = NLUService(RasaClient(http, rasa.url, rasa.token, timeout=30), retry_after=0)
        for concurrency in (1, 8):
            await measure("rasa /model/parse (raw)", raw, corpus, concurrency, args.n)
            await measure("bot NLUService.understand", nlu.understand, corpus, concurrency, args.n)
        print(f"{'rss rasa':<28} {rss_mb(rasa.pid or 0):.0f} MB", flush=True)
        print(f"{'rss bot (this process)':<28} {rss_mb(psutil.Process().pid):.0f} MB", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=400, help="messages per measurement")
    parser.add_argument(
        "--no-train", dest="train", action="store_false", help="skip timing a training"
    )
    asyncio.run(main(parser.parse_args()))
