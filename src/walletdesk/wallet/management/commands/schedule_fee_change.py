"""``walletdesk schedule_fee_change``: the admin's "add fee policy" for operators without the
admin. Goes through ``services.schedule_fee_policy`` (at least a minute's notice; the
version in force ends when the new one starts) and writes the same audit record.

    walletdesk schedule_fee_change --operation withdrawal --method bank_card --currency CNY \\
        --starts-in 10m --rate-bp 80 --fixed 1.50 --minimum 2 --by admin@walletdesk.example \\
        --title-zh 提现手续费调整 --title-en "Withdrawal fee change" --body-zh … --body-en …
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.dateparse import parse_datetime

from walletdesk.accounts.models import User
from walletdesk.accounts.services import events, find_user_by_login
from walletdesk.core import clock
from walletdesk.core.admin import diff, snapshot
from walletdesk.core.errors import DomainError
from walletdesk.core.money import parse_major
from walletdesk.wallet import services
from walletdesk.wallet.models import FeePolicy

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def _start(args: dict[str, Any]) -> datetime:
    if args["starts_in"]:
        match = re.fullmatch(r"(\d+)([smhd])", args["starts_in"])
        if not match:
            raise CommandError("--starts-in takes a number and s, m, h or d (for example 10m)")
        return clock.now() + timedelta(**{UNITS[match[2]]: int(match[1])})
    at = parse_datetime(args["starts_at"] or "")
    if at is None or at.tzinfo is None:
        raise CommandError("--starts-at takes an ISO time with its offset (2026-12-01T00:00:00+08:00)")
    return at


def _minor(text: str | None, currency: str) -> int | None:
    if text is None:
        return None
    return 0 if text.strip() in ("0", "0.0", "0.00") else parse_major(text, currency)


class Command(BaseCommand):
    help = "Schedule the next version of a fee policy (at least a minute's notice); amounts in yuan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--operation", required=True, choices=["topup", "transfer", "payment",
                                                                    "withdrawal"])
        parser.add_argument("--method", required=True)
        parser.add_argument("--currency", required=True)
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--starts-at", help="ISO time with offset")
        when.add_argument("--starts-in", help="from now: 90s, 10m, 2h, 7d")
        parser.add_argument("--rate-bp", type=int, default=0, help="basis points (1 bp = 0.01%%)")
        parser.add_argument("--fixed", default="0", help="fixed fee in the currency's major unit")
        parser.add_argument("--minimum", default="0", help="minimum fee in the major unit")
        parser.add_argument("--maximum", default=None, help="maximum fee in the major unit (none if absent)")
        for lang in ("zh", "en"):
            parser.add_argument(f"--title-{lang}", default="")
            parser.add_argument(f"--body-{lang}", default="")
        parser.add_argument("--by", required=True, help="the staff member's login (for the audit)")

    def handle(self, *args: Any, **opts: Any) -> None:
        staff = find_user_by_login(opts["by"])
        if staff is None or not (staff.is_staff or staff.role == User.Role.ADMIN):
            raise CommandError("--by must name an administrator")
        texts = {k: opts[k] for k in ("title_zh", "title_en", "body_zh", "body_en")}
        if any(texts.values()) and not all(texts.values()):
            raise CommandError("an announcement needs --title-zh, --title-en, --body-zh and --body-en")
        try:
            currency = opts["currency"].upper()
            with transaction.atomic():
                policy = services.schedule_fee_policy(
                    opts["operation"], opts["method"], currency, effective_from=_start(opts),
                    basis_points=opts["rate_bp"], fixed=_minor(opts["fixed"], currency) or 0,
                    minimum=_minor(opts["minimum"], currency) or 0,
                    maximum=_minor(opts["maximum"], currency),
                    announcement=texts if all(texts.values()) else None)
                after = snapshot(policy)
                events.record("admin_add", staff, model=FeePolicy._meta.label_lower, object_id=str(policy.pk),
                              object=str(policy), staff=opts["by"], before={}, after=after,
                              changes=diff({}, after), via="schedule_fee_change")
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self.stdout.write(json.dumps({"id": policy.pk, "version": policy.version,
                                      "effective_from": policy.effective_from.isoformat(),
                                      "announced": bool(all(texts.values()))}))
