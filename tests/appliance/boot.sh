#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The appliance booted, checked from outside. The root that appliance/idempotence --keep leaves (a debootstrap
# root with site.yml applied, as an image build does) becomes an ext4 disk that boots under qemu (TCG) with
# systemd as PID 1 and two blank virtual NVMe disks; qemu runs in a private network namespace whose only
# interface is lo, and the guest's NFS and admin ports are forwarded to that namespace's 127.0.0.1. Then:
#   boot 1: the cache-disk unit made md RAID0 over both NVMe disks and xfs on it, mounted (noatime, by its mount
#           unit) at the cache directory before the gateway; the gateway runs under jsvc; an NFS client (libnfs)
#           lists the pseudo root (default is there), writes a file into the default export and reads it back;
#           the admin port does not answer from outside; ACPI power-off.
#   boot 2: the same disks: the array is assembled and the file system mounted, nothing formatted (same md and
#           xfs UUIDs, the marker file written in the cache directory at boot 1 is there, no "formatting" in the
#           script's log, no cache-disk.fresh); the file written at boot 1 reads back through NFS.
#   boot 3: the NVMe disks blanked, as a stop/start wipes instance storage: formatted again (new UUID, the marker
#           gone, cache-disk.fresh), the gateway up on the empty cache, and the file reads back from the bucket.
# What the test adds to the root, standing in for what an image build and a cloud provide (the image has its own
# kernel; cloud-init configures the network): the test VM's kernel modules and an initramfs hand-over to systemd
# (tests/vm), DHCP by systemd-networkd, the NVMe model of QEMU in cache-disk.conf, a 10 s NFS grace period, and
# the probe units (tests/appliance/boot-probe) that report to the serial console. Needs root (unshare, mke2fs -d).
# usage: tests/appliance/boot.sh [--root DIR] [--out DIR] [--boots 1|2|3] [--timeout SECONDS]
#   --root DIR   the root appliance/idempotence --keep left (default tests/.tools/appliance/root; changed in place)
#   --out DIR    run directory (default tests/target/appliance-boot; emptied first): console-N.log, qemu-N.log
#   --boots N    1: the first boot only; 2: and the reboot; 3 (default): and a stop/start (below)
#   --timeout S  bound on each boot until the probe reported (default 900)
set -euo pipefail
trap 'echo "boot.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
die() { echo "boot.sh: $*" >&2; exit 2; }
fail() {
  echo "boot.sh: FAILED: $*" >&2
  if [ -n "${QEMU:-}" ] && kill -0 "$QEMU" 2>/dev/null; then
    sleep 2 # the gateway's last lines reach the console (GATEWAY ...)
    kill "$QEMU"
    grep -a '^GATEWAY' "$out"/console-*.log | tail -40 >&2 || true
  fi
  exit 1
}
say() { echo "boot.sh: $*"; }

approot="$repo/tests/.tools/appliance/root" out="$repo/tests/target/appliance-boot" boots=3 timeout=900
while [ $# -gt 0 ]; do
  case "$1" in
    --root) approot="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --boots) boots="${2:?}"; shift 2 ;;
    --timeout) timeout="${2:?}"; shift 2 ;;
    *) die "unknown argument '$1' (see the usage at the top of tests/appliance/boot.sh)" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || die "needs root (unshare, mke2fs -d)"
[ -x "$approot/usr/bin/jsvc" ] || die "no appliance root at $approot (run appliance/idempotence --keep first)"
if [ -z "${BFS_APPLIANCE_NETNS:-}" ]; then
  APT_WHO=boot.sh
  # shellcheck source=../lib/apt.sh
  . "$repo/tests/lib/apt.sh"
  apt_install qemu-system-x86 qemu-utils e2fsprogs libnfs-utils curl iproute2 util-linux
  "$repo/tests/vm/build-image.sh" # the kernel, its modules and the initramfs come from the test VM
  # everything below in a network namespace of its own: lo only, so the guest reaches nothing but it
  exec unshare --net env BFS_APPLIANCE_NETNS=1 "$0" --root "$approot" --out "$out" --boots "$boots" --timeout "$timeout"
fi
ip link set lo up
vm="$repo/tests/.tools/vm/image"
kernel="$vm/vmlinux"
[ -s "$kernel" ] || kernel="$vm/vmlinuz"
rm -rf "$out" && mkdir -p "$out"
t0=$(date +%s)

# ---------------------------------------------------------------- the kernel's modules, from the test VM's root
modcache="$repo/tests/.tools/appliance/testvm-modules-$(cat "$vm/stamp")"
if [ ! -d "$modcache" ]; then
  raw="$out/testvm-root.raw"
  qemu-img convert -O raw "$vm/root.qcow2" "$raw"
  kver="$(debugfs -R 'ls -p /lib/modules' "$raw" 2>/dev/null | awk -F/ '$6 ~ /^[0-9]/ {print $6}' | head -1)"
  [ -n "$kver" ] || fail "no kernel version under /lib/modules of the test VM image"
  rm -rf "$modcache.tmp" && mkdir -p "$modcache.tmp"
  debugfs -R "rdump /lib/modules/$kver $modcache.tmp" "$raw" >/dev/null 2>&1
  [ -s "$modcache.tmp/$kver/modules.dep" ] || fail "could not copy the test VM's modules"
  rm -f "$raw"
  mv "$modcache.tmp" "$modcache"
fi
kver="$(ls "$modcache")"

# ---------------------------------------------------------------- what the test adds to the root
rm -rf "$approot/lib/modules" && mkdir -p "$approot/lib/modules" && cp -a "$modcache/$kver" "$approot/lib/modules/"
ln -sfn /lib/systemd/systemd "$approot/sbin/testvm-init" # tests/vm's initramfs switches to this name
rm -f "$approot/usr/sbin/policy-rc.d" "$approot/etc/resolv.conf"
echo bucketfs-appliance >"$approot/etc/hostname"
: >"$approot/etc/machine-id"
mkdir -p "$approot/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n' >"$approot/etc/systemd/network/80-test-dhcp.network"
sed -i 's/^CACHE_DISK_MODELS=.*/CACHE_DISK_MODELS="QEMU NVMe Ctrl"/' "$approot/etc/bucketfs/cache-disk.conf"
# a short NFSv4 grace period after each start (90 s by default): the test's client has nothing to reclaim
grep -q '^nfs-grace=' "$approot/etc/bucketfs/gateway.conf" || echo 'nfs-grace=10' >>"$approot/etc/bucketfs/gateway.conf"
# the test's client writes as root (nfs-cp): the default mount must not squash it (root squash is the default)
grep -q '^nfs-root-squash=' "$approot/etc/bucketfs/gateway.conf" ||
  echo 'nfs-root-squash=false' >>"$approot/etc/bucketfs/gateway.conf"
install -m 0755 "$here/boot-probe" "$approot/usr/local/sbin/bucketfs-boot-probe"
cat >"$approot/etc/systemd/system/bucketfs-boot-probe-disk.service" <<'EOF'
[Unit]
Description=test probe: the cache directory before the gateway
After=bucketfs-cache-disk.service
Before=bucketfs.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/bucketfs-boot-probe disk
[Install]
WantedBy=multi-user.target
EOF
cat >"$approot/etc/systemd/system/bucketfs-boot-probe.service" <<'EOF'
[Unit]
Description=test probe: the appliance once the gateway runs
After=bucketfs.service bucketfs-boot-probe-disk.service
[Service]
Type=oneshot
TimeoutStartSec=20min
ExecStart=/usr/local/sbin/bucketfs-boot-probe up
[Install]
WantedBy=multi-user.target
EOF
cat >"$approot/etc/systemd/system/bucketfs-boot-probe-log.service" <<'EOF'
[Unit]
Description=test probe: the gateway's log on the serial console
After=bucketfs.service
[Service]
ExecStart=/bin/sh -c 'exec tail -n +1 -F /var/log/bucketfs/gateway.out | sed -u "s/^/GATEWAY /" >/dev/console 2>&1'
[Install]
WantedBy=multi-user.target
EOF
wants="$approot/etc/systemd/system/multi-user.target.wants"
mkdir -p "$wants" "$approot/etc/systemd/system/network-online.target.wants"
ln -sfn /etc/systemd/system/bucketfs-boot-probe-disk.service "$wants/"
ln -sfn /etc/systemd/system/bucketfs-boot-probe.service "$wants/"
ln -sfn /etc/systemd/system/bucketfs-boot-probe-log.service "$wants/"
ln -sfn /lib/systemd/system/systemd-networkd.service "$wants/"
ln -sfn /lib/systemd/system/systemd-networkd-wait-online.service \
  "$approot/etc/systemd/system/network-online.target.wants/"

# ---------------------------------------------------------------- the disks
mke2fs -q -t ext4 -L bfs-root -d "$approot" "$out/root.img" 4G || fail "mke2fs -d of $approot"
truncate -s 1G "$out/nvme-a.img" "$out/nvme-b.img"
say "root disk made from $approot ($(du -sh --apparent-size "$out/root.img" | cut -f1) used, $(( $(date +%s) - t0 )) s)"

NFS_PORT=20492 ADMIN_PORT=20493
qmp() { # COMMAND: one QMP command to the running guest
  python3 - "$out/qmp.sock" "$1" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
for cmd in ("qmp_capabilities", sys.argv[2]):
    f.write(json.dumps({"execute": cmd}) + "\n"); f.flush()
    while "return" not in json.loads(f.readline()):
        pass
EOF
}
probe() { # BOOT KEY: the value the probe reported for KEY at that boot
  sed -n "s/^PROBE $2=//p" "$out/console-$1.log" | tr -d '\r' | head -1
}
nfs() { # TOOL ARGS...: a libnfs tool, bounded in time; retried while the server is in its NFSv4 grace period
  local start out rc
  start=$(date +%s)
  while true; do
    rc=0
    out="$(timeout 120 "$@" 2>&1)" || rc=$?
    if [ $rc = 0 ] || ! grep -q NFS4ERR_GRACE <<<"$out" || [ $(( $(date +%s) - start )) -gt 240 ]; then
      printf '%s\n' "$out"
      return $rc
    fi
    sleep 5 # after a start, opens wait for the grace period (90 s) in which clients reclaim their state
  done
}
url() { echo "nfs://127.0.0.1/$1?version=4&nfsport=$NFS_PORT&uid=0&gid=0"; }

# OK, unless the gateway's JVM crashed in any boot (its log, on the root disk, is on every console from the start):
# systemd restarts it, so a crash could otherwise pass unseen.
passed() { # what
  if grep -aq 'A fatal error has been detected by the Java Runtime Environment' "$out"/console-*.log; then
    fail "the gateway's JVM crashed: $(grep -ah -A7 'A fatal error has been detected' "$out"/console-*.log |
      grep -a 'Problematic frame' -A1 | tail -1)"
  fi
  say "OK ($1, $(( $(date +%s) - t0 )) s)"
}

boot() { # N
  local n="$1" start
  start=$(date +%s)
  # One TCG thread for both vCPUs: with multi-threaded TCG, qemu 7.2 ran the guest's JVM into SIGSEGVs at the
  # entry of C1-compiled methods (String.hashCode, HashMap$EntryIterator.next; 3 in one CI run), the code the JIT
  # patches while other threads run it. The guest still has 2 CPUs, as the JVM's ergonomics expect.
  qemu-system-x86_64 -nodefaults -no-user-config -name appliance -pidfile "$out/qemu.pid" \
    -accel tcg,thread=single -cpu max -smp 2 -m 2048 -display none -no-reboot -monitor none \
    -serial "file:$out/console-$n.log" -qmp "unix:$out/qmp.sock,server=on,wait=off" \
    -kernel "$kernel" -initrd "$vm/initrd.img" \
    -append "console=ttyS0 root=/dev/vda rw loglevel=4 panic=-1 nokaslr systemd.show_status=1" \
    -drive "file=$out/root.img,if=virtio,format=raw,cache=unsafe" \
    -drive "if=none,id=nvme0,file=$out/nvme-a.img,format=raw" -device nvme,serial=bfs-a,drive=nvme0 \
    -drive "if=none,id=nvme1,file=$out/nvme-b.img,format=raw" -device nvme,serial=bfs-b,drive=nvme1 \
    -netdev "user,id=net0,net=10.0.2.0/24,host=10.0.2.2,ipv6=off,hostfwd=tcp:127.0.0.1:$NFS_PORT-:2049,hostfwd=tcp:127.0.0.1:$ADMIN_PORT-:7070" \
    -device virtio-net-pci,netdev=net0 -device virtio-rng-pci >"$out/qemu-$n.log" 2>&1 &
  QEMU=$!
  until grep -q '^PROBE-READY' "$out/console-$n.log" 2>/dev/null; do
    kill -0 "$QEMU" 2>/dev/null || { tail -40 "$out/console-$n.log" >&2; fail "boot $n: the guest stopped before the probe reported"; }
    [ $(( $(date +%s) - start )) -lt "$timeout" ] || { kill "$QEMU"; tail -40 "$out/console-$n.log" >&2; fail "boot $n: no probe report in ${timeout} s"; }
    sleep 2
  done
  say "boot $n: probe reported after $(( $(date +%s) - start )) s"
  grep -E '^PROBE' "$out/console-$n.log" | tr -d '\r' | sed "s/^/  boot $n: /"
}

powerdown() { # N
  local n="$1" start
  start=$(date +%s)
  qmp system_powerdown || true
  while kill -0 "$QEMU" 2>/dev/null; do
    if [ $(( $(date +%s) - start )) -gt 180 ]; then
      kill -9 "$QEMU"; fail "boot $n: the guest did not power off within 180 s of the ACPI power button"
    fi
    sleep 1
  done
  wait "$QEMU" || true
  say "boot $n: powered off cleanly in $(( $(date +%s) - start )) s"
}

check_boot() { # N: what every boot must show
  local n="$1" mount md
  [ "$(probe "$n" nfs_listening)" = yes ] || fail "boot $n: the gateway never listened on 2049"
  [ "$(probe "$n" service)" = active ] || fail "boot $n: bucketfs.service is $(probe "$n" service)"
  [ "$(probe "$n" cache_disk_service)" = active ] || fail "boot $n: bucketfs-cache-disk.service is not active"
  mount="$(probe "$n" mount)"
  case "$mount" in
    /dev/md*" xfs "*noatime*) ;;
    *) fail "boot $n: the cache directory is not md + xfs with noatime: '$mount'" ;;
  esac
  [ "$(probe "$n" disk_mount)" = "$mount" ] || fail "boot $n: the cache was not mounted before the gateway started: '$(probe "$n" disk_mount)'"
  [ "$(probe "$n" mount_unit)" = active ] || fail "boot $n: the cache directory's mount unit is $(probe "$n" mount_unit)"
  [ "$(probe "$n" fs_label)" = bfs-cache ] || fail "boot $n: the cache file system's label is '$(probe "$n" fs_label)'"
  md="$(probe "$n" md)"
  case "$md" in
    *MD_LEVEL=raid0*MD_DEVICES=2*) ;;
    *) fail "boot $n: no md RAID0 over two devices: '$md'" ;;
  esac
  case "$(probe "$n" cache_env)" in
    *BUCKETFS_CACHE_DIR=/var/cache/bucketfs*BUCKETFS_CACHE_SIZE=*) ;;
    *) fail "boot $n: cache.env is '$(probe "$n" cache_env)'" ;;
  esac
  local listing
  listing="$(nfs nfs-ls "$(url "")" 2>&1)" || fail "boot $n: nfs-ls of the pseudo root: $listing"
  grep -qE ' default$' <<<"$listing" || fail "boot $n: the pseudo root does not list default: $listing"
}

# ---------------------------------------------------------------- boot 1
boot 1
check_boot 1
case "$(probe 1 marker)" in new*) ;; *) fail "boot 1: the cache directory was not new: $(probe 1 marker)" ;; esac
grep -q 'PROBE-LOG .*creating md RAID0' "$out/console-1.log" || fail "boot 1: the script did not create the array"
payload="written through NFS at boot 1, $(date +%s%N)"
printf '%s\n' "$payload" >"$out/hello.txt"
nfs nfs-cp "$out/hello.txt" "$(url default/hello.txt)" >"$out/nfs-cp.log" || fail "boot 1: nfs-cp into default: $(cat "$out/nfs-cp.log")"
got="$(nfs nfs-cat "$(url default/hello.txt)" 2>&1)" || fail "boot 1: nfs-cat: $got"
[ "$got" = "$payload" ] || fail "boot 1: read back '$got', wrote '$payload'"
say "boot 1: NFS: default listed, hello.txt written and read back"
code="$(curl -s -o /dev/null -m 10 -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/metrics" || true)"
[ "$code" = 000 ] || fail "boot 1: the admin port answered from outside the guest (HTTP $code)"
say "boot 1: the admin port does not answer from outside"
powerdown 1
[ "$boots" -ge 2 ] || { passed "one boot"; exit 0; }

# ---------------------------------------------------------------- boot 2: the same disks
boot 2
check_boot 2
[ "$(probe 2 fs_uuid)" = "$(probe 1 fs_uuid)" ] || fail "boot 2: the cache file system was made again ($(probe 1 fs_uuid) -> $(probe 2 fs_uuid))"
md1="$(probe 1 md)" md2="$(probe 2 md)"
[ "$(grep -o 'MD_UUID=[^ ]*' <<<"$md2")" = "$(grep -o 'MD_UUID=[^ ]*' <<<"$md1")" ] || fail "boot 2: the array was made again ($md1 -> $md2)"
[ "$(probe 2 marker)" = "kept $(probe 1 marker | sed 's/^new //')" ] || fail "boot 2: the marker of boot 1 is gone: $(probe 2 marker)"
if grep -qE 'PROBE-LOG .*(: formatting|creating md RAID0|making xfs)' "$out/console-2.log"; then
  fail "boot 2: the script formatted: $(grep -E 'PROBE-LOG .*(: formatting|creating md|making xfs)' "$out/console-2.log")"
fi
grep -q 'PROBE-LOG .*mounting it without formatting' "$out/console-2.log" || fail "boot 2: no 'without formatting' line"
[ "$(probe 2 fresh)" = no ] || fail "boot 2: cache-disk.fresh says the cache is new"
got="$(nfs nfs-cat "$(url default/hello.txt)" 2>&1)" || fail "boot 2: nfs-cat: $got"
[ "$got" = "$payload" ] || fail "boot 2: read back '$got' after the reboot, wrote '$payload'"
say "boot 2: same array and file system, nothing formatted, hello.txt reads back"
powerdown 2
[ "$boots" -ge 3 ] || { passed "$boots boots"; exit 0; }

# ---------------------------------------------------------------- boot 3: instance storage wiped (a stop/start)
truncate -s 0 "$out/nvme-a.img" "$out/nvme-b.img" && truncate -s 1G "$out/nvme-a.img" "$out/nvme-b.img"
boot 3
check_boot 3
grep -q 'PROBE-LOG .*blank devices .*: formatting' "$out/console-3.log" || fail "boot 3: the wiped disks were not formatted"
[ "$(probe 3 fs_uuid)" != "$(probe 2 fs_uuid)" ] || fail "boot 3: the old file system uuid on wiped disks"
case "$(probe 3 marker)" in new*) ;; *) fail "boot 3: the cache directory was not new: $(probe 3 marker)" ;; esac
[ "$(probe 3 fresh)" = yes ] || fail "boot 3: no cache-disk.fresh after formatting"
got="$(nfs nfs-cat "$(url default/hello.txt)" 2>&1)" || fail "boot 3: nfs-cat: $got"
[ "$got" = "$payload" ] || fail "boot 3: read back '$got' from the bucket with an empty cache, wrote '$payload'"
say "boot 3: wiped disks formatted again, empty cache, hello.txt reads back from the bucket"
powerdown 3
passed "$boots boots"
