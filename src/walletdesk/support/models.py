"""Support agents. A later issue builds live chat on them; the directory uses
them now to answer "is employee WD1024 one of yours, and on duty?"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock

SKILLS = ("payments", "refunds", "account_security", "technical", "general")
AGENT_ROLES = ("agent", "senior_agent", "supervisor")


class Agent(models.Model):
    class Status(models.TextChoices):
        ONLINE = "online", _("Online")
        AWAY = "away", _("Away")
        OFFLINE = "offline", _("Offline")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="agent", verbose_name=_("user"))
    display_name = models.CharField(_("display name"), max_length=60,
                                    help_text=_("Shown to customers with the employee ID"))
    latin_name = models.CharField(
        _("name in Latin letters"), max_length=60, blank=True, default="",
        help_text=_("Shown to customers who use English instead of the display name, "
                    "for example Li Na for 李娜. Leave empty to show the display name."))
    employee_id = models.CharField(_("employee ID"), max_length=12, unique=True,
                                   help_text=_("For example WD1024"))
    skills = models.JSONField(_("skills"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    max_concurrent_chats = models.PositiveSmallIntegerField(_("chats at once"), default=3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OFFLINE)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=8, default="CN")
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["employee_id"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.employee_id})"

    def name_in(self, language: str | None = None) -> str:
        """The name a viewer reading ``language`` (default: the active one) sees."""
        return name_for(self.display_name, self.latin_name, language)

    @property
    def shown_name(self) -> str:
        """For templates: the name in the language the page is rendered in."""
        return self.name_in()


def name_for(display_name: str, latin_name: str, language: str | None = None) -> str:
    """Chinese readers see the display name; English readers the Latin name when there is one."""
    lang = language if language is not None else (translation.get_language() or "")
    return latin_name if latin_name and lang.lower().startswith("en") else display_name


TOPICS = ("payments", "refunds", "account_security", "technical", "general")
PRIORITY_URGENT, PRIORITY_HIGH, PRIORITY_NORMAL = 30, 20, 10


class ReferenceCounter(models.Model):
    """One row per desk date (ADR 0117); the next reference number is a guarded increment of ``value``."""

    day = models.CharField(max_length=8, primary_key=True)  # YYYYMMDD
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.value}"


class Conversation(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        ACTIVE = "active", _("Active")
        WAITING = "waiting", _("Waiting on customer")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        CHAT = "chat", _("Chat")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.CHAT,
                               verbose_name=_("channel"))
    topic = models.CharField(_("topic"), max_length=20, default="general")
    skill = models.CharField(_("queue"), max_length=20, default="general")
    language = models.CharField(max_length=10, default="zh-hans", verbose_name=_("language"))
    region = models.CharField(max_length=16, default="CN", verbose_name=_("region"))
    priority = models.PositiveSmallIntegerField(default=PRIORITY_NORMAL, verbose_name=_("priority"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED,
                              verbose_name=_("status"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="support_conversations",
                                 verbose_name=_("customer"))
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="conversations", verbose_name=_("agent"))
    offered_to = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="offers", verbose_name=_("offered to"))
    transaction_public_id = models.CharField(max_length=40, blank=True, default="",
                                             verbose_name=_("transaction ID"))
    description = models.TextField(blank=True, default="", verbose_name=_("description"))
    context = models.JSONField(default=dict, blank=True, verbose_name=_("context"))
    # A guest (cannot log in) gives the contact on file; it is attached once proven by a code.
    guest_contact = models.CharField(max_length=254, blank=True, default="",
                                     verbose_name=_("guest contact"))
    guest_key_hash = models.CharField(max_length=64, blank=True, default="",
                                      verbose_name=_("guest key fingerprint"))
    guest_verified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("guest verified at"))
    after_hours = models.BooleanField(default=False, verbose_name=_("left after hours"))
    callback_requested = models.BooleanField(default=False, verbose_name=_("callback requested"))
    last_seq = models.PositiveIntegerField(default=0, verbose_name=_("last message number"))
    customer_read_seq = models.PositiveIntegerField(default=0, verbose_name=_("read by the customer up to"))
    agent_read_seq = models.PositiveIntegerField(default=0, verbose_name=_("read by the agent up to"))
    rating = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("rating"))
    rating_comment = models.TextField(blank=True, default="", verbose_name=_("rating comment"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    queued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queued at"))
    assigned_at = models.DateTimeField(null=True, blank=True, verbose_name=_("assigned at"))
    first_response_at = models.DateTimeField(null=True, blank=True, verbose_name=_("first response at"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    updated_at = models.DateTimeField(default=clock.now, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "skill", "-priority", "queued_at"])]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.reference


class Attachment(models.Model):
    """An image, kept in the database so that every server process can serve it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="attachments")
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.content_type} {self.size} B"


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Message")
        IMAGE = "image", _("Image")
        NOTE = "note", _("Private note")
        EVENT = "event", _("Event")

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    role = models.CharField(max_length=10, choices=Role.choices)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    agent = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    # Name and 工号 as they were when the message was sent (the record must not change).
    sender_name = models.CharField(max_length=80, blank=True, default="")
    sender_latin_name = models.CharField(max_length=80, blank=True, default="")
    employee_id = models.CharField(max_length=12, blank=True, default="")
    text = models.TextField(blank=True, default="")
    masked = models.JSONField(default=list, blank=True)
    event = models.CharField(max_length=30, blank=True, default="")
    attachment = models.ForeignKey(Attachment, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    client_id = models.CharField(max_length=64, null=True, blank=True)
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="support_message_seq"),
            models.UniqueConstraint(fields=["conversation", "client_id"],
                                    condition=models.Q(client_id__isnull=False),
                                    name="support_message_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.seq}"

    @property
    def private(self) -> bool:
        return self.kind == self.Kind.NOTE

    def sender_name_in(self, language: str | None = None) -> str:
        """The sender's name as a viewer reading ``language`` (default: the active one) sees it."""
        return name_for(self.sender_name, self.sender_latin_name, language)


class QueueStat(models.Model):
    """Exponentially weighted moving average of the waits of one queue (skill)."""

    skill = models.CharField(max_length=20, primary_key=True)
    ewma_seconds = models.FloatField(default=0)
    samples = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.skill}: {self.ewma_seconds:.0f}s"


class CannedReply(models.Model):
    title_zh = models.CharField(max_length=60, verbose_name=_("title (Chinese)"))
    title_en = models.CharField(max_length=60, verbose_name=_("title (English)"))
    text_zh = models.TextField(verbose_name=_("text (Chinese)"))
    text_en = models.TextField(verbose_name=_("text (English)"))
    skill = models.CharField(max_length=20, blank=True, default="", verbose_name=_("skill"))
    sort_order = models.PositiveSmallIntegerField(default=0, verbose_name=_("sort order"))

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title_en
