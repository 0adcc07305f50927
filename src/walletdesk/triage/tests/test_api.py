from __future__ import annotations

from typing import Any

URL = "/api/v1/triage/classify"


def test_classify_answers_the_same_shape_as_the_command(api: Any) -> None:
    r = api.post(URL, {"text": "我的银行卡昨天被偷了", "lang": "zh-hans"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["intent"] == "lost_or_stolen_card"
    assert body["queue"] == "account_security" and body["priority"] == "urgent"
    assert body["lang"] == "zh-hans"
    assert 1 <= len(body["articles"]) <= 3
    assert {"intent", "confidence"} <= set(body["alternatives"][0])


def test_classify_needs_a_logged_in_user(anon_api: Any) -> None:
    assert anon_api.post(URL, {"text": "where is my card"}).status_code == 401


def test_bad_input_is_a_typed_error(api: Any) -> None:
    r = api.post(URL, {"text": "   "})
    assert r.status_code == 422 and r.json()["code"] == "triage_empty_text"
    r = api.post(URL, {"text": "x" * 10_000})
    assert r.status_code == 422 and r.json()["code"] == "triage_text_too_long"
    r = api.post(URL, {"text": "hello", "lang": "xx"})
    assert r.status_code == 422 and r.json()["code"] == "triage_unknown_language"


def test_error_messages_are_translated(api: Any) -> None:
    r = api.client.post(URL, '{"text": ""}', content_type="application/json",
                        headers={**api._headers(None), "Accept-Language": "zh-hans"})
    assert r.status_code == 422
    assert r.json()["message"] == "请简单描述一下您遇到的问题。"
    r = api.client.post(URL, '{"text": ""}', content_type="application/json",
                        headers={**api._headers(None), "Accept-Language": "en"})
    assert r.json()["message"] == "Please write a few words about your problem."
