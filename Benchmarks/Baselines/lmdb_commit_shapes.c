/*
 * lmdb_commit_shapes — what a durable LMDB commit costs by the pages it dirties.
 *
 * Usage: lmdb_commit_shapes DIR COMMITS SHAPE
 *
 * Each commit appends one 5000-byte value (about what ispmon's tail segment of a
 * 1000-event batch takes) to a database with MDB_APPEND; SHAPE adds what else it rewrites:
 *   append    nothing else;
 *   four-dbs  one small record (100–200 bytes) rewritten in each of four more databases, as
 *             ispmon's commit rewrites records in its index, views and view state;
 *   one-db    the same four records in one more database.
 * Default (durable) sync flags. Prints the shape and the mean µs per commit. Not part of
 * bench-suite: a probe for the question "would fewer databases per commit help?" (README,
 * *Durable ingest, measured again on 2026-12-07*). Run the shapes in turns, many times, and
 * compare like with like: a shared disk's flushes vary by an order of magnitude.
 *
 * Build: cc -O2 -o lmdb_commit_shapes lmdb_commit_shapes.c -llmdb
 */
#define BENCH_PROG "lmdb_commit_shapes"
#include "bench_common.h" /* first: sets _POSIX_C_SOURCE */

#include "lmdb_check.h"

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s DIR COMMITS append|four-dbs|one-db\n", prog);
        return 2;
    }
    const char *dir = argv[1];
    uint64_t commits = parse_u64("COMMITS", argv[2], 100000000);
    int extra_dbs;
    if (strcmp(argv[3], "append") == 0) extra_dbs = 0;
    else if (strcmp(argv[3], "four-dbs") == 0) extra_dbs = 4;
    else if (strcmp(argv[3], "one-db") == 0) extra_dbs = 1;
    else {
        fprintf(stderr, "%s: unknown shape '%s' (append, four-dbs or one-db)\n", prog, argv[3]);
        return 2;
    }
    bench_make_dir(dir);

    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi tail, small[4];
    static const char *names[4] = {"index", "views", "viewstate", "other"};
    CK(mdb_env_create(&env));
    CK(mdb_env_set_maxdbs(env, 8));
    CK(mdb_env_set_mapsize(env, (size_t)1 << 32));
    CK(mdb_env_open(env, dir, 0, 0644));
    CK(mdb_txn_begin(env, NULL, 0, &txn));
    CK(mdb_dbi_open(txn, "tail", MDB_CREATE, &tail));
    for (int i = 0; i < 4; i++) CK(mdb_dbi_open(txn, names[i], MDB_CREATE, &small[i]));
    CK(mdb_txn_commit(txn));

    unsigned char big[5000], rec[200];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (unsigned char)next_rand();

    double t0 = now_s();
    for (uint64_t seq = 1; seq <= commits; seq++) {
        CK(mdb_txn_begin(env, NULL, 0, &txn));
        uint64_t key = __builtin_bswap64(seq);
        memcpy(big, &seq, sizeof seq);
        MDB_val k = {sizeof key, &key}, v = {sizeof big, big};
        CK(mdb_put(txn, tail, &k, &v, MDB_APPEND));
        for (int j = 0; extra_dbs > 0 && j < 4; j++) {
            /* A record rewritten in place, as a view's current hour or a meta key is. */
            memset(rec, (int)(seq + (uint64_t)j), sizeof rec);
            uint64_t rkey = __builtin_bswap64((uint64_t)j * 1000 + seq % 50);
            MDB_val k2 = {sizeof rkey, &rkey}, v2 = {j == 0 ? 100 : 200, rec};
            CK(mdb_put(txn, extra_dbs == 4 ? small[j] : small[0], &k2, &v2, 0));
        }
        CK(mdb_txn_commit(txn));
    }
    double secs = now_s() - t0;
    mdb_env_close(env);
    printf("%s %.0f us/commit\n", argv[3], secs / (double)commits * 1e6);
    return 0;
}
