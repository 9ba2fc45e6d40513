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
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

static const char *prog = "sqlite_insert";
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

static void usage(void) {
    fprintf(stderr, "usage: %s DIR N BATCH [--json]\n", prog);
    exit(2);
}

static uint64_t parse_u64(const char *what, const char *s) {
    char *end = NULL;
    errno = 0;
    if (s[0] == '-' || s[0] == '\0') goto bad;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0 || v > INT64_MAX) goto bad;
    return (uint64_t)v;
bad:
    fprintf(stderr, "%s: invalid %s '%s' (expected positive integer)\n", prog, what, s);
    exit(2);
}

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

    uint64_t bytes = dir_bytes(dir);
    double eps = secs > 0 ? (double)n / secs : 0.0;
    double bpe = (double)bytes / (double)n;
    if (json) {
        printf("{\"name\":\"sqlite\",\"events\":%" PRIu64 ",\"batch\":%" PRIu64
               ",\"seconds\":%.6f,\"events_per_s\":%.1f,\"bytes_on_disk\":%" PRIu64
               ",\"bytes_per_event\":%.3f}\n",
               n, batch, secs, eps, bytes, bpe);
    } else {
        printf("sqlite: %" PRIu64 " events, batch %" PRIu64 ": %.3f s, %.0f events/s, "
               "%" PRIu64 " bytes on disk (%.2f bytes/event)\n",
               n, batch, secs, eps, bytes, bpe);
    }
    if (fflush(stdout) != 0) { perror("stdout"); return 1; }
    return 0;
}
