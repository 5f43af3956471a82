#!/usr/bin/env bash
# Server launcher: stock Samba smbd 4.17 (Debian) on a private configuration serving one directory as the share
# "default" — the SMB peer the smbtorture comparison and the SMB benchmark measure bucketfs against. Same
# interface as tests/servers/ganesha.sh:
#   samba.sh start|stop|kill|restart|status|deps|credentials
#     credentials  print USER%PASSWORD of the share's account (what smbclient -U takes)
#   env: SERVER_DIR   state: smb.conf, private passdb, locks, log, pid (created)  — required
#        SERVER_DATA  the shared directory (created; kept across restarts)        — required
#        SERVER_PORT  SMB TCP port (default 4450)
#        SERVER_BIND  address to listen on (default 127.0.0.1)
#        SMB_USER / SMB_PASSWORD  the account clients use (default root / a password generated into
#                     SERVER_DIR/smb-password). Samba maps it to the Unix account of the same name, so the
#                     default is the account the tests run as (root); no system account is created.
# smbd runs in a session of its own (setsid): it signals its whole process group when it stops.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${1:-}"
if [ "$cmd" = deps ]; then
  APT_WHO=samba.sh; . "$root/tests/lib/apt.sh"; apt_install samba; exit 0
fi
: "${SERVER_DIR:?samba.sh: set SERVER_DIR (state directory)}"
: "${SERVER_DATA:?samba.sh: set SERVER_DATA (shared directory)}"
port="${SERVER_PORT:-4450}" bind="${SERVER_BIND:-127.0.0.1}"
user="${SMB_USER:-$(id -un)}"
pidfile="$SERVER_DIR/smbd.pid"
log="$SERVER_DIR/smbd.log"

running() { local p; p="$(cat "$pidfile" 2>/dev/null)" && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
accepting() { (exec 3<>"/dev/tcp/$bind/$port") 2>/dev/null; }

write_config() {
  mkdir -p "$SERVER_DIR"/{private,lock,state,cache,pid} "$SERVER_DATA"
  cat >"$SERVER_DIR/smb.conf" <<CONF
# written by tests/servers/samba.sh
[global]
    server role = standalone server
    netbios name = SAMBAPEER
    workgroup = WORKGROUP
    interfaces = $bind
    bind interfaces only = yes
    smb ports = $port
    disable netbios = yes
    server min protocol = SMB2_02
    server max protocol = SMB3_11
    passdb backend = tdbsam:$SERVER_DIR/private/passdb.tdb
    private dir = $SERVER_DIR/private
    lock directory = $SERVER_DIR/lock
    state directory = $SERVER_DIR/state
    cache directory = $SERVER_DIR/cache
    pid directory = $SERVER_DIR/pid
    ncalrpc dir = $SERVER_DIR/ncalrpc
    log file = $log
    log level = 1
    map to guest = never
    restrict anonymous = 2
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    server signing = auto
[default]
    path = $SERVER_DATA
    read only = no
    guest ok = no
    valid users = $user
CONF
}

password() {
  if [ -n "${SMB_PASSWORD:-}" ]; then printf '%s' "$SMB_PASSWORD"; return; fi
  [ -s "$SERVER_DIR/smb-password" ] || { (umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$SERVER_DIR/smb-password"); }
  cat "$SERVER_DIR/smb-password"
}

start() {
  command -v smbd >/dev/null || { echo "samba.sh: smbd missing (run tests/setup)" >&2; exit 1; }
  if running; then echo "samba.sh: already running (pid $(cat "$pidfile"))" >&2; exit 1; fi
  accepting && { echo "samba.sh: port $bind:$port is already in use" >&2; exit 1; }
  write_config
  local pw; pw="$(password)"
  printf '%s\n%s\n' "$pw" "$pw" | smbpasswd -c "$SERVER_DIR/smb.conf" -s -a "$user" >/dev/null 2>&1 ||
    { echo "samba.sh: smbpasswd could not add $user" >&2; exit 1; }
  setsid smbd --foreground --no-process-group -s "$SERVER_DIR/smb.conf" \
    </dev/null >>"$SERVER_DIR/smbd.out" 2>&1 9>&- 8>&- 7>&- 6>&- 5>&- 4>&- 3>&- &
  echo $! >"$pidfile"
  local i
  for i in $(seq 300); do
    if ! running; then echo "samba.sh: smbd exited at start; last log lines:" >&2; tail -n 20 "$log" "$SERVER_DIR/smbd.out" >&2; exit 1; fi
    # smbd listens before it is ready to serve: ready once the port accepts and the process lives on
    accepting && sleep 0.2 && running && { cat "$pidfile"; return 0; }
    sleep 0.1
  done
  echo "samba.sh: port $port not accepting after 30 s; last log lines:" >&2; tail -n 20 "$log" >&2
  exit 1
}

stop() { # $1: signal
  running || { rm -f "$pidfile"; return 0; }
  local p i; p="$(cat "$pidfile")"
  kill "-$1" "$p"
  for i in $(seq 300); do kill -0 "$p" 2>/dev/null || { rm -f "$pidfile"; return 0; }; sleep 0.1; done
  echo "samba.sh: pid $p still alive after 30 s" >&2; return 1
}

case "$cmd" in
  start) start ;;
  stop) stop TERM ;;
  kill) stop KILL ;;
  restart) stop KILL; start ;;
  status) running ;;
  credentials) printf '%s%%%s\n' "$user" "$(password)" ;;
  *) echo "usage: samba.sh start|stop|kill|restart|status|deps|credentials (env SERVER_DIR, SERVER_DATA, SERVER_PORT)" >&2; exit 2 ;;
esac
