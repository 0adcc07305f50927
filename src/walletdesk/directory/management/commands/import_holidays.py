"""Import holidays and special days from an iCalendar file into service hours.

    walletdesk import_holidays cn-hotline holidays-2027.ics

The same service as the admin's "Import holidays from iCalendar": every event
is checked first, and nothing is stored if one is invalid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from walletdesk.core.errors import DomainError
from walletdesk.directory import ical, services
from walletdesk.directory.models import ServiceHours


class Command(BaseCommand):
    help = "Import holidays and special days from an .ics file into service hours."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("hours", help="the name of the service hours, for example cn-hotline")
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        sh = ServiceHours.objects.filter(name=options["hours"]).first()
        if sh is None:
            raise CommandError(f"no service hours named {options['hours']!r}")
        try:
            with Path(options["file"]).open("rb") as f:
                data = f.read(ical.MAX_BYTES + 1)
            count = services.import_ical(sh, data)
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self.stdout.write(f"{count} days imported into {sh.name}")
