"""Running `rasa run` from `.venv-rasa` as a child process on a loopback port."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import secrets
import signal
import socket
from pathlib import Path

import aiohttp

from bot import logs
from bot.rasa.training import rasa_executable
from bot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)
rasa_log = logging.getLogger("rasa")

_PR_SET_PDEATHSIG = 1


class RasaStartError(RuntimeError):
    """The Rasa server did not come up with the model loaded."""


def free_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    # Linux only: the kernel sends SIGTERM to Rasa if the bot dies, even by SIGKILL,
    # so no orphaned Rasa keeps the port and 1 GB of memory.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class RasaServer:
    """One Rasa server child: started with a fresh token, waited for, stopped cleanly."""

    def __init__(self, settings: Settings, model: Path, port: int | None = None) -> None:
        self._settings = settings
        self.model = model
        self.port = port or free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Hex only: a urlsafe token may start with '-', which Rasa's parser takes for a flag.
        self.token = secrets.token_hex(24)
        self._process: asyncio.subprocess.Process | None = None
        self._log_task: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """Process id of the running server, if any."""
        return self._process.pid if self._process else None

    def command(self) -> list[str]:
        """The `rasa run` command line, bound to loopback."""
        return [
            str(rasa_executable(self._settings)),
            "run",
            "--enable-api",
            f"--auth-token={self.token}",
            f"--model={self.model}",
            "--interface=127.0.0.1",
            f"--port={self.port}",
        ]

    async def start(self) -> None:
        """Start Rasa and return once it answers with the model loaded."""
        # Given a missing file, Rasa silently loads the newest model it can find instead.
        if not self.model.is_file():
            raise RasaStartError(f"model file not found: {self.model}")
        logs.hide(self.token)
        command = self.command()
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        log.info("starting Rasa on %s with %s", self.url, self.model.name)
        self._process = await asyncio.create_subprocess_exec(
            *command,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self._log_task = asyncio.create_task(self._forward_log(self._process))
        try:
            async with asyncio.timeout(self._settings.rasa_startup_timeout):
                await self._wait_ready()
        except TimeoutError:
            await self.stop()
            raise RasaStartError(
                f"Rasa did not load the model within {self._settings.rasa_startup_timeout:.0f}s"
            ) from None
        except BaseException:
            await self.stop()
            raise
        log.info("Rasa is ready (pid %s)", self._process.pid)

    async def _forward_log(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None  # noqa: S101
        async for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                # Rasa echoes its command line; the token must not reach the log.
                rasa_log.info("%s", line.replace(self.token, "***"))

    async def _wait_ready(self) -> None:
        async with aiohttp.ClientSession() as session:
            while True:
                if self._process is None or self._process.returncode is not None:
                    code = self._process.returncode if self._process else None
                    raise RasaStartError(f"Rasa exited during start-up (exit {code}); see its log")
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

    async def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds; safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            log.info("stopping Rasa (pid %s)", process.pid)
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._log_task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._log_task, 2)
            self._log_task = None

    async def __aenter__(self) -> RasaServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
