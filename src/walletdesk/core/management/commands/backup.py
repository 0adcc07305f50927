"""``walletdesk backup --to FILE``: a consistent copy of the database while it is in use.

* SQLite: sqlite3's online backup API copies the live database page by page
  (writers may go on; the copy is one consistent state), then the copy is
  checked with ``PRAGMA integrity_check``. Restore: stop the server, put the
  file in place of ``WALLETDESK_DATABASE_URL``'s file, start it again.
* PostgreSQL: runs ``pg_dump --format=custom`` (one snapshot, so also
  consistent under load); ``--print`` only shows the command. Restore with
  ``createdb`` and ``pg_restore --no-owner -d NEWDB FILE``.

Either way, ``walletdesk check_ledger`` against the restored database must say ok.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Back up the database while it is in use (SQLite online backup, or pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, help="the backup file to write")
        parser.add_argument("--print", action="store_true",
                            help="PostgreSQL: print the pg_dump command instead of running it")

    def handle(self, *args: Any, **opts: Any) -> None:
        target = Path(opts["to"]).resolve()
        if target.exists():
            raise CommandError(f"{target} exists already: refusing to overwrite a backup")
        started = time.monotonic()
        if connection.vendor == "sqlite":
            backup_sqlite(Path(settings.DATABASES["default"]["NAME"]), target)
        elif connection.vendor == "postgresql":
            command, env = pg_dump_command(target)
            if opts["print"]:
                self.stdout.write(shlex.join(command))
                return
            done = subprocess.run(command, env={**os.environ, **env}, capture_output=True,
                                  text=True, check=False)
            if done.returncode != 0:
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        else:
            raise CommandError(f"no backup for {connection.vendor}")
        self.stdout.write(json.dumps({
            "database": connection.vendor, "to": str(target), "bytes": target.stat().st_size,
            "seconds": round(time.monotonic() - started, 3)}))


def backup_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        # One step: a single read transaction, which in WAL mode does not block
        # the writers (copying in small steps would restart at every write).
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    if ok != "ok":
        target.unlink(missing_ok=True)
        raise CommandError(f"the copy failed its integrity check: {ok}")


def pg_dump_command(target: Path) -> tuple[list[str], dict[str, str]]:
    """The pg_dump call for the configured database; the password goes in the environment."""
    db = settings.DATABASES["default"]
    env = {"PGPASSWORD": str(db["PASSWORD"])} if db.get("PASSWORD") else {}
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
               f"--host={db.get('HOST') or 'localhost'}", f"--port={db.get('PORT') or 5432}",
               f"--username={db.get('USER') or 'postgres'}", f"--dbname={db['NAME']}"]
    return command, env
