#!/usr/bin/env bash
# Server launcher: the gateway under test with its default mount on an S3 bucket — S3Proxy (a real S3 server) in a
# process of its own that outlives the gateway's kills, and the gateway (GatewayOnS3Main: Gateway.start with an
# s3-compatible connection, NFS on SERVER_PORT, grace 0, export /default). Same interface as bucketfs.sh:
#   bucketfs-s3.sh start|stop|kill|restart|status|deps|credentials
#   env: SERVER_DIR (logs, pids), SERVER_DATA (gateway data dir and S3Proxy's objects; kept across restarts),
#        SERVER_PORT (default 20490; S3Proxy listens on SERVER_PORT+1), SERVER_BIND (default 127.0.0.1),
#        SERVER_SMB_PORT (the gateway's SMB port, share "default"; default 0: no SMB server),
#        BUCKETFS_TEST_CLASSPATH (the tests module's test classpath; without it the launcher asks Maven, offline),
#        JAVA_OPTS (the gateway's JVM options, after its default -Xmx1g: e.g. "-Xmx2g" or a log level)
# kill/restart touch the gateway only: the bucket stays up, as a real object store would.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${1:-}"
[ "$cmd" = deps ] && exit 0
: "${SERVER_DIR:?bucketfs-s3.sh: set SERVER_DIR (state directory)}"
: "${SERVER_DATA:?bucketfs-s3.sh: set SERVER_DATA (data directory)}"
port="${SERVER_PORT:-20490}" bind="${SERVER_BIND:-127.0.0.1}"
s3port=$((port + 1))
gw_pid="$SERVER_DIR/gateway.pid" s3_pid="$SERVER_DIR/s3proxy.pid"
gw_log="$SERVER_DIR/gateway.log" s3_log="$SERVER_DIR/s3proxy.log"

classpath() {
  if [ -n "${BUCKETFS_TEST_CLASSPATH:-}" ]; then echo "$BUCKETFS_TEST_CLASSPATH"; return; fi
  local f="$SERVER_DIR/test-classpath.txt"
  if [ ! -s "$f" ]; then
    (cd "$root" && mvn -q -B -ntp -o -pl tests dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$f" >&2) || { echo "bucketfs-s3.sh: cannot compute the test classpath" >&2; exit 1; }
  fi
  echo "$root/tests/target/test-classes:$root/tests/target/classes:$(cat "$f")"
}

# a killed process stays a zombie until its parent (here init, which may be slow to reap) waits for it: dead all the same
zombie() { [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]; }
alive() { local p; p="$(cat "$1" 2>/dev/null)" && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && ! zombie "$p"; }
accepting() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # pidfile port log what
  local i
  for i in $(seq 600); do
    if ! alive "$1"; then echo "bucketfs-s3.sh: $4 exited at start; last log lines:" >&2; tail -n 20 "$3" >&2; exit 1; fi
    accepting "$2" && return 0
    sleep 0.1
  done
  echo "bucketfs-s3.sh: $4 not accepting on port $2 after 60 s; last log lines:" >&2; tail -n 20 "$3" >&2
  exit 1
}

start() {
  if alive "$gw_pid"; then echo "bucketfs-s3.sh: already running (pid $(cat "$gw_pid"))" >&2; exit 1; fi
  mkdir -p "$SERVER_DIR" "$SERVER_DATA/gateway" "$SERVER_DATA/s3"
  local cp; cp="$(classpath)"
  if ! alive "$s3_pid"; then
    echo "== start $(date '+%F %T')" >>"$s3_log"
    local before; before=$(wc -l <"$s3_log")
    setsid java -Xmx512m -cp "$cp" io.bucketfs.tests.servers.S3ProxyMain "$SERVER_DATA/s3" "$s3port" default \
      </dev/null >>"$s3_log" 2>&1 9>&- 8>&- 7>&- 6>&- 5>&- 4>&- 3>&- &
    echo $! >"$s3_pid"
    wait_port "$s3_pid" "$s3port" "$s3_log" S3Proxy
    # the port may accept before S3Proxy does (another process on it): READY is this S3Proxy's own word
    local i
    for i in $(seq 300); do
      tail -n +$((before + 1)) "$s3_log" | grep -q '^READY ' && break
      alive "$s3_pid" || { echo "bucketfs-s3.sh: S3Proxy exited at start; last log lines:" >&2; tail -n 20 "$s3_log" >&2; exit 1; }
      [ "$i" -lt 300 ] || { echo "bucketfs-s3.sh: S3Proxy not READY after 30 s" >&2; tail -n 20 "$s3_log" >&2; exit 1; }
      sleep 0.1
    done
  fi
  echo "== start $(date '+%F %T')" >>"$gw_log"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  setsid java -Xmx1g ${JAVA_OPTS:-} -Djdk.httpclient.allowRestrictedHeaders=content-length -cp "$cp" \
    io.bucketfs.tests.servers.GatewayOnS3Main "$SERVER_DATA/gateway" "$bind" "$port" "http://127.0.0.1:$s3port" \
    default "${SERVER_SMB_PORT:-0}" </dev/null >>"$gw_log" 2>&1 9>&- 8>&- 7>&- 6>&- 5>&- 4>&- 3>&- &
  echo $! >"$gw_pid"
  wait_port "$gw_pid" "$port" "$gw_log" "the gateway"
  [ "${SERVER_SMB_PORT:-0}" = 0 ] || wait_port "$gw_pid" "$SERVER_SMB_PORT" "$gw_log" "the gateway's SMB server"
  cat "$gw_pid"
}

stop() { # pidfile signal
  alive "$1" || { rm -f "$1"; return 0; }
  local p i; p="$(cat "$1")"
  kill "-$2" "$p"
  for i in $(seq 600); do { kill -0 "$p" 2>/dev/null && ! zombie "$p"; } || { rm -f "$1"; return 0; }; sleep 0.1; done
  echo "bucketfs-s3.sh: pid $p still alive after 60 s" >&2; return 1
}

case "$cmd" in
  start) start ;;
  stop) stop "$gw_pid" TERM; stop "$s3_pid" TERM ;;
  kill) stop "$gw_pid" KILL ;;
  restart) stop "$gw_pid" KILL; start ;;
  status) alive "$gw_pid" ;;
  credentials) printf 'bucketfs%%%s\n' "$(cat "$SERVER_DATA/gateway/smb-password")" ;; # USER%PASSWORD of the SMB share
  *) echo "usage: bucketfs-s3.sh start|stop|kill|restart|status|deps|credentials (env SERVER_DIR, SERVER_DATA, SERVER_PORT)" >&2
     exit 2 ;;
esac
