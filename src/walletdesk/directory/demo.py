"""Demo directory: four regions, realistic hours, holidays, an overnight line.

Numbers and domains are fictional (``.example`` domains; the London number is
in Ofcom's range reserved for drama).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from . import services
from .models import Channel, Region, ServiceHours

T = time


def _week(days: range | tuple[int, ...], *spans: tuple[time, time]) -> list[tuple[int, time, time]]:
    return [(d, s, e) for d in days for s, e in spans]


WEEKDAYS, EVERY_DAY = range(5), range(7)

HOURS: dict[str, tuple[str, bool, list[tuple[int, time, time]]]] = {
    "cn-hotline": ("Asia/Shanghai", False, _week(EVERY_DAY, (T(8), T(22)))),
    "cn-business": ("Asia/Shanghai", False,
                    _week(WEEKDAYS, (T(9), T(12)), (T(13), T(18)))),
    "cn-chat": ("Asia/Shanghai", False, _week(EVERY_DAY, (T(7), T(23, 30)))),
    "cn-security": ("Asia/Shanghai", True, []),
    "hk-hotline": ("Asia/Hong_Kong", False,
                   _week(WEEKDAYS, (T(9), T(18))) + _week((5,), (T(9), T(13)))),
    "hk-night": ("Asia/Hong_Kong", False, _week(EVERY_DAY, (T(22), T(2)))),
    "sg-hotline": ("Asia/Singapore", False, _week(WEEKDAYS, (T(9), T(18)))),
    "sg-chat": ("Asia/Singapore", False, _week(EVERY_DAY, (T(8), T(23)))),
    "intl-hotline": ("Europe/London", False, _week(WEEKDAYS, (T(8), T(20)))),
}

HOLIDAYS: dict[str, list[tuple[date, str, str, tuple[time, time] | None]]] = {
    "cn-hotline": [(date(2027, 2, d), "春节", "Spring Festival", (T(10), T(16))) for d in range(6, 13)],
    "cn-business": [(date(2027, 1, 1), "元旦", "New Year's Day", None),
                    *[(date(2027, 2, d), "春节", "Spring Festival", None) for d in range(6, 13)]],
    "hk-hotline": [(date(2026, 12, 25), "聖誕節", "Christmas Day", None),
                   (date(2026, 12, 26), "聖誕節翌日", "The first weekday after Christmas Day", None),
                   (date(2027, 1, 1), "元旦", "New Year's Day", None)],
    "sg-hotline": [(date(2026, 12, 24), "平安夜（半天）", "Christmas Eve (half day)", (T(9), T(12))),
                   (date(2026, 12, 25), "圣诞节", "Christmas Day", None),
                   (date(2027, 1, 1), "元旦", "New Year's Day", None)],
    "intl-hotline": [(date(2026, 12, 25), "圣诞节", "Christmas Day", None),
                     (date(2026, 12, 28), "节礼日（补假）", "Boxing Day (substitute day)", None),
                     (date(2027, 1, 1), "元旦", "New Year's Day", None)],
}

REGIONS = [
    ("CN", "中国大陆", "Mainland China", "Asia/Shanghai", 1,
     "热线 8:00–22:00，春节期间缩短服务时间。", "Hotline 8:00–22:00; shorter hours during Spring Festival."),
    ("HK", "香港", "Hong Kong", "Asia/Hong_Kong", 2,
     "提供粤语、普通话及英语服务；夜间专线处理紧急问题。",
     "Cantonese, Mandarin and English; a night line for urgent problems."),
    ("SG", "新加坡", "Singapore", "Asia/Singapore", 3, "", ""),
    ("INTL", "国际", "International", "Europe/London", 4,
     "其他国家和地区的用户请使用此线路（英国时间，含夏令时）。",
     "For every other country (UK time, with daylight saving)."),
]

# region, kind, platform, value, label zh, label en, hours, notes zh, notes en
CHANNELS: list[tuple[str, str, str, str, str, str, str | None, str, str]] = [
    ("CN", "phone", "", "400-820-1024", "客服热线", "Customer hotline", "cn-hotline",
     "按 1 查询交易，按 2 账户安全。", "Press 1 for transactions, 2 for account security."),
    ("CN", "phone", "", "+86 21 6010 1024", "账户安全与挂失（24 小时）",
     "Account security and lost phone (24 h)", "cn-security", "", ""),
    ("CN", "phone", "", "+86 21 6010 2048", "商户服务", "Merchant services", "cn-business", "", ""),
    # No note claiming chat is quicker than the phone: a note is fixed text, and the waits the
    # page shows beside it change by the hour (it once said so beside a 61-minute chat wait).
    ("CN", "chat", "", "App 内「联系客服」在线客服", "在线客服", "Online chat", "cn-chat", "", ""),
    ("CN", "email", "", "support@walletdesk.example", "客服邮箱", "Support email", None,
     "一个工作日内回复。", "Answered within one working day."),
    ("CN", "website", "", "walletdesk.example", "官方网站", "Official website", None, "", ""),
    ("CN", "website", "", "app.walletdesk.example", "App 下载", "App download", None, "", ""),
    ("CN", "social", "weibo", "@walletdesk", "官方微博", "Official Weibo", None, "", ""),
    ("CN", "social", "wechat", "walletdesk_cs", "微信公众号", "WeChat official account", None, "", ""),
    ("HK", "phone", "", "+852 3008 1024", "客服熱線", "Customer hotline", "hk-hotline", "", ""),
    ("HK", "phone", "", "+852 3008 2048", "夜间紧急专线", "Night line for urgent problems", "hk-night",
     "每晚 22:00 至次日 02:00。", "Every night 22:00 to 02:00."),
    ("HK", "email", "", "hk.support@walletdesk.example", "香港客服邮箱", "Hong Kong support email",
     None, "", ""),
    ("HK", "website", "", "walletdesk.example", "官方网站", "Official website", None, "", ""),
    ("HK", "social", "facebook", "walletdesk.hk", "Facebook 专页", "Facebook page", None, "", ""),
    ("SG", "phone", "", "+65 6100 1024", "客服热线", "Customer hotline", "sg-hotline", "", ""),
    ("SG", "chat", "", "In-app chat", "在线客服", "Online chat", "sg-chat", "", ""),
    ("SG", "email", "", "sg.support@walletdesk.example", "新加坡客服邮箱", "Singapore support email",
     None, "", ""),
    ("SG", "website", "", "walletdesk.example", "官方网站", "Official website", None, "", ""),
    ("INTL", "phone", "", "+44 20 7946 0958", "国际客服热线", "International hotline",
     "intl-hotline", "", ""),
    ("INTL", "email", "", "intl.support@walletdesk.example", "国际客服邮箱", "International support email",
     None, "", ""),
    ("INTL", "website", "", "walletdesk.example", "官方网站", "Official website", None, "", ""),
    ("INTL", "social", "x", "@walletdesk", "X 账号", "X account", None, "", ""),
]


def _hours() -> dict[str, ServiceHours]:
    made: dict[str, ServiceHours] = {}
    for name, (tz, always, weekly) in HOURS.items():
        sh = ServiceHours.objects.filter(name=name).first()
        if sh is None:
            sh = services.save_hours(ServiceHours(name=name, time_zone=tz, always_open=always),
                                     weekly=weekly)
            for day, zh, en, span in HOLIDAYS.get(name, []):
                services.set_special_day(sh, day, closed=span is None,
                                         start=span[0] if span else None,
                                         end=span[1] if span else None, name_zh=zh, name_en=en)
        made[name] = sh
    return made


def seed() -> list[dict[str, Any]]:
    hours = _hours()
    regions: dict[str, Region] = {}
    for code, zh, en, tz, order, notes_zh, notes_en in REGIONS:
        region = Region.objects.filter(code=code).first() or services.save_region(Region(
            code=code, name_zh=zh, name_en=en, time_zone=tz, sort_order=order,
            notes_zh=notes_zh, notes_en=notes_en))
        regions[code] = region
    for order, (code, kind, platform, value, zh, en, hname, nzh, nen) in enumerate(CHANNELS):
        channel = Channel(region=regions[code], kind=kind, platform=platform, value=value,
                          label_zh=zh, label_en=en, hours=hours[hname] if hname else None,
                          notes_zh=nzh, notes_en=nen, sort_order=order)
        services.check_channel(channel, code)
        if not Channel.objects.filter(region=regions[code], kind=kind,
                                      normalized=channel.normalized).exists():
            services.save_channel(channel)
    return []


def seed_late() -> list[dict[str, Any]]:
    """After every app's demo: eight weeks of contact history for the wait forecast."""
    from . import demo_history

    return demo_history.seed()
