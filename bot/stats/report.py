"""The managers' report: key figures as a short text and the same period as a chart image."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

from bot.handoff.hours import DayKind, OfficeHours
from bot.stats.period import Period

log = logging.getLogger(__name__)

SERVICES = (("mediation", "人民调解", "#2f6f4f"), ("legal_aid", "法律援助", "#b5562b"),
            ("admin_review", "行政复议", "#2b5797"), ("other", "其他", "#8a8a8a"))  # fmt: skip
# Fonts with Chinese glyphs, the first one found is used (scripts/ensure-debian.sh fonts).
CJK_FONTS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Source Han Sans SC"]
PERIOD_NAMES = {"today": "今天", "7d": "最近 7 天", "30d": "最近 30 天"}


def pct(value: float | None) -> str:
    """A ratio as a percentage, or a dash when there is no base."""
    return "—" if value is None else f"{value * 100:.1f}%"


def minutes(seconds: float | None, digits: int = 1) -> str:
    """Seconds as minutes for a reader, or a dash."""
    return "—" if seconds is None else f"{seconds / 60:.{digits}f} 分钟"


def period_label(period: Period) -> str:
    """`最近 7 天（11月16日–11月22日）`: the name and the local dates covered."""
    first = period.start.astimezone(period.zone).date()
    last = (period.end - dt.timedelta(seconds=1)).astimezone(period.zone).date()
    dates = f"{first.month}月{first.day}日"
    if last != first:
        dates += f"–{last.month}月{last.day}日"
    name = PERIOD_NAMES.get(period.name)
    return f"{name}（{dates}）" if name else dates


def summary(title: str, period: Period, f: dict[str, Any]) -> str:
    """The key figures of a period as plain text (no markup: Telegram shows it as is)."""
    v, h, s = f["volume"], f["handoff"], f["satisfaction"]
    services = "、".join(f"{name} {f['by_service'].get(key, 0)}" for key, name, _colour in SERVICES)
    average = "—" if s["average"] is None else f"{s['average']:.2f} 分"
    helpful = pct(f["helpful"]["helpful_rate"])
    lines = [
        f"{title} · {period_label(period)}",
        f"会话 {v['conversations']}，市民消息 {v['messages_in']}",
        f"按服务：{services}",
        f"机器人独立解答 {h['resolved_by_bot']}，转人工 {h['conversations_handed']}"
        f"（转人工率 {pct(h['handoff_rate'])}）",
        f"接单等待中位数（工作时间）{minutes(h['time_to_claim_business']['p50'], 0)}，"
        f"p90 {minutes(h['time_to_claim_business']['p90'], 0)}",
        f"满意度 {average}（{s['rated']} 人评分）；答复“有帮助” {helpful}",
        f"没听懂的比例 {pct(f['nlu']['fallback_rate'])}",
    ]
    if f["unanswered"]:
        lines.append("没能回答最多的：" + "；".join(u["text"][:30] for u in f["unanswered"][:3]))
    return "\n".join(lines)


def chart_png(title: str, f: dict[str, Any]) -> bytes:
    """Daily conversations by service and the satisfaction ratings, as one PNG (matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    known = {font.name for font in font_manager.fontManager.ttflist}
    fonts = [name for name in CJK_FONTS if name in known]
    if not fonts:
        log.warning("no Chinese font found: the chart's labels will lack glyphs")
    figure = Figure(figsize=(9, 4), dpi=110, layout="constrained")
    with matplotlib.rc_context({"font.family": [*fonts, "DejaVu Sans"],
                                "axes.unicode_minus": False}):  # fmt: skip
        volume, ratings = figure.subplots(1, 2, width_ratios=(2, 1))
        days = [d["date"][5:] for d in f["daily"]]
        bottom = [0] * len(days)
        for key, name, colour in SERVICES:
            counts = [d["services"].get(key, 0) for d in f["daily"]]
            volume.bar(days, counts, bottom=bottom, label=name, color=colour)
            bottom = [a + b for a, b in zip(bottom, counts, strict=True)]
        volume.set_title("每日会话（按服务）")
        volume.legend(loc="upper left", fontsize=8)
        volume.tick_params(axis="x", labelrotation=45, labelsize=7)
        stars = f["satisfaction"]["distribution"]
        ratings.bar([f"{k}分" for k in stars], list(stars.values()), color="#1f3b5a")
        ratings.set_title("满意度评分（人数）")
        if not any(stars.values()):
            ratings.text(0.5, 0.5, "本期没有评分", ha="center", transform=ratings.transAxes)
        ratings.set_ylim(0, max(1, *stars.values()))
        volume.set_ylim(bottom=0)
        for axes in (volume, ratings):
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        figure.suptitle(title)
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()


def daily_period(today: dt.date, hours: OfficeHours) -> Period | None:
    """The days a working day's morning report covers: all since the last working day.

    None on days off. After a weekend or a holiday the report covers the days off too,
    so nothing falls between two reports.
    """
    if hours.day_kind(today)[0] not in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY):
        return None
    first = today - dt.timedelta(days=1)
    for _ in range(30):  # the longest run of days off is far shorter
        if hours.day_kind(first)[0] in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY):
            break
        first -= dt.timedelta(days=1)
    start = dt.datetime.combine(first, dt.time(), hours.zone)
    return Period("daily", start, dt.datetime.combine(today, dt.time(), hours.zone))


def weekly_period(today: dt.date, zone: dt.tzinfo) -> Period | None:
    """Monday's report: the seven days before it; None on other days."""
    if today.weekday() != 0:
        return None
    end = dt.datetime.combine(today, dt.time(), zone)
    return Period("weekly", end - dt.timedelta(days=7), end)
