#!/usr/bin/env bash
# Host-side checks of the appliance's first-boot cache disk script (no VM, a few seconds):
#   - shellcheck of the script (when shellcheck is installed; CI installs it)
#   - device selection against a fake sysfs/proc tree: model strings and globs, trailing spaces, the root disk,
#     a mounted partition, a device under dm, swap, multipath namespaces, hidden paths — `--list`, no changes
#   - the configuration file (quotes, comments, unknown keys, a relative CACHE_DIR refused)
#   - no matching NVMe: a directory on the root volume, a warning, cache.env (size > 0, atomically written),
#     the state file; a second run in the same boot changes nothing
#   - systemd-analyze verify of bucketfs-cache-disk.service (and of any *.mount given as arguments: the VM
#     scenario copies out the mount unit the script generated)
# Each check prints "PASS name" or "FAIL name: reason"; the exit status is the number of failures.
# usage: tests/appliance/cache-disk-host.sh [MOUNT-UNIT...]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
files="$root/appliance/ansible/roles/cache-disk/files"
script="$files/bucketfs-cache-disk"
work="$(mktemp -d /tmp/cache-disk-host.XXXXXX)"
trap 'rm -rf "$work"' EXIT
failed=0

check() { # NAME FUNCTION
  local name="$1" out
  if out="$("$2" 2>&1)"; then
    echo "PASS $name"
  else
    echo "FAIL $name: $(tail -n 1 <<<"$out")"
    printf '%s\n' "$out" | tail -n 40 | sed 's/^/    | /'
    failed=$((failed + 1))
  fi
}
fail() { echo "$*"; exit 1; } # checks run in a subshell: exit ends the check

# ---------------------------------------------------------------- a fake sysfs
sys="$work/sys" proc="$work/proc"
ctrl() { # NAME MODEL SERIAL [DIR]: a controller (or subsystem) directory with sysfs-style padded attributes
  local d="${4:-$sys/class/nvme}/$1"
  mkdir -p "$d"
  printf '%-40s\n' "$2" >"$d/model"
  printf '%-20s\n' "$3" >"$d/serial"
}
ns() { # NAME CONTROLLER-DIR MAJ:MIN: a namespace block device
  local d="$sys/devices/$1"
  mkdir -p "$d/holders" "$sys/class/block" "$sys/dev/block"
  ln -s "$2" "$d/device"
  ln -s "../../devices/$1" "$sys/class/block/$1"
  ln -s "../../devices/$1" "$sys/dev/block/$3"
}
part() { # DISK PARTITION MAJ:MIN
  local d="$sys/devices/$1/$2"
  mkdir -p "$d/holders"
  echo 1 >"$d/partition"
  ln -s "../../devices/$1/$2" "$sys/class/block/$2"
  ln -s "../../devices/$1/$2" "$sys/dev/block/$3"
}
make_sysfs() {
  mkdir -p "$proc/self" "$proc/sys/kernel/random"
  echo boot-1 >"$proc/sys/kernel/random/boot_id"
  ctrl nvme0 "Amazon Elastic Block Store" vol0123 # the root disk (EBS): / on its partition
  ns nvme0n1 "$sys/class/nvme/nvme0" 259:0
  part nvme0n1 nvme0n1p1 259:1
  ctrl nvme1 "Amazon EC2 NVMe Instance Storage" AWS1111 # instance storage, free
  ns nvme1n1 "$sys/class/nvme/nvme1" 259:2
  ctrl nvme2 "Amazon EC2 NVMe Instance Storage" AWS2222 # instance storage, a partition mounted by hand
  ns nvme2n1 "$sys/class/nvme/nvme2" 259:3
  part nvme2n1 nvme2n1p1 259:4
  ctrl nvme3 "Amazon EC2 NVMe Instance Storage" AWS3333 # instance storage under LVM
  ns nvme3n1 "$sys/class/nvme/nvme3" 259:5
  mkdir -p "$sys/devices/nvme3n1/holders/dm-0"
  ctrl nvme4 "Amazon EC2 NVMe Instance Storage" AWS4444 # instance storage used as swap
  ns nvme4n1 "$sys/class/nvme/nvme4" 259:6
  ctrl nvme5 "QEMU NVMe Ctrl" qemu5 # another model
  ns nvme5n1 "$sys/class/nvme/nvme5" 259:7
  ctrl nvme-subsys6 "Amazon EC2 NVMe Instance Storage" AWS6666 "$sys/class/nvme-subsystem" # multipath
  ctrl nvme6 "Amazon EC2 NVMe Instance Storage" AWS6666
  ns nvme6n1 "$sys/class/nvme-subsystem/nvme-subsys6" 259:8
  ns nvme6c6n1 "$sys/class/nvme/nvme6" 259:9 # the hidden path of that namespace: never a device of its own
  cat >"$proc/self/mountinfo" <<'EOF'
22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw
23 22 0:21 / /proc rw shared:2 - proc proc rw
24 22 259:4 / /mnt/data rw,relatime shared:3 - ext4 /dev/nvme2n1p1 rw
EOF
  printf 'Filename\tType\tSize\tUsed\tPriority\n/dev/nvme4n1\tpartition\t1048572\t0\t-2\n' >"$proc/swaps"
}

list() { # MODELS: the devices --list selects
  printf 'CACHE_DISK_MODELS="%s"\nCACHE_DIR=%s\n' "$1" "$work/cache" >"$work/list.conf"
  BUCKETFS_CACHE_DISK_CONF="$work/list.conf" BUCKETFS_SYSFS="$sys" BUCKETFS_PROC="$proc" \
    BUCKETFS_DEV="$work/nodev" "$script" --list 2>"$work/list.err" | tr '\n' ' '
}

selection_default_model() {
  local got; got="$(list "Amazon EC2 NVMe Instance Storage")"
  cat "$work/list.err"
  [ "$got" = "nvme1n1 nvme6n1 " ] || fail "selected '$got', expected 'nvme1n1 nvme6n1 '"
  grep -q "nvme2n1 .*: holds a mounted file system or swap" "$work/list.err" || fail "no reason logged for nvme2n1"
  grep -q "nvme3n1 .*: in use by dm-0" "$work/list.err" || fail "no reason logged for nvme3n1"
  grep -q "nvme4n1 .*: holds a mounted file system or swap" "$work/list.err" || fail "no reason logged for nvme4n1 (swap)"
  grep -q "nvme5n1 (QEMU NVMe Ctrl, serial qemu5): not a cache disk model" "$work/list.err" || fail "nvme5n1 not logged"
  ! grep -q nvme6c6n1 "$work/list.err" || fail "the hidden path nvme6c6n1 was considered"
}

selection_globs_never_the_root_disk() {
  local got; got="$(list "*")"
  cat "$work/list.err"
  [ "$got" = "nvme1n1 nvme5n1 nvme6n1 " ] || fail "'*' selected '$got', expected 'nvme1n1 nvme5n1 nvme6n1 '"
  grep -q "nvme0n1 (Amazon Elastic Block Store, serial vol0123): holds a mounted file system" "$work/list.err" ||
    fail "the root disk's exclusion not logged"
  got="$(list "QEMU NVMe*| Amazon EC2 NVMe Instance Storage ")"
  [ "$got" = "nvme1n1 nvme5n1 nvme6n1 " ] || fail "'QEMU NVMe*|…' selected '$got'"
  got="$(list "Amazon EC2 NVMe")"
  [ "$got" = "" ] || fail "a prefix without a glob selected '$got'"
}

config_file() {
  local err
  printf '# comment\n\n  CACHE_DISK_MODELS = "QEMU NVMe Ctrl"  \nCACHE_DIR='"'"'%s/c/'"'"'\nFOO=1\n' "$work" >"$work/c.conf"
  err="$(BUCKETFS_CACHE_DISK_CONF="$work/c.conf" BUCKETFS_SYSFS="$sys" BUCKETFS_PROC="$proc" "$script" --list 2>&1 >"$work/c.out")" ||
    fail "--list failed: $err"
  [ "$(cat "$work/c.out")" = nvme5n1 ] || fail "quoted model: selected '$(cat "$work/c.out")'"
  grep -q "unknown key FOO" <<<"$err" || fail "no warning for FOO: $err"
  printf 'CACHE_DIR=relative/dir\n' >"$work/r.conf"
  if BUCKETFS_CACHE_DISK_CONF="$work/r.conf" BUCKETFS_SYSFS="$sys" BUCKETFS_PROC="$proc" "$script" --list 2>"$work/r.err"; then
    fail "a relative CACHE_DIR was accepted"
  fi
  grep -q "CACHE_DIR must be an absolute path" "$work/r.err" || fail "$(cat "$work/r.err")"
}

# ---------------------------------------------------------------- no matching NVMe: the root volume
run_root() { # the script with models no fake device has, everything under $work
  printf 'CACHE_DISK_MODELS="No Such Model"\nCACHE_DIR=%s\n' "$work/root/cache" >"$work/root.conf"
  BUCKETFS_CACHE_DISK_CONF="$work/root.conf" BUCKETFS_ETC="$work/root/etc" BUCKETFS_STATE="$work/root/state" \
    BUCKETFS_UNIT_DIR="$work/root/units" BUCKETFS_SYSFS="$sys" BUCKETFS_PROC="$proc" BUCKETFS_USER=no-such-user-bfs \
    "$script"
}

no_nvme_directory_on_root() {
  local err env size avail
  mkdir -p "$work/root"
  err="$(run_root 2>&1)" || fail "the script failed: $err"
  echo "$err"
  grep -q "warning: no NVMe device of the models 'No Such Model' to use: the cache is a directory on the root volume" <<<"$err" ||
    fail "no warning"
  [ -d "$work/root/cache" ] || fail "no cache directory"
  env="$work/root/etc/cache.env"
  grep -qx "BUCKETFS_CACHE_DIR=$work/root/cache" "$env" || fail "cache.env: $(cat "$env")"
  size="$(sed -n 's/^BUCKETFS_CACHE_SIZE=//p' "$env")"
  avail=$(($(stat -f -c '%a * %S' "$work/root/cache")))
  [ "$size" -gt 0 ] && [ "$size" -le $((avail * 96 / 100)) ] && [ "$size" -ge $((avail * 90 / 100)) ] ||
    fail "BUCKETFS_CACHE_SIZE=$size, free space $avail"
  [ "$(stat -c %a "$env")" = 644 ] || fail "cache.env mode $(stat -c %a "$env")"
  [ "$(find "$work/root/etc" -mindepth 1)" = "$env" ] || fail "more than cache.env in etc: $(find "$work/root/etc")"
  grep -qx MODE=root "$work/root/state/cache-disk.state" || fail "state: $(cat "$work/root/state/cache-disk.state")"
  [ -z "$(ls -A "$work/root/units" 2>/dev/null)" ] || fail "a mount unit was written for a plain directory"
}

no_nvme_second_run_changes_nothing() {
  local before after err
  before="$(stat -c '%i %Y %s' "$work/root/etc/cache.env" "$work/root/state/cache-disk.state"; cat "$work/root/etc/cache.env")"
  head -c 4M /dev/zero >"$work/root/cache/chunk" # the cache filling up must not move the size within a boot
  err="$(run_root 2>&1)" || fail "second run failed: $err"
  echo "$err"
  after="$(stat -c '%i %Y %s' "$work/root/etc/cache.env" "$work/root/state/cache-disk.state"; cat "$work/root/etc/cache.env")"
  [ "$before" = "$after" ] || fail "changed: before '$before' after '$after'"
  grep -q "cache.env unchanged" <<<"$err" || fail "no 'unchanged' line"
  echo boot-2 >"$proc/sys/kernel/random/boot_id" # a new boot computes the size again, counting the cache's own use
  run_root 2>/dev/null || fail "run in a new boot failed"
  grep -qx BOOT_ID=boot-2 "$work/root/state/cache-disk.state" || fail "state not updated in a new boot"
}

# ---------------------------------------------------------------- unit files
verify_units() {
  command -v systemd-analyze >/dev/null || { echo "no systemd-analyze: skipped"; return 0; }
  local r="$work/unitroot" u
  mkdir -p "$r/usr/local/sbin" "$r/etc/systemd/system" "$r/usr/lib/systemd"
  cp -a /usr/lib/systemd/system "$r/usr/lib/systemd/"
  install -m 0755 "$script" "$r/usr/local/sbin/"
  cp "$files/bucketfs-cache-disk.service" "$r/etc/systemd/system/"
  for u in "$@"; do cp "$u" "$r/etc/systemd/system/"; done
  for u in bucketfs-cache-disk.service "$@"; do
    u="$(basename "$u")"
    out="$(systemd-analyze verify --root="$r" "/etc/systemd/system/$u" 2>&1)" || fail "$u: $out"
    [ -z "$out" ] || fail "$u: $out"
    echo "verified $u"
  done
}
verify_units_args() { verify_units "${units[@]}"; }

shellcheck_script() {
  command -v shellcheck >/dev/null || { echo "no shellcheck: skipped"; return 0; }
  shellcheck "$script" || return 1
  # the tests: functions called through check (SC2317), "a && b || fail" on purpose (SC2015), /vm/lib.sh (SC1091)
  shellcheck -e SC2317,SC2015,SC1091 "$here/cache-disk-host.sh" "$root/tests/vm/guest/cache-disk.sh"
}

units=("$@")
make_sysfs
check shellcheck shellcheck_script
check selection-default-model selection_default_model
check selection-globs-never-the-root-disk selection_globs_never_the_root_disk
check config-file config_file
if [ "$(id -u)" = 0 ]; then
  check no-nvme-directory-on-root no_nvme_directory_on_root
  check no-nvme-second-run-changes-nothing no_nvme_second_run_changes_nothing
else
  echo "SKIP no-nvme-directory-on-root (needs root)"
fi
check systemd-analyze-verify verify_units_args
echo "SUMMARY failed=$failed"
exit "$failed"
