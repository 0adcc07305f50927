"""Read-only helpers for other apps (triage, support) and for the pages."""

from __future__ import annotations

from django.utils.translation import get_language

from .models import Article, Category


def _lang(lang: str | None) -> str:
    return "en" if (lang or get_language() or "").startswith("en") else "zh-hans"


def article_titles(slugs: list[str], lang: str | None = None) -> list[dict[str, str]]:
    """``[{"slug", "title", "url"}]`` for the published articles among ``slugs``, in that order.

    Unknown slugs are left out (never an error), so a caller holding an old slug
    degrades gracefully.
    """
    field = "title_en" if _lang(lang) == "en" else "title_zh"
    found = dict(Article.objects.filter(slug__in=slugs, is_published=True)
                 .values_list("slug", field))
    return [{"slug": s, "title": found[s], "url": f"/help/{s}/"} for s in slugs if s in found]


def categories_with_articles() -> list[tuple[Category, list[Article]]]:
    cats = list(Category.objects.order_by("position", "slug"))
    by_cat: dict[int, list[Article]] = {c.pk: [] for c in cats}
    for a in Article.objects.filter(is_published=True).order_by("position", "slug"):
        by_cat.setdefault(a.category_id, []).append(a)
    return [(c, by_cat[c.pk]) for c in cats if by_cat[c.pk]]
