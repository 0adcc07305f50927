"""Typed errors of live support (stable codes, translated messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    Unauthenticated,
    ValidationFailed,
)


class ConversationNotFound(NotFound):
    code = "conversation_not_found"
    default_message = _("This conversation does not exist or is not yours.")


class NotAllowed(PermissionDenied):
    code = "support_forbidden"
    default_message = _("You are not allowed to do this in this conversation.")


class AlreadyTaken(Conflict):
    code = "already_taken"
    default_message = _("Another agent has already taken this conversation.")


class AtCapacity(Conflict):
    code = "agent_at_capacity"
    default_message = _("You already have as many chats as you can take.")


class ConversationClosed(Conflict):
    code = "conversation_closed"
    default_message = _("This conversation has ended. Please start a new one.")


class ConversationResolved(ConversationClosed):
    """An ended conversation, as staff are told (same code: clients need not tell them apart)."""

    default_message = _("This conversation is resolved. It can no longer be replied to, "
                        "transferred or resolved again.")


class NotYourConversation(Conflict):
    """An agent writing in a conversation that is queued (not accepted) or not assigned to them."""

    code = "not_assigned_to_you"
    default_message = _("Accept this conversation first: until then you cannot reply, write a "
                        "note or transfer it.")


class NothingToTakeOver(Conflict):
    """A take-over of a conversation nobody is handling (queued: accept it instead)."""

    code = "nothing_to_take_over"
    default_message = _("Nobody is handling this conversation: accept it from the queue instead.")


class NotOnDuty(Conflict):
    code = "not_on_duty"
    default_message = _("Set your status to Online before you take over a conversation.")


class NotResolved(Conflict):
    code = "not_resolved"
    default_message = _("You can rate the conversation once it is resolved.")


class AlreadyRated(Conflict):
    code = "already_rated"
    default_message = _("You have already rated this conversation. Thank you.")


class InvalidMessage(ValidationFailed):
    code = "invalid_message"
    default_message = _("A message needs between 1 and 4000 characters.")


class InvalidTopic(ValidationFailed):
    code = "invalid_topic"
    default_message = _("Please choose a topic from the list.")


class UnknownTransaction(ValidationFailed):
    code = "unknown_transaction"
    default_message = _("That transaction is not in your history.")


class InvalidRating(ValidationFailed):
    code = "invalid_rating"
    default_message = _("Please rate from 1 to 5.")


class InvalidAttachment(ValidationFailed):
    code = "invalid_attachment"
    default_message = _("Only PNG, JPEG, GIF or WebP images up to 5 MB can be sent.")


class InvalidTransfer(ValidationFailed):
    code = "invalid_transfer"
    default_message = _("Choose another agent who is on duty, or a queue.")


class ChatRateLimited(DomainError):
    status = 429
    code = "chat_rate_limited"
    default_message = _("You are sending messages too fast. Please wait a moment and try again.")


class SessionEnded(Unauthenticated):
    code = "not_authenticated"
    default_message = _("Your session has ended. Please log in again.")
