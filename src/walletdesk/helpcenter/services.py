"""Help center services: the only code that writes articles, versions and feedback.

Every save of an article writes a new :class:`ArticleVersion` with the full
content, so the admin can show (and restore) any earlier state. The search
index is told after commit.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from walletdesk.core import clock

from . import locks
from .errors import ArticleNotFound, CommentTooLong, FeedbackRateLimited, UnknownLanguage
from .models import CONTENT_FIELDS, Article, ArticleVersion, Category, Feedback

FEEDBACK_PER_HOUR = 20
COMMENT_MAX = 500


def _invalidate_after_commit() -> None:
    from . import search

    transaction.on_commit(search.invalidate)


def _snapshot(article: Article, *, editor: Any = None, note: str = "") -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article, version=article.version, edited_by=editor, note=note[:200],
        created_at=article.updated_at, **{f: getattr(article, f) for f in CONTENT_FIELDS})


@transaction.atomic
def save_category(slug: str, *, name_zh: str, name_en: str, position: int = 0) -> Category:
    category, _ = Category.objects.update_or_create(
        slug=slug, defaults={"name_zh": name_zh, "name_en": name_en, "position": position})
    _invalidate_after_commit()
    return category


@transaction.atomic
def create_article(slug: str, *, category: Category, editor: Any = None, note: str = "",
                   source_digest: str = "", **content: Any) -> Article:
    at = clock.now()
    article = Article.objects.create(slug=slug, category=category, version=1, created_at=at,
                                     updated_at=at, source_digest=source_digest, **content)
    _snapshot(article, editor=editor, note=note or "created")
    _invalidate_after_commit()
    return article


@transaction.atomic
def update_article(article_id: int, *, editor: Any = None, note: str = "",
                   source_digest: str | None = None, **changes: Any) -> Article:
    """Apply ``changes`` and keep the new state as the next version (no-op if nothing changed)."""
    article = locks.article(article_id)
    if article is None:
        raise ArticleNotFound()
    changed = [k for k, v in changes.items() if getattr(article, k) != v]
    if source_digest is not None and source_digest != article.source_digest:
        article.source_digest = source_digest
        changed.append("source_digest")
    if not changed:
        return article
    for key, value in changes.items():
        setattr(article, key, value)
    content_changed = any(k in CONTENT_FIELDS for k in changed)
    article.updated_at = clock.now()
    if content_changed:
        article.version = F("version") + 1
    article.save()
    article.refresh_from_db()
    if content_changed:
        _snapshot(article, editor=editor, note=note)
    _invalidate_after_commit()
    return article


def restore_version(version: ArticleVersion, *, editor: Any = None) -> Article:
    """Make an earlier version current again (as a new version: history is never rewritten)."""
    content = {f: getattr(version, f) for f in CONTENT_FIELDS}
    return update_article(version.article_id, editor=editor,
                          note=f"restored v{version.version}", **content)


def client_digest(session_key: str | None, address: str | None) -> str:
    raw = f"s:{session_key}" if session_key else f"a:{address or 'unknown'}"
    return hashlib.sha256(raw.encode()).hexdigest()


def record_feedback(slug: str, *, helpful: bool, comment: str = "", language: str,
                    client: str) -> Feedback:
    """One vote per article per client; at most FEEDBACK_PER_HOUR votes per client per hour."""
    if language not in ("zh-hans", "en"):
        raise UnknownLanguage()
    comment = "".join(ch for ch in (comment or "") if ch.isprintable() or ch in "\n\t").strip()
    if len(comment) > COMMENT_MAX:
        raise CommentTooLong()
    article = Article.objects.filter(slug=slug, is_published=True).first()
    if article is None:
        raise ArticleNotFound()
    at = clock.now()
    recent = Feedback.objects.filter(client=client, created_at__gte=at - timedelta(hours=1))
    if recent.count() >= FEEDBACK_PER_HOUR:
        raise FeedbackRateLimited()
    try:
        with transaction.atomic():
            return Feedback.objects.create(article=article, helpful=bool(helpful),
                                           comment=comment, language=language, client=client,
                                           article_version=article.version, created_at=at)
    except IntegrityError as exc:
        raise FeedbackRateLimited() from exc
