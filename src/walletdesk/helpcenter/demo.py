"""Load the packaged help content (idempotent; no logins of its own).

A content file that changed since the last load updates its article as a new
version, unless someone edited that article in the admin since: their edit wins.
"""

from __future__ import annotations

from typing import Any

from . import content, services
from .models import Article


def seed() -> list[dict[str, Any]]:
    cats = {c.slug: services.save_category(c.slug, name_zh=c.name_zh, name_en=c.name_en,
                                           position=c.position) for c in content.categories()}
    for item in content.articles():
        article = Article.objects.filter(slug=item.slug).first()
        if article is None:
            services.create_article(item.slug, category=cats[item.category],
                                    position=item.position, note="loaded from package",
                                    source_digest=item.digest, **item.fields)
        elif article.source_digest != item.digest and not _edited_by_person(article):
            services.update_article(article.pk, category=cats[item.category],
                                    position=item.position, note="loaded from package",
                                    source_digest=item.digest, **item.fields)
    return []


def _edited_by_person(article: Article) -> bool:
    latest = article.versions.order_by("-version").first()
    return latest is not None and latest.edited_by_id is not None
