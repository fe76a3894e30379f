"""What operators and managers read in their Telegram group (citizens never see these)."""

from __future__ import annotations

REASONS = {
    "request": "市民要求转人工",
    "fallback": "机器人连续两次没能回答",
    "feedback": "市民连续两次评价“没帮助”",
    "emergency": "紧急情况（已提示报警 110）",
    "intake": "需要工作人员受理",
}
TOPIC_NAME = "{ticket} {service} {district}"
URGENT_MARK = "【紧急】"
SUMMARY_TITLE = "{urgent}工单 {ticket}"
SUMMARY_FIELDS = (
    ("服务", "service"),
    ("意图", "intent"),
    ("区（县）", "district"),
    ("原因", "reason"),
    ("渠道", "channel"),
    ("描述", "description"),
    ("识别到", "entities"),
)
SUMMARY_RECENT = "最近的对话（个人号码已遮盖）："
SPEAKERS = {"citizen": "市民", "bot": "机器人", "operator": "工作人员"}
CLAIM_BUTTON = "接单"
BACK_BUTTON = "转回机器人"
CLOSE_BUTTON = "结束"
CLAIMED = (
    "{label} 已接单。在本话题里发的消息会转给市民；/note 内部备注，/reply 名称 发常用回复，"
    "/bot 转回机器人，/close [代码] 结束。"
)
ALREADY_CLAIMED = "已被 {label} 接单"
NOT_OPERATOR = "只有值班工作人员可以操作"
NOT_CLAIMED_YET = "请先点「接单」，市民才会收到您的消息。"
NOT_YOURS = "这张工单由 {label} 负责，您的消息没有转给市民。"
NOT_YOURS_TO_END = "这张工单由 {label} 负责，只有 {label} 可以结束、转回机器人或转交。"
CLOSED_ALREADY = "这张工单已经结束。"
FROM_CITIZEN = "市民："
CITIZEN_MEDIA = "市民发来：{kind}"
CLOSED = "{label} 已结束工单（{code}）。"
HANDED_BACK = "{label} 已把对话转回机器人。"
CANCELLED = "市民已取消转人工。"
IDLE_CLOSED = "市民 {hours} 小时没有回复，工单已自动结束。"
NOTE_SAVED = "备注已保存（不会发给市民）。"
REASSIGNED_QUEUE = "{label} 把工单放回了队列，等待其他同事接单。"
REASSIGNED_TO = "{label} 把工单转给了 {target}。"
UNKNOWN_OPERATOR = "没有这位工作人员：{name}"
UNKNOWN_CANNED = "没有叫“{name}”的常用回复。可用：{names}"
UNKNOWN_CODE = "结束代码可以是：{codes}"
WEB_NO_MEDIA = "网页用户收不到图片和文件，请用文字说明。"
REMIND = "提醒：工单 {ticket} 已等待 {minutes} 分钟（按工作时间计），还没有人接单。"
ESCALATE = (
    "升级：工单 {ticket}（{service}）已等待 {minutes} 分钟（按工作时间计）无人接单，请安排人员。"
)
FLAG = "注意：市民 {minutes} 分钟前发来的消息还没有回复（负责人 {label}）。"
CLOSE_CODES = {
    "resolved": "已解答",
    "referred": "已转办",
    "intake": "已受理",
    "no_response": "市民未回应",
    "invalid": "无效咨询",
}
# A web console operator's desk number, shown to citizens instead of the account's name.
WEB_LABEL = "坐席{n:02d}"
WEB_SAID = "{label}（网页坐席）：\n{text}"
EMPTY_NOTE = "备注是空的，没有保存。"
# Something failed while handling an operator's update; the error is in the log.
NOT_DELIVERED = (
    "出错了：刚才这条消息可能没有送达市民（错误已记录）。请稍后重发；"
    "如果发的是命令，请先确认工单状态再重试。"
)
ACTION_FAILED = "出错了，操作可能没有完成（错误已记录）。请确认工单状态后再试。"
# Managers' reports in Telegram.
STATS_TITLE = "咨询统计"
DAILY_TITLE = "每日报告"
WEEKLY_TITLE = "每周报告"
STATS_USAGE = "用法：/stats today、/stats 7d 或 /stats 30d"
STATS_FAILED = "统计暂时没有算出来，请稍后再试；问题已记录。"
WEB_CLAIMED = "已接单，可以回复市民了。"
WEB_SENT = "已发送"
