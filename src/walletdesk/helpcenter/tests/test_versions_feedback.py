"""Article versions, the content loader, and feedback rate limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.helpcenter import demo, queries, services
from walletdesk.helpcenter.errors import (
    ArticleNotFound,
    CommentTooLong,
    FeedbackRateLimited,
    UnknownLanguage,
)
from walletdesk.helpcenter.models import Article, ArticleVersion, Category, Feedback

pytestmark = pytest.mark.usefixtures("help_content")


def test_seed_loads_every_article_once_and_is_idempotent() -> None:
    assert Article.objects.count() == 18 and Category.objects.count() == 6
    assert ArticleVersion.objects.count() == 18
    assert demo.seed() == []
    assert Article.objects.count() == 18 and ArticleVersion.objects.count() == 18


def test_every_article_has_both_languages_and_links_to_contact() -> None:
    for a in Article.objects.all():
        assert a.title_zh and a.title_en and a.body_zh and a.body_en
        assert "/contact/" in a.body_zh and "/contact/" in a.body_en, a.slug


def test_every_edit_keeps_the_previous_version(customer: Any) -> None:
    article = Article.objects.get(slug="fees")
    old_title = article.title_en
    services.update_article(article.pk, title_en="Fees, explained", editor=customer, note="typo")
    services.update_article(article.pk, body_en="Short body. [Contact](/contact/)")
    article.refresh_from_db()
    assert article.version == 3 and article.title_en == "Fees, explained"
    versions = list(article.versions.order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[0].title_en == old_title
    assert versions[1].edited_by == customer and versions[1].note == "typo"
    assert versions[2].body_en.startswith("Short body")


def test_saving_without_changes_makes_no_version() -> None:
    article = Article.objects.get(slug="fees")
    services.update_article(article.pk, title_en=article.title_en)
    assert article.versions.count() == 1


def test_restore_makes_a_new_version() -> None:
    article = Article.objects.get(slug="top-up")
    original = article.title_zh
    services.update_article(article.pk, title_zh="充值(新)")
    services.restore_version(article.versions.get(version=1))
    article.refresh_from_db()
    assert article.title_zh == original and article.version == 3


def test_seed_does_not_overwrite_a_person_edit(customer: Any) -> None:
    article = Article.objects.get(slug="fees")
    services.update_article(article.pk, title_zh="人工改过的标题", editor=customer)
    Article.objects.filter(pk=article.pk).update(source_digest="old")
    demo.seed()
    assert Article.objects.get(pk=article.pk).title_zh == "人工改过的标题"


def test_update_unknown_article() -> None:
    with pytest.raises(ArticleNotFound):
        services.update_article(999999, title_en="x")


def test_feedback_is_recorded_with_the_article_version() -> None:
    fb = services.record_feedback("fees", helpful=False, comment=" 不清楚\x00 ", language="zh-hans",
                                  client="c1")
    assert fb.article_version == 1 and fb.comment == "不清楚" and not fb.helpful


def test_feedback_one_vote_per_article_and_an_hourly_cap(monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "FEEDBACK_PER_HOUR", 5)
    services.record_feedback("fees", helpful=True, language="en", client="c2")
    with pytest.raises(FeedbackRateLimited):
        services.record_feedback("fees", helpful=False, language="en", client="c2")
    slugs = list(Article.objects.exclude(slug="fees").values_list("slug", flat=True))
    for slug in slugs[: services.FEEDBACK_PER_HOUR - 1]:
        services.record_feedback(slug, helpful=True, language="en", client="c2")
    with pytest.raises(FeedbackRateLimited):
        services.record_feedback(slugs[-1], helpful=True, language="en", client="c2")
    assert Feedback.objects.filter(client="c2").count() == services.FEEDBACK_PER_HOUR
    clock.advance(timedelta(hours=1, seconds=1).total_seconds())
    services.record_feedback(slugs[-1], helpful=True, language="en", client="c2")


def test_feedback_bad_input_changes_nothing() -> None:
    with pytest.raises(CommentTooLong):
        services.record_feedback("fees", helpful=True, comment="x" * 501, language="en", client="c")
    with pytest.raises(UnknownLanguage):
        services.record_feedback("fees", helpful=True, language="de", client="c")
    with pytest.raises(ArticleNotFound):
        services.record_feedback("nope", helpful=True, language="en", client="c")
    assert Feedback.objects.count() == 0


def test_article_titles_for_triage() -> None:
    rows = queries.article_titles(["fees", "missing", "top-up"], "en")
    assert [r["slug"] for r in rows] == ["fees", "top-up"]
    assert rows[1] == {"slug": "top-up", "title": "Adding money to your wallet (top-up)",
                       "url": "/help/top-up/"}
    assert queries.article_titles(["fees"], "zh-hans")[0]["title"].startswith("手续费")
