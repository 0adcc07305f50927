"""Help center errors: stable codes, translated messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import DomainError, NotFound, ValidationFailed


class ArticleNotFound(NotFound):
    code = "article_not_found"
    default_message = _("There is no such help article.")


class QueryTooLong(ValidationFailed):
    code = "query_too_long"
    default_message = _("The search text is too long (at most 200 characters).")


class UnknownLanguage(ValidationFailed):
    code = "unknown_language"
    default_message = _("The language must be zh-hans or en.")


class CommentTooLong(ValidationFailed):
    code = "comment_too_long"
    default_message = _("The comment is too long (at most 500 characters).")


class FeedbackRateLimited(DomainError):
    status = 429
    code = "feedback_rate_limited"
    default_message = _("Thank you — we already have your feedback. Please try again later.")
