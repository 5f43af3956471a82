#!/bin/bash
# Guest scenario: the Linux kernel NFS client (NFSv4.1 and 4.2) against the server under test, which
# tests/vm/run.sh started on the host namespace's loopback (10.0.2.2 from here). One PASS/FAIL line per check;
# exit status non-zero when any check failed. Every check first makes sure its mount is really a mount.
# env (from /vm/env): NFS_PORT, NFS_EXPORT (/default); the host hook restarts the server ("server restart").
set -uo pipefail
. /vm/lib.sh
: "${NFS_SERVER:=10.0.2.2}" "${NFS_PORT:=2049}" "${NFS_EXPORT:=/default}"
A=/mnt/nfs41 # the mount most checks work on
B=/mnt/nfs42 # a second mount (a separate superblock and client): sees the server, not A's caches
W="$A/work" # this run's directory on the export
mkdir -p "$A" "$B"
opts="port=$NFS_PORT,proto=tcp,hard,timeo=100,retrans=3,retry=0" # retry=0: a refused mount fails at once
vers_of() { awk -v m="$1" '$2 == m && $3 ~ /^nfs/ { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] ~ /^vers=/) print substr(o[i], 6) }' /proc/mounts; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

mount_41() {
  mount -t nfs4 -o "vers=4.1,$opts" "$NFS_SERVER:$NFS_EXPORT" "$A" || die "mount vers=4.1 failed"
  need_mount "$A"
  [ "$(vers_of "$A")" = 4.1 ] || die "negotiated vers=$(vers_of "$A"), expected 4.1"
  mkdir -p "$W" && touch "$W/.alive" || die "cannot create $W"
}

mount_42() { # vers=4.2 works, or the server refuses minor version 2 cleanly and vers=4 settles on 4.1
  local err
  if err="$(mount -t nfs4 -o "vers=4.2,$opts" "$NFS_SERVER:$NFS_EXPORT" "$B" 2>&1)"; then
    need_mount "$B"
    info "vers=4.2 mount negotiated vers=$(vers_of "$B")"
  else
    echo "mount vers=4.2: $err"
    case "$err" in *"not supported"*|*"Protocol not supported"*) ;; *) die "vers=4.2 failed: $err" ;; esac
    mount -t nfs4 -o "vers=4,$opts" "$NFS_SERVER:$NFS_EXPORT" "$B" || die "vers=4 after the 4.2 refusal failed"
    need_mount "$B"
    [ "$(vers_of "$B")" = 4.1 ] || die "after refusing 4.2, vers=4 negotiated $(vers_of "$B")"
    info "server refused 4.2 cleanly; vers=4 fell back to 4.1"
  fi
  [ -e "$B/work/.alive" ] || die "the 4.2 mount does not see the 4.1 mount's files"
}

sha_64mib() {
  need_mount "$A"; need_mount "$B"
  head -c 64M /dev/urandom >/tmp/big
  local want; want="$(sha /tmp/big)"
  cp /tmp/big "$W/big" || die "cp to NFS failed"
  drop_caches
  [ "$(stat -c %s "$W/big")" = 67108864 ] || die "size $(stat -c %s "$W/big") after the copy"
  [ "$(sha "$W/big")" = "$want" ] || die "sha256 differs reading back through the same mount"
  [ "$(sha "$B/work/big")" = "$want" ] || die "sha256 differs reading through the second mount"
  rm -f /tmp/big
}

tree_1000() {
  need_mount "$A"
  local src=/tmp/tree
  rm -rf "$src"
  python3 /vm/fscheck.py tree "$src" 1000 || die "cannot build the local tree"
  [ "$(find "$src" -type f | wc -l)" = 1000 ] || die "built $(find "$src" -type f | wc -l) files, not 1000"
  cp -r "$src" "$W/tree" || die "cp -r failed"
  drop_caches
  diff -r "$src" "$W/tree" >/tmp/tree.diff 2>&1 || die "diff -r: $(head -c 300 /tmp/tree.diff)"
  [ "$(find "$W/tree" -type f | wc -l)" = 1000 ] || die "$(find "$W/tree" -type f | wc -l) files on NFS"
}

rename_over() {
  need_mount "$A"; need_mount "$B"
  echo old >"$W/target" && echo new >"$W/source" || die "writes failed"
  mv "$W/source" "$W/target" || die "mv over an existing file failed"
  drop_caches
  [ ! -e "$W/source" ] || die "source still exists"
  [ "$(cat "$W/target")" = new ] || die "target holds '$(cat "$W/target")'"
  [ "$(cat "$B/work/target")" = new ] && [ ! -e "$B/work/source" ] || die "the second mount disagrees"
}

rename_dir() {
  need_mount "$A"
  mkdir -p "$W/dir1/a/b" && echo deep >"$W/dir1/a/b/f" && echo top >"$W/dir1/g" || die "setup failed"
  mv "$W/dir1" "$W/dir2" || die "mv dir failed"
  drop_caches
  [ ! -e "$W/dir1" ] || die "old name still exists"
  [ "$(cat "$W/dir2/a/b/f")" = deep ] && [ "$(cat "$W/dir2/g")" = top ] || die "contents lost in the rename"
  mkdir -p "$W/dir3" && mv "$W/dir2" "$W/dir3/moved" || die "move into another directory failed"
  drop_caches
  [ "$(cat "$W/dir3/moved/a/b/f")" = deep ] || die "contents lost moving into another directory"
}

flock_conflict() {
  need_mount "$A"
  python3 /vm/fscheck.py flock "$W/flock.lck" || die "flock semantics wrong"
  # and through flock(1), as users script it: the second, non-blocking one reports the conflict (-E code)
  flock -x "$W/flock.lck" -c "flock -n -E 42 -x $W/flock.lck -c true"
  local rc=$?
  [ $rc = 42 ] || die "flock(1) -n on a held lock exited $rc, expected the conflict code 42"
}

fcntl_locks() {
  need_mount "$A"
  touch "$W/fcntl.lck"
  python3 /vm/fscheck.py fcntl "$W/fcntl.lck" || die "fcntl locks wrong"
}

mmap_read() {
  need_mount "$A"
  head -c 5000000 /dev/urandom >/tmp/mm
  cp /tmp/mm "$W/mapped" || die "cp failed"
  drop_caches
  python3 /vm/fscheck.py mmap "$W/mapped" "$(sha /tmp/mm)" || die "mmap read differs"
  rm -f /tmp/mm
}

attrs() {
  need_mount "$A"
  echo x >"$W/attrs"
  chmod 0640 "$W/attrs" && chown 1234:2345 "$W/attrs" && touch -m -d '2001-02-03 04:05:06 UTC' "$W/attrs" ||
    die "chmod/chown/touch failed"
  touch -a -d '2002-03-04 05:06:07 UTC' "$W/attrs" || die "touch -a failed"
  drop_caches
  local s; s="$(stat -c '%a %u:%g %Y %X' "$W/attrs")"
  [ "$s" = "640 1234:2345 981173106 1015218367" ] || die "stat says '$s'"
  chmod 4755 "$W/attrs" || die "chmod 4755 failed"
  drop_caches
  [ "$(stat -c %a "$W/attrs")" = 4755 ] || die "mode $(stat -c %a "$W/attrs") after chmod 4755"
  mkdir "$W/attrdir" && touch -d '1999-12-31 23:59:59 UTC' "$W/attrdir" || die "touch -d on a directory failed"
  drop_caches
  [ "$(stat -c %Y "$W/attrdir")" = 946684799 ] || die "directory mtime $(stat -c %Y "$W/attrdir")"
  info "stat after chmod/chown/touch -d: $s"
}

restart_server() {
  need_mount "$A"; need_mount "$B"
  head -c 8M /dev/urandom >/tmp/durable
  local want t0 log=/tmp/restart.err
  want="$(sha /tmp/durable)"
  dd if=/tmp/durable of="$W/durable" bs=1M conv=fsync status=none || die "write + fsync failed"
  echo before >"$W/appended"
  exec 7<"$W/durable" 8>>"$W/appended" # open files that must survive the server's restart
  host_hook server restart || die "the host could not restart the server"
  t0="$(now)"
  {
    stat "$W" >/dev/null &&
    [ "$(sha "$W/durable")" = "$want" ] &&           # the fsynced file is intact (read after the restart)
    drop_caches &&
    [ "$(sha256sum <&7 | cut -d' ' -f1)" = "$want" ] && # through the descriptor opened before it
    echo after >&8 && exec 8>&- &&
    [ "$(cat "$W/appended")" = "$(printf 'before\nafter')" ] &&
    echo new >"$W/after-restart" && [ "$(cat "$W/after-restart")" = new ] &&
    ls "$W" >/dev/null && ls "$B/work" >/dev/null &&
    [ "$(sha "$B/work/durable")" = "$want" ]
  } 2>"$log"
  local rc=$?
  exec 7<&- 8>&- 2>/dev/null
  if grep -qi 'stale' "$log"; then die "ESTALE after the restart: $(head -n 3 "$log")"; fi
  [ $rc = 0 ] || die "after the restart: $(head -n 3 "$log") (rc $rc)"
  info "client recovered and went on in $(elapsed "$t0") s after the restart"
  rm -f /tmp/durable
}

rm_r() {
  need_mount "$A"
  rm -r "$W/tree" || die "rm -r failed"
  drop_caches
  [ ! -e "$W/tree" ] || die "tree still there"
  [ -z "$(ls "$B/work" | grep -x tree)" ] || die "the second mount still lists the tree"
}

df_sane() {
  need_mount "$A"
  local line size used avail
  line="$(df -P -k "$A" | tail -n 1)" || die "df failed"
  read -r _ size used avail _ <<<"$line"
  info "df: $line"
  [ "$size" -gt 0 ] || die "size $size"
  [ "$used" -ge 0 ] && [ "$avail" -ge 0 ] || die "negative numbers: $line"
  [ "$avail" -le "$size" ] && [ "$used" -le "$size" ] || die "used/avail larger than the size: $line"
  [ "$size" -ge 65536 ] || die "size ${size} KiB is too small to hold what this run wrote"
  df -P -i "$A" >/dev/null || die "df -i failed"
}

unmount() {
  need_mount "$A"; need_mount "$B"
  umount "$B" && umount "$A" || die "umount failed"
  ! mountpoint -q "$A" && ! mountpoint -q "$B" || die "still mounted"
}

check mount-4.1 mount_41
check mount-4.2 mount_42
check sha256-64MiB sha_64mib
check tree-1000-files tree_1000
check rename-over-existing rename_over
check rename-dir rename_dir
check flock-conflict flock_conflict
check fcntl-locks fcntl_locks
check mmap-read mmap_read
check chmod-chown-touch attrs
check fsync-kill9-restart restart_server
check rm-r rm_r
check df df_sane
check umount unmount
summary
