"""The only place in the help centre that takes row locks."""

from __future__ import annotations

from .models import Article


def article(article_id: int) -> Article | None:
    """The article's row, locked until the surrounding transaction ends (one editor's change
    and its version at a time). Call inside transaction.atomic()."""
    return Article.objects.select_for_update().filter(pk=article_id).first()
