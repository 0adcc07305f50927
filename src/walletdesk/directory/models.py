"""The official contact directory: regions, their channels and service hours.

Everything here is public information. Rows are written only through
``services.py`` (the admin calls it too); ``Channel.normalized`` is the form
that verification compares against (E.164 numbers, lower-case emails and
domains, ``platform:handle`` for social accounts).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock


class Region(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True,
                            help_text=_("Upper-case letters, for example CN, HK, SG, INTL"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    time_zone = models.CharField(_("time zone"), max_length=64,
                                 help_text=_("IANA name, for example Asia/Shanghai"))
    notes_zh = models.TextField(_("notes (Chinese)"), blank=True, default="")
    notes_en = models.TextField(_("notes (English)"), blank=True, default="")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh} / {self.name_en}"


class ServiceHours(models.Model):
    """A weekly timetable in one time zone, with holidays and special days.

    A period belongs to the day it starts on; when ``end <= start`` it runs
    past midnight into the next day (22:00–02:00). A special day replaces the
    periods that start on that date (closed, or one other period); a span that
    started the evening before still runs to its end.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64)
    always_open = models.BooleanField(_("open around the clock"), default=False)

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")

    def __str__(self) -> str:
        return f"{self.name} ({self.time_zone})"


class WeeklyPeriod(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    hours = models.ForeignKey(ServiceHours, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"), help_text=_("Earlier than the opening time: past midnight"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("weekly period")
        verbose_name_plural = _("weekly periods")
        constraints = [models.UniqueConstraint(fields=["hours", "weekday", "start"],
                                               name="weeklyperiod_unique_start")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class SpecialDay(models.Model):
    """A public holiday (closed) or a day with other hours."""

    hours = models.ForeignKey(ServiceHours, on_delete=models.CASCADE, related_name="special_days")
    date = models.DateField(_("date"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, blank=True, default="")
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True, default="")
    closed = models.BooleanField(_("closed all day"), default=True)
    start = models.TimeField(_("opens"), null=True, blank=True)
    end = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or special day")
        verbose_name_plural = _("holidays and special days")
        constraints = [models.UniqueConstraint(fields=["hours", "date"],
                                               name="specialday_unique_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.name_en or self.name_zh}"


class Channel(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        CHAT = "chat", _("Online chat")
        WEBSITE = "website", _("Website or app domain")
        SOCIAL = "social", _("Social account")

    class Platform(models.TextChoices):
        NONE = "", "—"
        WECHAT = "wechat", _("WeChat")
        WEIBO = "weibo", _("Weibo")
        DOUYIN = "douyin", _("Douyin")
        FACEBOOK = "facebook", _("Facebook")
        INSTAGRAM = "instagram", _("Instagram")
        X = "x", "X"
        WHATSAPP = "whatsapp", "WhatsApp"
        LINKEDIN = "linkedin", "LinkedIn"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="channels",
                               verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices,
                                blank=True, default="")
    value = models.CharField(_("value"), max_length=200,
                             help_text=_("As shown to people: a number, an address, a domain, a handle"))
    normalized = models.CharField(max_length=200, editable=False, verbose_name=_("normal form"))
    label_zh = models.CharField(_("label (Chinese)"), max_length=80)
    label_en = models.CharField(_("label (English)"), max_length=80)
    notes_zh = models.TextField(_("notes (Chinese)"), blank=True, default="")
    notes_en = models.TextField(_("notes (English)"), blank=True, default="")
    hours = models.ForeignKey(ServiceHours, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="channels",
                              help_text=_("Empty: always available (email, website, social)"),
                              verbose_name=_("service hours"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__sort_order", "sort_order", "kind", "pk"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [models.UniqueConstraint(fields=["region", "kind", "normalized"],
                                               name="channel_unique_value")]

    def __str__(self) -> str:
        return f"{self.region.code} {self.kind} {self.value}"


class Report(models.Model):
    """Somebody met a number, address or site that is not ours: for the admins."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONFIRMED = "confirmed", _("Confirmed scam")
        DISMISSED = "dismissed", _("Dismissed")

    value = models.CharField(_("reported value"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12)
    normalized = models.CharField(max_length=300, blank=True, default="", verbose_name=_("normal form"))
    warning = models.CharField(_("warning"), max_length=40, blank=True, default="")
    note = models.TextField(_("what happened"), blank=True, default="", max_length=1000)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="scam_reports", verbose_name=_("reporter"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.NEW)
    created_at = models.DateTimeField(_("reported at"), default=clock.now)
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scam report")
        verbose_name_plural = _("scam reports")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value[:60]}"


class WaitForecast(models.Model):
    """Expected waits by hour of the week for one channel kind, region and language.

    Written only by the ``directory.wait_forecast`` job (``forecast.py``); pages
    and the API read it. ``waits`` holds 168 entries, Monday 00:00 first, in
    ``time_zone`` wall-clock hours: seconds, or None where there were too few
    samples. ``counts`` holds the samples behind each entry. An empty
    ``language`` row pools every language.
    """

    kind = models.CharField(_("kind"), max_length=10)
    region = models.CharField(_("region"), max_length=8)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    time_zone = models.CharField(_("time zone"), max_length=64)
    waits = models.JSONField(_("expected waits"), default=list)
    counts = models.JSONField(_("samples per hour"), default=list)
    samples = models.PositiveIntegerField(_("samples"), default=0)
    # The forecast made a week earlier against the waits of the week since (pooled rows only).
    error_seconds = models.PositiveIntegerField(_("median absolute error (s)"), null=True,
                                                blank=True)
    error_samples = models.PositiveIntegerField(_("waits checked"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["region", "kind", "language"]
        verbose_name = _("wait forecast")
        verbose_name_plural = _("wait forecasts")
        constraints = [models.UniqueConstraint(fields=["kind", "region", "language"],
                                               name="waitforecast_unique_key")]

    def __str__(self) -> str:
        return f"{self.region} {self.kind} {self.language or '*'}"
