import stat

import pytest
from pydantic import SecretStr

from bot.web.sessions import SessionIds, conversation_key, load_secret


def test_only_ids_this_server_signed_are_recognised():
    ids = SessionIds(b"k" * 32)
    made = ids.new()
    assert ids.check(made) == made and ids.new() != made
    key, _, signature = made.partition(".")
    assert conversation_key(made) == key
    forged = f"{key}.{signature[::-1]}"
    for other in (forged, key, f"{'0' * 32}.{signature}", made.upper(), made + "0", None, 7):
        assert ids.check(other) is None
    assert SessionIds(b"another key, another server!!!!").check(made) is None


def test_the_key_is_made_once_private_and_kept_for_the_next_start(tmp_path):
    path = tmp_path / "var" / "chat_session.key"
    first = load_secret(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(None, path) == first
    assert SessionIds(load_secret(None, path)).check(SessionIds(first).new())
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no draft left behind


def test_a_configured_secret_wins_and_no_file_means_a_key_of_the_moment(tmp_path):
    path = tmp_path / "chat_session.key"
    assert load_secret(SecretStr("s" * 32), path) == b"s" * 32
    assert not path.exists()
    assert load_secret(None, None) != load_secret(None, None)


def test_a_damaged_key_file_is_reported_not_replaced(tmp_path):
    path = tmp_path / "chat_session.key"
    path.write_text("short\n")
    with pytest.raises(ValueError, match="no usable key"):
        load_secret(None, path)
    assert path.read_text() == "short\n"
