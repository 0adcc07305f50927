"""Traditional Chinese for Hong Kong (zh-hant), generated from the zh-hans text.

OpenCC's ``s2hk`` configuration changes the characters; ``PHRASES`` then changes the words a
Hong Kong reader expects (帳戶, 登入, 網上客服, 電郵 …). The table and the reason for each
entry are in docs/i18n.md. Used twice: by ``walletdesk make_zh_hant`` (the catalogues) and at
render time for content stored once in Chinese (help articles, directory names).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from django.utils.translation import get_language

# (after s2hk, Hong Kong wording): applied in one pass, longest match first, so an entry
# never rewrites the result of another and a correct word can be protected by mapping it to
# itself (e.g. 應用程式 so that 應用 → 應用程式 does not run twice).
PHRASES: dict[str, str] = {
    # accounts and signing in
    "賬户": "帳戶",
    "賬號": "帳號",
    "户": "戶",
    "退出登錄": "登出",
    "登錄": "登入",
    "退出": "登出",
    "設置": "設定",
    "默認": "預設",
    "激活": "啟用",
    "設備": "裝置",
    # contact
    "在線客服": "網上客服",
    "在線聊天": "網上聊天",
    "人工客服": "真人客服",
    "電子郵件": "電郵",
    "郵箱地址": "電郵地址",
    "郵件地址": "電郵地址",
    "郵箱": "電郵地址",
    "郵件": "電郵",
    "短信": "短訊",
    "手機號碼": "手機號碼",
    "手機號": "手機號碼",
    "聯繫": "聯絡",
    "工號": "職員編號",
    "坐席": "客服人員",
    "回撥": "回電",
    "信息": "訊息",
    "消息": "訊息",
    "回複": "回覆",
    # 通過 = "by means of" → 透過 (通過 alone also means "approved": kept)
    "通過郵件": "透過電郵",
    "通過電子郵件": "透過電郵",
    "通過官方": "透過官方",
    "通過官網": "透過官網",
    "通過 App": "透過 App",
    "通過本應用": "透過本應用程式",
    "通過應用": "透過應用程式",
    # money
    "充值": "增值",
    "提現": "提款",
    # software words
    "應用程式": "應用程式",
    "應用": "應用程式",
    "鏈接": "連結",
    "搜索": "搜尋",
    "保存": "儲存",
    "服務器": "伺服器",
    "反饋": "意見",
    "點擊": "按一下",
    "字符": "字元",
    "導入": "匯入",
    "導出": "匯出",
    "當前": "目前",
    "文本": "文字",
    "視頻": "影片",
    "質量": "質素",
    # calendar
    "節假日": "公眾假期",
    # punctuation: Hong Kong writes corner brackets for quotes
    "“": "「",
    "”": "」",
    "‘": "『",
    "’": "』",
}

_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(PHRASES, key=len, reverse=True)))


class _Converter(Protocol):
    """What we use of an ``opencc.OpenCC`` (the package has no type information)."""

    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def _converter() -> _Converter:
    import opencc  # opencc-python-reimplemented: pure Python, loaded only when needed

    converter: _Converter = opencc.OpenCC("s2hk")
    return converter


def convert(text: str) -> str:
    """zh-hans text → Hong Kong Traditional Chinese. ASCII (placeholders, markup) is kept."""
    if not text:
        return text
    hk = _converter().convert(text)
    return _PATTERN.sub(lambda m: PHRASES[m.group(0)], hk)


@lru_cache(maxsize=4096)
def convert_cached(text: str) -> str:
    return convert(text)


@lru_cache(maxsize=1)
def _to_hans() -> _Converter:
    import opencc

    converter: _Converter = opencc.OpenCC("hk2s")
    return converter


def to_hans(text: str) -> str:
    """Traditional (Hong Kong) → Simplified, for searching zh-hans text with a zh-hant query."""
    return _to_hans().convert(text) if text else text


def is_hant(lang: str | None) -> bool:
    return (lang or "").lower().replace("_", "-") in ("zh-hant", "zh-hk", "zh-tw", "zh-mo")


def for_reader(chinese: str, english: str = "", lang: str | None = None) -> str:
    """What a reader sees of a text written in zh-hans (and English): the English for English
    readers, the Chinese for the others, converted for zh-hant readers; the other one when one
    is empty. ``lang`` defaults to the active language."""
    lang = lang if lang is not None else get_language()
    if ((lang or "").startswith("en") and english) or not chinese:
        return english
    return convert_cached(chinese) if is_hant(lang) else chinese


def localized(obj: object, field: str, lang: str | None = None) -> str:
    """``for_reader`` of a record's ``<field>_zh`` and ``<field>_en``."""
    return for_reader(str(getattr(obj, f"{field}_zh", "") or ""),
                      str(getattr(obj, f"{field}_en", "") or ""), lang)
