/*
 * lmdb_check.h — CK(call): run an LMDB call and exit 1 with the call, LMDB's
 * message and the code when it fails. Shared by the LMDB baselines; include
 * it after bench_common.h (it uses `prog`).
 */
#ifndef LMDB_CHECK_H
#define LMDB_CHECK_H

#include <lmdb.h>

#define CK(call)                                                              \
    do {                                                                      \
        int rc_ = (call);                                                     \
        if (rc_ != MDB_SUCCESS) {                                             \
            fprintf(stderr, "%s: %s failed: %s (%d)\n", prog, #call,          \
                    mdb_strerror(rc_), rc_);                                  \
            exit(1);                                                          \
        }                                                                     \
    } while (0)

#endif
