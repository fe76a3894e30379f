"""Running Rasa from `.venv-rasa` as a supervised child process on a loopback port."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import secrets
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import aiohttp
from pydantic import SecretStr

from bot import logs
from bot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)
rasa_log = logging.getLogger("rasa")

_PR_SET_PDEATHSIG = 1
# Rasa's HTTP API without chat channels, reading its token from TOKEN_ENV (never from argv).
SCRIPT = PROJECT_ROOT / "scripts" / "rasa_serve.py"
TOKEN_ENV = "RASA_SERVE_TOKEN"  # noqa: S105 (a variable name)


class RasaStartError(RuntimeError):
    """The Rasa server did not come up with the model loaded."""


def free_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def restart_delays(first: float, cap: float) -> Iterator[float]:
    """Seconds to wait before each restart in a row: doubling from `first`, at most `cap`."""
    delay = min(first, cap)
    while True:
        yield delay
        delay = min(delay * 2, cap)


def _die_with_parent() -> None:
    # Linux only: the kernel sends SIGTERM to Rasa if the bot dies, even by SIGKILL,
    # so no orphaned Rasa keeps the port and 1 GB of memory.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _secret_names() -> set[str]:
    # Rasa needs none of the bot's own secrets: they stay out of its environment.
    names = {"DATABASE_URL"}
    for name, field in Settings.model_fields.items():
        if field.annotation is SecretStr or SecretStr in get_args(field.annotation):
            names.add(name.upper())
    return names


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit {code}"


class RasaServer:
    """One Rasa child with a fresh token: waited for, restarted with back-off, stopped cleanly."""

    # Seconds before restarting a dead child, doubled after each restart that fails, up to
    # the cap; a child that stayed up for the cap starts the series afresh.
    restart_first = 1.0
    restart_cap = 60.0

    def __init__(self, settings: Settings, model: Path, port: int | None = None) -> None:
        self._settings = settings
        self.model = model
        self.port = port or free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(24)
        # Children started after the first one died, for tests and the log.
        self.restarts = 0
        self._process: asyncio.subprocess.Process | None = None
        self._log_task: asyncio.Task[None] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        """Process id of the running server, if any."""
        return self._process.pid if self._process else None

    def command(self) -> list[str]:
        """The launcher's command line: the Rasa environment's Python, the model, the port."""
        python = self._settings.rasa_venv / "bin" / "python"
        if not python.exists():
            raise RasaStartError(
                f"{python} not found: run `make install` to create the Rasa environment"
            )
        return [str(python), str(SCRIPT), str(self.model), str(self.port)]

    def environment(self) -> dict[str, str]:
        """The child's environment: the token (readable by our own user only), no bot secrets."""
        hidden = _secret_names()
        env = {k: v for k, v in os.environ.items() if k.upper() not in hidden}
        env.update(
            TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1", **{TOKEN_ENV: self.token}
        )
        return env

    async def start(self) -> None:
        """Start Rasa, return once it answers with the model loaded, then keep it running."""
        # Given a missing file, Rasa silently loads the newest model it can find instead.
        if not self.model.is_file():
            raise RasaStartError(f"model file not found: {self.model}")
        logs.hide(self.token)
        self._stopping = False
        await self._launch()
        self._supervisor = asyncio.create_task(self._supervise(), name="rasa-supervisor")

    async def _launch(self) -> None:
        log.info("starting Rasa on %s with %s", self.url, self.model.name)
        process = await asyncio.create_subprocess_exec(
            *self.command(),
            cwd=PROJECT_ROOT,
            env=self.environment(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self._process = process
        self._log_task = asyncio.create_task(self._forward_log(process))
        try:
            async with asyncio.timeout(self._settings.rasa_startup_timeout):
                await self._wait_ready(process)
        except TimeoutError:
            await self._end(process)
            raise RasaStartError(
                f"Rasa did not load the model within {self._settings.rasa_startup_timeout:.0f}s"
            ) from None
        except BaseException:
            await self._end(process)
            raise
        log.info("Rasa is ready (pid %s)", process.pid)

    async def _supervise(self) -> None:
        delays = restart_delays(self.restart_first, self.restart_cap)
        while True:
            process, up_since = self._process, time.monotonic()
            if process is not None:
                code = await process.wait()
                if self._stopping:
                    return
                log.warning(
                    "Rasa (pid %s) died (%s): keyword routing until it is back",
                    process.pid,
                    _exit_reason(code),
                )
                await self._end(process)
                if time.monotonic() - up_since >= self.restart_cap:
                    delays = restart_delays(self.restart_first, self.restart_cap)
            delay = next(delays)
            log.warning("restarting Rasa in %g s", delay)
            await asyncio.sleep(delay)
            try:
                await self._launch()
            except (RasaStartError, OSError) as exc:
                log.error("Rasa did not come back: %s", exc)
                continue
            self.restarts += 1
            log.warning("Rasa is back (pid %s, restart %d)", self.pid, self.restarts)

    async def _forward_log(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None  # noqa: S101
        async for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                # Should Rasa ever echo its environment, the token still stays out of the log.
                rasa_log.info("%s", line.replace(self.token, "***"))

    async def _wait_ready(self, process: asyncio.subprocess.Process) -> None:
        async with aiohttp.ClientSession() as session:
            while True:
                if process.returncode is not None:
                    raise RasaStartError(
                        f"Rasa exited during start-up ({_exit_reason(process.returncode)}); "
                        "see its log"
                    )
                if await self._model_loaded(session):
                    return
                await asyncio.sleep(0.5)

    async def _model_loaded(self, session: aiohttp.ClientSession) -> bool:
        with contextlib.suppress(aiohttp.ClientError, TimeoutError, ValueError):
            async with session.get(
                f"{self.url}/status",
                params={"token": self.token},
                timeout=aiohttp.ClientTimeout(total=2),
            ) as response:
                if response.status == 200:
                    status = await response.json()
                    return bool(status.get("model_file"))
        return False

    async def _end(self, process: asyncio.subprocess.Process, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds; then its log is read to the end."""
        if process.returncode is None:
            log.info("stopping Rasa (pid %s)", process.pid)
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._process is process:
            self._process = None
        if self._log_task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._log_task, 2)
            self._log_task = None

    async def stop(self, grace: float = 10.0) -> None:
        """Stop supervising, then the child; safe to call twice, never followed by a restart."""
        self._stopping = True
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            # Waited, not awaited: its cancellation is not ours to re-raise.
            await asyncio.wait([supervisor])
        if self._process is not None:
            await self._end(self._process, grace)

    async def __aenter__(self) -> RasaServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
