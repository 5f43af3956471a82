#!/bin/bash
# Guest scenario: the Linux kernel SMB client (cifs, SMB 3.1.1) against the server under test, which
# tests/vm/run.sh --smb-port started on the host namespace's loopback (10.0.2.2 from here). Two cifs mounts of
# the share "default" — plain vers=3.1.1, and with `seal` (every message encrypted) — and one NFSv4.1 mount of
# /default, the same bucketfs mount over the other protocol. Per cifs mount: a multi-MiB sha256 round trip (read
# back through cifs and through NFS), rename, cp -r of a tree + diff -r, mkdir/rmdir, and byte-range locks
# across the protocols: a lock held through NFS refuses the overlapping one through cifs, and the reverse (cifs
# sends SMB2 LOCK for fcntl locks with the default cache=strict; a conflict is EACCES there).
# One PASS/FAIL line per check; exit status non-zero when any check failed.
# env (from /vm/env): SMB_SERVER, SMB_PORT, SMB_USER, SMB_PASSWORD, NFS_SERVER, NFS_PORT, NFS_EXPORT;
# SMB_MIB (size of the round-trip file, default 24), TREE_FILES (default 200).
set -uo pipefail
. /vm/lib.sh
: "${SMB_SERVER:=10.0.2.2}" "${SMB_PORT:?run.sh --smb-port}" "${SMB_USER:?}" "${SMB_PASSWORD:?}"
: "${NFS_SERVER:=10.0.2.2}" "${NFS_PORT:=2049}" "${NFS_EXPORT:=/default}" "${SMB_MIB:=24}" "${TREE_FILES:=200}"
N=/mnt/nfs # NFSv4.1 mount of /default: the same files as the share
mkdir -p "$N" /mnt/smb-plain /mnt/smb-seal
cred=/tmp/smb.cred
(umask 077; printf 'username=%s\npassword=%s\n' "$SMB_USER" "$SMB_PASSWORD" >"$cred")
sha() { sha256sum "$1" | cut -d' ' -f1; }
opt_of() { awk -v m="$1" -v k="$2" '$2 == m { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] == k || o[i] ~ "^" k "=") print o[i] }' /proc/mounts; }

mount_nfs() {
  mount -t nfs4 -o "vers=4.1,port=$NFS_PORT,proto=tcp,hard,timeo=100,retrans=3,retry=0" \
    "$NFS_SERVER:$NFS_EXPORT" "$N" || die "mount nfs vers=4.1 failed"
  need_mount "$N"
}

mount_smb() { # $1: plain|seal
  local m="/mnt/smb-$1" extra=""
  [ "$1" = seal ] && extra=",seal"
  mount -t cifs "//$SMB_SERVER/default" "$m" -o "port=$SMB_PORT,vers=3.1.1,credentials=$cred$extra" ||
    die "mount.cifs vers=3.1.1$extra failed: $(dmesg | grep -i cifs | tail -n 3)"
  need_mount "$m"
  [ "$(opt_of "$m" vers)" = vers=3.1.1 ] || die "negotiated $(opt_of "$m" vers), expected vers=3.1.1"
  if [ "$1" = seal ]; then
    [ "$(opt_of "$m" seal)" = seal ] || die "the mount has no seal option: $(grep " $m " /proc/mounts)"
  fi
  mkdir -p "$m/work-$1" || die "cannot create $m/work-$1"
  info "$(grep " $m " /proc/mounts | cut -d' ' -f4 | tr ',' '\n' | grep -E '^(vers|seal|cache|sec)' | paste -sd,)"
}

roundtrip() { # $1: plain|seal — write through cifs, read back through cifs and through NFS
  local m="/mnt/smb-$1" w="work-$1"
  need_mount "$m"; need_mount "$N"
  head -c "${SMB_MIB}M" /dev/urandom >/tmp/big
  local want; want="$(sha /tmp/big)"
  cp /tmp/big "$m/$w/big" || die "cp to cifs failed"
  drop_caches
  [ "$(stat -c %s "$m/$w/big")" = $((SMB_MIB << 20)) ] || die "size $(stat -c %s "$m/$w/big") after the copy"
  [ "$(sha "$m/$w/big")" = "$want" ] || die "sha256 differs reading back through cifs"
  [ "$(sha "$N/$w/big")" = "$want" ] || die "sha256 differs reading through NFS"
  rm -f /tmp/big "$m/$w/big"
}

rename_smb() {
  local m="/mnt/smb-$1" w="work-$1"
  need_mount "$m"; need_mount "$N"
  echo old >"$m/$w/target" && echo new >"$m/$w/source" || die "writes failed"
  mv "$m/$w/source" "$m/$w/target" || die "mv over an existing file failed"
  mkdir -p "$m/$w/d1/a" && echo deep >"$m/$w/d1/a/f" && mv "$m/$w/d1" "$m/$w/d2" || die "mv of a directory failed"
  drop_caches
  [ ! -e "$m/$w/source" ] && [ "$(cat "$m/$w/target")" = new ] || die "after mv over: target '$(cat "$m/$w/target")'"
  [ ! -e "$m/$w/d1" ] && [ "$(cat "$m/$w/d2/a/f")" = deep ] || die "directory contents lost in the rename"
  [ "$(cat "$N/$w/target")" = new ] && [ "$(cat "$N/$w/d2/a/f")" = deep ] || die "NFS does not see the renames"
}

tree_copy() {
  local m="/mnt/smb-$1" w="work-$1" src=/tmp/tree
  need_mount "$m"
  rm -rf "$src"
  python3 /vm/fscheck.py tree "$src" "$TREE_FILES" || die "cannot build the local tree"
  cp -r "$src" "$m/$w/tree" || die "cp -r failed"
  drop_caches
  diff -r "$src" "$m/$w/tree" >/tmp/tree.diff 2>&1 || die "diff -r: $(head -c 300 /tmp/tree.diff)"
  [ "$(find "$m/$w/tree" -type f | wc -l)" = "$TREE_FILES" ] || die "$(find "$m/$w/tree" -type f | wc -l) files on the share"
  rm -r "$m/$w/tree" || die "rm -r failed"
  [ ! -e "$m/$w/tree" ] || die "tree still there after rm -r"
}

mkdir_rmdir() {
  local m="/mnt/smb-$1" w="work-$1"
  need_mount "$m"; need_mount "$N"
  mkdir "$m/$w/newdir" && [ -d "$m/$w/newdir" ] || die "mkdir failed"
  [ -d "$N/$w/newdir" ] || die "NFS does not see the new directory"
  mkdir "$m/$w/newdir" 2>/dev/null && die "mkdir of an existing directory succeeded"
  touch "$m/$w/newdir/f" || die "touch in the new directory failed"
  rmdir "$m/$w/newdir" 2>/dev/null && die "rmdir of a non-empty directory succeeded"
  rm "$m/$w/newdir/f" && rmdir "$m/$w/newdir" || die "rmdir failed"
  drop_caches
  [ ! -e "$m/$w/newdir" ] || die "cifs still sees the removed directory: $(ls -la "$m/$w/newdir" 2>&1 | head -c 300)"
  [ ! -e "$N/$w/newdir" ] || die "NFS still sees the directory removed through cifs: $(ls -la "$N/$w/newdir" 2>&1 | head -c 300)"
}

lock_nfs_then_smb() {
  local m="/mnt/smb-$1" w="work-$1"
  need_mount "$m"; need_mount "$N"
  touch "$N/$w/lock-a" || die "touch failed"
  python3 /vm/fscheck.py xlock "$N/$w/lock-a" "$m/$w/lock-a" || die "a lock held through NFS did not hold cifs off"
}

lock_smb_then_nfs() {
  local m="/mnt/smb-$1" w="work-$1"
  need_mount "$m"; need_mount "$N"
  touch "$m/$w/lock-b" || die "touch failed"
  python3 /vm/fscheck.py xlock "$m/$w/lock-b" "$N/$w/lock-b" || die "a lock held through cifs did not hold NFS off"
}

unmount() {
  umount /mnt/smb-plain && umount /mnt/smb-seal && umount "$N" || die "umount failed"
  ! mountpoint -q /mnt/smb-plain && ! mountpoint -q /mnt/smb-seal && ! mountpoint -q "$N" || die "still mounted"
}

check python3-fcntl python3 -c 'import fcntl'
check mount-nfs-4.1 mount_nfs
for v in plain seal; do
  check "mount-smb3.1.1-$v" mount_smb "$v"
  check "sha256-${SMB_MIB}MiB-$v" roundtrip "$v"
  check "rename-$v" rename_smb "$v"
  check "cp-r-tree-$v" tree_copy "$v"
  check "mkdir-rmdir-$v" mkdir_rmdir "$v"
  check "lock-nfs-holds-off-smb-$v" lock_nfs_then_smb "$v"
  check "lock-smb-holds-off-nfs-$v" lock_smb_then_nfs "$v"
done
check umount unmount
summary
