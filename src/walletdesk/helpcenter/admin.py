"""Back office for help content: every save goes through ``services`` and keeps a version."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from walletdesk.core.admin import AuditedAdmin, ReadOnlyAdmin

from . import services
from .models import CONTENT_FIELDS, Article, ArticleVersion, Category, Feedback


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("slug", "name_zh", "name_en", "position")
    ordering = ("position",)

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        saved = services.save_category(obj.slug, name_zh=obj.name_zh, name_en=obj.name_en,
                                       position=obj.position)
        obj.pk = saved.pk


class VersionInline(admin.TabularInline[ArticleVersion, Article]):
    model = ArticleVersion
    fields = ("version", "created_at", "edited_by", "note", "title_zh", "title_en")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-version",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    list_display = ("slug", "title_zh", "title_en", "category", "version", "is_published",
                    "helpful_yes", "helpful_no", "updated_at")
    list_filter = ("category", "is_published")
    search_fields = ("slug", "title_zh", "title_en")
    readonly_fields = ("version", "created_at", "updated_at")
    fields = ("slug", "category", "position", "is_published", *CONTENT_FIELDS, "version",
              "created_at", "updated_at")
    inlines = [VersionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        queryset: QuerySet[Article] = super().get_queryset(request).annotate(
            yes=Count("feedback", filter=Q(feedback__helpful=True)),
            no=Count("feedback", filter=Q(feedback__helpful=False)))
        return queryset

    @admin.display(description=_("helpful"), ordering="yes")
    def helpful_yes(self, obj: Any) -> int:
        return int(obj.yes)

    @admin.display(description=_("not helpful"), ordering="no")
    def helpful_no(self, obj: Any) -> int:
        return int(obj.no)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data}
        if change:
            saved = services.update_article(obj.pk, editor=request.user, note="admin", **data)
        else:
            content = {f: getattr(obj, f) for f in (*CONTENT_FIELDS, "position", "is_published")}
            saved = services.create_article(obj.slug, category=obj.category, editor=request.user,
                                            note="admin", **content)
        obj.pk, obj.version = saved.pk, saved.version


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnlyAdmin):
    list_display = ("article", "version", "created_at", "edited_by", "note")
    list_filter = ("article",)
    readonly_fields = ("article", "version", *CONTENT_FIELDS, "edited_by", "note", "created_at")
    actions = ["restore"]


    @admin.action(description=_("Restore the selected version (as a new version)"))
    def restore(self, request: HttpRequest, queryset: QuerySet[ArticleVersion]) -> None:
        for version in queryset:
            services.restore_version(version, editor=request.user)
        messages.success(request, _("Restored."))


@admin.register(Feedback)
class FeedbackAdmin(AuditedAdmin):
    list_display = ("article", "helpful", "comment", "language", "article_version", "created_at")
    list_filter = ("helpful", "language", "article")
    readonly_fields = ("article", "helpful", "comment", "language", "article_version",
                       "created_at")
    exclude = ("client",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
