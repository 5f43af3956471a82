#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Makes the base disk image of the qemu build (source "qemu" of bucketfs.pkr.hcl): Debian 12 (bookworm) from the
# Debian archive only, with debootstrap — kernel, GRUB (BIOS) on an MBR disk, openssh-server, cloud-init (NoCloud,
# growpart), sudo, python3 for Ansible. Output: a qcow2 whose one ext4 partition (label "root") grows to the
# disk at first boot. No account and no password: cloud-init creates accounts from user data.
# Needs root (debootstrap, loop devices, chroot); installs its host prerequisites with apt when missing.
# usage: appliance/packer/make-base-image.sh [--size 3G] [--output FILE]
#        (default output: appliance/packer/output-base/debian-12-base.qcow2, where bucketfs.pkr.hcl looks)
# env:   BASE_MIRROR (default: the host's Debian mirror, else http://deb.debian.org/debian)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SUITE=bookworm
# debootstrap makes a bare minbase system; apt in the new root then installs these (debootstrap's own --include
# fails to order the configuration of this many packages, e.g. python3-cryptography for cloud-init). mdadm,
# xfsprogs and nvme-cli (the cache disk's tools, installed again by the playbook) are here so that the initramfs
# they trigger is rebuilt natively, not by the Packer build under TCG (where that one apt task took over 10 min).
PACKAGES="linux-image-amd64 grub-pc-bin openssh-server cloud-init cloud-guest-utils sudo python3 python3-apt
  ca-certificates ifupdown isc-dhcp-client netbase systemd-sysv dbus locales less curl mdadm xfsprogs nvme-cli"
size=3G
output="$here/output-base/debian-12-base.qcow2"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    *) echo "make-base-image.sh: unknown argument '$1' (use --size SIZE or --output FILE)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "make-base-image.sh: needs root (debootstrap, losetup, chroot)" >&2; exit 1; }
APT_WHO=make-base-image.sh
# shellcheck source=../../tests/lib/apt.sh
. "$root/tests/lib/apt.sh"
apt_install debootstrap debian-archive-keyring qemu-utils e2fsprogs fdisk util-linux

mirror="${BASE_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
mirror="${mirror:-http://deb.debian.org/debian}"
mkdir -p "$(dirname "$output")" "$root/tests/.tools/appliance/debs"
work="$(mktemp -d "${TMPDIR:-/tmp}/bucketfs-base.XXXXXX")"
raw="$work/disk.raw" mnt="$work/mnt" loop=""
log="$(dirname "$output")/make-base-image.log"
: >"$log"
cleanup() {
  if [ -d "$mnt" ]; then
    { findmnt -rn -o TARGET | grep -F "$mnt" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  fi
  [ -z "$loop" ] || losetup -d "$loop" || true
  rm -rf "$work"
}
trap cleanup EXIT
t0=$(date +%s)
echo "make-base-image.sh: debootstrap $SUITE from $mirror into a $size disk (several minutes)" >&2

# one MBR partition from 1 MiB; its file system is reached through a loop device at that offset (no partition
# scanning needed: containers often have no udev and no loop partition nodes)
truncate -s "$size" "$raw"
printf 'label: dos\n,,L,*\n' | sfdisk -q "$raw" >>"$log" 2>&1
start=$(( $(sfdisk -d "$raw" | sed -n 's/.*start= *\([0-9]*\).*/\1/p' | head -1) * 512 ))
length=$(( $(sfdisk -d "$raw" | sed -n 's/.*size= *\([0-9]*\).*/\1/p' | head -1) * 512 ))
loop="$(losetup --find --show --offset "$start" --sizelimit "$length" "$raw")"
mkfs.ext4 -q -L root "$loop" >>"$log" 2>&1
mkdir -p "$mnt"
mount "$loop" "$mnt"

debootstrap --variant=minbase --cache-dir="$root/tests/.tools/appliance/debs" "$SUITE" "$mnt" "$mirror" \
  >>"$log" 2>&1 || { cp "$mnt/debootstrap/debootstrap.log" "$log.debootstrap" 2>/dev/null || true
                     echo "make-base-image.sh: debootstrap failed; see $log" >&2; exit 1; }
for d in dev dev/pts proc sys; do mount --bind "/$d" "$mnt/$d"; done
cp -L /etc/resolv.conf "$mnt/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$mnt/usr/sbin/policy-rc.d" # no daemon starts inside the build
chmod 755 "$mnt/usr/sbin/policy-rc.d"
chroot "$mnt" apt-get update -q >>"$log" 2>&1
# shellcheck disable=SC2086 # PACKAGES is a list
chroot "$mnt" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PACKAGES \
  >>"$log" 2>&1 || { echo "make-base-image.sh: apt-get install in the image failed; see $log" >&2; exit 1; }
rm -f "$mnt/usr/sbin/policy-rc.d"
: >"$mnt/etc/resolv.conf"

cat >"$mnt/etc/apt/sources.list" <<SOURCES
deb http://deb.debian.org/debian $SUITE main
deb http://deb.debian.org/debian $SUITE-updates main
deb http://deb.debian.org/debian-security $SUITE-security main
SOURCES
echo 'LABEL=root / ext4 errors=remount-ro,noatime 0 1' >"$mnt/etc/fstab"
echo debian >"$mnt/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$mnt/etc/hosts"
printf 'auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n' >"$mnt/etc/network/interfaces"
cat >"$mnt/etc/cloud/cloud.cfg.d/90-bucketfs-base.cfg" <<'CLOUD'
# bucketfs base image: the datasources it may meet (AWS, OpenStack/KVM config drives, NoCloud seeds, VMware)
datasource_list: [NoCloud, ConfigDrive, OpenStack, Ec2, VMware, None]
growpart: {mode: auto, devices: ["/"]}
CLOUD
# a static GRUB menu: /vmlinuz and /initrd.img are links that kernel updates move; the root is found by its label
mkdir -p "$mnt/boot/grub"
cat >"$mnt/boot/grub/grub.cfg" <<'GRUBCFG'
set timeout=1
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
menuentry 'Debian GNU/Linux 12 (bucketfs base)' {
	insmod part_msdos
	insmod ext2
	search --no-floppy --label --set=root root
	linux /vmlinuz root=LABEL=root ro console=tty0 console=ttyS0,115200 net.ifnames=0
	initrd /initrd.img
}
GRUBCFG
# no account, no password: the image is reached through what cloud-init sets up
rm -f "$mnt"/etc/ssh/ssh_host_*
: >"$mnt/etc/machine-id"

# GRUB for BIOS: core.img (prefix: the first partition's /boot/grub) right after the MBR, boot.img in the MBR
mkdir -p "$mnt/boot/grub/i386-pc"
cp "$mnt"/usr/lib/grub/i386-pc/*.mod "$mnt"/usr/lib/grub/i386-pc/*.lst "$mnt/boot/grub/i386-pc/"
chroot "$mnt" grub-mkimage -O i386-pc -o /boot/grub/i386-pc/core.img -p '(hd0,msdos1)/boot/grub' \
  biosdisk part_msdos ext2 search search_label serial >>"$log" 2>&1
[ "$(stat -c %s "$mnt/boot/grub/i386-pc/core.img")" -lt $(( start - 512 )) ] ||
  { echo "make-base-image.sh: core.img does not fit before the partition" >&2; exit 1; }
cp "$mnt/usr/lib/grub/i386-pc/boot.img" "$work/boot.img"
cp "$mnt/boot/grub/i386-pc/core.img" "$work/core.img"
if [ ! -e "$mnt/vmlinuz" ] || [ ! -e "$mnt/initrd.img" ]; then
  echo "make-base-image.sh: no /vmlinuz or /initrd.img in the image" >&2; exit 1
fi
chroot "$mnt" apt-get clean
rm -rf "$mnt"/var/lib/apt/lists/* "$mnt"/tmp/*
for d in sys proc dev/pts dev; do umount -l "$mnt/$d"; done
umount "$mnt"
losetup -d "$loop"; loop=""
dd if="$work/boot.img" of="$raw" bs=440 count=1 conv=notrunc status=none
dd if="$work/core.img" of="$raw" bs=512 seek=1 conv=notrunc status=none

qemu-img convert -c -f raw -O qcow2 "$raw" "$output.tmp" >>"$log" 2>&1
mv "$output.tmp" "$output"
echo "make-base-image.sh: $output ($(du -h "$output" | cut -f1)) in $(( $(date +%s) - t0 )) s" >&2
