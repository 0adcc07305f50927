"""A name inside a Chinese sentence follows Chinese typesetting: no space between a Chinese
name and the Chinese words around it ("已向李娜转账"), a space beside a Latin name ("已向 Alice
Chen 转账"); English keeps its spaces. Checked on the receipt a customer lands on after
confirming, through the pages."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from walletdesk.wallet.present import fill

pytestmark = pytest.mark.money


def signed_in(user: Any, lang: str) -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    return client


def confirmed(client: Client, path: str, fields: dict[str, str]) -> str:
    """Fill in, review, confirm: the receipt's sentence on the transaction's page."""
    data = {"step": "review", "idem": uuid.uuid4().hex, "currency": "CNY", **fields}
    sheet = client.post(path, data)
    assert sheet.status_code == 200, sheet.content
    form = sheet.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(step="confirm", reviewed=sheet.context["sheet"].token)
    done = client.post(path, data)
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    found = re.search(r'<p data-testid="receipt-text">([^<]*)</p>', page)
    assert found, page
    return found.group(1)


@pytest.mark.parametrize(("name", "lang", "words"), [
    ("李娜", "zh-hans", "已向李娜转账 ¥12.30。"),
    ("Alice Chen", "zh-hans", "已向 Alice Chen 转账 ¥12.30。"),
    ("李娜", "en", "¥12.30 sent to 李娜."),
    ("Alice Chen", "en", "¥12.30 sent to Alice Chen."),
])
def test_a_transfer_receipt_spaces_the_name_as_its_language_does(
        customer: Any, fund: Any, make_customer: Any, name: str, lang: str, words: str) -> None:
    make_customer("friend@example.com", display_name=name)
    fund(customer, 10_000)
    said = confirmed(signed_in(customer, lang), "/wallet/transfer/",
                     {"to": "friend@example.com", "amount": "12.30"})
    assert said == words


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", "已向示例咖啡付款 ¥12.34。"),
                                             ("en", "¥12.34 paid to Sample Coffee.")])
def test_a_payment_receipt_names_the_merchant_without_stray_spaces(
        customer: Any, fund: Any, merchant: Any, lang: str, words: str) -> None:
    fund(customer, 10_000)
    said = confirmed(signed_in(customer, lang), "/wallet/pay/",
                     {"merchant": merchant.slug, "amount": "12.34", "source": "balance"})
    assert said == words


@pytest.mark.parametrize(("sentence", "values", "words"), [
    ("已向 %(name)s 转账 %(amount)s。", {"name": "李娜", "amount": "¥1.00"}, "已向李娜转账 ¥1.00。"),
    ("已向 %(name)s 转账 %(amount)s。", {"name": "Li 娜", "amount": "¥1.00"},
     "已向 Li 娜转账 ¥1.00。"),  # each side on its own: Latin on the left, Han on the right
    ("%(merchant)s 的新 API 密钥：%(key)s", {"merchant": "示例咖啡", "key": "mk_1"},
     "示例咖啡的新 API 密钥：mk_1"),
    ("%(merchant)s 的新 API 密钥：%(key)s", {"merchant": "Sample Coffee", "key": "mk_1"},
     "Sample Coffee 的新 API 密钥：mk_1"),
    ("已提现 %(amount)s 至 %(card)s。", {"amount": "¥5.00", "card": "您的银行卡"},
     "已提现 ¥5.00 至您的银行卡。"),
    ("%(amount)s sent to %(name)s.", {"amount": "¥1.00", "name": "李娜"}, "¥1.00 sent to 李娜."),
    ("100%% of %(name)s", {"name": "Bob"}, "100% of Bob"),
])
def test_fill_keeps_a_space_only_beside_latin_letters_and_digits(
        sentence: str, values: dict[str, str], words: str) -> None:
    assert fill(sentence, **values) == words
