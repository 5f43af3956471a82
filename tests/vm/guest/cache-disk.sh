#!/bin/bash
# Guest scenario: the appliance's first-boot cache disk script (appliance/ansible/roles/cache-disk/files/
# bucketfs-cache-disk, given with --copy) on real NVMe disks, md and xfs. One boot per phase (PHASE=...):
#   first    two blank disks: md RAID0 + xfs at the cache dir (noatime), cache.env near two disks' size, the
#            service user owns it, a marker written; a second run in the same boot changes nothing
#   reboot   the same disks (--keep-disks) and the state file of the first boot (--copy): reassembled and mounted
#            without formatting (same xfs uuid, the marker still there)
#   wiped    blank disks again (a stop/start wiped instance storage) and the old state file: formatted again,
#            the cache directory empty, cache-disk.fresh written
#   single   three disks, one usable: plain xfs on it, no md — never the one with a mounted file system, nor the
#            one with a foreign ext4; then models that match nothing: a directory on the root volume and a warning
# The guest has no systemd: the script mounts with mount(8) and only writes its mount unit (copied to
# /vm/var-cache-bucketfs.mount for systemd-analyze verify on the host). The state file ends in
# /vm/cache-disk.state for the next phase. Run by io.bucketfs.tests.vm.CacheDiskVmTest; by hand:
#   f=appliance/ansible/roles/cache-disk/files/bucketfs-cache-disk
#   tests/vm/run.sh --out /tmp/cd --nvme cache-0 --nvme cache-1 --copy $f --env PHASE=first cache-disk
#   cp /tmp/cd/vm/cache-disk.state /tmp/cd.state
#   tests/vm/run.sh --out /tmp/cd --keep-disks --nvme cache-0 --nvme cache-1 --copy $f --copy /tmp/cd.state \
#     --env PHASE=reboot cache-disk
set -uo pipefail
. /vm/lib.sh

CACHE=/var/cache/bucketfs STATE=/var/lib/bucketfs ETC=/etc/bucketfs
# no systemd here: the script mounts with mount(8), and writes its mount unit only where it is told to
export BUCKETFS_UNIT_DIR=/run/bucketfs-units
UNIT=$BUCKETFS_UNIT_DIR/var-cache-bucketfs.mount
DISK_BYTES=$((1 << 30)) # run.sh's default --nvme size

setup() { # install the script and its config as the cache-disk role does; the state of the previous boot
  install -m 0755 /vm/bucketfs-cache-disk /usr/local/sbin/bucketfs-cache-disk || die "no /vm/bucketfs-cache-disk"
  mkdir -p "$ETC" "$STATE"
  printf 'CACHE_DISK_MODELS="Amazon EC2 NVMe Instance Storage|QEMU NVMe Ctrl"\nCACHE_DIR=%s\n' "$CACHE" >"$ETC/cache-disk.conf"
  getent passwd bucketfs >/dev/null || useradd --system --user-group --no-create-home bucketfs || die "useradd"
  if [ -f /vm/prev.state ]; then cp /vm/prev.state "$STATE/cache-disk.state"; fi
  info "nvme: $(for n in /sys/class/nvme/nvme*; do [ -e "$n" ] && printf '%s=%s/%s ' "${n##*/}" "$(sed 's/ *$//' "$n/serial")" "$(sed 's/ *$//' "$n/model")"; done)"
}

run_script() { # LOG: run it, its stderr in /vm/LOG (and the check's output)
  local rc=0
  /usr/local/sbin/bucketfs-cache-disk 2>"/vm/$1" || rc=$?
  cat "/vm/$1"
  [ $rc = 0 ] || die "bucketfs-cache-disk exited $rc"
}

prev() { sed -n "s/^$1=//p" /vm/prev.state; }
fs_uuid() { blkid -p -s UUID -o value "$(findmnt -n -o SOURCE --mountpoint "$CACHE")"; }

mounted_xfs() { # the cache dir is our xfs with noatime, owned by the service user
  need_mount "$CACHE"
  local fstype opts
  fstype="$(findmnt -n -o FSTYPE --mountpoint "$CACHE")" opts="$(findmnt -n -o OPTIONS --mountpoint "$CACHE")"
  [ "$fstype" = xfs ] || die "$CACHE is $fstype"
  [[ ",$opts," == *,noatime,* ]] || die "mount options $opts"
  [ "$(blkid -p -s LABEL -o value "$(findmnt -n -o SOURCE --mountpoint "$CACHE")")" = bfs-cache ] || die "label"
  [ "$(stat -c %U:%G "$CACHE")" = bucketfs:bucketfs ] || die "owner $(stat -c %U:%G "$CACHE")"
  info "$(findmnt -n -o SOURCE,FSTYPE,OPTIONS --mountpoint "$CACHE")"
}

raid0_of_two() {
  local src level devs
  src="$(findmnt -n -o SOURCE --mountpoint "$CACHE")"
  [[ "$src" == /dev/md* ]] || die "mounted from $src, not an md array"
  level="$(mdadm --detail --export "$src" | sed -n 's/^MD_LEVEL=//p')"
  devs="$(mdadm --detail --export "$src" | sed -n 's/^MD_DEVICES=//p')"
  [ "$level" = raid0 ] && [ "$devs" = 2 ] || die "md level '$level' devices '$devs'"
  grep -q "raid0 nvme[01]n1\[[01]\] nvme[01]n1\[[01]\]" /proc/mdstat || die "mdstat: $(cat /proc/mdstat)"
  info "$(grep ^md /proc/mdstat)"
}

cache_env() { # SIZE-OF-THE-DISKS: cache.env names the dir and 85–95 % of the disks' size
  local env="$ETC/cache.env" size
  grep -qx "BUCKETFS_CACHE_DIR=$CACHE" "$env" || die "cache.env: $(cat "$env")"
  size="$(sed -n 's/^BUCKETFS_CACHE_SIZE=//p' "$env")"
  [ -n "$size" ] && [ "$size" -ge $(($1 * 85 / 100)) ] && [ "$size" -le $(($1 * 95 / 100)) ] ||
    die "BUCKETFS_CACHE_SIZE=$size for $1 bytes of disk"
  info "BUCKETFS_CACHE_SIZE=$size ($((size * 1000 / $1)) per mille of $1)"
}

unit_file() {
  [ -f "$UNIT" ] || die "no $UNIT"
  grep -qx "What=/dev/disk/by-uuid/$(fs_uuid)" "$UNIT" && grep -qx "Where=$CACHE" "$UNIT" &&
    grep -qx "Options=noatime" "$UNIT" || die "$(cat "$UNIT")"
  cp "$UNIT" /vm/
}

snapshot() { # everything a run could change
  stat -c '%n %i %Y %s' "$ETC/cache.env" "$STATE/cache-disk.state" "$UNIT" "$CACHE" 2>&1
  cat "$ETC/cache.env" "$STATE/cache-disk.state" /proc/mdstat
  findmnt -rn -o SOURCE,TARGET,OPTIONS | sort
  blkid -p -s UUID -o value "$(findmnt -n -o SOURCE --mountpoint "$CACHE")"
}

second_run_changes_nothing() {
  local before after
  before="$(snapshot)"
  sleep 1 # a rewrite would show in the mtimes
  run_script cache-disk-run2.log
  after="$(snapshot)"
  [ "$before" = "$after" ] || { echo "$before" >/tmp/before; echo "$after" >/tmp/after; die "changed: $(diff /tmp/before /tmp/after | tr "\n" " ")"; }
  grep -q "already mounted .*nothing to do" /vm/cache-disk-run2.log || die "no 'nothing to do' line"
}

shutdown_cleanly() { # what systemd does at power-off: unmount, stop the array; keep the state for the next boot
  cp "$STATE/cache-disk.state" /vm/cache-disk.state
  umount "$CACHE" || die "umount"
  local md; for md in /dev/md/*; do [ -e "$md" ] && { mdadm --stop "$md" || die "mdadm --stop $md"; }; done
  sync
}

# ---------------------------------------------------------------- phases
first_run() {
  run_script cache-disk-run1.log
  grep -q "creating md RAID0" /vm/cache-disk-run1.log && grep -q "making xfs" /vm/cache-disk-run1.log || die "did not format"
  [ -f "$STATE/cache-disk.fresh" ] || die "no cache-disk.fresh after a format"
}
marker() {
  need_mount "$CACHE"
  echo "first boot $(cat /proc/sys/kernel/random/uuid)" >"$CACHE/marker" && sync || die "write"
  cp "$CACHE/marker" /vm/marker
}

reboot_run() {
  [ -f /vm/prev.state ] || die "no state file of the previous boot (--copy)"
  : >"$STATE/cache-disk.fresh" # as the boot that formatted left it (only the state file is carried over)
  run_script cache-disk-run1.log
  grep -q "mounting it without formatting" /vm/cache-disk-run1.log || die "no 'without formatting' line"
  ! grep -q "making xfs\|creating md" /vm/cache-disk-run1.log || die "formatted"
  [ ! -f "$STATE/cache-disk.fresh" ] || die "cache-disk.fresh left (or written) for the same file system"
}
same_fs_marker_kept() {
  need_mount "$CACHE"
  [ "$(fs_uuid)" = "$(prev FS_UUID)" ] || die "xfs uuid $(fs_uuid), the previous boot's $(prev FS_UUID)"
  [ -f /vm/prev.marker ] && cmp -s "$CACHE/marker" /vm/prev.marker || die "marker lost: $(cat "$CACHE/marker" 2>&1)"
  info "xfs $(fs_uuid) kept, marker: $(cat "$CACHE/marker")"
}

udev_assembled() { # on a real boot udev's mdadm rules may assemble the array before the script runs
  local uuid; uuid="$(fs_uuid)"
  umount "$CACHE" && mdadm --stop /dev/md/bucketfs-cache >/dev/null || die "umount/stop"
  mdadm --assemble --scan --run >/dev/null 2>&1; grep -q '^md.*active raid0' /proc/mdstat || die "mdadm --assemble --scan: $(cat /proc/mdstat)"
  info "assembled beforehand: $(grep ^md /proc/mdstat)"
  run_script cache-disk-run3.log
  grep -q "is already assembled" /vm/cache-disk-run3.log || die "no 'already assembled' line"
  grep -q "mounting it without formatting" /vm/cache-disk-run3.log || die "no 'without formatting' line"
  [ "$(fs_uuid)" = "$uuid" ] && cmp -s "$CACHE/marker" /vm/prev.marker || die "not the same file system"
}

wiped_run() {
  [ -f /vm/prev.state ] || die "no state file of the previous boot (--copy)"
  run_script cache-disk-run1.log
  grep -q "blank" /vm/cache-disk-run1.log && grep -q "making xfs" /vm/cache-disk-run1.log || die "did not format"
  [ -f "$STATE/cache-disk.fresh" ] || die "no cache-disk.fresh"
}
fresh_and_empty() {
  need_mount "$CACHE"
  [ -z "$(ls -A "$CACHE")" ] || die "cache dir not empty: $(ls -A "$CACHE")"
  [ "$(fs_uuid)" != "$(prev FS_UUID)" ] || die "same xfs uuid as before the wipe"
  info "new xfs $(fs_uuid) (was $(prev FS_UUID))"
}

others() { # the disks that are not the cache's: ext4 on nvme1n1 mounted (as the root disk would be), on nvme2n1 not
  mkfs.ext4 -q -L mounted /dev/nvme1n1 && mkfs.ext4 -q -L foreign /dev/nvme2n1 || die "mkfs.ext4"
  mkdir -p /mnt/data && mount /dev/nvme1n1 /mnt/data && echo keep >/mnt/data/keep && sync || die "mount nvme1n1"
}
single_run() {
  run_script cache-disk-run1.log
  grep -q "making xfs (label bfs-cache) on /dev/nvme0n1" /vm/cache-disk-run1.log || die "no xfs on nvme0n1"
  grep -q "warning: nvme1n1 (QEMU NVMe Ctrl, serial cache-1): holds a mounted file system or swap, never used" \
    /vm/cache-disk-run1.log || die "no warning for the mounted nvme1n1"
  grep -q "warning: nvme2n1 carries a signature that is not ours (ext4 labelled foreign): never formatted" \
    /vm/cache-disk-run1.log || die "no warning for the ext4 on nvme2n1"
}
others_untouched() {
  mountpoint -q /mnt/data && [ "$(cat /mnt/data/keep)" = keep ] || die "nvme1n1's mount or file is gone"
  [ "$(blkid -p -s TYPE -o value /dev/nvme2n1)" = ext4 ] || die "nvme2n1 is $(blkid -p -o export /dev/nvme2n1)"
  umount /mnt/data
}
plain_xfs_no_md() {
  need_mount "$CACHE"
  [ "$(findmnt -n -o SOURCE --mountpoint "$CACHE")" = /dev/nvme0n1 ] || die "source $(findmnt -n -o SOURCE --mountpoint "$CACHE")"
  ! grep -q '^md' /proc/mdstat || die "an md array: $(cat /proc/mdstat)"
}
no_nvme_directory_on_root() { # models that match nothing, another dir/state/etc in the same boot
  local d=/var/cache/bucketfs-root conf=/tmp/none.conf err
  printf 'CACHE_DISK_MODELS="No Such Model"\nCACHE_DIR=%s\n' "$d" >"$conf"
  export BUCKETFS_CACHE_DISK_CONF="$conf" BUCKETFS_ETC=/tmp/none/etc BUCKETFS_STATE=/tmp/none/state BUCKETFS_UNIT_DIR=/tmp/none/units
  run_script cache-disk-none.log
  grep -q "warning: no NVMe device of the models 'No Such Model' to use: the cache is a directory on the root volume ($d)" \
    /vm/cache-disk-none.log || die "no warning"
  grep -q "nvme0n1 (QEMU NVMe Ctrl, serial cache-0): not a cache disk model" /vm/cache-disk-none.log || die "nvme0n1 not logged"
  [ -d "$d" ] && ! mountpoint -q "$d" || die "$d is not a plain directory"
  [ "$(stat -c %U:%G "$d")" = bucketfs:bucketfs ] || die "owner $(stat -c %U:%G "$d")"
  grep -qx "BUCKETFS_CACHE_DIR=$d" /tmp/none/etc/cache.env && grep -q '^BUCKETFS_CACHE_SIZE=[1-9][0-9]*$' /tmp/none/etc/cache.env ||
    die "cache.env: $(cat /tmp/none/etc/cache.env)"
  [ "$(findmnt -n -o SOURCE --mountpoint "$CACHE")" = /dev/nvme0n1 ] || die "the other cache mount was touched"
  err="$(cat /tmp/none/etc/cache.env /tmp/none/state/cache-disk.state)"
  run_script cache-disk-none2.log
  [ "$err" = "$(cat /tmp/none/etc/cache.env /tmp/none/state/cache-disk.state)" ] || die "a second run changed something"
  info "$(tr '\n' ' ' </tmp/none/etc/cache.env)"
}

check setup setup
case "${PHASE:-}" in
  first)
    check first-run-formats first_run
    check md-raid0-of-two raid0_of_two
    check mounted-xfs-noatime mounted_xfs
    check cache-env-two-disks cache_env $((2 * DISK_BYTES))
    check mount-unit unit_file
    check marker marker
    check second-run-changes-nothing second_run_changes_nothing
    check shutdown shutdown_cleanly
    ;;
  reboot)
    check reboot-no-format reboot_run
    check md-raid0-of-two raid0_of_two
    check mounted-xfs-noatime mounted_xfs
    check same-fs-marker-kept same_fs_marker_kept
    check cache-env-two-disks cache_env $((2 * DISK_BYTES))
    check second-run-changes-nothing second_run_changes_nothing
    check udev-assembled-array-reused udev_assembled
    check shutdown shutdown_cleanly
    ;;
  wiped)
    check wiped-formats-again wiped_run
    check md-raid0-of-two raid0_of_two
    check mounted-xfs-noatime mounted_xfs
    check fresh-and-empty fresh_and_empty
    check shutdown shutdown_cleanly
    ;;
  single)
    check other-disks others
    check single-disk-formats single_run
    check other-disks-untouched others_untouched
    check plain-xfs-no-md plain_xfs_no_md
    check mounted-xfs-noatime mounted_xfs
    check cache-env-one-disk cache_env "$DISK_BYTES"
    check no-nvme-directory-on-root no_nvme_directory_on_root
    check shutdown shutdown_cleanly
    ;;
  *) echo "FAIL phase: PHASE must be first, reboot, wiped or single (got '${PHASE:-}')"; exit 2 ;;
esac
summary
