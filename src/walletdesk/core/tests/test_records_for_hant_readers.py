"""Records are written in zh-hans and English (regions, promotions, fee notices, merchants,
canned replies). A zh-hant (Hong Kong) reader sees their Chinese in Traditional script, as the
pages' own words are; English and zh-hans readers see what was written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import translation

from walletdesk.core import clock, hant
from walletdesk.directory import demo as directory_demo
from walletdesk.notify.models import Notification
from walletdesk.notify.services import inbox
from walletdesk.troubleshoot import texts
from walletdesk.troubleshoot.findings import Finding
from walletdesk.wallet.models import Merchant, Promotion


class _Region:
    name_zh, name_en = "中国大陆", "Mainland China"


class _OnlyEnglish:
    name_zh, name_en = "", "Singapore"


class _OnlyChinese:
    name_zh, name_en = "中国大陆", ""


def test_a_record_in_each_readers_language() -> None:
    traditional = hant.convert("中国大陆")
    assert traditional != "中国大陆"
    assert hant.localized(_Region, "name", "en") == "Mainland China"
    assert hant.localized(_Region, "name", "zh-hans") == "中国大陆"
    assert hant.localized(_Region, "name", "zh-hant") == traditional
    assert hant.localized(_OnlyEnglish, "name", "zh-hant") == "Singapore"
    assert hant.localized(_OnlyChinese, "name", "en") == "中国大陆"  # something, not nothing
    with translation.override("zh-hant"):
        assert hant.localized(_Region, "name") == traditional
        assert str(Merchant(name="盒马鲜生", name_en="Freshippo")) == hant.convert("盒马鲜生")
    with translation.override("zh-hans"):
        assert str(Merchant(name="盒马鲜生", name_en="Freshippo")) == "盒马鲜生"


def _page(client: Client, path: str, lang: str) -> str:
    client.cookies["walletdesk_language"] = lang
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_pages_show_regions_and_promotions_in_traditional_script(client: Client, db: Any) -> None:
    directory_demo.seed()
    start = clock.now() - timedelta(days=1)
    Promotion.objects.create(name_zh="转账免费", name_en="Free transfers", operation="transfer",
                             starts_at=start, ends_at=start + timedelta(days=30))
    contact = _page(client, "/contact/official/", "zh-hant")
    assert hant.convert("中国大陆") in contact and "中国大陆" not in contact
    fees = _page(client, "/wallet/fees/", "zh-hant")
    assert hant.convert("转账免费") in fees and "转账免费" not in fees
    assert "转账免费" in _page(client, "/wallet/fees/", "zh-hans")
    assert "Free transfers" in _page(client, "/wallet/fees/", "en")


def test_a_fee_notice_reaches_each_customer_in_their_script(make_customer: Any) -> None:
    hk, sh, london = (make_customer(language=lang) for lang in ("zh-hant", "zh-hans", "en"))
    inbox.fee_change_job(policy_id=7, title_zh="提现手续费下调", title_en="Cheaper withdrawals",
                         body_zh="提现到银行卡的费率将下调。", body_en="Withdrawals cost less.")
    titles = {n.user_id: n.title for n in Notification.objects.filter(source="fee:7")}
    assert titles == {hk.pk: hant.convert("提现手续费下调"), sh.pk: "提现手续费下调",
                      london.pk: "Cheaper withdrawals"}


def test_the_troubleshooter_names_a_promotion_in_traditional_script() -> None:
    finding = Finding("fee.promotion", {"name": "新用户提现免手续费", "name_en": "New users",
                                        "discount": 200, "fee_before": 200, "fee": 0,
                                        "currency": "CNY"})
    with translation.override("zh-hant"):
        assert hant.convert("新用户提现免手续费") in texts.text(finding)
    with translation.override("en"):
        assert "New users" in texts.text(finding)
