"""The help API at /api/v1/help through Django's test client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("help_content")


def test_search_returns_ranked_results(anon_api: Any) -> None:
    r = anon_api.get("/api/v1/help/search", q="钱扣了没到账", lang="zh-hans")
    assert r.status_code == 200
    body = r.json()
    assert body["lang"] == "zh-hans"
    assert body["results"][0]["slug"] == "transaction-incomplete"
    first = body["results"][0]
    assert set(first) >= {"slug", "title", "score", "snippet", "url"}
    scores = [x["score"] for x in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_in_english(anon_api: Any) -> None:
    r = anon_api.get("/api/v1/help/search", q="forgot my pasword", lang="en")
    assert r.json()["results"][0] == {**r.json()["results"][0], "slug": "forgot-password",
                                      "title": "I forgot my password"}


def test_language_defaults_to_the_page_language(anon_api: Any) -> None:
    r = anon_api.client.get("/api/v1/help/search", {"q": "fees"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["lang"] == "en"


@pytest.mark.parametrize("q", ["", "   ", "\x00\x07", "\u202e\u200b", "的"])
def test_empty_or_control_queries_give_an_empty_list(anon_api: Any, q: str) -> None:
    r = anon_api.get("/api/v1/help/search", q=q, lang="en")
    assert r.status_code == 200 and r.json()["results"] == []


def test_bad_input_is_a_typed_error(anon_api: Any) -> None:
    r = anon_api.get("/api/v1/help/search", q="x" * 5000, lang="en")
    assert r.status_code == 422 and r.json()["code"] == "query_too_long"
    r = anon_api.get("/api/v1/help/search", q="fees", lang="klingon")
    assert r.status_code == 422 and r.json()["code"] == "unknown_language"
    r = anon_api.get("/api/v1/help/search", q="fees", lang="en", limit="many")
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"


def test_suggest(anon_api: Any) -> None:
    r = anon_api.get("/api/v1/help/suggest", q="two", lang="en")
    assert r.status_code == 200
    assert r.json()["suggestions"][0]["slug"] == "two-step-verification"
    assert anon_api.get("/api/v1/help/suggest", q="", lang="en").json()["suggestions"] == []


def test_article_and_list(anon_api: Any) -> None:
    r = anon_api.get("/api/v1/help/articles/fees", lang="en")
    assert r.status_code == 200
    body = r.json()
    assert body["title"].startswith("Fees") and "/wallet/fees/" in body["body_html"]
    assert '<table class="stack">' in body["body_html"]
    assert len(anon_api.get("/api/v1/help/articles", lang="zh-hans").json()) == 18
    r = anon_api.get("/api/v1/help/articles/no-such-thing")
    assert r.status_code == 404 and r.json()["code"] == "article_not_found"


def test_feedback_once_per_client() -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    url = "/api/v1/help/articles/top-up/feedback?lang=en"
    r = client.post(url, {"helpful": True, "comment": "clear"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["helpful"] is True
    r = client.post(url, {"helpful": False}, content_type="application/json")
    assert r.status_code == 429 and r.json()["code"] == "feedback_rate_limited"


def test_feedback_bad_input(anon_api: Any) -> None:
    url = "/api/v1/help/articles/top-up/feedback"
    assert anon_api.post(url, {"helpful": "perhaps"}).status_code == 422
    r = anon_api.post(url, {"helpful": True, "comment": "x" * 600})
    assert r.status_code == 422 and r.json()["code"] == "comment_too_long"
    r = anon_api.post("/api/v1/help/articles/nope/feedback", {"helpful": True})
    assert r.status_code == 404
    assert anon_api.post(url, raw="{not json").status_code in (400, 422)


def test_search_hot_path_does_not_query_the_database_per_request(
        anon_api: Any, django_assert_max_num_queries: Any) -> None:
    anon_api.get("/api/v1/help/search", q="fees", lang="en")  # builds the index
    with django_assert_max_num_queries(2):  # at most the periodic freshness stamp
        for q in ("退款", "refund", "two step", "充值卡住"):
            assert anon_api.get("/api/v1/help/search", q=q, lang="en").status_code == 200
