#!/usr/bin/python3
"""Guest helper for the file-system scenarios: lock and mmap checks that need two processes or a system call
the shell does not offer. Each command prints what it saw and exits 0 only when the behaviour is right.

  fscheck.py flock FILE   a second process's non-blocking flock(LOCK_EX) on FILE fails with EWOULDBLOCK while
                          the first holds it, and succeeds once the first unlocked
  fscheck.py fcntl FILE   POSIX byte-range locks (F_SETLK): a second process is refused an overlapping range
                          (EAGAIN/EACCES), gets a disjoint one, and gets the first range once the holder closed
                          its descriptor (close releases the process's locks, no explicit unlock)
  fscheck.py xlock HELD OTHER   one file seen through two mounts (say NFS and SMB): while a process holds
                          [0, 100) through HELD (F_SETLK), another is refused [50, 150) through OTHER
                          (EAGAIN/EACCES; cifs says EACCES), gets the disjoint [200, 300), and gets [0, 100)
                          once the holder unlocked (F_UNLCK, descriptor still open). The two mounts share no
                          client-side lock state: only the server can make them conflict
  fscheck.py mmap FILE SHA256   read FILE through a shared read-only mapping, compare its sha256
  fscheck.py tree DIR N   create DIR with N small files of random content (0-4 KiB) in 10 directories and
                          their subdirectories — one process, where a shell loop would fork N times (slow in TCG)
"""
import errno
import fcntl
import hashlib
import mmap
import os
import sys


def fork_child(fn):
    """run fn() in a child process; returns (pid, read end of a pipe the child reports through)"""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 1
        try:
            code = fn(w)
        except BaseException as e:  # report, never fall through into the parent's code
            os.write(w, ("child error: %r\n" % (e,)).encode())
        os._exit(code)
    os.close(w)
    return pid, r


def say(fd, msg):
    os.write(fd, (msg + "\n").encode())


def wait_child(pid, r):
    out = b""
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode())
    return os.waitstatus_to_exitcode(status)


def sync_pair():
    """two pipes for a parent/child handshake: (parent->child, child->parent)"""
    return os.pipe(), os.pipe()


def check_flock(path):
    (p2c_r, p2c_w), (c2p_r, c2p_w) = sync_pair()
    holder = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(holder, fcntl.LOCK_EX)

    def contender(w):
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            say(w, "second process got the lock while the first held it")
            return 1
        except OSError as e:
            if e.errno != errno.EWOULDBLOCK:
                say(w, "conflict gave %s, expected EWOULDBLOCK" % errno.errorcode.get(e.errno, e.errno))
                return 1
            say(w, "conflict: EWOULDBLOCK")
        os.write(c2p_w, b"x")
        os.read(p2c_r, 1)  # the holder unlocked
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            say(w, "after unlock still refused: %s" % errno.errorcode.get(e.errno, e.errno))
            return 1
        say(w, "after unlock: granted")
        fcntl.flock(fd, fcntl.LOCK_UN)
        return 0

    pid, r = fork_child(contender)
    os.read(c2p_r, 1)
    fcntl.flock(holder, fcntl.LOCK_UN)
    os.write(p2c_w, b"x")
    rc = wait_child(pid, r)
    os.close(holder)
    return rc


def check_fcntl(path):
    (p2c_r, p2c_w), (c2p_r, c2p_w) = sync_pair()
    with open(path, "r+b") as f:
        if os.fstat(f.fileno()).st_size < 4096:
            f.write(b"\0" * 4096)
            f.flush()

    def holder(w):
        fd = os.open(path, os.O_RDWR)
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)  # bytes [0, 100)
        say(w, "holder: locked [0,100)")
        os.write(c2p_w, b"x")
        os.read(p2c_r, 1)
        os.close(fd)  # no unlock: closing releases the process's locks on the file
        say(w, "holder: closed its descriptor")
        os.write(c2p_w, b"x")
        os.read(p2c_r, 1)  # stay alive until the parent checked: only the close may have released the lock
        return 0

    pid, r = fork_child(holder)
    os.read(c2p_r, 1)
    fd = os.open(path, os.O_RDWR)
    ok = True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 50)  # [50, 150) overlaps
        print("overlapping range granted while held")
        ok = False
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EACCES):
            print("overlap refused: %s" % errno.errorcode[e.errno])
        else:
            print("overlap gave %s" % errno.errorcode.get(e.errno, e.errno))
            ok = False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 200)  # [200, 300) disjoint
        print("disjoint range granted")
        fcntl.lockf(fd, fcntl.LOCK_UN, 100, 200)
    except OSError as e:
        print("disjoint range refused: %s" % errno.errorcode.get(e.errno, e.errno))
        ok = False
    os.write(p2c_w, b"x")
    os.read(c2p_r, 1)  # the holder closed its descriptor but is still alive
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)
        print("after the holder's close: granted")
        fcntl.lockf(fd, fcntl.LOCK_UN, 100, 0)
    except OSError as e:
        print("after the holder's close still refused: %s" % errno.errorcode.get(e.errno, e.errno))
        ok = False
    os.write(p2c_w, b"x")
    os.close(fd)
    return 0 if wait_child(pid, r) == 0 and ok else 1


def check_xlock(held, other):
    (p2c_r, p2c_w), (c2p_r, c2p_w) = sync_pair()
    with open(held, "r+b") as f:
        if os.fstat(f.fileno()).st_size < 4096:
            f.write(b"\0" * 4096)
            f.flush()

    def holder(w):
        fd = os.open(held, os.O_RDWR)
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 100, 0)  # bytes [0, 100)
        say(w, "holder: locked [0,100) through %s" % held)
        os.write(c2p_w, b"x")
        os.read(p2c_r, 1)
        fcntl.lockf(fd, fcntl.LOCK_UN, 100, 0)
        say(w, "holder: unlocked [0,100)")
        os.write(c2p_w, b"x")
        os.read(p2c_r, 1)  # keep the descriptor open until the other side checked
        os.close(fd)
        return 0

    def attempt(fd, length, start, want):
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start)
        except OSError as e:
            got = errno.errorcode.get(e.errno, e.errno)
            if not want and e.errno in (errno.EAGAIN, errno.EACCES):
                print("[%d,%d) through %s refused: %s" % (start, start + length, other, got))
                return True
            print("[%d,%d) through %s: %s, expected %s" % (start, start + length, other, got,
                                                           "a grant" if want else "EAGAIN/EACCES"))
            return False
        fcntl.lockf(fd, fcntl.LOCK_UN, length, start)
        print("[%d,%d) through %s granted%s" % (start, start + length, other, "" if want else " WHILE HELD"))
        return want

    pid, r = fork_child(holder)
    os.read(c2p_r, 1)
    fd = os.open(other, os.O_RDWR)
    ok = attempt(fd, 100, 50, False)
    ok = attempt(fd, 100, 200, True) and ok
    os.write(p2c_w, b"x")
    os.read(c2p_r, 1)  # the holder unlocked
    ok = attempt(fd, 100, 0, True) and ok
    os.write(p2c_w, b"x")
    os.close(fd)
    return 0 if wait_child(pid, r) == 0 and ok else 1


def check_mmap(path, expected):
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        with mmap.mmap(f.fileno(), size, prot=mmap.PROT_READ) as m:
            h = hashlib.sha256()
            for off in range(0, size, 1 << 20):
                h.update(m[off:off + (1 << 20)])
    got = h.hexdigest()
    print("mmap sha256 %s, expected %s" % (got, expected))
    return 0 if got == expected else 1


def make_tree(top, n):
    for i in range(n):
        d = os.path.join(top, "d%d" % (i % 10), "sub" if i % 3 == 0 else "")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%04d" % i), "wb") as f:
            f.write(os.urandom((i * 37) % 4097))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "flock":
        return check_flock(argv[2])
    if len(argv) >= 3 and argv[1] == "fcntl":
        return check_fcntl(argv[2])
    if len(argv) >= 4 and argv[1] == "xlock":
        return check_xlock(argv[2], argv[3])
    if len(argv) >= 4 and argv[1] == "tree":
        return make_tree(argv[2], int(argv[3]))
    if len(argv) >= 4 and argv[1] == "mmap":
        return check_mmap(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
