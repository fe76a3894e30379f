"""The staff console in headless Chromium: an operator answers a web chat citizen live,
and a manager reads the charts. NLU by a table: these tests are about the pages.

Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from actions.reply import Responder
from bot.accounts import store
from bot.accounts.store import Role
from bot.chat import ChatService
from bot.clock import SystemClock
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.handoff.hours import OfficeHours
from bot.handoff.service import HandoffConfig, HandoffService
from bot.outbox import Outbox
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.types import Topic
from bot.web.app import create_app
from tests.bot.dialogue.fakes import TableNLU
from tests.integration.conftest import ARTIFACTS

PASSWORD = "correct horse battery"  # noqa: S105 (a test password)
TIMEOUT = 10_000
TABLE = {
    "复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW),
    "我要找人工": ("request_human", Topic.OTHER),
    "惠山": ("inform", Topic.OTHER),
}
CANNED = {"问候": "您好，我是热线工作人员，请问有什么可以帮您？"}


@pytest.fixture(scope="module")
async def site(answerer, tmp_path_factory):
    """The whole web app (chat and console) on a free loopback port, operators on the web."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('desk') / 'bot.db'}")
    await migrate(engine)
    sessions = sessionmaker(engine)
    async with sessions() as session:
        operator = await store.add_user(session, "wang", Role.OPERATOR, PASSWORD)
        await store.add_user(session, "boss", Role.MANAGER, PASSWORD)
    outbox, conversations = Outbox(sessions), Conversations(DbStateStore(sessions))
    handoff = HandoffService(
        HandoffConfig(canned=CANNED), sessions, SystemClock(), OfficeHours(),
        outbox=outbox, conversations=conversations, web_desk=True,
    )  # fmt: skip
    dialogue = DialogueCore(TableNLU(TABLE), Responder(answerer), conversations, handoff)
    chat = ChatService(dialogue, sessions, outbox, handoff)
    services = SimpleNamespace(chat=chat, handoff=handoff, sessions=sessions, reader=sessions,
                               settings=SimpleNamespace(stats_token=None))  # fmt: skip
    runner = web.AppRunner(create_app(services))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield SimpleNamespace(url=f"http://{host}:{port}", label=f"坐席{operator.id:02d}")
    finally:
        await runner.cleanup()
        await engine.dispose()


async def new_page(browser, width=1200, height=900) -> Page:
    context = await browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT)
    return await context.new_page()


async def sign_in(page: Page, url: str, name: str) -> None:
    await page.goto(url + "/staff/login")
    await page.get_by_label("用户名").fill(name)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()


async def citizen_says(page: Page, text: str) -> None:
    answers = await page.locator(".row.bot .bubble").count()
    await page.locator("#text").fill(text)
    await page.locator("#text").press("Enter")
    await expect(page.locator(".row.bot .bubble")).not_to_have_count(answers)


async def test_operator_claims_and_answers_a_web_citizen_live(browser, site):
    desk = await new_page(browser)
    await sign_in(desk, site.url, "wang")
    await expect(desk).to_have_url(site.url + "/staff/queue")
    await expect(desk.locator("#queue-rows")).to_contain_text("现在没有排队的请求")

    citizen = await new_page(browser, 420, 800)
    await citizen.goto(site.url + "/")
    await expect(citizen.locator(".row.bot .bubble").first).to_contain_text("您好")
    for text in ("复议要钱吗", "我要找人工", "惠山"):
        await citizen_says(citizen, text)
    await expect(citizen.locator(".row.bot .bubble").last).to_contain_text("工单号 2026-")

    # The request shows in the open queue page without a reload.
    row = desk.locator("#queue-rows tr", has_text="排队中")
    await expect(row).to_contain_text("行政复议")
    await expect(row).to_contain_text("惠山")
    await desk.screenshot(path=ARTIFACTS / "desk-queue.png")
    await row.get_by_role("button", name="接单").click()
    await expect(desk).to_have_url(site.url + "/staff/handoffs/1")
    await expect(desk.locator("#live")).to_have_attribute("data-state", "mine")
    await expect(citizen.locator(".row.bot .bubble").last).to_contain_text(site.label)

    await desk.get_by_label("回复市民").fill("您好，复议不收费。<b>请讲</b>")
    await desk.get_by_role("button", name="发送", exact=True).click()
    said = citizen.locator(".row.operator .bubble").last
    await expect(said).to_contain_text("您好，复议不收费。<b>请讲</b>")
    await expect(citizen.locator(".row.operator").last).to_contain_text(
        f"热线工作人员 {site.label}"
    )
    await desk.get_by_role("button", name="发送常用回复").click()
    await expect(citizen.locator(".row.operator .bubble").last).to_contain_text(CANNED["问候"])

    # The citizen's answer appears in the operator's transcript as it comes, as text.
    await citizen_says_no_wait(citizen, "好的<script>alert(1)</script>谢谢")
    transcript = desk.locator(".transcript li.citizen").last
    await expect(transcript).to_contain_text("好的<script>alert(1)</script>谢谢")
    assert await desk.locator(".transcript script").count() == 0
    await desk.screenshot(path=ARTIFACTS / "desk-conversation.png", full_page=True)
    await citizen.screenshot(path=ARTIFACTS / "desk-citizen.png")

    await desk.get_by_label("结束代码").select_option("resolved")
    await desk.get_by_role("button", name="结束工单").click()
    await expect(desk.locator("#live")).to_have_attribute("data-state", "closed")
    await expect(citizen.locator(".row.bot .bubble").last).to_contain_text("打个分")
    await citizen.locator(".row.bot").last.get_by_role("button", name="4 满意").click()
    await expect(citizen.locator(".row.bot .bubble").last).to_contain_text("谢谢您的评分")
    await desk.context.close()
    await citizen.context.close()


async def citizen_says_no_wait(page: Page, text: str) -> None:
    """Send while a human has the conversation: the bot stays silent, so no answer comes."""
    await page.locator("#text").fill(text)
    await page.locator("#text").press("Enter")
    await expect(page.locator(".row.me .bubble").last).to_contain_text(text)


async def test_manager_sees_the_charts(browser, site):
    page = await new_page(browser, 1280, 1000)
    await sign_in(page, site.url, "boss")
    await expect(page).to_have_url(site.url + "/staff/dashboard")
    await expect(page.locator("#conversations")).not_to_have_text("0")
    for chart in ("chart-volume", "chart-handoff", "chart-wait", "chart-satisfaction"):
        canvas = page.locator(f"#{chart}")
        await expect(canvas).to_be_visible()
        drawn = await canvas.evaluate("c => Chart.getChart(c) !== undefined && c.width > 0")
        assert drawn, chart
    await page.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)
    # What the citizen wrote to the operator is not a question the bot failed.
    assert "alert(1)" not in await page.content()
    # Managers do not read transcripts.
    response = await page.goto(site.url + "/staff/handoffs/1")
    assert response is not None and response.status == 403
    await page.context.close()
