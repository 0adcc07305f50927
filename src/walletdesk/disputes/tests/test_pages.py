"""The pages: ask from the payment's page (with photos), follow the timeline, the merchant's
list with deadlines, the troubleshooter, the desk report and its CSV; both languages, no
internal codes or minor units."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from walletdesk.disputes import services
from walletdesk.disputes.models import RefundRequest, RefundRequestImage

pytestmark = pytest.mark.money


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png(colour: str = "red") -> io.BytesIO:
    from PIL.PngImagePlugin import PngInfo

    meta = PngInfo()
    meta.add_text("Comment", "taken at 31.2304N 121.4737E")  # must not survive
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG", pnginfo=meta)
    out.seek(0)
    out.name = "photo.png"
    return out


def no_codes(html: str) -> None:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    for code in ("partially_granted", "resolved_by_support", "not_received", "refund_request_",
                 "8000", "3000"):
        assert code not in text, code


@pytest.mark.parametrize("lang,words", [("zh-hans", ("申请退款", "等待商家处理")),
                                        ("en", ("Ask for a refund", "Waiting for the merchant")),
                                        ("zh-hant", ("申請退款", "等待商家處理"))])
def test_customer_asks_from_the_payment_page(paid: Any, lang: str, words: tuple[str, str]) -> None:
    p = paid()
    client = login(p.customer)
    page = client.get(f"/wallet/t/{p.payment.public_id}/", HTTP_ACCEPT_LANGUAGE=lang)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="rr-ask"' in html and words[0] in html
    form = client.get(f"/refunds/ask/{p.payment.public_id}/", HTTP_ACCEPT_LANGUAGE=lang)
    assert form.status_code == 200 and words[0] in form.content.decode()
    bad = client.post(f"/refunds/ask/{p.payment.public_id}/",
                      {"reason": "not_received", "amount": "90.00"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert bad.status_code == 422 and not RefundRequest.objects.exists()
    no_codes(bad.content.decode())
    r = client.post(f"/refunds/ask/{p.payment.public_id}/",
                    {"reason": "not_received", "amount": "30.00", "text": "never came",
                     "images": [png(), png("blue")]}, HTTP_ACCEPT_LANGUAGE=lang)
    req = RefundRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/refunds/{req.public_id}/"
    assert req.amount == 3_000 and req.images.count() == 2
    detail = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert words[1] in detail and "¥30.00" in detail
    no_codes(detail)
    # The payment page now shows the open request instead of the button.
    again = client.get(f"/wallet/t/{p.payment.public_id}/").content.decode()
    assert 'data-testid="rr-open-link"' in again and 'data-testid="rr-ask"' not in again


def test_photos_are_reencoded_and_private(paid: Any, make_customer: Any, merchant: Any) -> None:
    p = paid()
    raw = png().getvalue()
    req = services.ask(p.customer, p.payment.public_id, reason="not_as_described", images=[raw])
    img = RefundRequestImage.objects.get(request=req)
    assert b"121.4737E" in raw and b"121.4737E" not in bytes(img.data)
    assert img.content_type == "image/png" and (img.width, img.height) == (40, 30)
    url = f"/refunds/photo/{img.pk}/"
    assert login(p.customer).get(url).status_code == 200
    assert login(make_customer()).get(url).status_code == 404
    too_many = paid()
    from walletdesk.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.ask(too_many.customer, too_many.payment.public_id, reason="other",
                     images=[raw] * 4)
    assert exc.value.code == "too_many_images"
    with pytest.raises(DomainError) as exc:
        services.ask(too_many.customer, too_many.payment.public_id, reason="other",
                     images=[b"not an image"])
    assert exc.value.code == "invalid_attachment"
    assert not RefundRequest.objects.filter(customer=too_many.customer).exists()


def test_merchant_page_lists_deadlines_and_answers(paid: Any, merchant: Any,
                                                   make_customer: Any) -> None:
    owner = make_customer("owner@example.com", role="merchant")
    type(merchant).objects.filter(pk=merchant.pk).update(user=owner)
    p, q = paid(), paid()
    a = services.ask(p.customer, p.payment.public_id, amount=3_000, reason="charged_twice")
    b = services.ask(q.customer, q.payment.public_id, reason="cancelled")
    client = login(owner)
    for lang, word in (("zh-hans", "等待您答复"), ("en", "Waiting for your answer"),
                       ("zh-hant", "等待您答覆")):
        html = client.get("/refunds/merchant/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert word in html and a.payment.public_id in html and "¥30.00" in html
        no_codes(html)
    r = client.post(f"/refunds/merchant/{a.public_id}/", {"answer": "accept", "amount": "10.00"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == "partially_granted" and a.granted_amount == 1_000
    client.post(f"/refunds/merchant/{b.public_id}/", {"answer": "decline",
                                                      "reason": "the order was already shipped"})
    b.refresh_from_db()
    assert b.status == "declined" and b.decline_reason == "the order was already shipped"
    # Another merchant's user, and customers, see nothing.
    assert login(p.customer).get("/refunds/merchant/").status_code in (302, 404)


def test_customer_escalates_from_the_page(paid: Any, merchant: Any) -> None:
    p = paid()
    req = services.ask(p.customer, p.payment.public_id, reason="not_received")
    services.decline(merchant, req.public_id, "it was delivered")
    client = login(p.customer)
    html = client.get(f"/refunds/{req.public_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="rr-escalate"' in html and "it was delivered" in html
    r = client.post(f"/refunds/{req.public_id}/escalate/", {"message": "it was not"})
    req.refresh_from_db()
    assert req.status == "escalated" and r["Location"] == f"/support/c/{req.conversation_id}/"
    assert login(paid().customer).get(f"/refunds/{req.public_id}/").status_code == 404


def test_troubleshooter_offers_the_button_then_shows_the_state(paid: Any, merchant: Any) -> None:
    from walletdesk.troubleshoot import services as troubleshoot

    p = paid()
    d = troubleshoot.diagnose(p.customer, "refund", p.payment.public_id)
    assert d.next_step.code == "step.ask_for_refund"
    client = login(p.customer)
    html = client.get(f"/troubleshoot/refund/?transaction={p.payment.public_id}",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/refunds/ask/{p.payment.public_id}/" in html
    req = services.ask(p.customer, p.payment.public_id, amount=2_000, reason="wrong_amount")
    d = troubleshoot.diagnose(p.customer, "refund", p.payment.public_id)
    assert d.findings[0].code == "refund.request_open" and d.next_step.code == "step.see_request"
    html = client.get(f"/troubleshoot/refund/?transaction={p.payment.public_id}",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "¥20.00" in html and f"/refunds/{req.public_id}/" in html
    services.decline(merchant, req.public_id, "we charged the right amount")
    d = troubleshoot.diagnose(p.customer, "refund", p.payment.public_id)
    assert d.findings[0].code == "refund.request_declined"
    assert d.next_step.code == "step.escalate_request"


def test_desk_report_and_csv(paid: Any, merchant: Any, make_staff: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from walletdesk.core import clock

    p, q = paid(), paid()
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with clock.frozen(start):
        a = services.ask(p.customer, p.payment.public_id, reason="not_received")
        services.ask(q.customer, q.payment.public_id, reason="not_received")
    with clock.frozen(start + timedelta(hours=1)):
        services.decline(merchant, a.public_id, "delivered on time")
        services.escalate(p.customer, a.public_id)
    day = start.date().isoformat()
    query = {"from": day, "to": day, "tz": "UTC"}
    client = login(make_staff("supervisor").user)
    html = client.get("/support/reports/", query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Refund requests per merchant" in html and "Sample Coffee" in html
    assert "1 h 00 min" in html and "(50.0%)" in html
    rows = list(csv.reader(io.StringIO(client.get(
        "/support/reports/refund_requests.csv", query, HTTP_ACCEPT_LANGUAGE="en").content.decode())))
    assert rows[0][:3] == ["Merchant", "Name", "Requests"]
    assert rows[1] == ["sample-coffee", "Sample Coffee", "2", "1", "3600.0", "3600.0", "1", "50.0"]
    report = client.get("/api/v1/support/reports", query).json()
    assert report["refund_requests"][0]["escalated_share"] == 0.5


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", "金额超过了"), ("en", "more than")])
def test_a_refused_amount_shows_under_the_amount_field(paid: Any, lang: str, words: str) -> None:
    p = paid()
    client = login(p.customer)
    bad = client.post(f"/refunds/ask/{p.payment.public_id}/",
                      {"reason": "not_received", "amount": "90.00"}, HTTP_ACCEPT_LANGUAGE=lang)
    html = bad.content.decode()
    assert bad.status_code == 422
    amount = re.search(r'<input id="rr-amount"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in amount and 'aria-describedby="rr-amount-error"' in amount
    # The message follows the field it is about, not the top of the form.
    message = re.search(r'id="rr-amount-error"[^>]*>([^<]*)<', html).group(1)
    assert html.index(amount) < html.index('id="rr-amount-error"')
    assert 'data-testid="rr-error"' not in html
    assert words in message, message


def test_the_request_list_and_page_have_whole_tap_targets(paid: Any) -> None:
    p = paid()
    client = login(p.customer)
    r = client.post(f"/refunds/ask/{p.payment.public_id}/", {"reason": "not_received"},
                    HTTP_ACCEPT_LANGUAGE="en")
    listing = client.get("/refunds/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="grow rr-row-link"' in listing
    detail = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<nav class="crumbs"' in detail and 'href="/refunds/"' in detail


EN_WORDS = r"(Yesterday )?(\d\d:\d\d|[A-Z][a-z]{2} \d{1,2}(, \d{4})?, \d\d:\d\d)"
ZH_WORDS = r"(昨天 )?(\d\d:\d\d|(\d{4}年)?\d{1,2}月\d{1,2}日 \d\d:\d\d)"


def shown(html: str) -> str:
    """The words a person sees in the page's main part, not the attributes."""
    return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>", 1)[0])


@pytest.mark.parametrize(("lang", "words"), [("en", EN_WORDS), ("zh-hans", ZH_WORDS)])
def test_pages_say_times_in_words_never_iso_dates(paid: Any, merchant: Any, make_customer: Any,
                                                  lang: str, words: str) -> None:
    """The deadline says its day and time ("Dec 10, 14:30" / "12月10日 14:30"); the payment,
    the timeline and the lists say the short form; the machine value stays in <time datetime>."""
    owner = make_customer("owner@example.com", role="merchant")
    type(merchant).objects.filter(pk=merchant.pk).update(user=owner)
    p = paid()
    req = services.ask(p.customer, p.payment.public_id, reason="not_received")
    client = login(p.customer)
    detail = client.get(f"/refunds/{req.public_id}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    deadline = detail.split('data-testid="rr-respond-by">', 1)[1].split("</dd>", 1)[0]
    assert re.fullmatch(rf'<time datetime="[^"]+">{words}</time>', deadline), deadline
    assert "datetime=" in detail.split('data-testid="rr-timeline"', 1)[1]
    pages = [detail, client.get("/refunds/", HTTP_ACCEPT_LANGUAGE=lang).content.decode(),
             client.get(f"/wallet/t/{p.payment.public_id}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode(),
             login(owner).get("/refunds/merchant/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()]
    for html in pages:
        assert not re.search(r"\d{4}-\d{2}-\d{2}", shown(html)), shown(html)


@pytest.mark.parametrize(("name", "lang", "sentence"), [
    ("City Metro", "zh-hans", "您最多可以向 City Metro 申请退款 ¥80.00。"),
    ("City Metro", "zh-hant", "您最多可以向 City Metro 申請退款 ¥80.00。"),
    ("城市地铁", "zh-hans", "您最多可以向城市地铁申请退款 ¥80.00。"),
    ("City Metro", "en", "You can ask City Metro for up to ¥80.00 back."),
])
def test_a_latin_merchant_name_gets_its_spaces_in_chinese(paid: Any, merchant: Any, name: str,
                                                          lang: str, sentence: str) -> None:
    type(merchant).objects.filter(pk=merchant.pk).update(name=name, name_en="")
    p = paid()
    html = login(p.customer).get(f"/wallet/t/{p.payment.public_id}/",
                                 HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert sentence in html
