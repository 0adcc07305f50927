"""Pages answer an outage with a translated 503 and unknown pages with a 404 page."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_a_page_answers_503_while_redis_is_down(db: Any, settings: Any) -> None:
    # The verify page's rate limit lives in the cache: point the cache at nothing.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = Client(headers={"accept-language": "en"}).get(
        "/contact/verify/", {"value": "+86 400 820 1024"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Briefly unavailable" in response.content.decode()


def test_unknown_page_is_a_translated_404(db: Any, settings: Any) -> None:
    settings.DEBUG = False
    response = Client(headers={"accept-language": "zh-hans"}).get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
