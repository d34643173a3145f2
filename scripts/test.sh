#!/usr/bin/env bash
# The whole test suite twice: on SQLite, then on PostgreSQL if it is reachable.
# Extra arguments go to pytest (e.g. `scripts/test.sh -k invoice`).
# Exit status: non-zero if either pass fails, if a pass ran no test (pytest exit 5), or, with
# CI=true, if PostgreSQL is not reachable.
set -uo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PG_URL="${PG_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kontorhaus}"
LOGDIR="$(mktemp -d)"
trap 'rm -rf "$LOGDIR"' EXIT
mkdir -p var

passed=0 failed=0 skipped=0 status=0
declare -a results=()

banner() {
    echo
    echo "########################################################################"
    printf '#  %-68s#\n' "$@"
    echo "########################################################################"
}

# Adds the counts from pytest's closing line ("3 failed, 120 passed, 4 skipped in 9.1s").
count() {
    local line n
    line="$(grep -E '[0-9]+ (passed|failed|error|errors|skipped)' "$1" | tail -n 1)"
    n=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || true); passed=$((passed + ${n:-0}))
    n=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true); failed=$((failed + ${n:-0}))
    n=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || true); failed=$((failed + ${n:-0}))
    n=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || true); skipped=$((skipped + ${n:-0}))
}

# run_pass NAME DATABASE_URL [pytest args...]
run_pass() {
    local name="$1" url="$2" log="$LOGDIR/$1.log" rc
    shift 2
    banner "Test pass: $name"
    DATABASE_URL="$url" .venv/bin/pytest -p no:cacheprovider -q "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    count "$log"
    case "$rc" in
        0) results+=("$name: ok") ;;
        5) results+=("$name: FAILED (pytest ran no test)"); status=1 ;;
        *) results+=("$name: FAILED (pytest exit $rc)"); status=1 ;;
    esac
}

run_pass SQLite "sqlite:///$PWD/var/kontorhaus.sqlite3" "$@"

if "$PY" -c 'import sys, psycopg
try:
    psycopg.connect(sys.argv[1], dbname="postgres", connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)' "$PG_URL" 2>/dev/null; then
    run_pass PostgreSQL "$PG_URL" "$@"
else
    banner "SKIPPED: PostgreSQL not reachable at ${PG_URL#*@}" \
           "The PostgreSQL pass (and its concurrency tests) did NOT run." \
           "Start PostgreSQL, or set PG_DATABASE_URL, and run make test again."
    if [[ "${CI:-}" =~ ^(1|true|yes)$ ]]; then
        results+=("PostgreSQL: FAILED (not reachable; CI=true requires it)"); status=1
    else
        results+=("PostgreSQL: SKIPPED (not reachable)")
    fi
fi

echo
for r in "${results[@]}"; do echo "  $r"; done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
