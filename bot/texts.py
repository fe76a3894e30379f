"""Every sentence a citizen reads, in one place (simplified Chinese)."""

from __future__ import annotations

from bot.types import Topic

HOTLINE = "12348"

SERVICE_NAMES: dict[Topic, str] = {
    Topic.MEDIATION: "人民调解",
    Topic.LEGAL_AID: "法律援助",
    Topic.ADMIN_REVIEW: "行政复议",
    Topic.OTHER: "其他问题",
}

MENU_LABELS: dict[str, str] = {
    "topic:mediation": "人民调解",
    "topic:legal_aid": "法律援助",
    "topic:admin_review": "行政复议",
    "human": "转人工",
}

GREETING = (
    "您好！我是司法局的智能法律服务助手，可以解答人民调解、法律援助、行政复议方面的问题。\n"
    "请直接用一句话说说您遇到的事，或者点下面的按钮。"
)
THANKS = "不客气。还有别的问题，随时可以问我。"
GOODBYE = "祝您顺利，再见！需要时随时回来找我。"
AFFIRM = "好的。请接着说说您的情况，或者点下面的按钮选择服务。"
DENY = "好的。如果还有别的问题，可以直接告诉我。"
BOT_CHALLENGE = (
    "我是智能助手，不是真人，回答来自法律法规和本地政策文件。"
    f"需要人工服务可以点「转人工」，或拨打公共法律服务热线 {HOTLINE}。"
)
CHITCHAT = "我只会回答人民调解、法律援助和行政复议方面的问题。您有这方面的事需要咨询吗？"
OUT_OF_SCOPE = (
    "这个问题不在我能解答的范围内（我只回答人民调解、法律援助、行政复议）。"
    f"建议拨打公共法律服务热线 {HOTLINE} 咨询。"
)
REQUEST_HUMAN = f"需要人工服务的话，请拨打公共法律服务热线 {HOTLINE}，工作人员会为您解答。"
EMERGENCY = (
    "如果您或他人正面临暴力、威胁或生命危险，请立即拨打 110 报警；"
    "有人受伤请拨打 120 急救。请先确保自己的安全。"
)
UNSURE = "抱歉，我没有完全理解您的问题。您是想咨询下面哪一类服务？也可以换个说法再问一次。"
EMPTY = "我没有收到文字内容。请用文字说说您遇到的问题。"
DEGRADED_NOTICE = (
    f"（系统暂时繁忙，下面的回答可能不够准确。需要的话可以点「转人工」或拨打 {HOTLINE}。）"
)

# One accurate sentence per service, with its statutory source, until a
# fuller answer is found for the citizen's question.
SERVICE_OVERVIEW: dict[Topic, tuple[str, str]] = {
    Topic.MEDIATION: (
        "人民调解是由人民调解委员会通过说服、疏导等方法，促使当事人在平等协商基础上"
        "自愿达成调解协议、解决民间纠纷的活动；调解不收取任何费用。",
        "《中华人民共和国人民调解法》第二条、第四条",
    ),
    Topic.LEGAL_AID: (
        "法律援助是国家为经济困难公民和符合法定条件的其他当事人无偿提供法律咨询、"
        "代理、刑事辩护等法律服务的制度。",
        "《中华人民共和国法律援助法》第二条",
    ),
    Topic.ADMIN_REVIEW: (
        "认为行政机关的行政行为侵犯自己合法权益的，可以自知道或者应当知道该行政行为"
        "之日起六十日内申请行政复议（法律规定的期限超过六十日的除外）；申请不收费。",
        "《中华人民共和国行政复议法》第二十条、第八十七条",
    ),
}

SOURCE_PREFIX = "依据："
