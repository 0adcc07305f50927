"""Schemathesis against /api/v1/openapi.json of a real server, as a logged-in customer.

No 5xx, every status documented, every body matching its schema. Bounded for
CI: ``WALLETDESK_FUZZ_EXAMPLES`` (default 20) cases per operation per phase, a
fixed seed (``WALLETDESK_FUZZ_SEED``) so that a failure reproduces.

Left out: ``/auth/logout`` and ``/auth/sign-out-everywhere`` (they revoke the
token the run uses), ``/support/*`` (live chat, issue 5, still being built),
``/triage/*`` (the classifier, still being built, slow to load), ``/dev/*``
(the development outbox, off unless WALLETDESK_DEV_OUTBOX).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from walletdesk.core.management.commands.bench_api import EMAIL

from . import faultkit as fk

EXCLUDED = r"/(auth/logout|auth/sign-out-everywhere|support/.*|triage/.*|dev/.*)$"
CHECKS = ("not_a_server_error,status_code_conformance,response_schema_conformance,"
          "content_type_conformance")


@pytest.mark.timeout(420)
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(tmp_path: Path) -> None:
    env = fk.child_env(tmp_path, f"sqlite:///{tmp_path / 'fuzz.sqlite3'}")
    fk.cli(env, "migrate", "--noinput", "-v0")
    fk.cli(env, "seed_demo", "--quiet")  # regions, channels, help articles to find
    fk.cli(env, "bench_api", "--setup-only", "--users", "2")
    server = fk.Server(env, tmp_path)
    try:
        server.wait_ready()
        token = fk.login(server.url, EMAIL.format(0)).token
        st = Path(sys.executable).with_name("schemathesis")
        done = subprocess.run(
            [str(st), "run", f"{server.url}/api/v1/openapi.json",
             "--header", f"Authorization: Bearer {token}", "--checks", CHECKS,
             "--exclude-path-regex", EXCLUDED,
             "--max-examples", os.environ.get("WALLETDESK_FUZZ_EXAMPLES", "20"),
             "--seed", os.environ.get("WALLETDESK_FUZZ_SEED", "2026"),
             "--phases", "examples,coverage,fuzzing", "--workers", "1", "--no-shrink",
             "--request-timeout", "30", "--no-color"],
            capture_output=True, text=True, timeout=400, cwd=tmp_path)
        report = done.stdout[-12000:]
        assert done.returncode == 0, report
        assert " passed" in report and "Tested:" in report, report
    finally:
        server.stop()
