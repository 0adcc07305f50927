"""Admin pieces shared by the apps: the audited base every admin class uses, the read-only
variant, and the site's branding.

Every change made in the admin (add, change, delete, a list-page edit, an action) writes one
record to the hash-chained security log (``accounts.events``) in the same transaction as the
change: who (the staff user and their address), what (model, object, action) and the
fields before and after. Secret-looking fields are never copied, only marked as changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("walletdesk admin")
admin.site.site_title = _("walletdesk admin")
admin.site.index_title = _("Back office")

SECRET_FIELD = re.compile(r"password|secret|salt|hash|token|otp|totp", re.IGNORECASE)
REDACTED = "[redacted]"
_STASH = "_walletdesk_audit_before"


def snapshot(obj: models.Model) -> dict[str, str | None]:
    """The object's stored fields as text (what the log keeps), secrets replaced by a mark."""
    out: dict[str, str | None] = {}
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        if SECRET_FIELD.search(field.name):
            # a short fingerprint tells "changed" from "unchanged" and reveals nothing
            out[field.name] = None if value in (None, "") else (
                f"{REDACTED}:{hashlib.sha256(str(value).encode()).hexdigest()[:8]}")
        else:
            out[field.name] = None if value is None else field.value_to_string(obj)
    return out


def _fresh(model: type[models.Model], pks: Iterable[Any]) -> dict[str, dict[str, str | None]]:
    return {str(o.pk): snapshot(o) for o in model._default_manager.filter(pk__in=list(pks))}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [before, after] for the fields that differ (secrets show only as changed)."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            if (str(old or "") + str(new or "")).startswith(REDACTED) or SECRET_FIELD.search(name):
                old, new = "…", "[changed]"
            changes[name] = [old, new]
    return changes


def record(request: HttpRequest, action: str, model: type[models.Model], object_id: Any, label: str,
           before: dict[str, Any] | None, after: dict[str, Any] | None, **extra: Any) -> None:
    """One ``admin_<action>`` security event: actor, object, fields before → after."""
    # Late import: core sits below accounts; the chain's writer lives there.
    from walletdesk.accounts.netutil import client_ip
    from walletdesk.accounts.services import events

    actor = request.user if getattr(request.user, "is_authenticated", False) else None
    events.record(
        f"admin_{action}", actor, ip=client_ip(request),  # type: ignore[arg-type]
        model=model._meta.label_lower, object_id=str(object_id), object=label[:200],
        staff=getattr(actor, "email", None) or str(getattr(actor, "pk", "")),
        before=before or {}, after=after or {},
        changes=diff(before or {}, after or {}), **extra)


class AuditedAdmin(admin.ModelAdmin[Any]):  # a base for every model's admin
    """The base of every admin class here: each write is audited (see the module text).

    The "before" is read when the admin loads the object (change and delete pages, the
    rows of a list-page edit, the rows an action works on); the "after" is read back from
    the database after the write, so services that save differently are recorded as stored.
    """

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        if isinstance(widget, forms.SplitDateTimeWidget):  # two inputs, one <label>: name both
            widget.widgets[0].attrs["aria-label"] = f"{field.label} · {_('date')}"  # type: ignore[union-attr]
            widget.widgets[1].attrs["aria-label"] = f"{field.label} · {_('time')}"  # type: ignore[union-attr]
        return field

    def _stash(self, request: HttpRequest) -> dict[str, dict[str, Any]]:
        stash: dict[str, dict[str, Any]] | None = getattr(request, _STASH, None)
        if stash is None:
            stash = {}
            setattr(request, _STASH, stash)
        return stash

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            self._stash(request).setdefault(str(obj.pk), snapshot(obj))
        return obj

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        after = _fresh(self.model, [obj.pk]).get(str(obj.pk), {})
        record(request, "add", self.model, obj.pk, str(obj), None, after)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        before = self._stash(request).get(str(obj.pk), {})
        after = _fresh(self.model, [obj.pk]).get(str(obj.pk), {})
        record(request, "change", self.model, obj.pk, str(obj), before, after)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:  # called before the deletion
            record(request, "delete", self.model, obj.pk, str(obj), snapshot(obj), None)
        return super().log_deletions(request, queryset)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.method == "POST" and "_save" in request.POST and self.list_editable:
            pks = [v for k, v in request.POST.items() if re.fullmatch(r"form-\d+-id", k) and v]
            with transaction.atomic():  # the rows' "before" and their change in one transaction
                self._stash(request).update(_fresh(self.model, pks))
                return super().changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        name = request.POST.get("action", "")
        if name == "delete_selected" or not name:
            return super().response_action(request, queryset)  # deletions: log_deletions
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        target = queryset if request.POST.get("select_across") == "1" else queryset.filter(pk__in=selected)
        with transaction.atomic():
            rows = list(target)
            before = {str(o.pk): snapshot(o) for o in rows}
            labels = {str(o.pk): str(o) for o in rows}
            response = super().response_action(request, queryset)
            if isinstance(response, HttpResponseRedirect):  # the action ran (not its form page)
                after = _fresh(self.model, before)
                for pk, old in before.items():
                    new = after.get(pk)
                    record(request, "action", self.model, pk, labels[pk], old, new, admin_action=name)
        return response


class ReadOnlyAdmin(AuditedAdmin):
    """Records that are kept as they were written (logs, audit, history): view only.
    Actions that a subclass adds still go through services and are audited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
