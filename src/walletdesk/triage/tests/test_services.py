from __future__ import annotations

import pytest

from walletdesk.triage import services
from walletdesk.triage.errors import EmptyText, TextTooLong, UnknownLanguage
from walletdesk.triage.text import MAX_CHARS, guess_lang

# Obvious messages written for this test (not from BANKING77), both languages.
OBVIOUS = [
    ("My new card still hasn't arrived, it's been two weeks", "card_arrival"),
    ("I lost my card somewhere yesterday", "lost_or_stolen_card"),
    ("How much does it cost to top up with a card?", "top_up_by_card_charge"),
    ("I was charged twice for the same coffee", "transaction_charged_twice"),
    ("My transfer is still pending", "pending_transfer"),
    ("There is a payment on my statement I never made", "card_payment_not_recognised"),
    ("Can I get a refund for this purchase?", "request_refund"),
    ("What is the exchange rate for euros?", "exchange_rate"),
    ("I want to close my account", "terminate_account"),
    ("How do I change my PIN?", "change_pin"),
    ("我的账户被锁住了，登不上去", "account_locked"),
    ("有人打电话说是客服，让我告诉他验证码", "phishing_report"),
    ("我要找人工客服", "contact_human"),
    ("商家退款了但是我还没收到钱", "Refund_not_showing_up"),
    ("充值失败了，钱被扣了", "top_up_failed"),
    ("我的银行卡丢了", "lost_or_stolen_card"),
    ("忘记登录密码了怎么办", "forgot_password"),
    ("转给朋友的钱他说没收到", "transfer_not_received_by_recipient"),
    ("同一笔消费扣了我两次钱", "transaction_charged_twice"),
    ("app打开就闪退", "app_problem"),
]


def test_sanity_floor_on_obvious_messages_in_both_languages() -> None:
    results = services.classify_many([text for text, _ in OBVIOUS])
    right = [r.intent == want for r, (_, want) in zip(results, OBVIOUS, strict=True)]
    assert sum(right) / len(right) >= 0.8, [(r.text, r.intent) for r, ok in zip(results, right) if not ok]


def test_classify_fills_every_field() -> None:
    t = services.classify("我的账户被冻结了，里面还有钱")
    assert t.lang == "zh-hans"
    assert t.intent == "account_locked"
    assert (t.queue, t.priority) == ("account_security", "urgent")
    assert t.articles[0] == "account-locked"
    assert 0.0 < t.confidence <= 1.0
    assert len(t.alternatives) == 2 and all(c <= t.confidence for _, c in t.alternatives)
    data = t.as_dict()
    assert {"text", "intent", "confidence", "queue", "priority", "articles"} <= set(data)
    assert isinstance(data["articles"], list)


def test_language_is_guessed_or_taken_as_given() -> None:
    assert services.classify("where is my card").lang == "en"
    assert services.classify("where is my card", lang="zh-hans").lang == "zh-hans"


def test_the_model_is_loaded_once() -> None:
    assert services.get_model() is services.get_model()


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x01\x02", "？！。", "\u200b\u200b"])
def test_empty_or_meaningless_text_is_a_typed_error(text: str) -> None:
    with pytest.raises(EmptyText) as exc:
        services.classify(text)
    assert exc.value.code == "triage_empty_text" and exc.value.status == 422


def test_huge_text_is_refused_and_just_under_the_limit_works() -> None:
    with pytest.raises(TextTooLong) as exc:
        services.classify("card " * MAX_CHARS)
    assert exc.value.as_dict()["max_chars"] == MAX_CHARS
    assert services.classify(("my card has not arrived " * 400)[:MAX_CHARS]).intent


def test_control_characters_and_odd_unicode_do_not_crash() -> None:
    t = services.classify("my\x00 card\x1b[31m has not\u202e arrived\r\n\ud800")
    assert t.intent in ("card_arrival", "card_delivery_estimate")
    assert services.classify("💳💳 card 🙏").intent


def test_unknown_language_is_a_typed_error() -> None:
    with pytest.raises(UnknownLanguage):
        services.classify("hello", lang="fr")


def test_non_string_text_is_a_typed_error() -> None:
    with pytest.raises(EmptyText):
        services.classify(None)  # type: ignore[arg-type]


def test_traditional_chinese_and_cantonese_reach_the_same_intents() -> None:
    """The examples are zh-hans; a zh-hant (Hong Kong) message is classified like its zh-hans twin."""
    from walletdesk.core import hant

    zh = [(hant.convert(text), want) for text, want in OBVIOUS if guess_lang(text) == "zh-hans"]
    cantonese = [("我張卡唔見咗", "lost_or_stolen_card"),
                 ("有人扮客服打電話嚟問我攞驗證碼", "phishing_report"),
                 ("我想搵真人客服", "contact_human"),
                 ("轉賬畀朋友但係佢話未收到", "transfer_not_received_by_recipient")]
    cases = zh + cantonese
    results = services.classify_many([text for text, _ in cases])
    right = [r.intent == want for r, (_, want) in zip(results, cases, strict=True)]
    assert sum(right) / len(right) >= 0.8, [(r.text, r.intent) for r, ok in zip(results, right) if not ok]
    assert hant.convert("我的账户被锁住了") != "我的账户被锁住了"  # the cases really are zh-hant


def test_a_process_that_classifies_one_message_stays_small() -> None:
    """The figure bench_triage reports: peak RSS of a fresh process (no torch; target 300 MB)."""
    from walletdesk.triage.bench import one_message_process

    found = one_message_process("我的卡被ATM吞了，怎么办")
    assert found["exit_code"] == 0, found
    assert found["intent"] == "card_swallowed", found
