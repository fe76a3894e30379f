from pathlib import Path

import pytest

from bot.nlu.calibrate import decision_path
from bot.rasa import training
from bot.rasa.training import TrainingError, inputs_hash, model_path, train
from bot.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch) -> Settings:
    data = tmp_path / "nlu_data"
    (data / "dict").mkdir(parents=True)
    (data / "meta.yml").write_text("nlu: []\n", encoding="utf-8")
    (data / "dict" / "terms.txt").write_text("复议 10 n\n", encoding="utf-8")
    config = tmp_path / "config.yml"
    config.write_text("language: zh\n", encoding="utf-8")
    monkeypatch.setattr(training, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(training, "REQUIREMENTS", tmp_path / "rasa.txt")
    return Settings(
        nlu_data_dir=data,
        nlu_config=config,
        models_dir=tmp_path / "models",
        rasa_venv=tmp_path / "no-venv",
    )


def test_hash_is_stable_and_follows_content(settings):
    first = inputs_hash(settings)
    assert inputs_hash(settings) == first
    (settings.nlu_data_dir / "meta.yml").write_text("nlu: [x]\n", encoding="utf-8")
    assert inputs_hash(settings) != first


def test_hash_ignores_timestamps(settings):
    first = inputs_hash(settings)
    path = settings.nlu_data_dir / "meta.yml"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert inputs_hash(settings) == first


def test_hash_covers_config_and_dictionary(settings):
    first = inputs_hash(settings)
    settings.nlu_config.write_text("language: en\n", encoding="utf-8")
    second = inputs_hash(settings)
    (settings.nlu_data_dir / "dict" / "terms.txt").write_text("法援 10 n\n", encoding="utf-8")
    assert len({first, second, inputs_hash(settings)}) == 3


def test_existing_model_is_reused_without_rasa(settings):
    target = model_path(settings)
    target.parent.mkdir()
    target.write_bytes(b"model")
    decision_path(target).write_text("{}")  # fitted already
    assert train(settings) == target  # no .venv-rasa here: reuse must not need it


def test_missing_rasa_is_a_clear_error(settings):
    with pytest.raises(TrainingError, match="make install"):
        train(settings)
