/*
 * commitstamp.c — an LD_PRELOAD shim for `tools/bench-web`: notes when each LMDB commit of a
 * process becomes durable, on CLOCK_MONOTONIC (the clock every process of the machine shares, and
 * python's time.monotonic()), so that another process can time what follows a commit.
 *
 * Build:  gcc -O2 -Wall -shared -fPIC -o commitstamp.so tools/lib/commitstamp.c -ldl
 * Use:    LD_PRELOAD=/path/commitstamp.so ISPMON_COMMITSTAMP=/path/stamps some-program ...
 *
 * LMDB ends every write transaction by writing its meta page through a second descriptor on
 * data.mdb opened with O_DSYNC (a pwrite), after an fdatasync of the data pages (tools/lib/slowsync.c
 * says the same): when that write returns, the commit is durable, and readers see it. So after each
 * pwrite (or pwrite64) on an O_DSYNC descriptor returns successfully, the shim appends one line,
 * the CLOCK_MONOTONIC time in nanoseconds, to $ISPMON_COMMITSTAMP (opened with O_APPEND once).
 * That costs the committing thread a descriptor-flags read, a clock read and one small write, a
 * few microseconds, after the commit; other writes (sockets, logs) are not touched, as they go
 * through write/writev/sendmsg, and no call is delayed or altered.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int stamp_fd = -1;

__attribute__((constructor)) static void commitstamp_init(void) {
    const char *path = getenv("ISPMON_COMMITSTAMP");
    if (path == NULL || *path == 0) return;
    stamp_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

static void *real(const char *name) {
    void *f = dlsym(RTLD_NEXT, name);
    if (f == NULL) {
        static const char msg[] = "commitstamp: dlsym failed\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(111);
    }
    return f;
}

static void stamp(int fd, ssize_t written) {
    if (stamp_fd < 0 || written <= 0 || fd == stamp_fd) return;
    int saved = errno;
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1 && (fl & O_DSYNC) != 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        char line[32];
        int n = snprintf(line, sizeof line, "%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
        if (n > 0) (void)!write(stamp_fd, line, (size_t)n);
    }
    errno = saved;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    static ssize_t (*f)(int, const void *, size_t, off_t);
    if (!f) f = real("pwrite");
    ssize_t r = f(fd, buf, n, off);
    stamp(fd, r);
    return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off) {
    static ssize_t (*f)(int, const void *, size_t, off64_t);
    if (!f) f = real("pwrite64");
    ssize_t r = f(fd, buf, n, off);
    stamp(fd, r);
    return r;
}
