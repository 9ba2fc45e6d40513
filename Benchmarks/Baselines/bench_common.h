/*
 * bench_common.h — helpers shared by the ingest baselines in this folder
 * (lmdb_append.c, sqlite_insert.c): command line, data dir, timing, the
 * synthetic value generator, on-disk size and the result line.
 *
 * Header-only (everything is static), so each baseline still builds from its
 * single source file: cc -O2 -Wall -o X X.c -l...
 *
 * Before including it, define BENCH_PROG to the program's name (used in the
 * usage line and in every error message):
 *
 *   #define BENCH_PROG "lmdb_append"
 *   #include "bench_common.h"
 *
 * Include it before any other header: it sets _POSIX_C_SOURCE.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#ifndef BENCH_PROG
#error "define BENCH_PROG (the program name) before including bench_common.h"
#endif

static const char *prog = BENCH_PROG;

/* Parsed command line: DIR N BATCH [--json] */
struct bench_args {
    const char *dir;
    uint64_t n;
    uint64_t batch;
    int json;
};

static inline void usage(void) {
    fprintf(stderr, "usage: %s DIR N BATCH [--json]\n", prog);
    exit(2);
}

/* A positive decimal integer no larger than `max`; exits 2 otherwise. */
static inline uint64_t parse_u64(const char *what, const char *s, uint64_t max) {
    char *end = NULL;
    errno = 0;
    if (s[0] == '-' || s[0] == '\0') goto bad;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0 || v > max) goto bad;
    return (uint64_t)v;
bad:
    fprintf(stderr, "%s: invalid %s '%s' (expected positive integer)\n", prog, what, s);
    exit(2);
}

/*
 * Parse `DIR N BATCH [--json]` (--json may stand anywhere; -h/--help and any
 * other arity print the usage line and exit 2). N and BATCH must be in
 * 1..max_count.
 */
static inline struct bench_args bench_parse_args(int argc, char **argv, uint64_t max_count) {
    struct bench_args a = {NULL, 0, 0, 0};
    const char *pos[3];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) a.json = 1;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) usage();
        else if (npos < 3) pos[npos++] = argv[i];
        else usage();
    }
    if (npos != 3) usage();
    a.dir = pos[0];
    a.n = parse_u64("N", pos[1], max_count);
    a.batch = parse_u64("BATCH", pos[2], max_count);
    return a;
}

/* Create `dir` if it does not exist and make sure it is a directory; exits 1 otherwise. */
static inline void bench_make_dir(const char *dir) {
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: mkdir %s: %s\n", prog, dir, strerror(errno));
        exit(1);
    }
    struct stat dst;
    if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode)) {
        fprintf(stderr, "%s: %s is not a directory\n", prog, dir);
        exit(1);
    }
}

/* xorshift64* — cheap varying "rtt" values, the same sequence in every baseline */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static inline uint64_t next_rand(void) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* CLOCK_MONOTONIC in seconds */
static inline double now_s(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("clock_gettime");
        exit(1);
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sum of st_size over the regular files directly in `dir` (not following links). */
static inline uint64_t dir_bytes(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: opendir %s: %s\n", prog, dir, strerror(errno));
        exit(1);
    }
    uint64_t total = 0;
    struct dirent *e;
    char path[PATH_MAX];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof path) {
            fprintf(stderr, "%s: path too long in %s\n", prog, dir);
            exit(1);
        }
        struct stat st;
        if (lstat(path, &st) != 0) {
            fprintf(stderr, "%s: stat %s: %s\n", prog, path, strerror(errno));
            exit(1);
        }
        if (S_ISREG(st.st_mode)) total += (uint64_t)st.st_size;
    }
    closedir(d);
    return total;
}

/*
 * Measure a.dir (call it after the store is closed) and print the result as
 * one JSON object or one human-readable line, labelled `name`. Returns the
 * exit status for main: 0, or 1 if stdout could not be flushed.
 */
static inline int bench_report(const char *name, const struct bench_args *a, double secs) {
    uint64_t bytes = dir_bytes(a->dir);
    double eps = secs > 0 ? (double)a->n / secs : 0.0;
    double bpe = (double)bytes / (double)a->n;
    if (a->json) {
        printf("{\"name\":\"%s\",\"events\":%" PRIu64 ",\"batch\":%" PRIu64
               ",\"seconds\":%.6f,\"events_per_s\":%.1f,\"bytes_on_disk\":%" PRIu64
               ",\"bytes_per_event\":%.3f}\n",
               name, a->n, a->batch, secs, eps, bytes, bpe);
    } else {
        printf("%s: %" PRIu64 " events, batch %" PRIu64 ": %.3f s, %.0f events/s, "
               "%" PRIu64 " bytes on disk (%.2f bytes/event)\n",
               name, a->n, a->batch, secs, eps, bytes, bpe);
    }
    if (fflush(stdout) != 0) { perror("stdout"); return 1; }
    return 0;
}

#endif /* BENCH_COMMON_H */
