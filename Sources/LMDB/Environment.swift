import CLMDB

/// One LMDB environment (a directory holding `data.mdb` and `lock.mdb`).
///
/// LMDB allows one environment handle per path per process: create one and
/// share it. Read transactions may run on any thread (`MDB_NOTLS`); a write
/// transaction runs start to end on the thread that called ``write(_:)``.
public final class Environment: @unchecked Sendable {
    // @unchecked: the handle is thread-safe per LMDB's rules above; the map size
    // changes only inside `resizeLock.resize`, with no transaction of this process
    // active (every transaction runs inside `resizeLock.transaction`).
    let handle: OpaquePointer
    let resizeLock = ResizeLock()
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

    /// The id of the last committed write transaction, this process's or another's (read from
    /// the meta pages, no transaction needed): it changes with every commit, so an answer kept
    /// with it is current while it stays the same.
    public var lastCommittedTransaction: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_last_txnid
    }

    /// Grows the map from `seen` (what it was when the write found it full): once
    /// no transaction of this process is active, and only if nobody grew it meanwhile.
    func grow(from seen: Int) throws(LMDBError) {
        try resizeLock.resize { () throws(LMDBError) in
            let current = mapSize
            guard current == seen else { return }
            let next = current + min(current, options.maxGrowthStep)
            try check(mdb_env_set_mapsize(handle, next), "growing the LMDB map to \(next) bytes")
        }
    }

    /// Adopts a map size another process set (after `MDB_MAP_RESIZED`), once no
    /// transaction of this process is active.
    func adoptMapSize() throws(LMDBError) {
        try resizeLock.resize { () throws(LMDBError) in
            try check(mdb_env_set_mapsize(handle, 0), "adopting the LMDB map size")
        }
    }

    /// Begins a transaction, adopting a map size another process set when LMDB asks.
    /// Call inside `resizeLock.transaction`; `adopt` leaves it (a resize needs that).
    func begin(_ flags: UInt32, _ what: String) throws(LMDBError) -> OpaquePointer? {
        var txn: OpaquePointer?
        let rc = mdb_txn_begin(handle, nil, flags, &txn)
        if rc == MDB_MAP_RESIZED { return nil }
        try check(rc, "mdb_txn_begin (\(what)) \(path)")
        guard let txn else { throw LMDBError(code: MDB_BAD_TXN, context: "mdb_txn_begin returned no transaction") }
        return txn
    }

    /// Opens a named database, creating it when `create` (in a write transaction);
    /// without `create`, only a read transaction is used. Call once at start-up.
    public func openDatabase(_ name: String, create: Bool = true) throws -> Database {
        if options.readOnly || !create {
            // A handle opened in a read transaction outlives it only if that transaction
            // is committed (an abort closes it).
            while true {
                let db: Database? = try resizeLock.transaction {
                    guard let txn = try begin(UInt32(MDB_RDONLY), "read") else { return nil }
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
                if let db { return db }
                try adoptMapSize()
            }
        }
        return try write { txn in try txn.openDatabase(name, create: create) }
    }

    /// Runs `body` in a read-only transaction: a consistent snapshot that never
    /// blocks the writer. Buffers handed out inside are valid only inside.
    public func read<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        while true {
            let result: R? = try resizeLock.transaction {
                guard let txn = try begin(UInt32(MDB_RDONLY), "read") else { return nil }
                defer { mdb_txn_abort(txn) }
                return try body(Transaction(handle: txn))
            }
            if let result { return result }
            try adoptMapSize()
        }
    }

    /// What one attempt of a write transaction came to.
    enum Attempt<R> {
        case done(R)
        /// Another process resized the map: adopt its size and start again.
        case resized
        /// The map is full at this size: grow it and start again.
        case full(Int)
    }

    /// Runs `body` in a write transaction and commits it durably; a throw rolls
    /// everything back. When the map is full, the transaction is rolled back,
    /// the map grown and `body` run again from the start, so `body` must only
    /// change the store, never state outside it.
    public func write<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        while true {
            let attempt: Attempt<R> = try resizeLock.transaction {
                let size = mapSize
                guard let txn = try begin(0, "write") else { return .resized }
                let result: R
                do {
                    result = try body(Transaction(handle: txn))
                } catch let error as LMDBError where error.isMapFull {
                    mdb_txn_abort(txn)
                    return .full(size)
                } catch {
                    mdb_txn_abort(txn)
                    throw error
                }
                let rc = mdb_txn_commit(txn)  // frees the transaction whatever the outcome
                if rc == MDB_MAP_FULL { return .full(size) }
                try check(rc, "committing to \(path)")
                return .done(result)
            }
            switch attempt {
            case .done(let result): return result
            case .resized: try adoptMapSize()
            case .full(let size): try grow(from: size)
            }
        }
    }
}
