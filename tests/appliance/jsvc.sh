#!/usr/bin/env bash
# The gateway as the appliance runs it: Debian's jsvc starts io.bucketfs.gateway.daemon.GatewayDaemon as root;
# its init() binds :2049 and :445, then jsvc drops to an unprivileged user and start() opens the gateway as that
# user. Runs inside a private network namespace (only lo), so the standard ports are free and nothing leaves the
# machine. Checks from inside the namespace: an NFSv3 listing (libnfs) and an SMB 3 put/ls (smbclient) on the
# standard ports, the JVM's user, the owner of every file in the data dir, and a clean stop on SIGTERM.
#
# usage: tests/appliance/jsvc.sh [--user USER] [--keep DIR]     (root; needs jsvc, libnfs-utils, smbclient)
# Uses the built distribution (gateway/target/bucketfs-gateway.jar + lib/); exit status 0 = every check passed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dist="$root/gateway/target"
user=nobody keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --user) user="${2:?}"; shift 2 ;;
    --keep) keep="${2:?}"; shift 2 ;;
    *) echo "jsvc.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "jsvc.sh: needs root (jsvc binds the ports as root, then switches users)" >&2; exit 2; }
[ -x /usr/bin/jsvc ] || { echo "jsvc.sh: /usr/bin/jsvc is missing (tests/setup installs Debian's jsvc)" >&2; exit 2; }
[ -f "$dist/bucketfs-gateway.jar" ] || { echo "jsvc.sh: build the gateway first (mvn -DskipTests package)" >&2; exit 2; }
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"

work="${keep:-$(mktemp -d)}"
mkdir -p "$work/data"
chmod 0755 "$work"
chown "$user:" "$work/data"
cp="$dist/bucketfs-gateway.jar"
for j in "$dist"/lib/*.jar; do cp="$cp:$j"; done # jsvc starts the JVM through JNI: no wildcard expansion
cat >"$work/gateway.conf" <<CONF
data-dir=$work/data
bind=127.0.0.1
nfs-grace=0
CONF

export work cp java_home user
unshare --net bash -euo pipefail -c '
  ip link set lo up
  fail() { echo "FAIL: $*"; echo "--- gateway output:"; cat "$work/out.log" 2>/dev/null || true; exit 1; }
  /usr/bin/jsvc -java-home "$java_home" -user "$user" -pidfile "$work/jsvc.pid" -outfile "$work/out.log" \
      -errfile "&1" -cp "$cp" io.bucketfs.gateway.daemon.GatewayDaemon --config "$work/gateway.conf" \
      || fail "jsvc exited $?"
  nfs="nfs://127.0.0.1/default/?version=3&nfsport=2049&mountport=2049"
  for _ in $(seq 1 120); do nfs-ls "$nfs" >/dev/null 2>&1 && break; sleep 0.5; done
  nfs-ls "$nfs" >/dev/null || fail "no NFS on 127.0.0.1:2049"
  echo "ok: NFSv3 listing of /default on :2049"
  pw="$(cat "$work/data/smb-password")"
  echo hello >"$work/hello.txt"
  smbclient //127.0.0.1/default -p 445 -U "bucketfs%$pw" -m SMB3 -c "put $work/hello.txt hello.txt; ls" \
      >"$work/smb.log" 2>&1 || { cat "$work/smb.log"; fail "SMB put/ls on :445"; }
  grep -q "hello.txt" "$work/smb.log" || fail "hello.txt not listed over SMB"
  echo "ok: SMB 3 put + ls of share default on :445"
  pid="$(cat "$work/jsvc.pid")"
  runs_as="$(ps -o user= -p "$pid" | tr -d " ")"
  [ "$runs_as" = "$user" ] || fail "the JVM runs as $runs_as, not $user"
  echo "ok: the JVM (pid $pid) runs as $runs_as"
  strays="$(find "$work/data" ! -user "$user" -print | head -5)"
  [ -z "$strays" ] || fail "files in the data dir not owned by $user: $strays"
  echo "ok: every file in the data dir belongs to $user ($(find "$work/data" | wc -l) entries)"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  ! kill -0 "$pid" 2>/dev/null || fail "still running 30 s after SIGTERM"
  grep -q "stopping" "$work/out.log" || fail "no orderly stop in the log"
  echo "ok: stopped on SIGTERM"
'
[ -n "$keep" ] || rm -rf "$work"
