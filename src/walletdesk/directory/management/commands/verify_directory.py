"""Check a saved copy of the signed directory offline.

    walletdesk verify_directory directory.json [--public-key BASE64 | --public-key-file FILE]

Without a key option the key of this installation is used (the one
published at /api/v1/contact/public-key). Exit status 0 when the signature
is valid, 1 when it is not, or when the copy is past its ``valid_until``
(unless ``--allow-expired``): an old copy may list a number we gave up.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from walletdesk.core import clock
from walletdesk.directory import signing


class Command(BaseCommand):
    help = "Verify the Ed25519 signature of a saved directory.json (offline)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--public-key", default="", help="base64 of the Ed25519 public key")
        parser.add_argument("--public-key-file", default="", help="a file holding that base64 text")
        parser.add_argument("--allow-expired", action="store_true",
                            help="accept a copy past its valid_until")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            envelope = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        try:
            if options["public_key_file"]:
                key = signing.parse_public_key(Path(options["public_key_file"]).read_text())
            elif options["public_key"]:
                key = signing.parse_public_key(options["public_key"])
            else:
                key = signing.signing_key().verify_key
            directory = signing.verify(envelope, key)
        except (OSError, signing.SignatureInvalid) as exc:
            raise CommandError(f"INVALID: {exc}") from None
        try:
            valid_until = datetime.fromisoformat(str(directory.get("valid_until")))
        except ValueError:
            raise CommandError("INVALID: no valid_until") from None
        if valid_until < clock.now() and not options["allow_expired"]:
            raise CommandError(f"EXPIRED: the signature is valid but the copy expired on "
                               f"{valid_until.isoformat()}; fetch a fresh one")
        channels = sum(len(r.get("channels", [])) for r in directory.get("regions", []))
        self.stdout.write(f"OK: signed by key {signing.key_id(key)}, issued "
                          f"{directory.get('issued_at')}, {len(directory.get('regions', []))} "
                          f"regions, {channels} channels")
