#!/usr/bin/env bash
# Checks every service of a SCIP Docker Compose deployment and prints one line per check:
# PostgreSQL, Redis, Mosquitto (with SCIP's service account), SCIP's api, orchestration and
# portal (`scip health` in each container), the API's readiness (/ready: database, broker,
# Redis) from the host, Docker's own health status of each container, and the running team
# dashboard containers (docker runtime).
#
# Usage: scripts/check-health.sh [--url BASE_URL]
#   --url BASE_URL   where the host reaches the API (default http://localhost:${API_PORT:-8000};
#                    with nginx in front: https://PUBLIC_HOST)
#
# Exits 0 when every check passed, 1 when any failed (all checks run either way).
set -euo pipefail

base_url="http://localhost:${API_PORT:-8000}"
while [[ $# -gt 0 ]]; do
  case $1 in
    --url) base_url=${2:?--url needs a base URL}; shift 2 ;;
    -h | --help) sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

command -v docker >/dev/null || { echo "error: docker is not installed" >&2; exit 1; }

failures=0
check() { # DESCRIPTION COMMAND...
  local description=$1 output
  shift
  if output=$("$@" 2>&1); then
    printf '  OK    %s\n' "$description"
  else
    printf '  FAIL  %s\n' "$description"
    # The first lines of what the failed command said, indented under the check.
    printf '%s\n' "$output" | head -n 5 | sed 's/^/          /'
    failures=$((failures + 1))
  fi
}

http_ok() { # URL
  if command -v curl >/dev/null; then
    curl --fail --silent --show-error --max-time 10 --insecure "$1"
  elif command -v wget >/dev/null; then
    wget -q -T 10 --no-check-certificate -O /dev/null "$1"
  else
    echo "neither curl nor wget is installed" >&2
    return 1
  fi
}

docker_health_is_healthy() { # CONTAINER
  [[ $(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1") == healthy ]]
}

echo "Checking SCIP service health..."
# shellcheck disable=SC2016 # the variables are expanded by the containers' shells
{
  check "PostgreSQL accepts connections" \
    docker exec scip-postgres sh -c 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"'
  check "Redis answers PING" \
    docker exec scip-redis sh -c 'redis-cli ping | grep -q PONG'
  check "Mosquitto accepts SCIP's service account" \
    docker exec scip-mqtt sh -c 'mosquitto_sub -h 127.0.0.1 -p 1883 -u "$MQTT_USER" -P "$MQTT_PASSWORD" -t "\$SYS/broker/uptime" -C 1 -W 5'
}
check "API is alive (scip health, port 8000)" docker exec scip-api scip health --port 8000
check "orchestration is alive (scip health, port 8001)" docker exec scip-orchestration scip health --port 8001
check "portal is alive (scip health, port 3000)" docker exec scip-client-dashboard scip health --port 3000
check "API answers $base_url/health from this host" http_ok "$base_url/health"
check "API is ready: database, broker, Redis ($base_url/ready)" http_ok "$base_url/ready"

echo "Docker health status:"
for container in scip-postgres scip-redis scip-mqtt scip-api scip-orchestration scip-client-dashboard; do
  check "$container is healthy" docker_health_is_healthy "$container"
done
if docker inspect scip-nginx >/dev/null 2>&1; then
  check "scip-nginx is healthy" docker_health_is_healthy scip-nginx
fi

echo "Team dashboard containers (docker runtime):"
docker ps --filter "label=scip.type=team-dashboard" --format "table {{.Names}}\t{{.Status}}\t{{.Ports}}"

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) FAILED"
  exit 1
fi
echo "all checks passed"
