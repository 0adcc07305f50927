"""Pages through Django's test client, and the two commands."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.usefixtures("help_content")


@pytest.mark.parametrize(("lang", "text"), [("zh-hans", "帮助中心"), ("en", "Help center")])
def test_home_lists_categories_in_both_languages(lang: str, text: str) -> None:
    c = Client()
    c.cookies["walletdesk_language"] = lang
    r = c.get("/help/")
    assert r.status_code == 200
    html = r.content.decode()
    assert text in html and 'data-testid="help-category"' in html and "/contact/" in html


def test_search_page_and_article_page() -> None:
    c = Client()
    r = c.get("/help/search/", {"q": "忘记密码"})
    assert r.status_code == 200 and 'data-slug="forgot-password"' in r.content.decode()
    r = c.get("/help/search/", {"q": "y" * 500})
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()
    r = c.get("/help/forgot-password/")
    html = r.content.decode()
    assert r.status_code == 200 and "忘记密码怎么办" in html
    assert 'data-testid="still-need-help"' in html and 'href="/contact/"' in html
    assert c.get("/help/does-not-exist/").status_code == 404


def test_feedback_row_posts_the_vote_and_its_comment_then_thanks_in_place() -> None:
    from walletdesk.helpcenter.models import Feedback

    c = Client()
    html = c.get("/help/fees/").content.decode()
    row = html[html.index('id="feedback"'):html.index("</section>", html.index('id="feedback"'))]
    assert 'name="helpful" value="yes"' in row and 'name="helpful" value="no"' in row
    assert 'name="comment"' in row and "<details" in row  # the comment only for who asks
    r = c.post("/help/fees/feedback/", {"helpful": "no", "comment": "很清楚"})
    assert r.status_code == 302 and r["Location"] == "/help/fees/#feedback"
    vote = Feedback.objects.get()
    assert (vote.helpful, vote.comment, vote.language) == (False, "很清楚", "zh-hans")
    html = c.get("/help/fees/").content.decode()
    assert 'data-testid="feedback-thanks"' in html and 'data-testid="feedback-yes"' not in html
    assert "谢谢！您的回答能帮我们改进这篇文章。" in html
    assert 'class="messages"' not in html  # said once, in the row, not again at the page's top


def test_a_refused_vote_says_why_in_the_row_and_changes_nothing() -> None:
    from walletdesk.helpcenter.models import Feedback

    c = Client()
    c.cookies["walletdesk_language"] = "en"
    c.post("/help/fees/feedback/", {"helpful": "yes"})
    r = c.post("/help/fees/feedback/", {"helpful": "no"}, follow=True)
    assert r.status_code == 200
    assert Feedback.objects.count() == 1 and Feedback.objects.get().helpful is True
    html = r.content.decode()
    assert "we already have your feedback" in html and 'data-testid="feedback-yes"' not in html
    assert c.post("/help/no-such-article/feedback/", {"helpful": "yes"}).status_code == 404


def test_a_vote_refused_for_its_comment_offers_the_row_again() -> None:
    """A comment over the limit: the row says why once, keeps the buttons, and the next vote
    (a shorter comment) counts."""
    from walletdesk.helpcenter.models import Feedback

    c = Client()
    c.cookies["walletdesk_language"] = "en"
    r = c.post("/help/fees/feedback/", {"helpful": "no", "comment": "x" * 501}, follow=True)
    html = r.content.decode()
    assert Feedback.objects.count() == 0
    assert 'data-testid="feedback-thanks"' in html and 'data-testid="feedback-yes"' in html
    assert "Thank you" not in html
    html = c.get("/help/fees/").content.decode()  # said once
    assert 'data-testid="feedback-thanks"' not in html and 'data-testid="feedback-yes"' in html
    c.post("/help/fees/feedback/", {"helpful": "no", "comment": "x" * 500})
    assert Feedback.objects.get().helpful is False
    html = c.get("/help/fees/").content.decode()
    assert "Thank you" in html and 'data-testid="feedback-yes"' not in html


def test_help_search_command(monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("忘记密码\n\n" + "z" * 300 + "\n"))
    out = io.StringIO()
    call_command("help_search", "--lang", "zh-hans", "--jsonl", stdout=out)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [x["query"] for x in lines] == ["忘记密码", "", "z" * 300]
    assert lines[0]["results"][0]["slug"] == "forgot-password"
    assert set(lines[0]["results"][0]) == {"slug", "score"}
    assert lines[1]["results"] == [] and lines[2]["error"] == "query_too_long"


def test_bench_help_reports_latency_and_machine() -> None:
    out = io.StringIO()
    call_command("bench_help", "--articles", "40", "--rounds", "1", stdout=out)
    data = json.loads(out.getvalue())
    assert data["articles"] == 40 and data["latency_ms"]["p99"] > 0
    assert data["latency_ms_query_embedding"]["p50"] > 0 and data["load_average"]
    assert data["machine"]["cores"] >= 1 and data["machine"]["python"]
    quality = data["quality_heldout"]  # next to the speed, on the held-out split
    assert set(quality) == {"zh-hans", "en", "zh-hant"}
    for lang in ("zh-hans", "en"):
        assert quality[lang]["questions"] >= 140 and quality[lang]["top1"] >= 0.9
        assert quality[lang]["off_topic_answered_false"] == 1.0


@pytest.mark.parametrize("source", ["package", "db"])
def test_help_search_command_sources_agree(monkeypatch: Any, source: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("forgot my password\nrefnd\n"))
    out = io.StringIO()
    call_command("help_search", "--lang", "en", "--source", source, stdout=out)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [x["results"][0]["slug"] for x in lines] == ["forgot-password", "request-refund"]
