# Sourced by the guest scenarios (bash). Each check prints exactly one line, "PASS name (N.N s)" or
# "FAIL name: reason (N.N s)", and its own output only when it fails; `summary` prints the totals and returns
# non-zero when any check failed.
#   check NAME FUNCTION [ARGS...]   run FUNCTION in a process group of its own, bounded by CHECK_TIMEOUT s
#   need_mount DIR                  fail unless DIR is a mount point (a missing mount must never let a check
#                                   write to the guest's local disk and pass)
#   host_hook WORDS...              ask the host to act (e.g. "server restart"); prints the host's answer,
#                                   returns the host command's exit status
#   drop_caches                     sync, then forget cached pages, dentries and inodes: next reads ask the server
# ONLY="name name..." (run.sh --env ONLY=...) runs just those checks, for debugging one of them; the others
# print "SKIP name".
set -m # background jobs get their own process group, so a timed-out check is killed with all its children
CHECK_TIMEOUT="${CHECK_TIMEOUT:-300}"
passed=0 failed=0

now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

check() {
  local name="$1" t0 pid rc waited=0 out
  shift
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then echo "SKIP $name"; return 0; fi
  t0="$(now)"
  out="/tmp/check.$name.out"
  ( "$@" ) >"$out" 2>&1 </dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ $waited -ge $((CHECK_TIMEOUT * 5)) ]; then
      kill -KILL -- "-$pid" 2>/dev/null
      echo "timed out after ${CHECK_TIMEOUT} s" >>"$out"
      break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  wait "$pid"
  rc=$?
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    echo "PASS $name ($(elapsed "$t0") s)"
    grep '^INFO ' "$out" || true
  else
    failed=$((failed + 1))
    echo "FAIL $name: $(grep -v '^INFO ' "$out" | tail -n 1) ($(elapsed "$t0") s)"
    sed 's/^/    | /' "$out" | tail -n 40
  fi
}

summary() {
  echo "SUMMARY passed=$passed failed=$failed"
  [ $failed -eq 0 ] && [ $passed -gt 0 ]
}

# in a check: fail with a reason
die() { echo "$*"; exit 1; }
info() { echo "INFO $*"; }

need_mount() { mountpoint -q "$1" || die "$1 is not a mount point"; }

drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }

host_hook() {
  local line rc=1
  exec 3<>"/dev/tcp/${HOOK_ADDR:-10.0.2.100}/${HOOK_PORT:-7777}" || { echo "host_hook: cannot connect"; return 1; }
  echo "$*" >&3
  while IFS= read -r -t "${HOOK_TIMEOUT:-180}" line <&3; do
    case "$line" in
      "EXIT "*) rc="${line#EXIT }"; break ;;
      *) echo "host: $line" ;;
    esac
  done
  exec 3<&-
  return "$rc"
}
