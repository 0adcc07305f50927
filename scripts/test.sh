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

# The suites run side by side on the two cores: the PostgreSQL one (mostly waiting on the database
# server), the browser tests (mostly waiting on Chromium and the live server) and the rest of the
# SQLite suite. Each has its own var directory and Redis database; their output follows in that
# order. The SQLite tests marked slow (their own servers, for tens of seconds) go with the browser
# tests, so that the two streams take about as long. Coverage is measured on the SQLite and
# browser streams and checked, combined, against a floor when the whole suite runs. Given test paths or options, the SQLite suite runs them as one
# stream (browser tests included) beside the PostgreSQL one.
whole=0; [ $# -eq 0 ] && whole=1
redis_db() { [ $have_redis = 1 ] && echo "${REDIS_URL%/*}/$1" || true; }
cov_opts() { [ $whole = 1 ] && echo " --cov=walletdesk --cov-report=" || true; }

pg_rc=0
if [ $have_pg = 1 ]; then
  pg_log="$(mktemp)"
  (
    WALLETDESK_VAR_DIR="$(mktemp -d)" WALLETDESK_DATABASE_URL="$PG_URL" WALLETDESK_TEST_POSTGRES_URL="$PG_URL" \
    WALLETDESK_TEST_REDIS_URL="$(redis_db 1)" \
      run_pytest -m "(postgres or money or security) and not browser" "$@"
  ) >"$pg_log" 2>&1 &
  pg_pid=$!
fi

browser_rc=0
browser_cov="$WALLETDESK_VAR_DIR/.coverage.browser"  # beside the SQLite stream's, combined below
if [ $whole = 1 ]; then
  browser_log="$(mktemp)"
  (
    WALLETDESK_VAR_DIR="$(mktemp -d)" WALLETDESK_TEST_REDIS_URL="$(redis_db 2)" \
    COVERAGE_FILE="$browser_cov" PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-}$(cov_opts)" \
      run_pytest -m "browser or (slow and not postgres)"
  ) >"$browser_log" 2>&1 &
  browser_pid=$!
fi

echo "== SQLite suite$([ $whole = 1 ] && echo " (without the browser and slow tests)" || true)"
sqlite_rc=0
( WALLETDESK_TEST_REDIS_URL="$(redis_db 0)" \
    COVERAGE_FILE="$WALLETDESK_VAR_DIR/.coverage.sqlite" PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-}$(cov_opts)" \
    run_pytest -m "not postgres$([ $whole = 1 ] && echo " and not browser and not slow" || true)" "$@" ) || sqlite_rc=$?

cov_rc=0
if [ $whole = 1 ]; then
  wait "$browser_pid" || browser_rc=$?
  echo "== Browser tests (Debian's Chromium against a live server on SQLite) and the slow SQLite ones"
  cat "$browser_log"
  rm -f "$browser_log"
  if [ "$sqlite_rc" -eq 0 ] && [ "$browser_rc" -eq 0 ]; then
    echo "== Coverage of the SQLite and browser streams together (floor 89 %)"
    $BIN/coverage combine --quiet --data-file="$WALLETDESK_VAR_DIR/.coverage" \
      "$WALLETDESK_VAR_DIR/.coverage.sqlite" "$browser_cov"
    $BIN/coverage report --data-file="$WALLETDESK_VAR_DIR/.coverage" --format=total --fail-under=89 \
      || cov_rc=$?
  fi
fi

if [ $have_pg = 1 ]; then
  wait "$pg_pid" || pg_rc=$?
  echo "== PostgreSQL suite (money and security tests again, plus concurrency)"
  cat "$pg_log"
  rm -f "$pg_log"
else
  echo "== PostgreSQL not reachable: PostgreSQL suite skipped (CI requires it)"
fi
[ "$sqlite_rc" -eq 0 ] || { echo "SQLite suite failed (exit $sqlite_rc)"; exit "$sqlite_rc"; }
[ "$browser_rc" -eq 0 ] || { echo "Browser tests failed (exit $browser_rc)"; exit "$browser_rc"; }
[ "$cov_rc" -eq 0 ] || { echo "Coverage below the floor of 89 %"; exit "$cov_rc"; }
[ "$pg_rc" -eq 0 ] || { echo "PostgreSQL suite failed (exit $pg_rc)"; exit "$pg_rc"; }
