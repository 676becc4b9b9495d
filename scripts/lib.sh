#!/usr/bin/env bash
# Shared by start.sh and check.sh: phase timing and the install steps both need.

BSO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BSO_ROOT
BSO_PHASES=()

# phase NAME CMD...: runs CMD, records how long it took, stops the script when it fails.
phase() {
  local name="$1"; shift
  local t0=$SECONDS
  echo "==> $name"
  if "$@"; then
    BSO_PHASES+=("$(printf '%-22s %5ss' "$name" $((SECONDS - t0)))")
  else
    local rc=$?
    BSO_PHASES+=("$(printf '%-22s %5ss  FAILED (exit %s)' "$name" $((SECONDS - t0)) "$rc")")
    print_phases
    return "$rc"
  fi
}

print_phases() {
  echo
  echo "==> phase timings"
  printf '    %s\n' "${BSO_PHASES[@]}"
}

# Node 22 + yarn 4 (scripts/toolchain.sh), then the workspace's packages from yarn.lock.
install_js() {
  # shellcheck source=scripts/toolchain.sh
  . "$BSO_ROOT/scripts/toolchain.sh" || return 1
  echo "node $(node --version), yarn $(cd "$BSO_ROOT" && yarn --version)"
  (cd "$BSO_ROOT" && yarn install --immutable >"${TMPDIR:-/tmp}/bso-yarn-install.log" 2>&1) || {
    tail -40 "${TMPDIR:-/tmp}/bso-yarn-install.log"
    return 1
  }
}

# apt_install PKG...: installs Debian packages that are missing (root, no prompt).
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # apt lists may be stale or absent on a fresh machine. One apt at a time: the peers' packages
  # may be installing in the background (scripts/peers/prepare.sh), and a second `apt-get update`
  # would fail at once on the lists lock.
  flock /var/lock/bso-apt.lock apt-get update -q >/dev/null 2>&1 || true
  flock /var/lock/bso-apt.lock apt-get install -y -q --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/bso-apt.log" 2>&1 || {
    tail -20 "${TMPDIR:-/tmp}/bso-apt.log"
    return 1
  }
}
