#!/usr/bin/env bash
# Backs up a SCIP Docker Compose deployment into one time-stamped folder:
#
#   scip-backup-*.zip    SCIP's own backup (`scip backup` inside the api container): the
#                        database content and media, restorable with `scip restore`
#   postgres.dump        pg_dump of the database (custom format, `pg_restore` restores it)
#   <volume>.tar.gz      tarballs of the volumes: redis_data, mqtt_data, mqtt_auth,
#                        media_files, scip_data (and postgres_data with --postgres-volume)
#   SHA256SUMS           checksums of everything above
#
# Usage: scripts/backup-volumes.sh [--dest DIR] [--postgres-volume]
#   --dest DIR           parent folder of the backup (default: $BACKUP_DIR or ./backups)
#   --postgres-volume    also tar the raw PostgreSQL volume; PostgreSQL is stopped meanwhile,
#                        since a copy of a running database's files is not consistent
#
# The containers are found by the names deploy/docker-compose.yml gives them (scip-api,
# scip-postgres, scip-redis, scip-mqtt). Exits non-zero, naming the step, when any step fails.
set -euo pipefail

helper_image=${BACKUP_HELPER_IMAGE:-alpine:3.20}
dest_root=${BACKUP_DIR:-./backups}
postgres_volume=false

usage() { sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --dest) dest_root=${2:?--dest needs a folder}; shift 2 ;;
    --postgres-volume) postgres_volume=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

step=starting
trap 'echo "backup FAILED during: $step" >&2' ERR
say() { printf '==> %s\n' "$*"; }

step="checking docker"
command -v docker >/dev/null || { echo "error: docker is not installed" >&2; exit 1; }
docker info >/dev/null

stamp=$(date +%Y%m%d_%H%M%S)
mkdir -p "$dest_root"
dest=$(cd "$dest_root" && pwd)/$stamp
mkdir "$dest"
say "backing up to $dest"

require_running() {
  local container=$1 state
  state=$(docker inspect --format '{{.State.Status}}' "$container" 2>/dev/null || echo missing)
  if [[ $state != running ]]; then
    echo "error: container $container is $state; start the deployment first" >&2
    return 1
  fi
}

# Tars PATH inside the volume mounted in CONTAINER into NAME.tar.gz (without SCIP's own
# earlier backups, which step 1 leaves in /data/backups).
tar_volume() {
  local container=$1 path=$2 name=$3
  step="archiving volume $name ($container:$path)"
  say "$step"
  docker run --rm --volumes-from "$container" -v "$dest:/backup" "$helper_image" \
    tar czf "/backup/$name.tar.gz" --exclude=./backups -C "$path" .
}

step="checking containers"
for container in scip-api scip-postgres scip-redis scip-mqtt; do require_running "$container"; done

# 1. SCIP's own backup, written into the api container's data folder and copied out.
step="scip backup in the api container"
say "$step"
inner="/data/backups/scip-backup-$stamp.zip"
docker exec scip-api mkdir -p /data/backups
docker exec scip-api scip backup --output "$inner"
docker cp "scip-api:$inner" "$dest/scip-backup-$stamp.zip"

# 2. A consistent dump of PostgreSQL (the user and database come from the container's env).
step="pg_dump of PostgreSQL"
say "$step"
# shellcheck disable=SC2016 # expanded by the container's shell
docker exec scip-postgres sh -c 'pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Fc' >"$dest/postgres.dump"

# 3. Volume tarballs. Redis writes its append-only file every second; a rewrite first makes
#    the copy compact.
step="Redis AOF rewrite"
docker exec scip-redis redis-cli BGREWRITEAOF >/dev/null
tar_volume scip-redis /data redis_data
tar_volume scip-mqtt /mosquitto/data mqtt_data
tar_volume scip-api /var/lib/scip/mqtt-auth mqtt_auth
tar_volume scip-api /media media_files
tar_volume scip-api /data scip_data

if [[ $postgres_volume == true ]]; then
  step="stopping PostgreSQL for the raw volume copy"
  say "$step (the SCIP services wait for it to come back)"
  docker stop scip-postgres >/dev/null
  # Restart PostgreSQL whatever happens to the copy.
  if ! tar_volume scip-postgres /var/lib/postgresql/data postgres_data; then
    docker start scip-postgres >/dev/null
    false
  fi
  step="starting PostgreSQL again"
  docker start scip-postgres >/dev/null
fi

step="writing checksums"
(cd "$dest" && sha256sum -- * >SHA256SUMS)

say "backup complete: $dest"
ls -l "$dest"
