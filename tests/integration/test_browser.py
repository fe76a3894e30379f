"""The web chat in a real headless Chromium, against the real app over the real Rasa server.

Screenshots go to test-artifacts/ at the repository root, for a person to look at.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from aiohttp import web
from playwright.async_api import Page, Route, WebSocketRoute, expect

from actions.reply import Responder
from bot import texts
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.web.app import create_app
from tests.integration.conftest import ARTIFACTS

pytestmark = pytest.mark.rasa

TIMEOUT = 15_000  # ms: one answer goes through Rasa and the corpus
MENU = ["人民调解", "法律援助", "行政复议", "转人工"]
GREETING = "您好！我是司法局"
QUESTION = "申请行政复议要交钱吗"

OPERATOR = {
    "type": "replies",
    "in_reply_to": None,
    "from": "operator",
    "duplicate": False,
    "replies": [
        {"text": "您好，我是热线工作人员小王，您的问题我来跟进。", "buttons": [], "sources": []}
    ],
}

BOT = ".row.bot .bubble"
MINE = ".row.me .bubble"


@pytest.fixture(scope="module")
async def base_url(nlu, answerer, tmp_path_factory):
    """The real web app on a free loopback port, over a fresh SQLite database."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'bot.db'}")
    await migrate(engine)
    sessions = sessionmaker(engine)
    dialogue = DialogueCore(nlu, Responder(answerer), Conversations(DbStateStore(sessions)))
    # Every page of this module comes from 127.0.0.1: the per-address message limit would
    # answer the later tests "slow down" (the limits have tests of their own).
    unlimited = SimpleNamespace(chat_ip_per_minute=0)
    app = create_app(SimpleNamespace(chat=ChatService(dialogue, sessions), settings=unlimited))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
        await engine.dispose()


async def new_page(browser, **options) -> Page:
    context = await browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(TIMEOUT)
    return await context.new_page()


async def greeted(page: Page) -> None:
    """Wait for the greeting and its main menu."""
    await expect(page.locator(BOT).first).to_contain_text(GREETING)
    await expect(page.locator(".row.bot").first.locator(".buttons button")).to_have_text(MENU)


async def ask(page: Page, text: str) -> None:
    """Type a question and press Enter, as a citizen does; wait for its answer."""
    answers = await page.locator(BOT).count()
    await page.locator("#text").fill(text)
    await page.locator("#text").press("Enter")
    await expect(page.locator(MINE).last).to_contain_text(text)
    await expect(page.locator(BOT)).not_to_have_count(answers)
    await expect(page.locator("#typing")).to_be_hidden()


async def font_px(page: Page, selector: str) -> float:
    size = await page.locator(selector).first.evaluate("e => getComputedStyle(e).fontSize")
    return float(size.removesuffix("px"))


async def test_chat_answers_with_sources_buttons_and_keeps_history(browser, base_url):
    page = await new_page(browser, viewport={"width": 1024, "height": 800})
    await page.goto(base_url + "/")
    await expect(page).to_have_title("法律服务智能助手")
    await expect(page.locator("header")).to_contain_text("人民调解")
    await expect(page.locator("header")).to_contain_text("法律援助")
    await expect(page.locator("header")).to_contain_text("行政复议")
    await expect(page.locator("footer")).to_have_text("紧急情况请拨打 110；公共法律服务热线 12348")
    await greeted(page)
    await expect(page.locator("#text")).to_be_enabled()
    await expect(page.locator("#send")).to_be_disabled()  # nothing typed yet

    # An Enter that picks characters in a Chinese input method does not send.
    await page.locator("#text").fill("申请")
    await page.locator("#text").dispatch_event(
        "keydown", {"key": "Enter", "isComposing": True, "bubbles": True, "cancelable": True}
    )
    await expect(page.locator("#text")).to_have_value("申请")
    await expect(page.locator(MINE)).to_have_count(0)
    # Shift+Enter is a new line.
    await page.locator("#text").press("Shift+Enter")
    await expect(page.locator("#text")).to_have_value("申请\n")

    await ask(page, QUESTION)
    sources = page.locator(".row.bot .sources").last
    await expect(sources).to_contain_text("依据：")
    await expect(sources).to_contain_text("行政复议法")
    await expect(page.locator("#text")).to_have_value("")
    await sources.scroll_into_view_if_needed()
    await page.screenshot(path=ARTIFACTS / "web-chat-answer.png")

    # A button under the greeting asks about legal aid.
    answers = await page.locator(BOT).count()
    await page.locator(".row.bot").first.get_by_role("button", name="法律援助").click()
    await expect(page.locator(MINE).last).to_have_text("我说：法律援助")
    await expect(page.locator(BOT)).not_to_have_count(answers)
    await expect(page.locator(BOT).last).to_contain_text("法律援助")
    await expect(page.locator("#typing")).to_be_hidden()
    await page.screenshot(path=ARTIFACTS / "web-chat.png")

    # Opened again, the page shows the conversation, without a second greeting.
    shown = await page.locator(BOT).count()
    await page.reload()
    await expect(page.locator(BOT)).to_have_count(shown)
    await expect(page.locator(BOT, has_text=GREETING)).to_have_count(1)
    await expect(page.locator(MINE, has_text=QUESTION)).to_have_count(1)
    await expect(page.locator(".row.bot .sources", has_text="行政复议法")).not_to_have_count(0)

    # Text from the citizen and the server is shown as text, never as markup.
    await ask(page, "<b>谢谢</b>")
    await expect(page.locator(MINE).last).to_have_text("我说：<b>谢谢</b>")
    assert await page.locator(".log b").count() == 0
    await page.context.close()


async def test_phone_with_large_text(browser, base_url):
    page = await new_page(
        browser,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    await page.goto(base_url + "/")
    await greeted(page)
    await ask(page, "邻居家漏水到我家，不肯赔，能找人调解吗")
    assert await font_px(page, "#text") >= 16  # iOS zooms into smaller inputs
    normal = await font_px(page, BOT)
    await page.screenshot(path=ARTIFACTS / "web-chat-phone.png")

    toggle = page.get_by_role("button", name="长者模式")
    await expect(toggle).to_have_attribute("aria-pressed", "false")
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-pressed", "true")
    assert await font_px(page, BOT) > normal
    await page.reload()  # the choice is remembered
    await expect(page.locator("html")).to_have_class(re.compile(r"\blarge\b"))
    await expect(page.get_by_role("button", name="长者模式")).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(page.locator(BOT).last).to_be_visible()
    assert await font_px(page, BOT) > normal
    width = await page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], "the page must not scroll sideways on a phone"
    for box in [await b.bounding_box() for b in await page.locator(".buttons button").all()]:
        assert box and box["height"] >= 44  # easy to tap
    await page.screenshot(path=ARTIFACTS / "web-chat-phone-large.png")
    await page.context.close()


async def test_resends_after_a_dropped_connection_and_shows_answers_once(browser, base_url):
    page = await new_page(browser, viewport={"width": 800, "height": 700})
    sent: list[dict] = []
    connections = 0

    async def route(ws: WebSocketRoute) -> None:
        nonlocal connections
        connections += 1
        first = connections == 1
        server = ws.connect_to_server()

        def to_server(message):
            sent.append(json.loads(message))
            server.send(message)

        async def to_page(message):
            data = json.loads(message)
            if data.get("type") == "replies" and data["in_reply_to"] not in (None, "start"):
                if first:
                    await ws.close()  # the answer is lost with the connection
                    return
                ws.send(message)  # and once more: it must be shown once
                ws.send(json.dumps(OPERATOR))  # then a hotline operator writes
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)

    await page.route_web_socket("**/ws*", route)
    await page.goto(base_url + "/")
    await greeted(page)
    await page.locator("#text").fill(QUESTION)
    await page.locator("#text").press("Enter")
    await expect(page.locator(".row.bot .sources")).to_have_count(1)
    await expect(page.locator("#typing")).to_be_hidden()
    await page.wait_for_timeout(300)  # a repeated answer would show by now
    await expect(page.locator(".row.bot .sources")).to_have_count(1)
    operator = page.locator(".row.operator .bubble")
    await expect(operator).to_contain_text("热线工作人员")
    await expect(operator).to_contain_text(OPERATOR["replies"][0]["text"])
    assert connections == 2
    questions = [m for m in sent if m.get("type") == "message"]
    assert len(questions) == 2 and questions[0]["id"] == questions[1]["id"]
    await page.context.close()


async def refuse(ws: WebSocketRoute) -> None:
    await ws.close()


async def test_falls_back_to_http_when_websocket_is_blocked(browser, base_url):
    page = await new_page(browser, viewport={"width": 800, "height": 700})
    await page.route_web_socket("**/ws*", refuse)
    await page.goto(base_url + "/")
    await greeted(page)
    await ask(page, QUESTION)
    await expect(page.locator(".row.bot .sources").last).to_contain_text("行政复议法")
    # Without its cookie the page's kept session brings the conversation back.
    await page.context.clear_cookies()
    await page.reload()
    await expect(page.locator(MINE, has_text=QUESTION)).to_have_count(1)
    await page.context.close()


async def test_the_session_never_travels_in_a_url(browser, base_url):
    """URLs reach access logs and proxies: the session goes in a cookie, header or frame."""
    page = await new_page(browser, viewport={"width": 800, "height": 700})
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("websocket", lambda ws: urls.append(ws.url))
    await page.goto(base_url + "/")
    await greeted(page)
    await ask(page, QUESTION)
    await page.reload()
    await expect(page.locator(MINE, has_text=QUESTION)).to_have_count(1)
    # A frame on another site may get no cookie: the first frame on the socket carries it.
    await page.context.clear_cookies()
    await page.reload()
    await expect(page.locator(MINE, has_text=QUESTION)).to_have_count(1)
    await expect(page.locator(BOT, has_text=GREETING)).to_have_count(1)
    assert any("/ws" in url for url in urls)
    assert not [url for url in urls if "session" in url]
    await page.context.close()


async def test_too_many_messages_shows_the_servers_words(browser, base_url):
    page = await new_page(browser, viewport={"width": 800, "height": 700})
    await page.route_web_socket("**/ws*", refuse)
    calls = 0

    async def limited(route: Route) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:  # the greeting goes through
            await route.continue_()
            return
        body = {"type": "error", "in_reply_to": None, "text": texts.WEB_SLOW_DOWN}
        await route.fulfill(status=429, json=body, headers={"Retry-After": "5"})

    await page.route("**/api/message", limited)
    await page.goto(base_url + "/")
    await greeted(page)
    await page.locator("#text").fill(QUESTION)
    await page.locator("#text").press("Enter")
    notice = page.locator(".row.notice .bubble").last
    await expect(notice).to_contain_text("发得有点快")
    await expect(notice.locator("a.tel", has_text="110")).to_have_count(1)
    await expect(page.locator(".row.me.failed")).to_have_count(1)
    await page.context.close()


async def test_embed_script_opens_the_chat_in_a_frame(browser, base_url):
    page = await new_page(browser, viewport={"width": 1280, "height": 800})
    await page.goto(base_url + "/static/embed-demo.html")
    launcher = page.get_by_role("button", name="法律咨询")
    await expect(launcher).to_be_visible()
    # One namespaced global, nothing else.
    leaked = await page.evaluate(
        """() => {
            const blank = document.createElement("iframe");
            document.body.appendChild(blank);
            const known = new Set(Object.getOwnPropertyNames(blank.contentWindow));
            blank.remove();
            return Object.getOwnPropertyNames(window).filter(name => !known.has(name));
        }"""
    )
    assert leaked == ["HotlineChatEmbed"]
    assert await page.locator("iframe").count() == 0  # nothing loads before it is opened

    await launcher.click()
    frame_element = page.locator("iframe[title='法律服务智能助手']")
    await expect(frame_element).to_have_attribute("src", base_url + "/?embed=1")
    frame = page.frame_locator("iframe[title='法律服务智能助手']")
    await greeted(frame)
    header = await frame.locator("header").bounding_box()
    assert header and header["height"] < 70  # compact: the frame's own bar has the title
    box = await frame_element.bounding_box()
    assert box and 370 <= box["width"] <= 390 and 520 <= box["height"] <= 600
    await page.screenshot(path=ARTIFACTS / "embed.png")

    await page.get_by_role("button", name="关闭法律咨询窗口").click()
    await expect(frame_element).to_be_hidden()
    await launcher.click()
    await expect(frame_element).to_be_visible()

    # On a phone the chat takes the whole screen.
    await page.set_viewport_size({"width": 390, "height": 844})
    box = await frame_element.bounding_box()
    assert box and box["width"] == 390 and box["height"] > 760
    await page.screenshot(path=ARTIFACTS / "embed-phone.png")
    await page.context.close()


async def test_embed_script_on_another_site_finds_the_bot(browser, base_url):
    """A bureau's site elsewhere: the script finds the bot's address from its own src."""
    page_html = (
        "<!doctype html><meta charset='utf-8'><title>区司法局</title><p>首页</p>"
        f'<script src="{base_url}/embed.js" async></script>'
    )

    async def bureau_page(request: web.Request) -> web.Response:
        return web.Response(text=page_html, content_type="text/html")

    site = web.Application()
    site.router.add_get("/", bureau_page)
    runner = web.AppRunner(site)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    # "localhost" is another site than "127.0.0.1" to the browser; both on loopback,
    # as Chromium keeps pages on public addresses from loading scripts from loopback.
    bureau = f"http://localhost:{runner.addresses[0][1]}/"
    try:
        page = await new_page(browser, viewport={"width": 1024, "height": 768})
        await page.goto(bureau)
        await page.get_by_role("button", name="法律咨询").click()
        await greeted(page.frame_locator("iframe"))
        assert await page.locator("iframe").get_attribute("src") == base_url + "/?embed=1"
        await page.context.close()
    finally:
        await runner.cleanup()


async def test_phone_answer_is_short_with_details_behind_an_expander_and_a_choice(
    browser, base_url
):
    page = await new_page(
        browser, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    await page.goto(base_url + "/")
    await greeted(page)
    await ask(page, "申请复议要准备什么")
    answer = page.locator(".row.bot").last
    first = await answer.locator(".bubble > .text").inner_text()
    assert len(first) <= 200, first
    more = answer.locator("details.answer-details")
    await expect(more.locator("summary")).to_have_text("详细说明")
    await expect(more.locator(".text")).to_be_hidden()
    assert await answer.get_by_role("button", name="详细说明").count() == 0  # the expander is it
    await page.screenshot(path=ARTIFACTS / "web-chat-phone-short-answer.png")
    await more.locator("summary").click()
    await expect(more.locator(".text")).to_be_visible()
    await expect(more.locator(".text")).to_contain_text("行政复议法")
    await expect(more.locator("a.tel", has_text="12348")).to_have_attribute("href", "tel:12348")
    await page.screenshot(path=ARTIFACTS / "web-chat-phone-details.png")

    await ask(page, "复议的事情")
    choice = page.locator(".row.bot").last
    await expect(choice.locator(".bubble")).to_contain_text("您是想问")
    options = choice.locator(".buttons button")
    assert 3 <= await options.count() <= 4
    await page.screenshot(path=ARTIFACTS / "web-chat-phone-choice.png")
    answers = await page.locator(BOT).count()
    await options.first.click()
    await expect(page.locator(BOT)).not_to_have_count(answers)
    await expect(page.locator(".row.bot").last.locator("details.answer-details")).to_have_count(1)
    await page.context.close()
