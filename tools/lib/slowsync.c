/*
 * slowsync.c — an LD_PRELOAD shim for `tools/bench-suite --profile pi4`: every durable flush
 * takes as long as on an SD card, and every thread can be limited like a slower CPU core.
 *
 * Build (tools/bench-suite does both, into a temp dir):
 *   gcc -O2 -Wall -shared -fPIC -o slowsync.so tools/lib/slowsync.c -ldl -lpthread
 *   gcc -O2 -Wall -DSLOWSYNC_EXEC -o slowsync-exec tools/lib/slowsync.c -ldl -lpthread
 * Use:
 *   LD_PRELOAD=/path/slowsync.so ISPMON_SLOWSYNC_US=3000 some-program ...
 *   ISPMON_SLOWSYNC_PRELOAD=/path/slowsync.so slowsync-exec some-program ...
 * The second form (a launcher) joins the per-thread cgroup below *before* it execs the program
 * with LD_PRELOAD set, so that the program's start-up (the dynamic loader mapping and relocating
 * its libraries: most of the CPU time of a short command) runs under the quota too.
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
 *   ISPMON_SLOWSYNC_THREAD_CGROUP  if set (cgroup v1 cpu controller only), a cgroup directory:
 *                            every thread of the process (the main thread before main(), each
 *                            new one as it starts, through a pthread_create wrapper) moves into
 *                            a child cgroup of its own, DIR/t<tid>, with the CFS quota given by
 *                            ISPMON_SLOWSYNC_THREAD_QUOTA="QUOTA_US:PERIOD_US". So each thread is
 *                            limited like one slower core, as if every thread had a core of its
 *                            own (v1 lets the threads of a process sit in different cgroups).
 * A failure to set up or join a cgroup is fatal (exit status 111): a benchmark must not silently
 * run outside its profile. Children inherit the environment, hence the shim and its settings.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* ---------------------------------------------------------------- per-thread CPU cgroups */

static const char *thread_cg;    /* ISPMON_SLOWSYNC_THREAD_CGROUP, or NULL */
static char thread_quota[32], thread_period[32];

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) die("cannot open", path);
    size_t n = strlen(text);
    if (write(fd, text, n) != (ssize_t)n) die("cannot write", path);
    close(fd);
}

/* Moves the calling thread into THREAD_CG/t<tid>, made with the per-thread quota. */
static void thread_join_own_cgroup(void) {
    int tid = (int)syscall(SYS_gettid);
    char dir[PATH_MAX], path[PATH_MAX + 32], text[32];
    if (snprintf(dir, sizeof dir, "%s/t%d", thread_cg, tid) >= (int)sizeof dir) {
        errno = ENAMETOOLONG;
        die("cgroup path too long:", thread_cg);
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) die("cannot create cgroup", dir);
    snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir);
    write_file(path, thread_period);
    snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", dir);
    write_file(path, thread_quota);
    snprintf(path, sizeof path, "%s/tasks", dir);
    snprintf(text, sizeof text, "%d\n", tid);
    write_file(path, text);
}

struct thread_start {
    void *(*fn)(void *);
    void *arg;
};

static void *thread_trampoline(void *p) {
    struct thread_start s = *(struct thread_start *)p;
    free(p);
    thread_join_own_cgroup();
    return s.fn(s.arg);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
    static int (*f)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    if (!f) f = real("pthread_create");
    if (thread_cg == NULL) return f(t, attr, fn, arg);
    struct thread_start *s = malloc(sizeof *s);
    if (s == NULL) return EAGAIN;
    s->fn = fn;
    s->arg = arg;
    int r = f(t, attr, thread_trampoline, s);
    if (r != 0) free(s);
    return r;
}

static void thread_cgroups_init(const char *dir) {
    const char *q = getenv("ISPMON_SLOWSYNC_THREAD_QUOTA");
    long quota, period;
    char *end;
    if (q == NULL) goto bad;
    quota = strtol(q, &end, 10);
    if (end == q || *end != ':' || quota < 1000) goto bad;
    period = strtol(end + 1, &end, 10);
    if (*end != '\0' || period < 1000) goto bad;
    snprintf(thread_quota, sizeof thread_quota, "%ld\n", quota);
    snprintf(thread_period, sizeof thread_period, "%ld\n", period);
    thread_cg = dir;
    thread_join_own_cgroup();
    return;
bad:
    errno = EINVAL;
    die("ISPMON_SLOWSYNC_THREAD_QUOTA must be QUOTA_US:PERIOD_US (quota >= 1000), got", q ? q : "nothing");
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
    const char *tcg = getenv("ISPMON_SLOWSYNC_THREAD_CGROUP");
    if (tcg != NULL && *tcg != '\0') thread_cgroups_init(tcg);
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

/* ---------------------------------------------------------------- the launcher */

#ifdef SLOWSYNC_EXEC
/* The constructor above has already put this thread into its cgroup (exec keeps the thread id,
 * so the program's main thread finds the same cgroup). */
int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: ISPMON_SLOWSYNC_PRELOAD=slowsync.so %s PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    const char *so = getenv("ISPMON_SLOWSYNC_PRELOAD");
    if (so == NULL || *so == '\0') {
        errno = EINVAL;
        die("ISPMON_SLOWSYNC_PRELOAD (the shim to preload) is not set", NULL);
    }
    if (setenv("LD_PRELOAD", so, 1) != 0) die("setenv LD_PRELOAD", NULL);
    execvp(argv[1], argv + 1);
    die("cannot run", argv[1]);
    return 127;
}
#endif
