#!/usr/bin/env bash
# Builds the test guest of tests/vm: Debian bookworm (kernel 6.1) with the Linux NFS and cifs clients and the
# tools the scenarios use, made with debootstrap from the Debian archive only. Output, in tests/.tools/vm/image/:
#   root.qcow2   ext4 root file system (no partition table; runs always open it read-only via -snapshot)
#   vmlinux      the Debian kernel, decompressed: qemu boots it through its PVH entry, skipping the ~5 s
#                decompression under TCG (vmlinuz is kept as the fallback)
#   initrd.img   a tiny busybox initramfs that loads virtio-blk + ext4 and switches to /sbin/testvm-init
#   stamp        hash of this script and tests/vm/image/*: the image is rebuilt only when they change
# Installs its host prerequisites with apt when missing. Needs root (debootstrap, chroot).
# usage: tests/vm/build-image.sh [--force] [--check]   (--check: exit 0 when the image is current, 1 when not)
# env:   TESTVM_MIRROR (default: the host's Debian mirror, else http://deb.debian.org/debian)
set -euo pipefail
trap 'echo "build-image.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/tests/.tools/vm"
out="$work/image"
SUITE=bookworm
# what the scenarios need (NFS/cifs clients, netbase for mount.nfs, fio, md/xfs/nvme for the appliance tests,
# python3-minimal for fcntl/mmap helpers) and what the init needs (iproute2, kmod, busybox for the initramfs)
PACKAGES=linux-image-amd64,nfs-common,cifs-utils,keyutils,netbase,fio,mdadm,xfsprogs,e2fsprogs,nvme-cli,util-linux,coreutils,iproute2,kmod,procps,psmisc,python3-minimal,busybox-static

force=0 check=0
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    --check) check=1 ;;
    *) echo "build-image.sh: unknown argument '$a' (use --force or --check)" >&2; exit 2 ;;
  esac
done

stamp="$( (cat "${BASH_SOURCE[0]}"; cat "$here"/image/*) | sha256sum | cut -d' ' -f1)"
current() {
  [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] &&
    [ -s "$out/root.qcow2" ] && [ -s "$out/initrd.img" ] && { [ -s "$out/vmlinux" ] || [ -s "$out/vmlinuz" ]; }
}
if [ $check = 1 ]; then current; exit; fi

[ "$(id -u)" -eq 0 ] || { echo "build-image.sh: needs root (debootstrap and chroot)" >&2; exit 1; }
APT_WHO=build-image.sh
# shellcheck source=../lib/apt.sh
. "$root/tests/lib/apt.sh"
apt_install debootstrap qemu-utils e2fsprogs xz-utils debian-archive-keyring cpio

mkdir -p "$work"
exec 9>"$work/.build.lock"
flock 9 # one build at a time; a second caller waits and then finds the image current
if [ $force = 0 ] && current; then exit 0; fi

mirror="${TESTVM_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
mirror="${mirror:-http://deb.debian.org/debian}"
rootfs="$work/rootfs" next="$work/image.new" initramfs="$work/initramfs"
cleanup() {
  # debootstrap mounts /proc and /sys in the target; never recurse into a mounted file system
  if [ -d "$rootfs" ]; then
    { findmnt -rn -o TARGET | grep -F "$rootfs/" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
    rm -rf --one-file-system "$rootfs"
  fi
  rm -rf "$next" "$initramfs"
}
trap cleanup EXIT
cleanup
mkdir -p "$work/debs" "$next"
log="$next/build.log"
t0=$(date +%s)
echo "build-image.sh: building the test guest: debootstrap $SUITE from $mirror (~3 min)" >&2

step() { echo "== $* ($(( $(date +%s) - t0 )) s)" >>"$log"; }
fail() { cp "$log" "$work/build-failed.log" 2>/dev/null || true; echo "build-image.sh: $*; see $work/build-failed.log" >&2; exit 1; }

step debootstrap
debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$work/debs" "$SUITE" "$rootfs" "$mirror" \
  >>"$log" 2>&1 || fail "debootstrap failed"
kver="$(ls "$rootfs/lib/modules")"
[ "$(echo "$kver" | wc -l)" = 1 ] || fail "expected one kernel in the image, found: $kver"

step "guest init and configuration"
install -m 755 "$here/image/init" "$rootfs/sbin/testvm-init"
echo testvm >"$rootfs/etc/hostname"
printf '127.0.0.1 localhost\n10.0.2.15 testvm\n' >"$rootfs/etc/hosts"
: >"$rootfs/etc/fstab"
chroot "$rootfs" dpkg-query -W -f '${Package} ${Version}\n' >"$next/packages.txt"

step "kernel ($kver)"
cp "$rootfs/boot/vmlinuz-$kver" "$next/vmlinuz"
# the bzImage carries the kernel as one xz stream: cut it out and decompress it to the ELF vmlinux
off="$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$next/vmlinuz" | head -1 | cut -d: -f1 || true)"
if [ -n "$off" ] && xz -dcq --single-stream <(tail -c +$((off + 1)) "$next/vmlinuz") >"$next/vmlinux" 2>/dev/null &&
   [ "$(head -c 4 "$next/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
  echo "vmlinux extracted" >>"$log"
else
  rm -f "$next/vmlinux"; echo "no xz stream in vmlinuz: runs boot the compressed kernel" >>"$log"
fi

step initramfs
mkdir -p "$initramfs"/{bin,dev,proc,newroot,modules}
cp "$rootfs/bin/busybox" "$initramfs/bin/busybox"
install -m 755 "$here/image/initramfs-init" "$initramfs/init"
chroot "$rootfs" modprobe --set-version "$kver" --show-depends -a virtio_pci virtio_blk ext4 >"$initramfs/deps" \
  || fail "modprobe --show-depends failed"
while read -r kind path _; do
  [ "$kind" = insmod ] || continue
  name="$(basename "$path")"
  grep -qxF "$name" "$initramfs/modules.order" 2>/dev/null && continue
  cp "$rootfs$path" "$initramfs/modules/$name"
  echo "$name" >>"$initramfs/modules.order"
done <"$initramfs/deps"
touch "$initramfs/modules.order"
rm "$initramfs/deps"
echo "initramfs modules: $(tr '\n' ' ' <"$initramfs/modules.order")" >>"$log"
(cd "$initramfs" && find . | cpio -o -H newc --quiet | gzip -1) >"$next/initrd.img"

step "slim the root file system"
mods="$rootfs/lib/modules/$kver/kernel"
rm -rf "$rootfs"/boot/initrd.img-* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/usr/share/locale/* \
  "$mods"/sound "$mods"/drivers/{gpu,media,infiniband,bluetooth,usb,staging,iio,hid,input/joystick,isdn} \
  "$mods"/drivers/net/{wireless,ethernet,can} "$mods"/net/{bluetooth,wireless,mac80211}
chroot "$rootfs" depmod "$kver"

step "root.qcow2"
size_mib=$(( $(du -sm "$rootfs" | cut -f1) + 768 )) # room for the scenarios' local files
truncate -s "${size_mib}M" "$next/root.raw"
mkfs.ext4 -q -F -L testvm -d "$rootfs" "$next/root.raw" >>"$log" 2>&1 || fail "mkfs.ext4 -d failed"
qemu-img convert -f raw -O qcow2 "$next/root.raw" "$next/root.qcow2" >>"$log" 2>&1 || fail "qemu-img convert failed"
rm "$next/root.raw"

echo "$stamp" >"$next/stamp"
step "done: rootfs $(du -sh "$rootfs" | cut -f1), qcow2 $(du -sh "$next/root.qcow2" | cut -f1)"
rm -rf "$out"
mv "$next" "$out"
echo "build-image.sh: image built in $(( $(date +%s) - t0 )) s: $out (kernel $kver)" >&2
