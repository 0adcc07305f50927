from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from walletdesk.support import bench


class Command(BaseCommand):
    help = ("Live-chat benchmark against a running deployment (prints JSON). "
            "First `--setup` against its database, then the run.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=100)
        parser.add_argument("--agents", type=int, default=10)
        parser.add_argument("--seconds", type=float, default=30)
        parser.add_argument("--rate", type=float, default=200, help="messages per second in total")
        parser.add_argument("--url", action="append", default=[],
                            help="server base URL; repeat (or comma-separate) for several processes")
        parser.add_argument("--pids", default="", help="server pids for peak RSS (default: by port)")
        parser.add_argument("--state", default="", help="file with the bench users (default var/)")
        parser.add_argument("--setup", action="store_true",
                            help="create the customers, agents and conversations in this database")
        parser.add_argument("--runs", type=int, default=1,
                            help="runs in a row; the `median` block is the figure to quote")
        parser.add_argument("--check", action="store_true",
                            help="exit 1 when any message was lost or delivered twice")

    def handle(self, *args: Any, **o: Any) -> None:
        state = Path(o["state"] or Path(settings.VAR_DIR) / "bench_chat.json")
        if o["setup"]:
            out = bench.setup(o["customers"], o["agents"], state)
        else:
            urls = [u for raw in o["url"] or ["http://127.0.0.1:8000"] for u in raw.split(",") if u]
            pids = [int(p) for p in o["pids"].split(",") if p.strip()]
            out = bench.bench(urls, state, o["customers"], o["agents"], o["seconds"], o["rate"], pids,
                              runs=o["runs"], argv=sys.argv[2:])
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        if o["check"] and not o["setup"] and (out["lost"] or out["duplicated"]):
            self.stderr.write(f"bench_chat --check: lost {out['lost']}, duplicated {out['duplicated']}")
            sys.exit(1)
