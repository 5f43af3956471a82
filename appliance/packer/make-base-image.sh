#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Makes the base disk image of the qemu build (source "qemu" of bucketfs.pkr.hcl): Debian 12 (bookworm) from the
# Debian archive only, with debootstrap — kernel, GRUB on an MBR disk, openssh-server, cloud-init (NoCloud,
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
PACKAGES=linux-image-amd64,grub-pc,openssh-server,cloud-init,cloud-guest-utils,sudo,python3,python3-apt,ca-certificates,ifupdown,isc-dhcp-client,netbase,systemd-sysv,dbus,locales,less,curl
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

truncate -s "$size" "$raw"
printf 'label: dos\n,,L,*\n' | sfdisk -q "$raw" >>"$log" 2>&1
loop="$(losetup --find --show --partscan "$raw")"
part="${loop}p1"
for _ in 1 2 3 4 5; do [ -b "$part" ] && break; sleep 1; done
[ -b "$part" ] || { echo "make-base-image.sh: $part did not appear" >&2; exit 1; }
mkfs.ext4 -q -L root "$part" >>"$log" 2>&1
mkdir -p "$mnt"
mount "$part" "$mnt"

debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$root/tests/.tools/appliance/debs" \
  "$SUITE" "$mnt" "$mirror" >>"$log" 2>&1 || { echo "make-base-image.sh: debootstrap failed; see $log" >&2; exit 1; }

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
cat >"$mnt/etc/default/grub" <<'GRUB'
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200 net.ifnames=0"
GRUB_TERMINAL="console serial"
GRUB_DISABLE_OS_PROBER=true
GRUB
# no account, no password: the image is reached through what cloud-init sets up
rm -f "$mnt"/etc/ssh/ssh_host_*
: >"$mnt/etc/machine-id"

for d in dev dev/pts proc sys; do mount --bind "/$d" "$mnt/$d"; done
chroot "$mnt" grub-install --target=i386-pc --modules="part_msdos ext2" "$loop" >>"$log" 2>&1
chroot "$mnt" update-grub >>"$log" 2>&1
# update-grub names the build's loop device; the image boots from its label on any disk
sed -i "s#root=$part#root=LABEL=root#g" "$mnt/boot/grub/grub.cfg"
chroot "$mnt" apt-get clean
rm -rf "$mnt"/var/lib/apt/lists/* "$mnt"/tmp/*
for d in sys proc dev/pts dev; do umount -l "$mnt/$d"; done
umount "$mnt"
losetup -d "$loop"; loop=""

qemu-img convert -c -f raw -O qcow2 "$raw" "$output.tmp" >>"$log" 2>&1
mv "$output.tmp" "$output"
echo "make-base-image.sh: $output ($(du -h "$output" | cut -f1)) in $(( $(date +%s) - t0 )) s" >&2
