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
# Says what bot.privacy does; tests/bot/test_privacy.py holds the two together.
PRIVACY_NOTICE = (
    "隐私说明：您发来的文字保存在司法局的服务器上，只用于答复您和改进服务，"
    "其中的身份证号、手机号、银行卡号和邮箱会被遮盖（转人工期间工作人员可以看到）。\n"
    "对话停止 {days} 天后，文字和身份信息会被删除，只留下统计数字；"
    "发送 /forget 可以随时删除您的全部记录。"
)
FORGET_CONFIRM = "确定要删除您在这里的全部聊天记录和转人工记录吗？删除后无法恢复。"
FORGET_YES = "确定删除"
FORGET_NO = "不删除"
FORGOTTEN = "您的记录已经全部删除。需要时可以随时重新开始咨询。"
FORGET_KEPT = "好的，记录没有删除。"
FORGET_LATER = "您正在和工作人员交流，请在交流结束后再发送 /forget 删除记录。"
HELP = (
    "您可以直接用一句话描述遇到的事，例如“邻居漏水不肯赔怎么办”“罚款不服怎么申请复议”。\n"
    f"/menu 显示服务菜单；点「转人工」或拨打 {HOTLINE} 可以找工作人员。"
)
TELEGRAM_COMMANDS = {
    "start": "开始使用、隐私说明",
    "menu": "服务菜单",
    "help": "使用帮助",
    "forget": "删除我的全部记录",
}
WEB_BAD_MESSAGE = "这条消息没有发送成功（格式不对，或超过一万字）。请修改后再发一次。"
# Too many web chat messages in a short time (from one session or one network address).
WEB_SLOW_DOWN = (
    "您的消息发得有点快，这一条没有送出，请稍等片刻再发。\n"
    f"如果情况紧急，请直接拨打 110 报警，或拨打公共法律服务热线 {HOTLINE}。"
)
MENU_PROMPT = "请选择您要咨询的服务："
MEDIA_NEEDS_TEXT = (
    "我目前只能看懂文字。请用文字说说您的问题；需要提交照片或文件的，"
    "可以点「转人工」，工作人员接手后再发给他们。"
)
GROUP_PRIVATE_HINT = "涉及个人情况的问题，请私聊我，以免个人信息在群里公开。"
ERROR_SORRY = f"抱歉，系统刚才出了点问题，没能处理您的消息。请稍后再发一次，或拨打 {HOTLINE}。"
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
# Legal areas outside the three services: where such a matter goes (bot/nlu/topics.py AREAS).
AREA_REFERRALS: dict[str, str] = {
    "other_labour": (
        "工资、辞退、社保、工伤待遇这类劳动争议，不属于人民调解、法律援助、行政复议本身的问题："
        "可以向劳动人事争议仲裁委员会申请劳动仲裁（仲裁不收费），拖欠工资也可以向当地人力资源"
        "社会保障部门的劳动保障监察机构投诉。\n"
        "农民工讨要工资或者请求工伤赔偿，可以申请法律援助，而且不用审查经济困难状况"
        "（《法律援助法》第四十二条）。"
    ),
    "other_court": (
        "这是法院诉讼程序里的问题。法院出具的调解书、判决书由人民法院负责，对方不履行的，"
        "可以向人民法院申请强制执行；案件进展和程序可以直接问承办的法院。\n"
        f"因经济困难请不起律师的，可以向法律援助机构申请法律援助，咨询 {HOTLINE}。"
    ),
    "other_criminal": (
        "刑事案件由公安机关、人民检察院、人民法院依法办理，具体怎么处理要看案情，我没法判断。\n"
        "犯罪嫌疑人、被告人因经济困难或者其他原因没有委托辩护人的，本人及其近亲属可以向法律援助"
        "机构申请法律援助（《法律援助法》第二十四条）；被害人因经济困难没有委托代理人的，"
        "也可以申请（第二十九条）。"
    ),
    "other_traffic": (
        "交通事故的赔偿，可以和对方及保险公司协商，也可以请处理事故的公安交通管理部门调解，"
        "或者向人民法院起诉；不少地方设有道路交通事故人民调解委员会，可以申请人民调解。\n"
        "因交通事故请求人身损害赔偿、经济困难没有委托代理人的，可以申请法律援助"
        "（《法律援助法》第三十一条第（七）项）。"
    ),
    "other_family": (
        "离婚、抚养、继承这类婚姻家庭问题，可以协商，也可以申请人民调解，或者向人民法院起诉。\n"
        "请求给付赡养费、抚养费、扶养费，经济困难没有委托代理人的，可以申请法律援助"
        "（《法律援助法》第三十一条第（四）项）；遭受家庭暴力的，申请法律援助不受经济困难条件的限制"
        "（第三十二条）。"
    ),
    "other_debt": (
        "借钱、欠款、合同这类纠纷，可以先协商，也可以向村（居）或乡镇、街道的人民调解委员会"
        "申请调解（免费），谈不拢的可以向人民法院起诉。"
    ),
    "other_property": (
        "房屋、土地这类财产问题，和对方有纠纷的，可以协商或申请人民调解，也可以向人民法院起诉；"
        "办证、过户等手续，请问不动产登记等主管部门。"
    ),
    "other_consumer": (
        "消费纠纷可以先和商家协商，也可以请消费者协会或其他调解组织调解，向市场监督管理等部门投诉，"
        "或者向人民法院起诉（《消费者权益保护法》第三十九条）。"
    ),
}
# A message with no Chinese in it: one short reply in its language.
NOT_CHINESE: dict[str, str] = {
    "en": (
        "This service answers in Chinese only, about people's mediation, legal aid and "
        f"administrative review in China. Please write in Chinese, or call the public legal "
        f"service hotline {HOTLINE}. In an emergency, call 110."
    ),
    "ja": (
        "このサービスは中国語のみで、中国の人民調停・法律援助・行政不服審査についてお答えします。"
        f"中国語でご質問いただくか、公共法律サービスホットライン {HOTLINE} にお電話ください。"
        "緊急の場合は 110 へ。"
    ),
    "ko": (
        "이 서비스는 중국어로만 중국의 인민조정, 법률원조, 행정심판에 대해 안내합니다. "
        f"중국어로 질문하시거나 공공법률서비스 핫라인 {HOTLINE}으로 전화해 주세요. "
        "긴급 상황에는 110으로 연락하세요."
    ),
    "ru": (
        "Этот сервис отвечает только на китайском языке — о народной медиации, юридической "
        "помощи и административном обжаловании в Китае. Напишите по-китайски или позвоните "
        f"на горячую линию юридических услуг {HOTLINE}. В экстренной ситуации звоните 110."
    ),
}
REQUEST_HUMAN = f"需要人工服务的话，请拨打公共法律服务热线 {HOTLINE}，工作人员会为您解答。"
EMERGENCY = (
    "如果您或他人正面临暴力、威胁或生命危险，请立即拨打 110 报警；"
    "有人受伤请拨打 120 急救。请先确保自己的安全。"
)
# The first line of every reply while danger lasts, by the danger's kind (bot/nlu/danger.py).
EMERGENCY_BY_KIND: dict[str, str] = {
    "violence": EMERGENCY,
    "weapon": EMERGENCY,
    "threat": (
        "对方的威胁如果让您感到人身安全受到威胁，请立即拨打 110 报警，"
        "先到安全的地方、和家人或邻居在一起。"
    ),
    "self_harm": (
        "您现在的感受很重要，您不是一个人。如果有伤害自己的想法或已经伤到自己，"
        "请马上拨打 120 急救或 110；想找人聊一聊，可以拨打心理援助热线 12356。"
    ),
    "medical": "有人受伤或身体出现危险，请立即拨打 120 急救。",
    "fire": "着火或闻到燃气味，请马上离开现场，拨打 119；有人受伤请拨打 120。",
}
EMERGENCY_STILL = "（安全第一：危险还在的话，请立即拨打 110 或 120。）"
SAFE_NOW = "知道您现在安全了，我们就放心了。接下来的事情，我们可以慢慢说。"
UNSURE = "抱歉，我没有完全理解您的问题。您是想咨询下面哪一类服务？也可以换个说法再问一次。"
EMPTY = "我没有收到文字内容。请用文字说说您遇到的问题。"
DEGRADED_NOTICE = (
    f"（系统暂时繁忙，下面的回答可能不够准确。需要的话可以点「转人工」或拨打 {HOTLINE}。）"
)


SOURCE_PREFIX = "依据："

HUMAN_BUTTON = "转人工"
HELPFUL_BUTTON = "👍 有帮助"
UNHELPFUL_BUTTON = "👎 没帮助"

CASE_NOTICE = "以上是一般性法律信息，不是律师对您个案的意见。"
LOCAL_INTRO = "本地情况"
CONTACT_DEFAULT = f"办理地点和时间请拨打公共法律服务热线 {HOTLINE} 咨询。"
CONTACT_CONFIGURED = "本地联系方式：{contact}"
NOT_FOUND = (
    "抱歉，我在手头的法律法规和政策文件里没有找到能回答这个问题的内容，"
    f"不想给您不准确的说法。您可以点「转人工」，或拨打公共法律服务热线 {HOTLINE}。"
)
FEEDBACK_THANKS = "谢谢您的反馈！还有别的问题可以继续问我。"
FEEDBACK_SORRY = (
    "抱歉没能帮上忙。您可以换个说法再问一次，或点「转人工」，也可以拨打公共法律服务热线 "
    f"{HOTLINE}。"
)

# The administrative-review deadline calculator (行政复议法 第二十条、第二十一条).
DEADLINE_EXACT = "按您说的，您是在{learned}知道这个行政行为的。"
DEADLINE_APPROX = (
    "按您说的“{phrase}”估算，您大约是在{learned}知道这个行政行为的（日期不精确，请以实际为准）。"
)
DEADLINE_LEFT = (
    "申请行政复议的期限一般是六十日，算下来大约还剩 {days} 天，到{last_day}左右为止。"
    "建议尽早申请，不要拖到最后几天。"
)
DEADLINE_TODAY = "申请行政复议的期限一般是六十日，按这个日期算，今天大约是最后一天，请马上申请。"
DEADLINE_PASSED = (
    "申请行政复议的期限一般是六十日，按这个日期算，大约已经超过了 {days} 天。"
    "但如果属于下面前两种情况，可能还来得及，请尽快咨询："
)
DEADLINE_RULES = (
    "· 因不可抗力或者其他正当理由耽误的，申请期限自障碍消除之日起继续计算；\n"
    "· 行政机关作出决定时没有告知您复议权利、复议机关和申请期限的，从您知道这些之日起算，"
    "但自知道行为内容之日起最长不超过一年；\n"
    "· 无论如何，涉及不动产的自行为作出之日起超过二十年、其他超过五年的，复议机关不予受理。\n"
    "依据：《中华人民共和国行政复议法》第二十条、第二十一条。期限的具体计算以行政复议机关认定为准。"
)
DEADLINE_UNKNOWN = (
    "您说的时间不太确定。申请行政复议的期限一般是从知道行政行为之日起六十日内"
    "（《中华人民共和国行政复议法》第二十条）。请告诉我大概的日期，比如“3月5日收到决定书”"
    "或“两个月前”，我帮您算一算还剩多少天。"
)
DEADLINE_INVALID = "“{phrase}”好像不是一个有效的日期，请再确认一下，比如“3月5日”。"
DEADLINE_FUTURE = (
    "“{phrase}”还没到呢。请告诉我您是哪天知道这个决定的，比如“3月5日收到决定书”或“两个月前”。"
)
DEADLINE_ASK = (
    "告诉我您是哪天收到决定书或知道这件事的（比如“3月5日”或“两个月前”），我帮您算算还剩多少天。"
)

CHECK_LEAVE_BUTTON = "不测了"
CHECK_INTRO = "好的，三个问题帮您初步判断能不能申请法律援助，随时可以点「不测了」退出。"
CHECK_ASK_MATTER = "您要办的是什么事？"
CHECK_ASK_GROUP = "您是否属于下面这些人？"
CHECK_ASK_MEANS = "您（和家里）的经济情况，请得起律师吗？"
CHECK_NOT_UNDERSTOOD = "抱歉，我没看明白，请点下面的按钮选一个。"
CHECK_LEFT = "好的，已退出自查。有别的问题可以直接问我。"
CHECK_RESUME_BUTTON = "继续法律援助自查"
CHECK_CRIMINAL = (
    "【初步判断：可以申请】刑事案件的犯罪嫌疑人、被告人因经济困难或者其他原因没有委托辩护人的，"
    "本人及其近亲属可以向法律援助机构申请法律援助（《法律援助法》第二十四条）。"
    "属于未成年人，视力、听力、言语残疾人等情形且没有辩护人的，公检法机关应当通知法律援助机构"
    "指派律师（《法律援助法》第二十五条）。"
)
CHECK_NO_MEANS_TEST = (
    "【初步判断：很可能符合】遭受虐待、遗弃或者家庭暴力的受害人主张相关权益，以及见义勇为、"
    "英雄烈士近亲属等情形，申请法律援助不受经济困难条件的限制（《法律援助法》第三十二条）。"
)
CHECK_EXEMPT_PROOF = (
    "【初步判断：很可能符合】您的事项在法律援助范围内（《法律援助法》第三十一条）；有材料证明属于"
    "无固定生活来源的未成年人、老年人、残疾人，社会救助、优抚对象，或讨薪、工伤赔偿的进城务工人员的，"
    "免予核查经济困难状况（《法律援助法》第四十二条）。"
)
CHECK_DEPENDS = (
    "【初步判断：要看当地的经济困难标准】您的事项在法律援助范围内（《法律援助法》第三十一条），"
    "能否获得援助还要看是否达到经济困难标准，这个标准由各省、自治区、直辖市人民政府确定"
    "（《法律援助法》第三十四条）。申请时如实说明经济状况即可（《法律援助法》第四十一条）。"
)
CHECK_CAN_AFFORD = (
    "【初步判断：可能不符合】列明的民事、行政事项，是为因经济困难没有委托代理人的人提供法律援助"
    "（《法律援助法》第三十一条）。不过法律援助机构通过服务窗口、电话、网络等多种方式提供法律咨询服务"
    f"（《法律援助法》第二十三条），您可以先去咨询，也可以拨打 {HOTLINE}。"
)
CHECK_NOT_LISTED = (
    "【初步判断：可能不在援助范围】您的事不在法律列明的援助事项里，但法律、法规、规章还可能规定"
    "其他情形（《法律援助法》第三十一条）；法律援助机构也提供法律咨询服务（《法律援助法》第二十三条）。"
    f"邻里、家庭等纠纷还可以申请免费的人民调解；也可以拨打 {HOTLINE} 咨询。"
)
CHECK_HOW = (
    "怎么申请：\n"
    "① 去哪：打官司的，找办案机关所在地的法律援助机构；"
    "不打官司的，找争议处理机关所在地或事由发生地的法律援助机构（《法律援助法》第三十八条）；"
    "家人被羁押的，近亲属可以代为申请（《法律援助法》第四十条）。\n"
    "② 带什么：身份证件、案件材料；如实说明经济状况（《法律援助法》第四十一条），"
    "属于免查人群的带上证明材料（《法律援助法》第四十二条）。\n"
    "③ 多久：法律援助机构自收到申请之日起七日内作出决定（《法律援助法》第四十三条）。"
)

# Handing the conversation to hotline staff (转人工).
OPERATOR_SENDER = "热线工作人员 {label}"
HANDOFF_OFFER = "看来我没能回答好您的问题。要不要请热线工作人员来帮您？"
HANDOFF_OFFER_BUTTON = "好，转人工"
HANDOFF_ASK_DISTRICT = "好的，马上为您转人工。请问您在哪个区（县）？"
HANDOFF_ASK_DESCRIPTION = "请用一句话说说您要咨询的事，方便工作人员提前了解。"
HANDOFF_SKIP_BUTTON = "跳过"
HANDOFF_CANCEL_BUTTON = "取消转人工"
HANDOFF_QUEUED = (
    "已为您转接人工服务，工单号 {ticket}（再次咨询时可以报这个号码）。\n"
    "{place}工作人员接单后会在这里回复您，请不要关闭对话。"
)
HANDOFF_PLACE_FIRST = "您排在第一位。"
HANDOFF_PLACE = "您前面还有 {ahead} 位。"
HANDOFF_URGENT = "已把您的情况作为紧急求助转给热线工作人员，工单号 {ticket}。"
HANDOFF_ADJUSTED_WORKDAY = "今天是调休上班日，工作人员正常在岗。"
HANDOFF_CLOSED_NOW = (
    "现在是{why}，工作人员不在岗。您的请求已经保存，不会丢失，"
    "工作人员将在{back}上班后按顺序处理。着急的话，可以拨打公共法律服务热线 " + HOTLINE + "。"
)
WHY_WEEKEND = "周末"
WHY_HOLIDAY = "{holiday}假期"
WHY_BEFORE = "上班前"
WHY_LUNCH = "午休时间"
WHY_AFTER = "下班时间"
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
BACK_TODAY = "今天 {time}"
BACK_DAY = "{month}月{day}日（{weekday}）{time}"
HANDOFF_CLAIMED = "{sender}已接手您的咨询，请直接在这里和工作人员交流。"
HANDOFF_WAITING = "您的消息已转给工作人员，接单后会在这里回复您。"
HANDOFF_CANCELLED = "好的，已取消转人工。有问题可以继续问我。"
HANDOFF_CANNOT_CANCEL = "工作人员已经在处理您的咨询，请直接和工作人员交流。"
HANDOFF_BACK_TO_BOT = "工作人员已结束人工服务，接下来由智能助手继续为您解答。"
HANDOFF_CLOSED_ASK_RATING = "本次人工服务已结束（工单号 {ticket}）。请为这次服务打个分："
HANDOFF_IDLE_CLOSED = (
    "您有一段时间没有回复，本次人工服务（工单号 {ticket}）先结束了。"
    "还有问题可以随时再问我，或者点「转人工」。"
)
RATING_LABELS = ("1 很差", "2 较差", "3 一般", "4 满意", "5 很满意")
RATING_THANKS = "谢谢您的评分！如果愿意，可以再写一句意见或建议（也可以点「跳过」）。"
COMMENT_THANKS = "谢谢，您的意见已经记录。还有问题可以继续问我。"
COMMENT_SKIPPED = "好的。还有问题可以继续问我。"
RATING_LATE = "这次服务已经评过分了，谢谢您！"
HANDOFF_ALREADY_QUEUED = (
    "您的人工服务请求已经在处理中（工单号 {ticket}），不用再次申请；"
    "工作人员会在这里回复您，请不要关闭对话。"
)
NO_HUMAN_HERE = (
    "这里目前没有在线的工作人员，也不能安排回电。需要人工服务，请拨打公共法律服务热线 "
    + HOTLINE
    + "。"
)
CALLBACK_ASK_CONSENT = (
    "目前线上人工通道没有开通。您可以留下电话，由工作人员回电；"
    "电话号码只用于这次回电。同意的话请点「同意回电」。"
)
CALLBACK_CONSENT_BUTTON = "同意回电"
CALLBACK_DECLINE_BUTTON = "不用了"
CALLBACK_ASK_PHONE = "请输入您的联系电话（手机或座机）："
CALLBACK_BAD_PHONE = "这个号码好像不对，请再输入一次，比如 13812345678 或 0510-12345678。"
CALLBACK_SAVED = (
    "已登记回电请求，编号 {ticket}。工作人员会在工作时间给您回电。"
    "着急的话，也可以直接拨打公共法律服务热线 " + HOTLINE + "。"
)
CALLBACK_DECLINED = "好的。需要人工服务时，可以拨打公共法律服务热线 " + HOTLINE + "。"
WEB_MEDIA_NOT_SHOWN = "（工作人员发送了一个文件，网页聊天暂时无法显示，工作人员会用文字向您说明。）"

# Answers from the question bank (corpus/faq/bank/), shaped for a phone.
DETAILS_BUTTON = "详细说明"
SHORT_NOTICE = "（一般法律信息，不代替律师对您个案的意见）"
NEXT_STEP = "下一步："
# An answer names the question it answers: a "可以。" or "不能。" is never left to be read as
# a verdict on a different question the citizen asked.
ANSWERS = "关于“{question}”："
CONDITIONS = "要注意："
RELATED = "相关问题："
CHOOSE_PROMPT = "您是想问下面哪一个？（点一下看详细说明；都不是的话可以换个说法再问）"
GIST = "答：{gist}"
NONE_OF_THESE = "都不是，找人工"
DEADLINE_SHORT = (
    "按您说的{learned}知道这个决定，六十日的复议期限大约到{last_day}，还剩约 {days} 天。"
)
DEADLINE_SHORT_PASSED = (
    "按您说的{learned}知道这个决定，六十日的复议期限大约已过 {days} 天；"
    "有正当理由耽误或当初没被告知复议权利的，可能还来得及，见详细说明。"
)
STALE_BUTTON = "这个问题上面已经回答过了，可以往上翻看；还有别的问题，直接打字问我就行。"
# A button this conversation was not offered, or one whose moment has passed.
BUTTON_EXPIRED = "这个按钮已经失效了。有问题请直接打字问我，或发送 /menu 查看菜单。"
CHECK_ALREADY_TOLD = "根据您前面说的，已经知道：{facts}。"
CHECK_BUTTON_SHORT = "测一测能否申请"
CHECK_APPLY_BUTTON = "去哪里申请法律援助"
NO_SPECIFIC_ANSWER = "我没有找到和您的问题完全对应的解答，先说说这类事一般怎么办："
