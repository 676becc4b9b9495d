#!/usr/bin/env bash
# Sets up what is missing, then starts the portal on its embedded defaults:
# frontend http://localhost:3000, backend http://localhost:7007, SQLite (.sqlite/), guest
# sign-in, the example catalog and the demo cloud.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$BSO_ROOT"

phase "toolchain+install" install_js
mkdir -p "${BSO_SQLITE_DIR:-$BSO_ROOT/.sqlite}"
print_phases
echo
echo "==> starting the portal: open http://localhost:3000 (not 127.0.0.1: the guest sign-in needs that origin)"
exec yarn start
