/*
 * nfs-meta: the metadata client of tests/bench/nfs. One process, one libnfs context, one request in flight
 * (libnfs's synchronous API); the benchmark runs several processes side by side for an aggregate rate, and the
 * same binary against every server it compares.
 *
 *   nfs-meta [-t START_MS] URL mkdir   DIR
 *   nfs-meta [-t START_MS] URL create  DIR PREFIX COUNT   OPEN(CREATE) + CLOSE of DIR/PREFIX0 .. PREFIX<COUNT-1>
 *   nfs-meta [-t START_MS] URL stat    DIR PREFIX COUNT   a stat (LOOKUP + GETATTR) of each of them
 *   nfs-meta [-t START_MS] URL readdir DIR                one listing of DIR, entry by entry
 *   nfs-meta [-t START_MS] URL remove  PATH               removes the file PATH
 *   nfs-meta [-t START_MS] URL rename  PATH NEW           renames PATH to NEW (one RENAME)
 *   nfs-meta [-t START_MS] URL write   DIR PREFIX COUNT KIB   DIR/PREFIX0 .. PREFIX<COUNT-1> created, KIB KiB of
 *                                                         the pattern byte[j] = (7j + j/251) mod 256 written, closed
 *   nfs-meta URL cat PATH             PATH's bytes to stdout (the summary line goes to stderr)
 *   nfs-meta URL put PATH LOCAL       LOCAL's bytes into PATH, opened O_CREAT|O_TRUNC (an overwrite, where
 *                                     libnfs's nfs-cp only creates), closed (COMMIT)
 *
 * URL is an export URL as libnfs parses it, e.g. nfs://127.0.0.1/default?version=4&nfsport=2049; DIR is a path
 * inside the export ("/meta-1"). With -t, the operations start at START_MS (milliseconds since the epoch) after
 * the mount, so that several processes started one after the other run their operations side by side.
 * On success it prints one line (stdout; stderr for cat), "MODE OPS SECONDS START_MS END_MS": the operations' own time and when they began
 * and ended (wall clock, ms since the epoch). On the first failure it prints the operation and libnfs's error on
 * stderr and exits 1. Built by the benchmark with: cc -O2 -o nfs-meta nfs-meta.c -lnfs (Debian libnfs-dev).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <nfsc/libnfs.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double epoch_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Sleeps until the wall clock reaches ms (since the epoch); returns at once if it has already. */
static void sleep_until(double ms) {
    double left;
    while ((left = ms - epoch_ms()) > 0) {
        struct timespec d = {(time_t) (left / 1e3), (long) ((left - (time_t) (left / 1e3) * 1e3) * 1e6)};
        nanosleep(&d, NULL);
    }
}

static int fail(struct nfs_context *nfs, const char *what, const char *path) {
    fprintf(stderr, "nfs-meta: %s %s: %s\n", what, path, nfs_get_error(nfs));
    return 1;
}

/* A failed read or write: libnfs returns -errno (its map of the NFS status) and may leave no error text. */
static int fail_rc(struct nfs_context *nfs, const char *what, const char *path, int rc) {
    fprintf(stderr, "nfs-meta: %s %s: %s (errno %d: %s)\n", what, path, nfs_get_error(nfs), -rc, strerror(-rc));
    return 1;
}

static int usage(void) {
    fprintf(stderr, "usage: nfs-meta [-t START_MS] URL mkdir DIR | create DIR PREFIX COUNT | stat DIR PREFIX COUNT"
                    " | readdir DIR | remove PATH | rename PATH NEW | write DIR PREFIX COUNT KIB | cat PATH | put PATH LOCAL\n");
    return 2;
}

int main(int argc, char **argv) {
    double start_ms = 0;
    int opt;
    while ((opt = getopt(argc, argv, "t:")) != -1) {
        if (opt != 't') {
            return usage();
        }
        start_ms = strtod(optarg, NULL);
    }
    argc -= optind - 1;
    argv += optind - 1;
    if (argc < 4) {
        return usage();
    }
    const char *mode = argv[2];
    const char *dir = argv[3];
    int writes = strcmp(mode, "write") == 0;
    int per_file = strcmp(mode, "create") == 0 || strcmp(mode, "stat") == 0 || writes;
    if (per_file && argc != (writes ? 7 : 6)) {
        return usage();
    }
    long count = per_file ? strtol(argv[5], NULL, 10) : 0;
    long kib = writes ? strtol(argv[6], NULL, 10) : 0;
    if (writes && (kib < 1 || kib > 1 << 20)) {
        return usage();
    }
    char *pattern = NULL;
    if (writes) {
        pattern = malloc((size_t) kib << 10);
        if (pattern == NULL) {
            fprintf(stderr, "nfs-meta: out of memory\n");
            return 1;
        }
        for (long j = 0; j < kib << 10; j++) {
            pattern[j] = (char) ((7 * j + j / 251) & 0xff);
        }
    }

    struct nfs_context *nfs = nfs_init_context();
    if (nfs == NULL) {
        fprintf(stderr, "nfs-meta: cannot create a libnfs context\n");
        return 1;
    }
    struct nfs_url *url = nfs_parse_url_dir(nfs, argv[1]);
    if (url == NULL) {
        return fail(nfs, "parse", argv[1]);
    }
    if (nfs_mount(nfs, url->server, url->path) != 0) {
        return fail(nfs, "mount", argv[1]);
    }

    char path[4096];
    long ops = 0;
    sleep_until(start_ms);
    double began_ms = epoch_ms();
    double start = now();
    if (strcmp(mode, "mkdir") == 0) {
        if (nfs_mkdir(nfs, dir) != 0) {
            return fail(nfs, "mkdir", dir);
        }
        ops = 1;
    } else if (strcmp(mode, "create") == 0) {
        for (long i = 0; i < count; i++) {
            struct nfsfh *fh;
            snprintf(path, sizeof path, "%s/%s%ld", dir, argv[4], i);
            if (nfs_creat(nfs, path, 0644, &fh) != 0) {
                return fail(nfs, "create", path);
            }
            if (nfs_close(nfs, fh) != 0) {
                return fail(nfs, "close", path);
            }
        }
        ops = count;
    } else if (strcmp(mode, "stat") == 0) {
        for (long i = 0; i < count; i++) {
            struct nfs_stat_64 st;
            snprintf(path, sizeof path, "%s/%s%ld", dir, argv[4], i);
            if (nfs_stat64(nfs, path, &st) != 0) {
                return fail(nfs, "stat", path);
            }
            if ((st.nfs_mode & S_IFMT) != S_IFREG || st.nfs_size != 0) {
                fprintf(stderr, "nfs-meta: stat %s: not an empty regular file (mode %o, size %" PRIu64 ")\n",
                        path, (unsigned) st.nfs_mode, (uint64_t) st.nfs_size);
                return 1;
            }
        }
        ops = count;
    } else if (strcmp(mode, "remove") == 0) {
        if (nfs_unlink(nfs, dir) != 0) {
            return fail(nfs, "remove", dir);
        }
        ops = 1;
    } else if (strcmp(mode, "rename") == 0) {
        if (argc != 5) {
            return usage();
        }
        if (nfs_rename(nfs, dir, argv[4]) != 0) {
            return fail(nfs, "rename", dir);
        }
        ops = 1;
    } else if (writes) {
        for (long i = 0; i < count; i++) {
            struct nfsfh *fh;
            snprintf(path, sizeof path, "%s/%s%ld", dir, argv[4], i);
            if (nfs_creat(nfs, path, 0644, &fh) != 0) {
                return fail(nfs, "create", path);
            }
            for (long done = 0; done < kib << 10; ) {
                int n = nfs_write(nfs, fh, (uint64_t) ((kib << 10) - done), pattern + done);
                if (n <= 0) {
                    return fail(nfs, "write", path);
                }
                done += n;
            }
            if (nfs_close(nfs, fh) != 0) {
                return fail(nfs, "close", path);
            }
        }
        ops = count;
    } else if (strcmp(mode, "cat") == 0) {
        struct nfsfh *fh;
        static char buf[1 << 20];
        if (nfs_open(nfs, dir, O_RDONLY, &fh) != 0) {
            return fail(nfs, "open", dir);
        }
        for (int n; (n = nfs_read(nfs, fh, sizeof buf, buf)) != 0; ) {
            if (n < 0) {
                return fail_rc(nfs, "read", dir, n);
            }
            if (fwrite(buf, 1, (size_t) n, stdout) != (size_t) n) {
                fprintf(stderr, "nfs-meta: writing stdout failed\n");
                return 1;
            }
        }
        if (nfs_close(nfs, fh) != 0) {
            return fail(nfs, "close", dir);
        }
        ops = 1;
    } else if (strcmp(mode, "put") == 0) {
        struct nfsfh *fh;
        static char buf[1 << 20];
        FILE *in = argc == 5 ? fopen(argv[4], "rb") : NULL;
        if (in == NULL) {
            return usage();
        }
        if (nfs_open2(nfs, dir, O_WRONLY | O_CREAT | O_TRUNC, 0644, &fh) != 0) {
            return fail(nfs, "open", dir);
        }
        for (size_t got; (got = fread(buf, 1, sizeof buf, in)) > 0; ) {
            for (size_t done = 0; done < got; ) {
                /* 64 KiB a call: one WRITE each (libnfs 4.0 reports a multi-RPC write's failure as EFAULT) */
                size_t step = got - done < 65536 ? got - done : 65536;
                int n = nfs_write(nfs, fh, (uint64_t) step, buf + done);
                if (n <= 0) {
                    return fail_rc(nfs, "write", dir, n);
                }
                done += (size_t) n;
            }
        }
        fclose(in);
        int rc = nfs_fsync(nfs, fh);
        if (rc != 0) {
            return fail_rc(nfs, "commit", dir, rc);
        }
        if (nfs_close(nfs, fh) != 0) {
            return fail(nfs, "close", dir);
        }
        ops = 1;
    } else if (strcmp(mode, "readdir") == 0) {
        struct nfsdir *d;
        if (nfs_opendir(nfs, dir, &d) != 0) {
            return fail(nfs, "opendir", dir);
        }
        while (nfs_readdir(nfs, d) != NULL) {
            ops++;
        }
        nfs_closedir(nfs, d);
    } else {
        return usage();
    }
    double seconds = now() - start;
    double ended_ms = epoch_ms();

    fprintf(strcmp(mode, "cat") == 0 ? stderr : stdout, "%s %ld %.6f %.3f %.3f\n", mode, ops, seconds, began_ms,
            ended_ms);
    nfs_umount(nfs);
    nfs_destroy_url(url);
    nfs_destroy_context(nfs);
    return 0;
}
