from pathlib import Path

import pytest

from bot.rasa.server import RasaServer, RasaStartError
from bot.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "rasa").write_text("#!/bin/sh\n")
    return Settings(rasa_venv=venv, rasa_url=None, rasa_token=None, _env_file=None)


def test_command_binds_loopback_and_passes_the_token_as_one_argument(settings, tmp_path):
    for _ in range(200):  # tokens are random: none may ever read as a flag
        server = RasaServer(settings, tmp_path / "m.tar.gz", port=5999)
        command = server.command()
        assert "--interface=127.0.0.1" in command
        assert f"--auth-token={server.token}" in command
        assert server.token.isalnum()


async def test_missing_model_file_is_refused_before_starting(settings, tmp_path):
    with pytest.raises(RasaStartError, match="model file not found"):
        await RasaServer(settings, tmp_path / "absent.tar.gz").start()
