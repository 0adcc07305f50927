"""Help center pages: home with categories and live search, results, articles with feedback."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from walletdesk.core import hant
from walletdesk.core.errors import DomainError

from . import markup, queries, search, services
from .errors import CommentTooLong, FeedbackRateLimited, UnknownLanguage
from .models import Article
from .present import updated_words


def page_lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _shown(text: str) -> str:
    """Articles are written in zh-hans and English; zh-hant (Hong Kong) readers get the Chinese
    converted at render time (OpenCC s2hk + the phrase table, cached per text)."""
    return hant.convert_cached(text) if hant.is_hant(get_language()) else text


def _hits_shown(hits: list[search.Hit]) -> list[search.Hit]:
    if not hant.is_hant(get_language()):
        return hits
    return [search.Hit(h.slug, _shown(h.title), h.score, _shown(h.snippet)) for h in hits]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "helpcenter/home.html", {
        "categories": queries.categories_with_articles(), "lang": page_lang()})


RESULTS_SHOWN = 5


def results(request: HttpRequest) -> HttpResponse:
    """Ranked articles when one fits; when none does, say so and offer a person instead."""
    q = request.GET.get("q", "")
    hits, error, answered = [], "", True
    try:
        found = search.answer(hant.to_hans(q) if hant.is_hant(get_language()) else q,
                              page_lang(), limit=RESULTS_SHOWN)
        hits, answered = _hits_shown(found.hits), found.answered
    except DomainError as exc:
        error = str(exc.message)
    return render(request, "helpcenter/search.html", {
        "q": q[: search.MAX_QUERY], "hits": hits, "error": error, "lang": page_lang(),
        "answered": answered, "person_url": person_url(q)})


def person_url(q: str) -> str:
    """The contact form with the question already written in (the form asks to log in)."""
    from urllib.parse import urlencode

    text = " ".join(q.split())[: search.MAX_QUERY]
    return "/support/new/?" + urlencode({"topic": "general", "message": text})


# Articles whose reader can check their own account instead of reading about it in general:
# the troubleshooter that does it, by its page's title (the help centre links to it by URL and
# does not import the troubleshooters, which read the wallet).
TROUBLESHOOTERS = {"lock": gettext_lazy("Why is my account locked?"),
                   "payment": gettext_lazy("Where is my payment?"),
                   "refund": gettext_lazy("Can I get a refund?"),
                   "fee": gettext_lazy("Why was I charged a fee?")}
TROUBLESHOOTER_FOR = {"account-locked": "lock", "forgot-password": "lock",
                      "transaction-incomplete": "payment", "request-refund": "refund",
                      "fees": "fee"}


def article(request: HttpRequest, slug: str) -> HttpResponse:
    obj = Article.objects.select_related("category").filter(slug=slug, is_published=True).first()
    if obj is None:
        raise Http404
    lang = page_lang()
    sfx = "en" if lang == "en" else "zh"
    title = getattr(obj, f"title_{sfx}")
    related = _hits_shown([h for h in search.search(title, lang, limit=4) if h.slug != slug][:3])
    return render(request, "helpcenter/article.html", {
        "article": obj, "title": _shown(title), "summary": _shown(getattr(obj, f"summary_{sfx}")),
        "body": markup.render(_shown(getattr(obj, f"body_{sfx}"))), "related": related, "lang": lang,
        "updated": updated_words(obj.updated_at),
        **_feedback_row(request, slug),
        "troubleshooter": TROUBLESHOOTER_FOR.get(slug, ""),
        "troubleshooter_title": TROUBLESHOOTERS.get(TROUBLESHOOTER_FOR.get(slug, ""), "")})


def _voted_key(slug: str) -> str:
    return f"helpcenter-voted-{slug}"


def _feedback_row(request: HttpRequest, slug: str) -> dict[str, str]:
    """What the feedback row shows: the thanks once a vote counted (``voted``, no form); a vote
    refused for what the reader can change (a comment too long...) says why once, above the form
    again (``refused``); one refused because this reader already voted stays said."""
    outcome = request.session.get(_voted_key(slug))
    if isinstance(outcome, str) and outcome != FeedbackRateLimited.code:
        del request.session[_voted_key(slug)]
        return {"voted": "", "refused": feedback_note(outcome)}
    return {"voted": feedback_note(outcome), "refused": ""}


# What the feedback row says after a vote, by what the session remembers: the vote counted
# (True), or the code of the error that refused it. Read at render time, in the page's language.
REFUSED = {cls.code: cls.default_message for cls in
           (FeedbackRateLimited, CommentTooLong, UnknownLanguage)}


def feedback_note(voted: object) -> str:
    if not voted:
        return ""
    if voted is True:
        return _("Thank you — your answer helps us improve this article.")
    return str(REFUSED.get(str(voted), FeedbackRateLimited.default_message))


@require_POST
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """The vote of the article's feedback row; its outcome is shown in that row, where the
    redirect lands (the row's script swaps the row in place from the page it is sent to)."""
    if not request.session.session_key:
        request.session.save()
    key = request.session.session_key
    outcome: bool | str = True
    try:
        services.record_feedback(slug, helpful=request.POST.get("helpful") == "yes",
                                 comment=request.POST.get("comment", "")[:2000],
                                 language=page_lang(),
                                 client=services.client_digest(key, request.META.get("REMOTE_ADDR")))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        outcome = exc.code
    request.session[_voted_key(slug)] = outcome
    return redirect(f"/help/{slug}/#feedback")
