"""Jobs of support by email (autodiscovered by core): send a reply or an acknowledgement, and
sweep for agents' answers that no signal announced."""

from __future__ import annotations

from walletdesk.core.services import jobs

from .services import outbound


@jobs.task("mailroom.deliver", retry_on=(outbound.DeliveryFailed,))
def deliver(mail_id: int) -> None:
    outbound.deliver(mail_id)


@jobs.task("mailroom.reply", retry_on=(outbound.DeliveryFailed,))
def reply(message_id: int) -> None:
    row = outbound.reply_row(message_id)
    if row is not None:
        outbound.deliver(row.pk)


@jobs.periodic("mailroom.sweep_replies", seconds=5)
def sweep_replies() -> None:
    for message_pk in outbound.unsent_replies():
        outbound.queue_reply(message_pk)
