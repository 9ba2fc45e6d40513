/*
 * lmdb_append — ingest baseline for ispmon benchmarks.
 *
 * Usage: lmdb_append DIR N BATCH [--json]
 *
 * Opens (creating if needed) an LMDB environment in DIR with a 16 GiB map and
 * the default durable sync flags (no MDB_NOSYNC / MDB_NOMETASYNC / MDB_WRITEMAP),
 * appends N entries with MDB_APPEND (key = big-endian uint64 seq 1..N,
 * value = 16 bytes: 8 bytes seq + 8 bytes pseudo-random rtt), committing every
 * BATCH entries. Only the append loop is timed (CLOCK_MONOTONIC). After the env
 * is closed, the st_size of every regular file in DIR is summed.
 *
 * Build: cc -O2 -o lmdb_append lmdb_append.c -llmdb
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

static const char *prog = "lmdb_append";

#define CK(call)                                                              \
    do {                                                                      \
        int rc_ = (call);                                                     \
        if (rc_ != MDB_SUCCESS) {                                             \
            fprintf(stderr, "%s: %s failed: %s (%d)\n", prog, #call,          \
                    mdb_strerror(rc_), rc_);                                  \
            exit(1);                                                          \
        }                                                                     \
    } while (0)

static void usage(void) {
    fprintf(stderr, "usage: %s DIR N BATCH [--json]\n", prog);
    exit(2);
}

static uint64_t parse_u64(const char *what, const char *s) {
    char *end = NULL;
    errno = 0;
    if (s[0] == '-' || s[0] == '\0') goto bad;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0) goto bad;
    return (uint64_t)v;
bad:
    fprintf(stderr, "%s: invalid %s '%s' (expected positive integer)\n", prog, what, s);
    exit(2);
}

static uint64_t to_be64(uint64_t x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_bswap64(x);
#else
    return x;
#endif
}

/* xorshift64* — cheap varying "rtt" values */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t next_rand(void) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static double now_s(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("clock_gettime");
        exit(1);
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t dir_bytes(const char *dir) {
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

int main(int argc, char **argv) {
    int json = 0;
    const char *pos[3];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) usage();
        else if (npos < 3) pos[npos++] = argv[i];
        else usage();
    }
    if (npos != 3) usage();
    const char *dir = pos[0];
    uint64_t n = parse_u64("N", pos[1]);
    uint64_t batch = parse_u64("BATCH", pos[2]);

    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: mkdir %s: %s\n", prog, dir, strerror(errno));
        return 1;
    }
    struct stat dst;
    if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode)) {
        fprintf(stderr, "%s: %s is not a directory\n", prog, dir);
        return 1;
    }

    MDB_env *env;
    MDB_dbi dbi;
    MDB_txn *txn;
    CK(mdb_env_create(&env));
    CK(mdb_env_set_mapsize(env, (size_t)1 << 34)); /* 16 GiB */
    CK(mdb_env_open(env, dir, 0, 0644));           /* default flags: durable */

    /* Open the main DB once, outside the timed loop. */
    CK(mdb_txn_begin(env, NULL, 0, &txn));
    CK(mdb_dbi_open(txn, NULL, 0, &dbi));
    CK(mdb_txn_commit(txn));

    unsigned char val[16];
    uint64_t keybuf;
    MDB_val k = {sizeof keybuf, &keybuf};
    MDB_val v = {sizeof val, val};

    double t0 = now_s();
    txn = NULL;
    uint64_t in_txn = 0;
    for (uint64_t seq = 1; seq <= n; seq++) {
        if (txn == NULL) CK(mdb_txn_begin(env, NULL, 0, &txn));
        keybuf = to_be64(seq);
        uint64_t rtt = 1000 + next_rand() % 200000; /* microseconds */
        memcpy(val, &seq, 8);
        memcpy(val + 8, &rtt, 8);
        k.mv_size = sizeof keybuf; k.mv_data = &keybuf;
        v.mv_size = sizeof val;    v.mv_data = val;
        CK(mdb_put(txn, dbi, &k, &v, MDB_APPEND));
        if (++in_txn == batch) {
            CK(mdb_txn_commit(txn));
            txn = NULL;
            in_txn = 0;
        }
    }
    if (txn != NULL) CK(mdb_txn_commit(txn));
    double secs = now_s() - t0;

    mdb_dbi_close(env, dbi);
    mdb_env_close(env);

    uint64_t bytes = dir_bytes(dir);
    double eps = secs > 0 ? (double)n / secs : 0.0;
    double bpe = (double)bytes / (double)n;
    if (json) {
        printf("{\"name\":\"lmdb-append\",\"events\":%" PRIu64 ",\"batch\":%" PRIu64
               ",\"seconds\":%.6f,\"events_per_s\":%.1f,\"bytes_on_disk\":%" PRIu64
               ",\"bytes_per_event\":%.3f}\n",
               n, batch, secs, eps, bytes, bpe);
    } else {
        printf("lmdb-append: %" PRIu64 " events, batch %" PRIu64 ": %.3f s, %.0f events/s, "
               "%" PRIu64 " bytes on disk (%.2f bytes/event)\n",
               n, batch, secs, eps, bytes, bpe);
    }
    if (fflush(stdout) != 0) { perror("stdout"); return 1; }
    return 0;
}
