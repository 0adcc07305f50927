"""Back office for the directory. Every save goes through ``services`` and its
checks; a refused value shows the typed error's message and stores nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from walletdesk.core.admin import AuditedAdmin
from walletdesk.core.errors import DomainError

from . import hours as hours_math
from . import services
from .models import Channel, Region, Report, ServiceHours, SpecialDay, WeeklyPeriod


def _form_error(exc: DomainError) -> forms.ValidationError:
    return forms.ValidationError(str(exc.message), code=exc.code)


class RegionForm(forms.ModelForm[Region]):
    class Meta:
        model = Region
        fields = ["code", "name_zh", "name_en", "time_zone", "notes_zh", "notes_en", "sort_order",
                  "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["time_zone"] = hours_math.check_time_zone(data.get("time_zone", ""))
        except DomainError as exc:
            self.add_error("time_zone", _form_error(exc))
        return data


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    form = RegionForm
    list_display = ("code", "name_zh", "name_en", "time_zone", "sort_order", "is_active")

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        services.save_region(obj)


class ChannelForm(forms.ModelForm[Channel]):
    class Meta:
        model = Channel
        fields = ["region", "kind", "platform", "value", "label_zh", "label_en", "notes_zh",
                  "notes_en", "hours", "sort_order", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        region = data.get("region")
        if region is None:
            return data
        probe = Channel(region=region, kind=data.get("kind", ""), platform=data.get("platform", ""),
                        value=data.get("value", ""), label_zh=data.get("label_zh", ""),
                        label_en=data.get("label_en", ""))
        try:
            services.check_channel(probe, region.code)
        except DomainError as exc:
            raise _form_error(exc) from None
        clash = Channel.objects.filter(region=region, kind=probe.kind, normalized=probe.normalized)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise _form_error(services.DuplicateChannel())
        return data


@admin.register(Channel)
class ChannelAdmin(AuditedAdmin):
    form = ChannelForm
    list_display = ("region", "kind", "value", "normalized", "label_zh", "hours", "is_active")
    list_filter = ("region", "kind", "is_active")
    search_fields = ("value", "normalized", "label_zh", "label_en")

    def save_model(self, request: HttpRequest, obj: Channel, form: Any, change: bool) -> None:
        services.save_channel(obj)


class WeeklyFormSet(forms.BaseInlineFormSet[WeeklyPeriod, ServiceHours, forms.ModelForm[WeeklyPeriod]]):
    """Checks the whole week at once: no empty and no overlapping periods."""

    def clean(self) -> None:
        super().clean()
        periods = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            if data.get("start") is None or data.get("end") is None or data.get("weekday") is None:
                continue
            periods.append((data["weekday"], data["start"], data["end"]))
        try:
            services.check_weekly(periods)
        except DomainError as exc:
            raise _form_error(exc) from None


class WeeklyInline(admin.TabularInline[WeeklyPeriod, ServiceHours]):
    model = WeeklyPeriod
    formset = WeeklyFormSet
    extra = 0


class SpecialDayForm(forms.ModelForm[SpecialDay]):
    class Meta:
        model = SpecialDay
        fields = ["hours", "date", "name_zh", "name_en", "closed", "start", "end"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            hours_math.check_special(bool(data.get("closed")), data.get("start"), data.get("end"))
        except DomainError as exc:
            raise _form_error(exc) from None
        return data


class SpecialDayInline(admin.TabularInline[SpecialDay, ServiceHours]):
    model = SpecialDay
    form = SpecialDayForm
    extra = 0


class HoursForm(forms.ModelForm[ServiceHours]):
    class Meta:
        model = ServiceHours
        fields = ["name", "time_zone", "always_open"]

    def clean_time_zone(self) -> str:
        try:
            return hours_math.check_time_zone(self.cleaned_data.get("time_zone", ""))
        except DomainError as exc:
            raise _form_error(exc) from None


class IcalUploadForm(forms.Form):
    file = forms.FileField(label=_("iCalendar file (.ics)"))


@admin.register(ServiceHours)
class ServiceHoursAdmin(AuditedAdmin):
    form = HoursForm
    inlines = [WeeklyInline, SpecialDayInline]
    list_display = ("name", "time_zone", "always_open")
    change_form_template = "directory/admin/hours_change_form.html"

    def get_urls(self) -> list[Any]:
        return [path("<int:pk>/import-ical/", self.admin_site.admin_view(self.import_ical),
                     name="directory_servicehours_import_ical"), *super().get_urls()]

    def save_model(self, request: HttpRequest, obj: ServiceHours, form: Any, change: bool) -> None:
        services.save_hours(obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        rows = [f.cleaned_data for f in formset.forms if getattr(f, "cleaned_data", None)]
        # The admin's change message reads these; the service did the writing.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is WeeklyPeriod:
            services.save_hours(form.instance, weekly=[
                (r["weekday"], r["start"], r["end"]) for r in rows if not r.get("DELETE")])
            return
        for r in rows:  # the admin's change view runs all of this in one transaction
            if r.get("id") is not None:
                services.remove_special_day(r["id"])
            if r.get("DELETE"):
                continue
            services.set_special_day(form.instance, r["date"], closed=bool(r.get("closed")),
                                     start=r.get("start"), end=r.get("end"),
                                     name_zh=r.get("name_zh") or "", name_en=r.get("name_en") or "")

    def import_ical(self, request: HttpRequest, pk: int) -> HttpResponse:
        sh = get_object_or_404(ServiceHours, pk=pk)
        if not self.has_change_permission(request, sh):
            return HttpResponseRedirect(reverse("admin:index"))
        form = IcalUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                count = services.import_ical(sh, upload.read(512 * 1024 + 1))
            except DomainError as exc:
                form.add_error("file", _form_error(exc))
            else:
                self.message_user(request, _("%(count)d days imported.") % {"count": count},
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:directory_servicehours_change",
                                                    args=[sh.pk]))
        return render(request, "directory/admin/import_ical.html", {
            **self.admin_site.each_context(request), "form": form, "hours": sh,
            "opts": self.model._meta, "title": _("Import holidays from iCalendar")})


@admin.action(description=_("Mark as confirmed scam"))
def confirm_reports(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    for report in queryset:
        services.review_report(report, Report.Status.CONFIRMED)


@admin.action(description=_("Dismiss"))
def dismiss_reports(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    for report in queryset:
        services.review_report(report, Report.Status.DISMISSED)


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ("created_at", "kind", "value", "warning", "status", "reporter")
    list_filter = ("status", "kind", "warning")
    search_fields = ("value", "normalized", "note")
    readonly_fields = ("value", "kind", "normalized", "warning", "note", "reporter", "created_at",
                       "reviewed_at")
    actions = [confirm_reports, dismiss_reports]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
