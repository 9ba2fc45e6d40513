import CLMDB

/// One LMDB environment (a directory holding `data.mdb` and `lock.mdb`).
///
/// LMDB allows one environment handle per path per process: create one and
/// share it. Read transactions may run on any thread (`MDB_NOTLS`); a write
/// transaction runs start to end on the thread that called ``write(_:)``.
public final class Environment: @unchecked Sendable {
    // @unchecked: the handle is thread-safe per LMDB's rules above; the map-size
    // field is only changed by the writer with no transaction of its own open.
    let handle: OpaquePointer
    public let path: String

    public struct Options: Sendable {
        /// Initial map size in bytes; the map grows by itself when a write needs more.
        public var mapSize: Int = 256 << 20
        /// Growth step used when a write fills the map (the map at least doubles up to this step).
        public var maxGrowthStep: Int = 1 << 30
        public var maxDatabases: UInt32 = 8
        public var maxReaders: UInt32 = 126
        public var readOnly: Bool = false
        public init() {}
    }

    public let options: Options

    /// Opens (and, unless read-only, creates) the environment in directory `path`,
    /// then clears reader slots left by processes that died.
    public init(path: String, options: Options = Options()) throws(LMDBError) {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create")
        guard let env else { throw LMDBError(code: MDB_PANIC, context: "mdb_env_create returned no handle") }
        do {
            try check(mdb_env_set_maxdbs(env, options.maxDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, options.maxReaders), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(env, options.mapSize), "mdb_env_set_mapsize")
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            try check(mdb_env_open(env, path, flags, 0o664), "opening LMDB environment \(path)")
            var dead: Int32 = 0
            try check(mdb_reader_check(env, &dead), "mdb_reader_check \(path)")
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        self.path = path
        self.options = options
    }

    deinit { mdb_env_close(handle) }

    /// The current map size in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Grows the map. Only legal with no transaction open in this process.
    func grow() throws(LMDBError) {
        let current = mapSize
        let next = current + min(current, options.maxGrowthStep)
        try check(mdb_env_set_mapsize(handle, next), "growing the LMDB map to \(next) bytes")
    }

    /// Adopts a map size another process set (after `MDB_MAP_RESIZED`).
    func adoptMapSize() throws(LMDBError) {
        try check(mdb_env_set_mapsize(handle, 0), "adopting the LMDB map size")
    }

    /// Opens a named database, creating it when `create` (in a write transaction);
    /// without `create`, only a read transaction is used. Call once at start-up.
    public func openDatabase(_ name: String, create: Bool = true) throws -> Database {
        if options.readOnly || !create {
            // A handle opened in a read transaction outlives it only if that transaction
            // is committed (an abort closes it).
            var txn: OpaquePointer?
            try check(mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn), "mdb_txn_begin (read) \(path)")
            guard let txn else { throw LMDBError(code: MDB_BAD_TXN, context: "mdb_txn_begin returned no transaction") }
            let db: Database
            do {
                db = try Transaction(handle: txn).openDatabase(name, create: false)
            } catch {
                mdb_txn_abort(txn)
                throw error
            }
            try check(mdb_txn_commit(txn), "opening database \(name)")
            return db
        }
        return try write { txn in try txn.openDatabase(name, create: create) }
    }

    /// Runs `body` in a read-only transaction: a consistent snapshot that never
    /// blocks the writer. Buffers handed out inside are valid only inside.
    public func read<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        var txn: OpaquePointer?
        var rc = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn)
        if rc == MDB_MAP_RESIZED {
            try adoptMapSize()
            rc = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn)
        }
        try check(rc, "mdb_txn_begin (read) \(path)")
        guard let txn else { throw LMDBError(code: MDB_BAD_TXN, context: "mdb_txn_begin returned no transaction") }
        defer { mdb_txn_abort(txn) }
        return try body(Transaction(handle: txn))
    }

    /// Runs `body` in a write transaction and commits it durably; a throw rolls
    /// everything back. When the map is full, the transaction is rolled back,
    /// the map grown and `body` run again from the start, so `body` must only
    /// change the store, never state outside it.
    public func write<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        while true {
            var txn: OpaquePointer?
            var rc = mdb_txn_begin(handle, nil, 0, &txn)
            if rc == MDB_MAP_RESIZED {
                try adoptMapSize()
                rc = mdb_txn_begin(handle, nil, 0, &txn)
            }
            try check(rc, "mdb_txn_begin (write) \(path)")
            guard let txn else { throw LMDBError(code: MDB_BAD_TXN, context: "mdb_txn_begin returned no transaction") }
            let result: R
            do {
                result = try body(Transaction(handle: txn))
            } catch let error as LMDBError where error.isMapFull {
                mdb_txn_abort(txn)
                try grow()
                continue
            } catch {
                mdb_txn_abort(txn)
                throw error
            }
            rc = mdb_txn_commit(txn)  // frees the transaction whatever the outcome
            if rc == MDB_MAP_FULL {
                try grow()
                continue
            }
            try check(rc, "committing to \(path)")
            return result
        }
    }
}
