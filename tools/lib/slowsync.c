/*
 * slowsync.c — an LD_PRELOAD shim for `tools/bench-suite --profile pi4`: every durable flush
 * takes as long as on an SD card, and the process can be put into the profile's CPU cgroups
 * before main() runs.
 *
 * Build (tools/bench-suite does it, into a temp dir):
 *   gcc -O2 -Wall -shared -fPIC -o slowsync.so tools/lib/slowsync.c -ldl
 * Use:
 *   LD_PRELOAD=/path/slowsync.so ISPMON_SLOWSYNC_US=3000 some-program ...
 *
 * What is slowed, after the real call returns, by ISPMON_SLOWSYNC_US microseconds (default 3000;
 * 0 only counts):
 *   - fsync, fdatasync;
 *   - msync with MS_SYNC (MS_ASYNC flushes nothing);
 *   - write, pwrite, pwrite64, writev, pwritev, pwritev64 on a descriptor opened with O_DSYNC
 *     or O_SYNC: each such write is a flush of its own. LMDB writes its meta page this way on
 *     every commit (the second fd on data.mdb, O_DSYNC), after an fdatasync of the data pages,
 *     so a durable LMDB commit is two flushes; SQLite (WAL, synchronous=FULL) calls fdatasync.
 * The delay is a nanosleep on the calling thread, as a flush that waits for the card would be;
 * other threads run meanwhile.
 *
 * Environment:
 *   ISPMON_SLOWSYNC_US       the delay per flush in microseconds (default 3000).
 *   ISPMON_SLOWSYNC_STATS    if set, a file to which each process appends one JSON line at exit:
 *                            {"pid":…,"exe":"…","fsync":…,"fdatasync":…,"msync":…,
 *                             "dsync_writes":…,"delay_us":…,"delayed_us_total":…}
 *                            (counts of delayed calls; a process killed by a signal writes none).
 *   ISPMON_SLOWSYNC_CGROUPS  if set, a colon-separated list of cgroup.procs files: the process
 *                            writes its pid to each before main() (so a program is inside the
 *                            profile's CPU quota without a wrapper process).
 *   ISPMON_SLOWSYNC_CPUS     if set, a CPU list ("1", "0-1", "0,2"): the process is pinned to
 *                            those CPUs before main() (sched_setaffinity).
 * A failure to join a cgroup or to pin is fatal (exit status 111): a benchmark must not silently
 * run outside its profile. Children inherit the environment, hence the shim and its settings.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static long delay_us = 3000;
static atomic_ulong n_fsync, n_fdatasync, n_msync, n_dsync_writes, delayed_total_us;

static void die(const char *what, const char *arg) {
    char buf[512];
    int n = snprintf(buf, sizeof buf, "slowsync: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
    if (n > 0) (void)!write(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    _exit(111);
}

static void *real(const char *name) {
    void *f = dlsym(RTLD_NEXT, name);
    if (f == NULL) {
        errno = ENOSYS;
        die("dlsym", name);
    }
    return f;
}

static void flush_delay(atomic_ulong *counter) {
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
    if (delay_us <= 0) return;
    struct timespec ts = {delay_us / 1000000, (delay_us % 1000000) * 1000};
    int saved = errno;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    errno = saved;
    atomic_fetch_add_explicit(&delayed_total_us, (unsigned long)delay_us, memory_order_relaxed);
}

static int is_sync_fd(int fd) {
    int saved = errno;
    int fl = fcntl(fd, F_GETFL);
    errno = saved;
    return fl != -1 && (fl & O_DSYNC) != 0; /* O_SYNC includes the O_DSYNC bit on Linux */
}

static void join_cgroups(const char *list) {
    char *copy = strdup(list);
    if (copy == NULL) die("strdup", NULL);
    char pid[32];
    int plen = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    for (char *save = NULL, *path = strtok_r(copy, ":", &save); path != NULL;
         path = strtok_r(NULL, ":", &save)) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) die("cannot open", path);
        if (write(fd, pid, (size_t)plen) != plen) die("cannot join cgroup via", path);
        close(fd);
    }
    free(copy);
}

static void pin_cpus(const char *list) {
    cpu_set_t set;
    CPU_ZERO(&set);
    const char *p = list;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10), b;
        if (end == p || a < 0 || a >= CPU_SETSIZE) goto bad;
        b = a;
        if (*end == '-') {
            p = end + 1;
            b = strtol(p, &end, 10);
            if (end == p || b < a || b >= CPU_SETSIZE) goto bad;
        }
        for (long c = a; c <= b; c++) CPU_SET((int)c, &set);
        if (*end == ',') end++;
        else if (*end != '\0') goto bad;
        p = end;
    }
    if (CPU_COUNT(&set) == 0) goto bad;
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("cannot pin to CPUs", list);
    return;
bad:
    errno = EINVAL;
    die("bad ISPMON_SLOWSYNC_CPUS", list);
}

__attribute__((constructor)) static void slowsync_init(void) {
    const char *d = getenv("ISPMON_SLOWSYNC_US");
    if (d != NULL && *d != '\0') {
        char *end = NULL;
        errno = 0;
        long v = strtol(d, &end, 10);
        if (errno != 0 || end == d || *end != '\0' || v < 0 || v > 10000000) {
            errno = EINVAL;
            die("bad ISPMON_SLOWSYNC_US", d);
        }
        delay_us = v;
    }
    const char *cg = getenv("ISPMON_SLOWSYNC_CGROUPS");
    if (cg != NULL && *cg != '\0') join_cgroups(cg);
    const char *cpus = getenv("ISPMON_SLOWSYNC_CPUS");
    if (cpus != NULL && *cpus != '\0') pin_cpus(cpus);
}

__attribute__((destructor)) static void slowsync_report(void) {
    const char *path = getenv("ISPMON_SLOWSYNC_STATS");
    if (path == NULL || *path == '\0') return;
    char exe[256] = "?";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) exe[n] = '\0';
    for (char *p = exe; *p; p++) if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '_';
    char line[512];
    int len = snprintf(line, sizeof line,
                       "{\"pid\":%d,\"exe\":\"%s\",\"fsync\":%lu,\"fdatasync\":%lu,\"msync\":%lu,"
                       "\"dsync_writes\":%lu,\"delay_us\":%ld,\"delayed_us_total\":%lu}\n",
                       (int)getpid(), exe, atomic_load(&n_fsync), atomic_load(&n_fdatasync),
                       atomic_load(&n_msync), atomic_load(&n_dsync_writes), delay_us,
                       atomic_load(&delayed_total_us));
    if (len <= 0 || (size_t)len >= sizeof line) return;
    int saved = errno;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        (void)!write(fd, line, (size_t)len); /* one write with O_APPEND: lines never interleave */
        close(fd);
    }
    errno = saved;
}

/* ---------------------------------------------------------------- flushes */

int fsync(int fd) {
    static int (*f)(int);
    if (!f) f = real("fsync");
    int r = f(fd);
    flush_delay(&n_fsync);
    return r;
}

int fdatasync(int fd) {
    static int (*f)(int);
    if (!f) f = real("fdatasync");
    int r = f(fd);
    flush_delay(&n_fdatasync);
    return r;
}

int msync(void *addr, size_t len, int flags) {
    static int (*f)(void *, size_t, int);
    if (!f) f = real("msync");
    int r = f(addr, len, flags);
    if (flags & MS_SYNC) flush_delay(&n_msync);
    return r;
}

/* ---------------------------------------------------------------- writes on O_DSYNC / O_SYNC fds */

#define SYNC_WRITE(ret, name, params, args)                                   \
    ret name params {                                                         \
        static ret(*f) params;                                                \
        if (!f) f = real(#name);                                              \
        ret r = f args;                                                       \
        if (r >= 0 && is_sync_fd(fd)) flush_delay(&n_dsync_writes);           \
        return r;                                                             \
    }

SYNC_WRITE(ssize_t, write, (int fd, const void *buf, size_t n), (fd, buf, n))
SYNC_WRITE(ssize_t, pwrite, (int fd, const void *buf, size_t n, off_t off), (fd, buf, n, off))
SYNC_WRITE(ssize_t, pwrite64, (int fd, const void *buf, size_t n, off64_t off), (fd, buf, n, off))
SYNC_WRITE(ssize_t, writev, (int fd, const struct iovec *iov, int cnt), (fd, iov, cnt))
SYNC_WRITE(ssize_t, pwritev, (int fd, const struct iovec *iov, int cnt, off_t off), (fd, iov, cnt, off))
SYNC_WRITE(ssize_t, pwritev64, (int fd, const struct iovec *iov, int cnt, off64_t off), (fd, iov, cnt, off))
