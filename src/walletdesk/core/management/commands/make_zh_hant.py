"""``walletdesk make_zh_hant``: regenerate every app's zh_Hant catalogue from its zh_Hans one
(OpenCC s2hk + the Hong Kong phrase table in core/hant.py), then compile every catalogue.
``--check`` changes nothing and fails when a file is stale (CI)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Generate zh_Hant catalogues from zh_Hans and compile all .po files to .mo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="only report stale zh_Hant or .mo files (exit status 1)")
        parser.add_argument("--no-compile", action="store_true", help="write the .po files only")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from walletdesk.core import catalogues
        except ImportError as exc:  # Babel is the "messages" extra: serving does not need it
            raise CommandError("the catalogues need Babel: pip install 'walletdesk[messages]'") from exc
        if options["check"]:
            problems = catalogues.stale()
            if problems:
                raise CommandError("stale catalogues (run `make messages`):\n" + "\n".join(problems))
            self.stdout.write("catalogues up to date")
            return
        written = catalogues.make_zh_hant()
        if not options["no_compile"]:
            written += catalogues.compile_all()
        for path in written:
            self.stdout.write(f"wrote {path.relative_to(catalogues.PACKAGE)}")
        self.stdout.write(f"{len(written)} file(s) changed")
