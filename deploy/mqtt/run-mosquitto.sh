#!/bin/sh
# Entry point of the `mqtt` service: runs Mosquitto with SCIP's access control and reloads it
# when SCIP changes the team accounts.
#
# 1. Hashes SCIP's service account (MQTT_USER / MQTT_PASSWORD) into a password file of its own,
#    with an ACL entry allowing it every topic and the $SYS tree (for the health check).
# 2. Builds the files Mosquitto reads (MOSQUITTO_RUN_DIR/passwd and acl) from that account plus
#    the team accounts SCIP writes into SCIP_AUTH_DIR (passwd, acl). A line of SCIP's password
#    file for the service account itself is dropped, so the account always has the password
#    given here.
# 3. Starts Mosquitto, then checks SCIP's files every MOSQUITTO_AUTH_POLL_SECONDS; once a change
#    has stayed the same for one more check (so a file being written is not read half-way), it
#    rebuilds the files and sends Mosquitto SIGHUP. SIGTERM and SIGINT are passed to Mosquitto,
#    and the script exits with Mosquitto's status.
#
# Written for the busybox sh of the eclipse-mosquitto image; paths are settable for tests.
set -eu

conf=${MOSQUITTO_CONF:-/mosquitto/config/mosquitto.conf}
auth_dir=${SCIP_AUTH_DIR:-/mosquitto/auth}
run_dir=${MOSQUITTO_RUN_DIR:-/mosquitto/run}
poll=${MOSQUITTO_AUTH_POLL_SECONDS:-2}
scip_uid=${SCIP_UID:-10001}
mosquitto_bin=${MOSQUITTO_BIN:-mosquitto}
passwd_bin=${MOSQUITTO_PASSWD_BIN:-mosquitto_passwd}

log() { echo "run-mosquitto: $*" >&2; }

if [ -z "${MQTT_USER:-}" ] || [ -z "${MQTT_PASSWORD:-}" ]; then
  log "error: MQTT_USER and MQTT_PASSWORD must name SCIP's service account"
  exit 2
fi
case $MQTT_USER in
  *:* | *' '*) log "error: MQTT_USER must not contain ':' or spaces"; exit 2 ;;
esac

mkdir -p "$auth_dir" "$run_dir"
if [ "$(id -u)" = 0 ]; then
  # SCIP's containers run as uid $scip_uid and write the team accounts here.
  chown "$scip_uid" "$auth_dir" \
    || log "warning: cannot give $auth_dir to uid $scip_uid; SCIP must be able to write there"
fi

service_passwd="$run_dir/service.passwd"
rm -f "$service_passwd"
(umask 077 && : >"$service_passwd")
"$passwd_bin" -b "$service_passwd" "$MQTT_USER" "$MQTT_PASSWORD"

# Mosquitto drops root for the `mosquitto` user and re-reads the files as that user on SIGHUP.
hand_to_broker() {
  chmod 0600 "$1"
  if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then
    chown mosquitto "$1"
  fi
}

assemble() {
  tmp_passwd="$run_dir/.passwd.new"
  tmp_acl="$run_dir/.acl.new"
  (
    umask 077
    cat "$service_passwd"
    if [ -f "$auth_dir/passwd" ]; then
      awk -F: -v service="$MQTT_USER" 'NF > 1 && $1 != service' "$auth_dir/passwd"
    fi
  ) >"$tmp_passwd"
  (
    umask 077
    # SCIP's entries first: a `topic` line before any `user` line there applies to anonymous
    # clients (refused anyway), never to the service account below.
    if [ -f "$auth_dir/acl" ]; then
      cat "$auth_dir/acl"
      echo
    fi
    # shellcheck disable=SC2016 # $SYS is Mosquitto's topic tree, not a shell variable.
    printf 'user %s\ntopic readwrite #\ntopic read $SYS/#\n' "$MQTT_USER"
  ) >"$tmp_acl"
  hand_to_broker "$tmp_passwd"
  hand_to_broker "$tmp_acl"
  mv -f "$tmp_passwd" "$run_dir/passwd"
  mv -f "$tmp_acl" "$run_dir/acl"
}

fingerprint() {
  for file in "$auth_dir/passwd" "$auth_dir/acl"; do
    if [ -f "$file" ]; then cksum <"$file"; else echo "absent"; fi
  done
}

assemble
applied=$(fingerprint)
log "starting Mosquitto with $conf"
"$mosquitto_bin" -c "$conf" &
broker=$!

# shellcheck disable=SC2317 # called by the trap below
stop() {
  log "stopping Mosquitto"
  kill -TERM "$broker" 2>/dev/null || true
}
trap stop TERM INT

seen=$applied
while kill -0 "$broker" 2>/dev/null; do
  sleep "$poll" &
  wait $! 2>/dev/null || true
  current=$(fingerprint)
  if [ "$current" != "$applied" ] && [ "$current" = "$seen" ]; then
    assemble
    applied=$current
    kill -HUP "$broker" 2>/dev/null || true
    log "team accounts changed: Mosquitto reloaded"
  fi
  seen=$current
done

status=0
wait "$broker" || status=$?
log "Mosquitto exited with status $status"
exit "$status"
