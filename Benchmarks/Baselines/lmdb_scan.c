/*
 * lmdb_scan — read baseline for the ispmon views benchmark (tools/bench-views).
 *
 * Usage: lmdb_scan DIR [--json]
 *
 * Opens the existing LMDB environment in DIR read-only (e.g. one written by
 * lmdb_append: one entry per event) and, in a single read transaction, walks
 * the main DB with a cursor from MDB_FIRST through MDB_NEXT, touching every
 * value: each one is summed as little-endian 64-bit words (plus any tail
 * bytes) so the compiler cannot skip the reads. The transaction begin, the
 * cursor walk and the abort are timed (CLOCK_MONOTONIC); opening the env is
 * not. Prints entries, seconds, entries_per_s and the checksum.
 *
 * Run it a few times and keep the best to measure a warm page cache.
 *
 * Build: cc -O2 -o lmdb_scan lmdb_scan.c -llmdb
 */
#define BENCH_PROG "lmdb_scan"
#include "bench_common.h" /* first: sets _POSIX_C_SOURCE */

#include "lmdb_check.h" /* CK(): exit with LMDB's message on any error */

static void scan_usage(void) {
    fprintf(stderr, "usage: %s DIR [--json]\n", prog);
    exit(2);
}

/* Sum of the value as 64-bit words, then its remaining bytes. */
static inline uint64_t touch(const MDB_val *v) {
    const unsigned char *p = (const unsigned char *)v->mv_data;
    size_t n = v->mv_size;
    uint64_t sum = 0, w;
    while (n >= 8) {
        memcpy(&w, p, 8);
        sum += w;
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        sum += *p++;
        n--;
    }
    return sum;
}

int main(int argc, char **argv) {
    const char *dir = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) scan_usage();
        else if (dir == NULL) dir = argv[i];
        else scan_usage();
    }
    if (dir == NULL) scan_usage();

    struct stat dst;
    if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode)) {
        fprintf(stderr, "%s: %s is not a directory\n", prog, dir);
        return 1;
    }

    MDB_env *env;
    MDB_dbi dbi;
    MDB_txn *txn;
    MDB_cursor *cur;
    CK(mdb_env_create(&env));
    /* Read-only; an existing env's map size (from its meta page) is used. */
    CK(mdb_env_open(env, dir, MDB_RDONLY, 0644));

    /* Open the main DB once, outside the timed part. */
    CK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
    CK(mdb_dbi_open(txn, NULL, 0, &dbi));
    MDB_stat ms;
    CK(mdb_stat(txn, dbi, &ms));
    mdb_txn_abort(txn);

    MDB_val k, v;
    uint64_t entries = 0, sum = 0;

    double t0 = now_s();
    CK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
    CK(mdb_cursor_open(txn, dbi, &cur));
    int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    while (rc == MDB_SUCCESS) {
        sum += touch(&v);
        entries++;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    if (rc != MDB_NOTFOUND) {
        fprintf(stderr, "%s: mdb_cursor_get failed: %s (%d)\n", prog, mdb_strerror(rc), rc);
        return 1;
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    double secs = now_s() - t0;

    mdb_dbi_close(env, dbi);
    mdb_env_close(env);

    if (entries != (uint64_t)ms.ms_entries) {
        fprintf(stderr, "%s: scanned %" PRIu64 " entries, mdb_stat says %zu\n",
                prog, entries, ms.ms_entries);
        return 1;
    }

    double eps = secs > 0 ? (double)entries / secs : 0.0;
    if (json) {
        printf("{\"name\":\"lmdb-scan\",\"entries\":%" PRIu64 ",\"seconds\":%.6f"
               ",\"entries_per_s\":%.1f,\"checksum\":%" PRIu64 "}\n",
               entries, secs, eps, sum);
    } else {
        printf("lmdb-scan: %" PRIu64 " entries: %.3f s, %.0f entries/s (checksum %" PRIu64 ")\n",
               entries, secs, eps, sum);
    }
    if (fflush(stdout) != 0) { perror("stdout"); return 1; }
    return 0;
}
