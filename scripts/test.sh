#!/usr/bin/env bash
# The whole suite: lint, type check, migrations check, then pytest on SQLite,
# then the PostgreSQL and Redis suites when those services are reachable
# (in CI, CI=true, they must be: a missing service fails the run).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export WALLETDESK_VAR_DIR="${WALLETDESK_VAR_DIR:-$(mktemp -d)}"

$BIN/ruff check src scripts
$BIN/mypy src/walletdesk
$BIN/lint-imports --no-cache  # the import contracts in pyproject.toml (layers, independence, no cycles)
$BIN/walletdesk makemigrations --check --dry-run >/dev/null
# The committed catalogues: zh_Hant generated from the current zh_Hans, every .mo current.
$BIN/walletdesk make_zh_hant --check
# The browser scripts: ESLint, pinned by package.json + package-lock.json (eslint.config.mjs).
# npm ci installs them into node_modules when the lockfile changed; CI machines have Node.js and
# npm, so there a missing npm fails the run; elsewhere the JS lint is skipped with a notice.
if command -v npm >/dev/null 2>&1; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  npx --no-install eslint src/walletdesk
elif [ "${CI:-}" = "true" ]; then
  echo "CI: npm is not installed (the JS lint needs Node.js and npm)"; exit 1
else
  echo "== npm not found: JS lint skipped (CI runs it)"
fi

run_pytest() {
  # Exit code 5 means "no tests collected": never a pass.
  set +e
  $BIN/pytest "$@"
  rc=$?
  set -e
  if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi
  [ "$rc" -eq 0 ] || exit "$rc"
}

PG_URL="${WALLETDESK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${WALLETDESK_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"
have_pg=0; have_redis=0
$BIN/python - "$PG_URL" <<'PY' && have_pg=1 || true
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PY
$BIN/python - "$REDIS_URL" <<'PY' && have_redis=1 || true
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()
PY
if [ "${CI:-}" = "true" ]; then
  [ $have_pg = 1 ] || { echo "CI: PostgreSQL is not reachable at $PG_URL"; exit 1; }
  [ $have_redis = 1 ] || { echo "CI: Redis is not reachable at $REDIS_URL"; exit 1; }
fi

# The two suites run side by side (two cores: the SQLite suite spends much of its time in the
# browser and the live server, the PostgreSQL one in the database server). Each has its own
# var directory and Redis database; the PostgreSQL suite's output follows the SQLite suite's.
pg_rc=0
if [ $have_pg = 1 ]; then
  pg_log="$(mktemp)"
  (
    WALLETDESK_VAR_DIR="$(mktemp -d)" WALLETDESK_DATABASE_URL="$PG_URL" WALLETDESK_TEST_POSTGRES_URL="$PG_URL" \
    WALLETDESK_TEST_REDIS_URL="$([ $have_redis = 1 ] && echo "${REDIS_URL%/*}/1" || true)" \
      run_pytest -m "(postgres or money or security) and not browser" "$@"
  ) >"$pg_log" 2>&1 &
  pg_pid=$!
fi

echo "== SQLite suite"
sqlite_rc=0
# Coverage is measured on the SQLite suite, with a floor, when the whole suite runs.
( WALLETDESK_TEST_REDIS_URL="$([ $have_redis = 1 ] && echo "$REDIS_URL" || true)" \
    COVERAGE_FILE="$WALLETDESK_VAR_DIR/.coverage" PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-}$([ $# -eq 0 ] && echo " --cov=walletdesk --cov-report= --cov-fail-under=89" || true)" \
    run_pytest -m "not postgres" "$@" ) || sqlite_rc=$?

if [ $have_pg = 1 ]; then
  wait "$pg_pid" || pg_rc=$?
  echo "== PostgreSQL suite (money and security tests again, plus concurrency)"
  cat "$pg_log"
  rm -f "$pg_log"
else
  echo "== PostgreSQL not reachable: PostgreSQL suite skipped (CI requires it)"
fi
[ "$sqlite_rc" -eq 0 ] || { echo "SQLite suite failed (exit $sqlite_rc)"; exit "$sqlite_rc"; }
[ "$pg_rc" -eq 0 ] || { echo "PostgreSQL suite failed (exit $pg_rc)"; exit "$pg_rc"; }
