import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram_http import AiohttpRequest
from bot.rasa.server import free_loopback_port
from tests.fakes.telegram_api import FakeTelegram


def bot_on(base_url: str, token: str) -> Bot:
    return Bot(
        token, base_url=base_url, request=AiohttpRequest(), get_updates_request=AiohttpRequest()
    )


async def test_text_and_files_reach_the_bot_api():
    async with FakeTelegram() as fake, bot_on(fake.base_url, fake.token) as bot:
        sent = await bot.send_message(42, "<b>法律援助</b>", parse_mode="HTML")
        assert sent.text == "法律援助"
        photo = await bot.send_photo(42, b"\x89PNG not really", caption="统计", filename="w.png")
        assert photo.caption == "统计"
    [upload] = fake.calls("sendPhoto")[0].files.values()
    assert upload.data == b"\x89PNG not really" and upload.filename == "w.png"


async def test_a_slow_answer_times_out():
    async with FakeTelegram() as fake, bot_on(fake.base_url, fake.token) as bot:
        fake.set_latency(2.0, "sendMessage")
        with pytest.raises(TimedOut):
            await bot.send_message(42, "你好", read_timeout=0.2)


async def test_an_unreachable_server_is_a_network_error():
    bot = bot_on(f"http://127.0.0.1:{free_loopback_port()}/bot", "123:abc")
    async with bot.request:  # no getMe: nothing listens there
        with pytest.raises(NetworkError):
            await bot.send_message(42, "你好")


async def test_an_uninitialized_request_says_so():
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/", "POST")
