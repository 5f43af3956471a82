#!/usr/bin/env bash
# Server launcher: nfs-ganesha 4.3 (Debian, VFS FSAL), NFSv4.1/4.2 only, no grace period, exporting a local
# directory at the pseudo path /default — the peer the kernel-client scenarios and the benchmarks compare
# bucketfs with. Every launcher in tests/servers/ has the same interface:
#   ganesha.sh start|stop|kill|restart|status|deps
#     start    start the server, wait until it has initialised and its port accepts, print its pid
#     stop     SIGTERM, wait for the exit        kill     SIGKILL (a crash), wait for the exit
#     restart  kill, then start                  status   exit 0 when running
#     deps     install what the launcher needs (apt)
#   env: SERVER_DIR   state: config, log, pid, recovery data (created)          — required
#        SERVER_DATA  the exported directory (created; kept across restarts)     — required
#        SERVER_PORT  NFS TCP port (default 20490)
#        SERVER_BIND  address to listen on (default: all of the namespace's addresses — in a private network
#                     namespace that is lo only; ganesha's Bind_addr lookup fails in a lo-only namespace; on the
#                     host, set 127.0.0.1)
#        GANESHA_MINOR_VERSIONS  NFSv4 minor versions (default "1, 2": the kernel client behind slirp cannot
#                     take 4.0 callbacks; host-side libnfs 4.0 speaks only 4.0, so benchmarks add 0)
# Needs root (the VFS FSAL uses open_by_handle_at).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${1:-}"
if [ "$cmd" = deps ]; then
  APT_WHO=ganesha.sh; . "$root/tests/lib/apt.sh"; apt_install nfs-ganesha nfs-ganesha-vfs; exit 0
fi
: "${SERVER_DIR:?ganesha.sh: set SERVER_DIR (state directory)}"
: "${SERVER_DATA:?ganesha.sh: set SERVER_DATA (exported directory)}"
port="${SERVER_PORT:-20490}"
pidfile="$SERVER_DIR/ganesha.pid"
log="$SERVER_DIR/ganesha.log"

running() { local p; p="$(cat "$pidfile" 2>/dev/null)" && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
accepting() { (exec 3<>"/dev/tcp/${SERVER_BIND:-127.0.0.1}/$port") 2>/dev/null; }

write_config() {
  mkdir -p "$SERVER_DIR/recovery" "$SERVER_DATA"
  chmod 1777 "$SERVER_DATA" # the guest's scenarios create files as root and as other users
  local bind=""; [ -n "${SERVER_BIND:-}" ] && bind="Bind_addr = ${SERVER_BIND};"
  cat >"$SERVER_DIR/ganesha.conf" <<EOF
# written by tests/servers/ganesha.sh
NFS_CORE_PARAM {
    NFS_Port = $port;
    $bind
    Protocols = 4;          # NFSv4 only: no rpcbind, MOUNT, NLM or RQUOTA
    Enable_NLM = false;
    Enable_RQUOTA = false;
    Enable_UDP = false;
}
NFSV4 {
    Graceless = true;       # tests want no grace period after a (re)start
    Minor_Versions = ${GANESHA_MINOR_VERSIONS:-1, 2};
    RecoveryBackend = fs;
    RecoveryRoot = "$SERVER_DIR/recovery";
    Allow_Numeric_Owners = true;
    Only_Numeric_Owners = true;
}
EXPORT_DEFAULTS {
    SecType = sys;
    Squash = No_Root_Squash;
}
EXPORT {
    Export_Id = 1;
    Path = "$SERVER_DATA";
    Pseudo = /default;
    Protocols = 4;
    Transports = TCP;
    Access_Type = RW;
    FSAL { Name = VFS; }
}
NFS_KRB5 { Active_krb5 = false; }
LOG { Default_Log_Level = EVENT; }
EOF
}

start() {
  command -v ganesha.nfsd >/dev/null || { echo "ganesha.sh: ganesha.nfsd missing (run tests/setup)" >&2; exit 1; }
  if running; then echo "ganesha.sh: already running (pid $(cat "$pidfile"))" >&2; exit 1; fi
  write_config
  local logged=0; [ -f "$log" ] && logged="$(stat -c %s "$log")" # the log is kept across restarts
  # foreground mode in a session of its own; no inherited descriptors (the guest hook's socket among them)
  setsid ganesha.nfsd -F -f "$SERVER_DIR/ganesha.conf" -L "$log" -p "$SERVER_DIR/ganesha.nfsd.pid" -N NIV_EVENT \
    </dev/null >>"$SERVER_DIR/ganesha.out" 2>&1 9>&- 8>&- 7>&- 6>&- 5>&- 4>&- 3>&- &
  echo $! >"$pidfile"
  local i
  for i in $(seq 300); do
    if ! running; then
      echo "ganesha.sh: ganesha exited at start; last log lines:" >&2; tail -n 20 "$log" "$SERVER_DIR/ganesha.out" >&2
      exit 1
    fi
    # ganesha listens before it has finished starting: ready once this start logged its initialisation
    [[ "$(tail -c "+$((logged + 1))" "$log" 2>/dev/null)" == *"NFS SERVER INITIALIZED"* ]] && accepting &&
      { cat "$pidfile"; return 0; }
    sleep 0.1
  done
  echo "ganesha.sh: not initialised and accepting on port $port after 30 s; last log lines:" >&2; tail -n 20 "$log" >&2
  exit 1
}

wait_exit() {
  local p="$1" i
  for i in $(seq 300); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  echo "ganesha.sh: pid $p still alive after 30 s" >&2; return 1
}

stop() { # $1: signal
  running || { rm -f "$pidfile"; return 0; }
  local p; p="$(cat "$pidfile")"
  kill "-$1" "$p"
  wait_exit "$p"
  rm -f "$pidfile"
}

case "$cmd" in
  start) start ;;
  stop) stop TERM ;;
  kill) stop KILL ;;
  restart) stop KILL; start ;;
  status) running ;;
  *) echo "usage: ganesha.sh start|stop|kill|restart|status|deps (env SERVER_DIR, SERVER_DATA, SERVER_PORT)" >&2; exit 2 ;;
esac
