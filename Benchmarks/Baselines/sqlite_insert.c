/*
 * sqlite_insert — ingest baseline for ispmon benchmarks.
 *
 * Usage: sqlite_insert DIR N BATCH [--json]
 *
 * Creates DIR (if needed) and the database DIR/events.db with
 * journal_mode=WAL and synchronous=FULL, table
 *   events(seq INTEGER PRIMARY KEY, time INTEGER, target INTEGER, ok INTEGER, rtt_us INTEGER)
 * and inserts N rows through a prepared statement, BEGIN/COMMIT every BATCH
 * rows. Only the insert loop is timed (CLOCK_MONOTONIC). The db is then closed
 * (which checkpoints the WAL) and st_size of every regular file in DIR summed.
 *
 * Build: cc -O2 -o sqlite_insert sqlite_insert.c -lsqlite3
 */
#define BENCH_PROG "sqlite_insert"
#include "bench_common.h" /* first: sets _POSIX_C_SOURCE */

#include <sqlite3.h>

static sqlite3 *db = NULL;

static void die_db(const char *what, int rc) {
    fprintf(stderr, "%s: %s failed: %s (%d)\n", prog, what,
            db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc);
    exit(1);
}

#define CK(call)                                                              \
    do {                                                                      \
        int rc_ = (call);                                                     \
        if (rc_ != SQLITE_OK) die_db(#call, rc_);                             \
    } while (0)

static void exec(const char *sql) {
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "%s: exec \"%s\" failed: %s (%d)\n", prog, sql,
                err ? err : sqlite3_errstr(rc), rc);
        sqlite3_free(err);
        exit(1);
    }
}

/* Run a pragma and check the single text result equals `want` (case-insensitive). */
static void pragma_expect(const char *sql, const char *want) {
    sqlite3_stmt *st;
    CK(sqlite3_prepare_v2(db, sql, -1, &st, NULL));
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) die_db(sql, rc);
    const unsigned char *got = sqlite3_column_text(st, 0);
    if (!got || sqlite3_stricmp((const char *)got, want) != 0) {
        fprintf(stderr, "%s: \"%s\" returned '%s', expected '%s'\n", prog, sql,
                got ? (const char *)got : "(null)", want);
        exit(1);
    }
    CK(sqlite3_finalize(st));
}

int main(int argc, char **argv) {
    struct bench_args a = bench_parse_args(argc, argv, INT64_MAX); /* seq is an sqlite3_int64 */
    const char *dir = a.dir;
    uint64_t n = a.n;
    uint64_t batch = a.batch;
    bench_make_dir(dir);

    char dbpath[PATH_MAX];
    int pn = snprintf(dbpath, sizeof dbpath, "%s/events.db", dir);
    if (pn < 0 || (size_t)pn >= sizeof dbpath) {
        fprintf(stderr, "%s: path too long: %s\n", prog, dir);
        return 1;
    }

    int orc = sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (orc != SQLITE_OK) die_db("sqlite3_open_v2", orc);
    pragma_expect("PRAGMA journal_mode=WAL", "wal");
    exec("PRAGMA synchronous=FULL");
    exec("CREATE TABLE IF NOT EXISTS events("
         "seq INTEGER PRIMARY KEY, time INTEGER, target INTEGER, ok INTEGER, rtt_us INTEGER)");

    sqlite3_stmt *ins;
    CK(sqlite3_prepare_v2(db,
        "INSERT INTO events(seq, time, target, ok, rtt_us) VALUES (?1, ?2, ?3, ?4, ?5)",
        -1, &ins, NULL));

    /* Realistic-looking synthetic probe results: 1 s cadence over 16 targets. */
    const int64_t t_base = 1700000000000000LL; /* microseconds since epoch */

    double t0 = now_s();
    int in_txn = 0;
    uint64_t pending = 0;
    for (uint64_t seq = 1; seq <= n; seq++) {
        if (!in_txn) { exec("BEGIN"); in_txn = 1; }
        uint64_t r = next_rand();
        int ok = (r % 100) != 0; /* ~1% failures */
        CK(sqlite3_bind_int64(ins, 1, (sqlite3_int64)seq));
        CK(sqlite3_bind_int64(ins, 2, t_base + (int64_t)(seq / 16) * 1000000 + (int64_t)(r >> 44)));
        CK(sqlite3_bind_int64(ins, 3, (sqlite3_int64)(seq % 16)));
        CK(sqlite3_bind_int64(ins, 4, ok));
        if (ok) CK(sqlite3_bind_int64(ins, 5, (sqlite3_int64)(1000 + (r >> 8) % 200000)));
        else    CK(sqlite3_bind_null(ins, 5));
        int rc = sqlite3_step(ins);
        if (rc != SQLITE_DONE) die_db("sqlite3_step(INSERT)", rc);
        CK(sqlite3_reset(ins));
        if (++pending == batch) {
            exec("COMMIT");
            in_txn = 0;
            pending = 0;
        }
    }
    if (in_txn) exec("COMMIT");
    double secs = now_s() - t0;

    CK(sqlite3_finalize(ins));
    CK(sqlite3_close(db)); /* last connection: checkpoints and removes the WAL */
    db = NULL;

    return bench_report("sqlite", &a, secs);
}
