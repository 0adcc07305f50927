"""Help center API at /api/v1/help: search, suggestions, articles, feedback (thin handlers)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from walletdesk.core import hant
from walletdesk.core.schemas import ErrorOut

from . import markup, queries, search, services
from .errors import ArticleNotFound, UnknownLanguage
from .models import Article

router = Router(tags=["helpcenter"])



class ResultOut(Schema):
    slug: str
    title: str
    score: float
    snippet: str = ""
    url: str


class NoFitOut(Schema):
    message: str
    person_url: str = Field(description="the contact form, with the question written in")
    contact_url: str = Field(description="the contact hub: every official channel")


class SearchOut(Schema):
    query: str
    lang: str
    answered: bool = Field(description="false when no article fits (then results is empty)")
    results: list[ResultOut]
    no_fit: NoFitOut | None = Field(None, description="what to offer instead, when not answered")


class SuggestionOut(Schema):
    slug: str
    title: str
    url: str


class SuggestOut(Schema):
    query: str
    lang: str
    suggestions: list[SuggestionOut]


class ArticleOut(Schema):
    slug: str
    category: str
    title: str
    summary: str
    body: str = Field(description="the article in the help center's small markup")
    body_html: str
    version: int
    updated_at: str
    url: str


class FeedbackIn(Schema):
    helpful: bool
    comment: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    article: str
    helpful: bool
    article_version: int


def request_lang(request: HttpRequest, lang: str | None) -> str:
    """The explicit ``lang`` or, without one, the page language of the request."""
    if lang is None or lang == "":
        return "en" if (get_language() or "").startswith("en") else "zh-hans"
    if lang not in search.LANGS:
        raise UnknownLanguage()
    return lang


def search_lang(request: HttpRequest, lang: str | None) -> str:
    """As :func:`request_lang`, and zh-hant too (searched as zh-hans, shown converted)."""
    if lang == "zh-hant" or (not lang and hant.is_hant(get_language())):
        return "zh-hant"
    return request_lang(request, lang)


def feedback_client(request: HttpRequest) -> str:
    """Who is voting: the session when the client has one, else the client address."""
    key = request.session.session_key if hasattr(request, "session") else None
    return services.client_digest(key, request.META.get("REMOTE_ADDR"))


@router.get("/search", response={200: SearchOut, 422: ErrorOut}, auth=None)
def search_articles(request: HttpRequest, q: str = "", lang: str | None = None,
                    limit: int = 10) -> SearchOut:
    """Hybrid search. When no article fits, ``answered`` is false, ``results`` is empty and
    ``no_fit`` offers a person and the contact hub instead of unrelated articles."""
    from .views import person_url

    language = search_lang(request, lang)
    is_hant = language == "zh-hant"
    found = search.answer(hant.to_hans(q) if is_hant else q,
                          "zh-hans" if is_hant else language, limit=limit)
    shown = hant.convert_cached if is_hant else str
    no_fit = None
    if not found.answered and q.strip():
        with override(language):
            no_fit = NoFitOut(message=_("None of our articles answers this question. A person "
                                        "can help: ask an agent, or see all ways to contact us."),
                              person_url=person_url(q), contact_url="/contact/")
    return SearchOut(query=q, lang=language, answered=found.answered, no_fit=no_fit, results=[
        ResultOut(slug=h.slug, title=shown(h.title), score=h.score, snippet=shown(h.snippet),
                  url=f"/help/{h.slug}/") for h in found.hits])


@router.get("/suggest", response={200: SuggestOut, 422: ErrorOut}, auth=None)
def suggest(request: HttpRequest, q: str = "", lang: str | None = None) -> SuggestOut:
    language = request_lang(request, lang)
    hits = search.suggest(q, language)
    return SuggestOut(query=q, lang=language, suggestions=[
        SuggestionOut(slug=h.slug, title=h.title, url=f"/help/{h.slug}/") for h in hits])


def _article_out(article: Article, lang: str) -> ArticleOut:
    sfx = "en" if lang == "en" else "zh"
    body = getattr(article, f"body_{sfx}")
    return ArticleOut(slug=article.slug, category=article.category.slug,
                      title=getattr(article, f"title_{sfx}"),
                      summary=getattr(article, f"summary_{sfx}"), body=body,
                      body_html=str(markup.render(body)), version=article.version,
                      updated_at=article.updated_at.isoformat(), url=f"/help/{article.slug}/")


@router.get("/articles", response={200: list[ArticleOut], 422: ErrorOut}, auth=None)
def list_articles(request: HttpRequest, lang: str | None = None) -> list[ArticleOut]:
    language = request_lang(request, lang)
    return [_article_out(a, language) for _, arts in queries.categories_with_articles()
            for a in arts]


@router.get("/articles/{slug}", response={200: ArticleOut, 404: ErrorOut, 422: ErrorOut},
            auth=None)
def get_article(request: HttpRequest, slug: str, lang: str | None = None) -> ArticleOut:
    language = request_lang(request, lang)
    article = Article.objects.select_related("category").filter(slug=slug,
                                                                 is_published=True).first()
    if article is None:
        raise ArticleNotFound()
    return _article_out(article, language)


@router.post("/articles/{slug}/feedback",
             response={201: FeedbackOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def give_feedback(request: HttpRequest, slug: str, payload: FeedbackIn,
                  lang: str | None = None) -> tuple[int, FeedbackOut]:
    fb = services.record_feedback(slug, helpful=payload.helpful, comment=payload.comment,
                                  language=request_lang(request, lang),
                                  client=feedback_client(request))
    return 201, FeedbackOut(article=slug, helpful=fb.helpful, article_version=fb.article_version)
