"""Help center: categories, articles in zh-hans and English, their versions and feedback.

Text fields come in pairs ``<field>_zh`` / ``<field>_en`` so that the shared
``pick_lang`` template filter shows the right one. Every saved state of an
article is kept as an :class:`ArticleVersion` (written by ``services`` only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.name_zh} / {self.name_en}"


class Article(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles",
                                 verbose_name=_("category"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=240, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=240, blank=True)
    body_zh = models.TextField(_("body (Chinese)"))
    body_en = models.TextField(_("body (English)"))
    keywords_zh = models.CharField(_("search keywords (Chinese)"), max_length=400, blank=True)
    keywords_en = models.CharField(_("search keywords (English)"), max_length=400, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Digest of the packaged content file this article was last loaded from; the
    # demo loader only overwrites articles that nobody has edited since.
    source_digest = models.CharField(max_length=64, blank=True, editable=False,
                                     verbose_name=_("source digest"))
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["category__position", "position", "slug"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.slug


# The fields that make up one version of an article.
CONTENT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en",
                  "keywords_zh", "keywords_en")


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions",
                                verbose_name=_("article"))
    version = models.PositiveIntegerField(_("version"))
    title_zh = models.CharField(max_length=120, verbose_name=_("title (Chinese)"))
    title_en = models.CharField(max_length=120, verbose_name=_("title (English)"))
    summary_zh = models.CharField(max_length=240, blank=True, verbose_name=_("summary (Chinese)"))
    summary_en = models.CharField(max_length=240, blank=True, verbose_name=_("summary (English)"))
    body_zh = models.TextField(verbose_name=_("text (Chinese)"))
    body_en = models.TextField(verbose_name=_("text (English)"))
    keywords_zh = models.CharField(max_length=400, blank=True, verbose_name=_("search keywords (Chinese)"))
    keywords_en = models.CharField(max_length=400, blank=True, verbose_name=_("search keywords (English)"))
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("edited by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("saved"))

    class Meta:
        ordering = ["article", "-version"]
        constraints = [models.UniqueConstraint(fields=["article", "version"],
                                               name="helpcenter_one_row_per_version")]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")

    def __str__(self) -> str:
        return f"{self.article.slug} v{self.version}"


class Feedback(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback",
                                verbose_name=_("article"))
    helpful = models.BooleanField(_("helpful"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10)
    # sha256 of the session key (or of the client address when there is no session).
    client = models.CharField(max_length=64, db_index=True, editable=False, verbose_name=_("client"))
    article_version = models.PositiveIntegerField(_("article version"))
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["article", "client"],
                                               name="helpcenter_one_vote_per_client")]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.article.slug}: {'yes' if self.helpful else 'no'}"
