#!/usr/bin/env bash
# Server launcher: the gateway under test, `./bucketfs serve` on a data directory, NFS on SERVER_PORT with no
# grace period; its default mount is exported at /default. Same interface as tests/servers/ganesha.sh:
#   bucketfs.sh start|stop|kill|restart|status|deps
#   env: SERVER_DIR (log, pid), SERVER_DATA (--data-dir; kept across restarts), SERVER_PORT (default 20490),
#        SERVER_BIND (default 127.0.0.1), SERVER_SMB_PORT (SMB port; default 0: no SMB server),
#        SERVER_SMB_SIGNING (serve --smb-signing: smb3, the product's default, required or optional),
#        BUCKETFS_JAR (the gateway jar to run, e.g. the one a benchmark measures; default: ./bucketfs, that is
#        gateway/target/bucketfs-gateway.jar), JAVA_OPTS (JVM options of the gateway)
# It never builds (BUCKETFS_NO_BUILD=1): build the distribution first (mvn package, or the reactor of the test).
# The export does not squash root (--nfs-no-root-squash): the VM tests and benchmarks work as root on it, chown
# included; its clients stay the default (loopback and the private networks).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${1:-}"
[ "$cmd" = deps ] && exit 0 # JDK 17 is a prerequisite of the whole build
: "${SERVER_DIR:?bucketfs.sh: set SERVER_DIR (state directory)}"
: "${SERVER_DATA:?bucketfs.sh: set SERVER_DATA (the --data-dir of the gateway)}"
port="${SERVER_PORT:-20490}" bind="${SERVER_BIND:-127.0.0.1}"
pidfile="$SERVER_DIR/bucketfs.pid"
log="$SERVER_DIR/bucketfs.log"

running() { local p; p="$(cat "$pidfile" 2>/dev/null)" && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
accepting() { # the NFS port, and the SMB port when there is one (SMB starts after NFS)
  (exec 3<>"/dev/tcp/$bind/$port") 2>/dev/null || return 1
  [ "${SERVER_SMB_PORT:-0}" = 0 ] || (exec 3<>"/dev/tcp/$bind/$SERVER_SMB_PORT") 2>/dev/null
}

start() {
  if running; then echo "bucketfs.sh: already running (pid $(cat "$pidfile"))" >&2; exit 1; fi
  mkdir -p "$SERVER_DIR" "$SERVER_DATA"
  local gateway=("$root/bucketfs")
  if [ -n "${BUCKETFS_JAR:-}" ]; then
    [ -f "$BUCKETFS_JAR" ] || {
      echo "bucketfs.sh: the gateway distribution is not built: $BUCKETFS_JAR (mvn -DskipTests -pl tests -am package builds it)" >&2
      exit 1; }
    # shellcheck disable=SC2206 # JAVA_OPTS is a list of words, as ./bucketfs takes it
    gateway=(java ${JAVA_OPTS:-} -Djdk.httpclient.allowRestrictedHeaders=content-length -jar "$BUCKETFS_JAR")
  fi
  echo "== start $(date '+%F %T')" >>"$log"
  BUCKETFS_NO_BUILD=1 setsid "${gateway[@]}" serve --data-dir "$SERVER_DATA" --nfs-port "$port" --bind "$bind" \
    --nfs-grace 0 --nfs-no-root-squash --smb-signing "${SERVER_SMB_SIGNING:-smb3}" --smb-port "${SERVER_SMB_PORT:-0}" --admin-port 0 </dev/null >>"$log" 2>&1 9>&- 8>&- 7>&- 6>&- 5>&- 4>&- 3>&- &
  echo $! >"$pidfile"
  local i
  for i in $(seq 600); do
    if ! running; then echo "bucketfs.sh: the gateway exited at start; last log lines:" >&2; tail -n 20 "$log" >&2; exit 1; fi
    accepting && { cat "$pidfile"; return 0; }
    sleep 0.1
  done
  echo "bucketfs.sh: port $port not accepting after 60 s; last log lines:" >&2; tail -n 20 "$log" >&2
  exit 1
}

stop() { # $1: signal
  running || { rm -f "$pidfile"; return 0; }
  local p i; p="$(cat "$pidfile")"
  kill "-$1" "$p"
  for i in $(seq 600); do kill -0 "$p" 2>/dev/null || { rm -f "$pidfile"; return 0; }; sleep 0.1; done
  echo "bucketfs.sh: pid $p still alive after 60 s" >&2; return 1
}

case "$cmd" in
  start) start ;;
  stop) stop TERM ;;
  kill) stop KILL ;;
  restart) stop KILL; start ;;
  status) running ;;
  credentials) printf 'bucketfs%%%s\n' "$(cat "$SERVER_DATA/smb-password")" ;; # USER%PASSWORD of the SMB share
  *) echo "usage: bucketfs.sh start|stop|kill|restart|status|deps (env SERVER_DIR, SERVER_DATA, SERVER_PORT)" >&2; exit 2 ;;
esac
