#!/usr/bin/env bash
# Sets up what is missing, then runs every check: type-check, lint, unit tests, the real peers
# (Kubernetes API + OpenStack services) with the integration tests, and the browser tests.
# Prints each phase's time and one closing line "N passed, N failed".
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$BSO_ROOT"
export CI=true

REPORTS="${TMPDIR:-/tmp}/bso-check-$$"
mkdir -p "$REPORTS"
# With CI set, Backstage's test utilities (createMockDirectory, behind startTestBackend and
# friends) leave their temporary directories for a throwaway CI machine to drop; here they go
# under one directory this run removes at its end.
export RUNNER_TEMP="$REPORTS/test-tmp"
mkdir -p "$RUNNER_TEMP"
PEERS_LOG="$REPORTS/peers-up.log"
peers_pid=""
prepare_pid=""

cleanup() {
  # each runs in a process group of its own (setsid): stop the whole group, not only the script,
  # or a cold Go build goes on after the run has ended
  if [ -n "$prepare_pid" ]; then kill -- "-$prepare_pid" 2>/dev/null || true; fi
  if [ -n "$peers_pid" ]; then kill -- "-$peers_pid" 2>/dev/null || true; fi
  "$BSO_ROOT/scripts/postgres/down.sh" || true
  if [ -x "$BSO_ROOT/scripts/peers/down.sh" ]; then
    "$BSO_ROOT/scripts/peers/down.sh" >"$REPORTS/peers-down.log" 2>&1 || true
  fi
  rm -rf "$RUNNER_TEMP"
}
trap cleanup EXIT

# On a fresh machine the peers' software (Kubernetes built with Go, OpenStack from Debian) takes
# the longest to get: start it now, so it overlaps the JavaScript install and the static checks.
if [ -x "$BSO_ROOT/scripts/peers/prepare.sh" ]; then
  setsid "$BSO_ROOT/scripts/peers/prepare.sh" >"$REPORTS/peers-prepare.log" 2>&1 &
  prepare_pid=$!
  echo "==> peers: preparing their software in the background (log: $REPORTS/peers-prepare.log)"
fi

phase "toolchain+install" install_js
phase "system packages" apt_install chromium

# The peers start in the background while the static checks run (they share 2 cores, but
# most of a peer's start is waiting on its own services).
# The real peers (scripts/peers) come with their integration tests; where the harness is present
# it is required: a peer that fails to start fails the run with its log tail.
HAVE_PEERS=0
if [ -x "$BSO_ROOT/scripts/peers/up.sh" ]; then
  HAVE_PEERS=1
  echo "==> peers: starting in the background (log: $PEERS_LOG)"
  peers_t0=$SECONDS
  setsid "$BSO_ROOT/scripts/peers/up.sh" >"$PEERS_LOG" 2>&1 &
  peers_pid=$!
else
  echo "==> peers: no scripts/peers harness in this tree; integration tests not part of this run"
fi

phase "type-check" yarn tsc
phase "lint" yarn backstage-cli repo lint
# The API reports (report*.api.md per published package) match the exports, as Backstage's CI
# checks them; after changing an export, `yarn build:api-reports` regenerates them. The type-check
# above emitted the declarations (dist-types) they are made from.
phase "api reports" yarn build:api-reports:only --ci
# A real PostgreSQL for the stores' tests (besides SQLite).
start_postgres() {
  local env
  env="$("$BSO_ROOT/scripts/postgres/up.sh")" || return 1
  eval "$env"
}
phase "postgres" start_postgres
phase "unit tests" yarn backstage-cli repo test --ci --json --outputFile="$REPORTS/unit.json"

wait_peers() {
  local rc=0
  if [ -n "$prepare_pid" ]; then
    wait "$prepare_pid" || true # up.sh repeats what failed and reports it
    prepare_pid=""
    cat "$REPORTS/peers-prepare.log" # each line says how long its part took

  fi
  wait "$peers_pid" || rc=$?
  peers_pid=""
  cat "$PEERS_LOG"
  echo "peers: up after $((SECONDS - peers_t0))s from the start of their launch"
  # the peers' cost for the summary: their start (up.sh's own time; warm target ≤ 180 s)
  grep -E '^peers: (up in|[a-z]+ up in)' "$PEERS_LOG" >"$REPORTS/peers-cost.txt" || true
  return "$rc"
}
if [ "$HAVE_PEERS" = 1 ]; then
  phase "peers up" wait_peers
  phase "integration tests" yarn test:integration --ci --json --outputFile="$REPORTS/integration.json"
  # ... and their memory after the integration tests, at their fullest (target ≤ 6 GiB)
  "$BSO_ROOT/scripts/peers/memory.sh" >>"$REPORTS/peers-cost.txt" 2>&1 || true
fi
phase "browser tests" bash -c "node e2e/run.mjs | tee '$REPORTS/e2e.log'"

print_phases
if [ -s "$REPORTS/peers-cost.txt" ]; then
  echo
  echo "==> peers' cost (start: warm target 180 s; memory after the integration tests: target 6144 MiB PSS)"
  sed 's/^/    /' "$REPORTS/peers-cost.txt"
fi
node "$BSO_ROOT/scripts/summarize-tests.mjs" "$REPORTS"
