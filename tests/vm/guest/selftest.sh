#!/bin/bash
# Guest scenario: the harness itself — the host hook (built-in and --hook requests), the 9p share, the NVMe
# disks of --nvme and the md/xfs tools the appliance tests need. Run it after changing tests/vm:
#   tests/vm/run.sh --hook "echo host-says" --nvme cache-0:512M --nvme cache-1:512M selftest
set -uo pipefail
. /vm/lib.sh

hook_builtin() {
  [ "$(host_hook ping)" = "host: pong" ] || die "ping: '$(host_hook ping)'"
  host_hook server status && die "'server status' succeeded in a run without a server"
  return 0
}

hook_command() {
  local out; out="$(host_hook hello world)" || die "the --hook command failed: $out"
  [ "$out" = "host: host-says hello world" ] || die "answer '$out'"
  host_hook 'bad;chars' && die "a request with ';' was run"
  return 0
}

share() { # /vm is the host's run directory: what the guest writes there is on the host at once
  mountpoint -q /vm || die "/vm is not a mount point"
  echo "from the guest" >/vm/selftest.txt && [ "$(cat /vm/selftest.txt)" = "from the guest" ] || die "cannot write /vm"
}

nvme_disks() {
  local serials
  [ -b /dev/nvme0n1 ] && [ -b /dev/nvme1n1 ] || die "no /dev/nvme0n1 and /dev/nvme1n1: $(ls /dev | grep nvme | tr '\n' ' ')"
  serials="$(cat /sys/class/nvme/nvme*/serial | sed 's/ *$//' | sort | tr '\n' ' ')"
  [ "$serials" = "cache-0 cache-1 " ] || die "serials '$serials'"
  info "nvme: $(for n in /sys/class/nvme/nvme*; do echo "$(basename "$n")=$(sed 's/ *$//' "$n/serial")/$(sed 's/ *$//' "$n/model")"; done | tr '\n' ' ')"
  mdadm --create /dev/md0 --run --level=0 --raid-devices=2 --metadata=1.2 /dev/nvme0n1 /dev/nvme1n1 || die "mdadm --create"
  mkfs.xfs -q -f /dev/md0 || die "mkfs.xfs"
  mkdir -p /mnt/cache && mount -o noatime /dev/md0 /mnt/cache && mountpoint -q /mnt/cache || die "mount xfs"
  head -c 8M /dev/urandom >/mnt/cache/x && sync || die "write"
  info "md0 xfs: $(df -h /mnt/cache | tail -n 1)"
  umount /mnt/cache && mdadm --stop /dev/md0 >/dev/null || die "umount/stop"
}

check hook-builtin hook_builtin
check hook-command hook_command
check share share
[ -z "${SKIP_NVME:-}" ] && check nvme-md-xfs nvme_disks
summary
