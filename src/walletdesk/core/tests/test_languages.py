"""zh-hant for Hong Kong: the browser's language picks it, pages and Django's own admin
strings come out in Traditional Chinese with Hong Kong words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from walletdesk.core import hant
from walletdesk.core.language import rewrite_accept_language


@pytest.mark.parametrize(("header", "lang"), [
    ("zh-HK", "zh-hant"), ("zh-TW", "zh-hant"), ("zh-Hant", "zh-hant"), ("zh-Hant-HK", "zh-hant"),
    ("zh-MO", "zh-hant"), ("yue-HK", "zh-hant"), ("yue", "zh-hant"),
    ("zh", "zh-hans"), ("zh-CN", "zh-hans"), ("zh-SG", "zh-hans"), ("zh-Hans-CN", "zh-hans"),
    ("en-GB", "en"), ("fr", "zh-hans"), ("fr,zh-HK;q=0.5,en;q=0.3", "zh-hant"),
])
def test_accept_language_picks_the_page_language(db: object, header: str, lang: str) -> None:
    resp = Client(HTTP_ACCEPT_LANGUAGE=header).get("/login/")
    assert resp.status_code == 200
    assert f'lang="{lang}"' in resp.content.decode()
    assert resp["Content-Language"] == lang


def test_zh_hk_page_is_traditional_chinese_with_hong_kong_words(db: object) -> None:
    hk = Client(HTTP_ACCEPT_LANGUAGE="zh-HK").get("/login/").content.decode()
    cn = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get("/login/").content.decode()
    assert "登录" in cn and "登录" not in hk
    assert "登入" in hk
    assert "繁體中文" in hk and "简体中文" in hk  # the switcher offers all three


def test_cantonese_header_is_rewritten_with_its_weights() -> None:
    assert rewrite_accept_language("yue-Hant-HK,yue;q=0.9,en;q=0.5") == \
        "zh-hant,zh-hant;q=0.9,en;q=0.5"
    assert rewrite_accept_language("en-US,zh-CN;q=0.8") == "en-US,zh-CN;q=0.8"


def test_phrase_table_gives_hong_kong_words() -> None:
    assert hant.convert("账户登录") == "帳戶登入"
    assert hant.convert("在线客服") == "網上客服"
    assert hant.convert("请查看你的邮箱或短信") == "請查看你的電郵地址或短訊"
    assert hant.convert("充值和提现") == "增值和提款"
    assert hant.convert("导出 CSV") == "匯出 CSV"
    assert hant.convert("身份验证器应用") == "身份驗證器應用程式"
    assert hant.convert("选择“账户已锁定”") == "選擇「帳戶已鎖定」"
    assert hant.convert("%(name)s 的余额 {amount}") == "%(name)s 的餘額 {amount}"
    assert hant.convert("我们绝不会通过邮件索要密码") == "我們絕不會透過電郵索要密碼"
    assert hant.convert("付款已审核通过") == "付款已審核通過"


def test_generic_yes_no_stay_generic_and_feedback_has_its_own_words() -> None:
    with translation.override("zh-hans"):
        assert (translation.gettext("Yes"), translation.gettext("No")) == ("是", "否")
        assert translation.pgettext("article feedback", "Yes") == "有帮助"
    with translation.override("zh-hant"):
        assert translation.pgettext("article feedback", "No") == "沒幫助"


def test_django_admin_strings_exist_in_zh_hant() -> None:
    with translation.override("zh-hant"):
        assert str(translation.gettext("Log out")) != "Log out"


@pytest.mark.django_db(transaction=True)
def test_help_article_falls_back_to_converted_chinese_for_zh_hant() -> None:
    from walletdesk.helpcenter import services

    cat = services.save_category("account", name_zh="账户", name_en="Account")
    services.create_article("hk-login", category=cat, is_published=True,
                            title_zh="账户登录不了怎么办", title_en="Cannot log in",
                            summary_zh="用短信验证码解锁账户。", summary_en="Unlock with a code.",
                            body_zh="请打开设置，点击“忘记密码”。", body_en="Open settings.",
                            keywords_zh="登录", keywords_en="login")
    hk = Client(HTTP_ACCEPT_LANGUAGE="zh-HK").get("/help/hk-login/").content.decode()
    cn = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get("/help/hk-login/").content.decode()
    assert "账户登录不了怎么办" in cn
    assert "帳戶登入不了怎麼辦" in hk and "用短訊驗證碼解鎖帳戶。" in hk and "「忘記密碼」" in hk
    found = Client(HTTP_ACCEPT_LANGUAGE="zh-HK").get("/help/search/", {"q": "帳戶登入"})
    assert found.status_code == 200 and "帳戶登入不了怎麼辦" in found.content.decode()
