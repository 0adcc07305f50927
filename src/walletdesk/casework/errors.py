"""Refusals of agent actions: 403 with a stable code, nothing changed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed


class NotAnAgent(PermissionDenied):
    code = "not_an_agent"
    default_message = _("Only support staff can do this.")


class NotYourConversation(PermissionDenied):
    code = "not_your_conversation"
    default_message = _("This conversation is not assigned to you.")


class ConversationNotLive(PermissionDenied):
    code = "conversation_not_live"
    default_message = _("Actions are possible only while the conversation is active.")


class CustomerUnknown(PermissionDenied):
    code = "customer_unknown"
    default_message = _("The customer of this conversation has not proven their contact yet.")


class VerificationRequired(PermissionDenied):
    code = "verification_required"
    default_message = _("Verify the customer in this conversation first.")


class ActionNotPermitted(PermissionDenied):
    code = "action_not_permitted"
    default_message = _("Your role does not allow this action.")


class OwnAccount(PermissionDenied):
    code = "own_account"
    default_message = _("Nobody acts on or approves for their own account.")


class ApprovalOwnRequest(PermissionDenied):
    code = "approval_own_request"
    default_message = _("Nobody can approve their own request; another colleague has to.")


class ApprovalNotPermitted(PermissionDenied):
    code = "approval_not_permitted"
    default_message = _("Your role cannot approve this action.")


class ObjectNotInConversation(PermissionDenied):
    code = "object_not_in_conversation"
    default_message = _("This item does not belong to the customer of this conversation.")


class ActionNotApplicable(PermissionDenied):
    code = "action_not_applicable"
    default_message = _("This action does not apply to the item in its current state.")


class NotAwaitingApproval(Conflict):
    code = "not_awaiting_approval"
    default_message = _("This action is not waiting for approval.")


class UnknownAction(ValidationFailed):
    code = "unknown_action"
    default_message = _("Unknown action.")


class ReasonRequired(ValidationFailed):
    code = "reason_required"
    default_message = _("Give a reason for this action (at least 5 characters).")


class InvalidParameters(ValidationFailed):
    code = "invalid_parameters"
    default_message = _("Some parameters of this action are missing or not valid.")


class MethodUnavailable(PermissionDenied):
    code = "verification_method_unavailable"
    default_message = _("This verification method is not available for this customer.")


class VerificationNotFound(NotFound):
    code = "verification_not_found"
    default_message = _("This verification request does not exist or is not yours.")


class VerificationNotPending(Conflict):
    code = "verification_not_pending"
    default_message = _("This verification request is no longer waiting (it expired or was replaced).")


class VerificationCodeWrong(DomainError):
    status = 422
    code = "invalid_code"
    default_message = _("The code is wrong or has expired.")


class ActionNotFound(NotFound):
    code = "action_not_found"
    default_message = _("This action does not exist.")
