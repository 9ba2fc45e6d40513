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
#define BENCH_PROG "lmdb_append"
#include "bench_common.h" /* first: sets _POSIX_C_SOURCE */

#include "lmdb_check.h" /* CK(): exit with LMDB's message on any error */

static uint64_t to_be64(uint64_t x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_bswap64(x);
#else
    return x;
#endif
}

int main(int argc, char **argv) {
    struct bench_args a = bench_parse_args(argc, argv, UINT64_MAX); /* keys are uint64 */
    const char *dir = a.dir;
    uint64_t n = a.n;
    uint64_t batch = a.batch;
    bench_make_dir(dir);

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

    return bench_report("lmdb-append", &a, secs);
}
