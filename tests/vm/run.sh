#!/usr/bin/env bash
# Runs one guest scenario in a fresh boot of the test VM (tests/vm/build-image.sh builds the image when it is
# missing or stale) and exits with the scenario's exit status.
#
# The server under test and qemu run inside a private network namespace whose only interface is lo: the guest
# (qemu TCG, slirp user networking) reaches the namespace's loopback as 10.0.2.2 and nothing else. The root disk
# is opened with snapshot=on, so runs never change the image. The guest can ask the host to act mid-scenario
# (lib.sh host_hook, e.g. "server restart" = kill -9 and start again): slirp forwards the guest's connections
# to 10.0.2.100:7777 to tests/vm/hook.sh.
#
# usage: tests/vm/run.sh [options] SCENARIO
#   SCENARIO            a guest script: a path (with a /), or a name in tests/vm/guest/ (nfs = tests/vm/guest/nfs.sh)
#   --server LAUNCHER   start this server before the boot: a tests/servers/ name (ganesha, bucketfs) or a
#                       launcher path with a / (interface: tests/servers/ganesha.sh); the guest sees it at
#                       10.0.2.2:PORT
#   --port PORT         the server's NFS port (default 20490)
#   --smb-port PORT     also serve SMB on PORT (the launcher's SERVER_SMB_PORT); the guest gets SMB_SERVER,
#                       SMB_PORT, and SMB_USER / SMB_PASSWORD from the launcher's `credentials` once it started
#   --hook COMMAND      host command for guest requests other than "ping"/"server ..." (gets the words)
#   --nvme SERIAL[:SIZE]  add an NVMe disk (/dev/nvmeXn1, serial in sysfs), raw, sparse, SIZE default 1G; repeatable
#   --keep-disks        keep the NVMe images of a previous run in the same --out directory (reboot tests)
#   --env NAME=VALUE    add to the guest's environment (/vm/env); repeatable
#   --copy FILE         copy a host file into the guest's /vm (as /vm/BASENAME); repeatable
#   --out DIR           the run directory (default tests/target/vm-run; emptied first)
#   --timeout SECONDS   bound on the whole boot (default 900)
#   --mem MIB --smp N   guest size (default 1536, 2)
#   -- QEMU_ARGS...     passed to qemu as they are
# env: TESTVM_NO_BUILD=1  use the image as it is, even if build-image.sh changed (never builds)
# The run directory keeps: console.log (serial console: kernel + init), vm/out.log (the scenario's output),
# vm/dmesg.log, server/ (the launcher's config and log), hook.log, qemu.log.
set -euo pipefail
trap 'echo "run.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
image="$root/tests/.tools/vm/image"
HOOK_ADDR=10.0.2.100 HOOK_PORT=7777

die() { echo "run.sh: $*" >&2; exit 2; }
server="" port=20490 smb_port="" hook="" timeout=900 out="$root/tests/target/vm-run" mem=1536 smp=2 keep_disks=0
scenario="" nvme=() envs=() copies=() qemu_extra=()
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="${2:?--server needs a value}"; shift 2 ;;
    --port) port="${2:?}"; shift 2 ;;
    --smb-port) smb_port="${2:?}"; shift 2 ;;
    --hook) hook="${2:?}"; shift 2 ;;
    --nvme) nvme+=("${2:?}"); shift 2 ;;
    --keep-disks) keep_disks=1; shift ;;
    --env) envs+=("${2:?}"); shift 2 ;;
    --copy) copies+=("${2:?}"); shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --timeout) timeout="${2:?}"; shift 2 ;;
    --mem) mem="${2:?}"; shift 2 ;;
    --smp) smp="${2:?}"; shift 2 ;;
    --) shift; qemu_extra=("$@"); break ;;
    -*) die "unknown option $1 (see the usage at the top of tests/vm/run.sh)" ;;
    *) [ -z "$scenario" ] || die "one scenario per run ($scenario, $1)"; scenario="$1"; shift ;;
  esac
done
[ -n "$scenario" ] || die "usage: tests/vm/run.sh [--server ganesha] [options] SCENARIO"
case "$scenario" in */*) ;; *) scenario="$here/guest/$scenario.sh" ;; esac # a bare name: tests/vm/guest/NAME.sh
[ -f "$scenario" ] || die "no scenario $scenario"
scenario="$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")"
launcher=""
if [ -n "$server" ]; then
  case "$server" in */*) launcher="$server" ;; *) launcher="$root/tests/servers/$server.sh" ;; esac
  [ -x "$launcher" ] || die "no server launcher '$server' (tests/servers/*.sh or an executable path)"
  launcher="$(cd "$(dirname "$launcher")" && pwd)/$(basename "$launcher")"
fi
[[ "$port" =~ ^[0-9]+$ ]] || die "--port: not a number: $port"
[[ "$smb_port" =~ ^[0-9]*$ ]] || die "--smb-port: not a number: $smb_port"
mkdir -p "$out"; run="$(cd "$out" && pwd)"
case "$run$here" in *,*) die "paths with commas cannot go into qemu's -netdev option: $run" ;; esac

# ---------------------------------------------------------------- inside the private network namespace
if [ "${TESTVM_INNER:-}" = 1 ]; then
  qpid="" tpid=""
  finish() {
    local rc=$?
    trap - EXIT INT TERM ERR
    set +e # clean up as much as possible, whatever fails
    [ -n "$tpid" ] && kill "$tpid" 2>/dev/null
    if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
      kill -TERM "$qpid" 2>/dev/null # timeout(1) passes it on to qemu
      local n=0
      while kill -0 "$qpid" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
      local q; q="$(cat "$run/qemu.pid" 2>/dev/null)" && kill -KILL "$q" 2>/dev/null
      wait "$qpid" 2>/dev/null
    fi
    # a host request still in flight (say a restart when the time ran out) could start the server again
    local h n=0
    for h in "$run"/hooks/*; do
      [ -e "$h" ] || continue
      while kill -0 "${h##*/}" 2>/dev/null && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
    done
    if [ -n "$launcher" ]; then
      (. "$run/hook.env"; "$launcher" stop >/dev/null 2>&1 || "$launcher" kill >/dev/null 2>&1) ||
        echo "run.sh: could not stop the server (see $run/server)" >&2
    fi
    exit "$rc"
  }
  trap finish EXIT
  trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM
  ip link set lo up
  if [ -n "$launcher" ]; then
    if ! (. "$run/hook.env"; "$launcher" start >"$run/server-start.log" 2>&1); then
      echo "run.sh: the server did not start:" >&2; tail -n 20 "$run/server-start.log" >&2; exit 3
    fi
    echo "run.sh: server $(basename "$launcher" .sh) up on port $port${smb_port:+ and SMB port $smb_port} (pid $(tail -n 1 "$run/server-start.log"))" >&2
    if [ -n "$smb_port" ]; then # the account exists once the server started (bucketfs generates its password)
      cred="$(. "$run/hook.env"; "$launcher" credentials)" || { echo "run.sh: '$launcher credentials' failed" >&2; exit 3; }
      printf '%s=%q\n' SMB_USER "${cred%%\%*}" SMB_PASSWORD "${cred#*%}" >>"$run/vm/env"
    fi
  fi
  kernel="$image/vmlinux"; [ -s "$kernel" ] || kernel="$image/vmlinuz"
  qemu=(qemu-system-x86_64 -nodefaults -no-user-config -name testvm -pidfile "$run/qemu.pid"
    -accel tcg,thread=multi -cpu max -smp "$smp" -m "$mem" -display none -no-reboot -monitor none
    -serial "file:$run/console.log"
    -kernel "$kernel" -initrd "$image/initrd.img"
    -append "console=ttyS0 root=/dev/vda rw quiet loglevel=4 panic=-1 nokaslr"
    -drive "file=$image/root.qcow2,if=virtio,format=qcow2,snapshot=on,cache=unsafe"
    -virtfs "local,path=$run/vm,mount_tag=vm,security_model=none,id=vm"
    -netdev "user,id=net0,net=10.0.2.0/24,host=10.0.2.2,ipv6=off,guestfwd=tcp:$HOOK_ADDR:$HOOK_PORT-cmd:$here/hook.sh $run"
    -device virtio-net-pci,netdev=net0
    -device virtio-rng-pci)
  i=0
  for d in "${nvme[@]}"; do
    serial="${d%%:*}"
    qemu+=(-drive "if=none,id=nvme$i,file=$run/disks/$serial.img,format=raw" -device "nvme,serial=$serial,drive=nvme$i")
    i=$((i + 1))
  done
  qemu+=("${qemu_extra[@]}")
  printf '%q ' "${qemu[@]}" >"$run/qemu.cmd"
  t0=$EPOCHREALTIME
  timeout -k 10 "$timeout" "${qemu[@]}" >"$run/qemu.log" 2>&1 </dev/null &
  qpid=$!
  tail -n +1 -F -s 0.5 --pid="$qpid" "$run/vm/out.log" 2>/dev/null &
  tpid=$!
  qrc=0; wait "$qpid" || qrc=$?
  qpid=""
  wait "$tpid" 2>/dev/null || true; tpid=""
  wall="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  if [ -s "$run/vm/rc" ]; then
    rc="$(cat "$run/vm/rc")"
    echo "run.sh: guest exit status $rc after $wall s (boot to scenario: $(sed -n 's/.*running \/vm\/start (uptime \(.*\)s).*/\1/p' "$run/console.log" | head -1) s of guest uptime); logs in $run" >&2
    exit "$rc"
  fi
  if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then echo "run.sh: TIMEOUT: the guest did not finish within $timeout s" >&2; qrc=124
  else echo "run.sh: the guest stopped without an exit status (qemu status $qrc): crash or boot failure" >&2; qrc=125; fi
  echo "run.sh: last console lines ($run/console.log):" >&2
  tail -n 25 "$run/console.log" >&2
  [ -s "$run/qemu.log" ] && { echo "run.sh: qemu said:" >&2; tail -n 10 "$run/qemu.log" >&2; }
  exit "$qrc"
fi

# ---------------------------------------------------------------- on the host: prepare, then enter the namespace
[ "$(id -u)" -eq 0 ] || die "needs root (a private network namespace, and the servers' own needs)"
APT_WHO=run.sh
# shellcheck source=../lib/apt.sh
. "$root/tests/lib/apt.sh"
apt_install qemu-system-x86 qemu-utils iproute2
if [ "${TESTVM_NO_BUILD:-0}" = 1 ]; then
  [ -s "$image/root.qcow2" ] || die "no image in $image (TESTVM_NO_BUILD=1 forbids building it)"
  "$here/build-image.sh" --check || echo "run.sh: the image is older than build-image.sh (TESTVM_NO_BUILD=1: used anyway)" >&2
else
  "$here/build-image.sh"
fi

# a previous run in the same directory that was killed may have left its server or qemu behind
if [ -f "$run/hook.env" ] && [ -n "$(. "$run/hook.env"; echo "${SERVER_LAUNCHER:-}")" ]; then
  (. "$run/hook.env"; "$SERVER_LAUNCHER" kill >/dev/null 2>&1) || true
fi
if p="$(cat "$run/qemu.pid" 2>/dev/null)" && [ -n "$p" ] && grep -q qemu "/proc/$p/cmdline" 2>/dev/null; then
  kill -KILL "$p" 2>/dev/null || true
fi
find "$run" -mindepth 1 -maxdepth 1 ! -name disks -exec rm -rf {} +
[ $keep_disks = 1 ] || rm -rf "$run/disks"
mkdir -p "$run/vm" "$run/server" "$run/data" "$run/disks" "$run/hooks"

for d in "${nvme[@]}"; do
  serial="${d%%:*}" size=1G
  [ "$serial" = "$d" ] || size="${d#*:}"
  [[ "$serial" =~ ^[A-Za-z0-9_-]+$ ]] || die "--nvme: serial '$serial' must be [A-Za-z0-9_-]"
  [ -f "$run/disks/$serial.img" ] || truncate -s "$size" "$run/disks/$serial.img"
done

cp "$here/guest/start.sh" "$run/vm/start"
cp "$here/guest/lib.sh" "$here/guest/fscheck.py" "$run/vm/"
cp "$scenario" "$run/vm/scenario"
for f in "${copies[@]}"; do
  [ -f "$f" ] || die "--copy: no file $f"
  cp -p "$f" "$run/vm/"
done
chmod +x "$run/vm/start" "$run/vm/scenario"
: >"$run/vm/out.log"
{
  printf '%s=%q\n' SCENARIO_NAME "$(basename "$scenario")" NFS_SERVER 10.0.2.2 NFS_PORT "$port" \
    NFS_EXPORT /default SMB_SERVER 10.0.2.2 SMB_PORT "${smb_port:-0}" HOOK_ADDR "$HOOK_ADDR" HOOK_PORT "$HOOK_PORT" SERVER_NAME "$(basename "${launcher:-none}" .sh)"
  for e in "${envs[@]}"; do
    [[ "$e" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env: expected NAME=VALUE, got '$e'"
    printf '%s=%q\n' "${e%%=*}" "${e#*=}"
  done
} >"$run/vm/env"
printf 'export %s=%q\n' SERVER_LAUNCHER "$launcher" SERVER_DIR "$run/server" SERVER_DATA "$run/data" \
  SERVER_PORT "$port" SERVER_SMB_PORT "${smb_port:-0}" HOOK_CMD "$hook" >"$run/hook.env"

TESTVM_INNER=1 exec unshare --net -- "$here/run.sh" "${args[@]}"
