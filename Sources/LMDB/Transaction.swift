import CLMDB

/// A named database inside an environment (an `MDB_dbi`).
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
}

/// A transaction, valid only inside the ``Environment/read(_:)`` or
/// ``Environment/write(_:)`` closure that hands it out; `~Copyable` so it cannot
/// escape. Buffers it returns point into the memory map and are valid as long
/// as the transaction.
public struct Transaction: ~Copyable {
    let handle: OpaquePointer

    func openDatabase(_ name: String, create: Bool) throws(LMDBError) -> Database {
        var dbi: MDB_dbi = 0
        try check(mdb_dbi_open(handle, name, create ? UInt32(MDB_CREATE) : 0, &dbi), "opening database \(name)")
        return Database(dbi: dbi)
    }

    /// The value stored under `key`, or nil.
    public func get(_ db: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, db.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_get")
        return UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
    }

    public struct PutFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// The key sorts after every key in the database (fast path, checked by LMDB).
        public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
        public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    }

    public func put(
        _ db: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: PutFlags = []
    ) throws(LMDBError) {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(handle, db.dbi, &k, &v, flags.rawValue), "mdb_put")
    }

    /// Deletes `key`; returns false when it was not there.
    @discardableResult
    public func delete(_ db: Database, key: UnsafeRawBufferPointer) throws(LMDBError) -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_del(handle, db.dbi, &k, nil)
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "mdb_del")
        return true
    }

    /// Runs `body` with a cursor over `db`, closed afterwards.
    public func withCursor<R>(_ db: Database, _ body: (inout Cursor) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, db.dbi, &cursor), "mdb_cursor_open")
        guard let cursor else { throw LMDBError(code: MDB_BAD_TXN, context: "mdb_cursor_open returned no cursor") }
        var c = Cursor(handle: cursor)
        return try body(&c)
    }
}

/// A position in a database; closed when it goes away.
public struct Cursor: ~Copyable {
    let handle: OpaquePointer
    deinit { mdb_cursor_close(handle) }

    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)

    func get(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws(LMDBError) -> Entry? {
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get")
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    public mutating func first() throws(LMDBError) -> Entry? { try get(MDB_FIRST) }
    public mutating func last() throws(LMDBError) -> Entry? { try get(MDB_LAST) }
    public mutating func next() throws(LMDBError) -> Entry? { try get(MDB_NEXT) }
    public mutating func previous() throws(LMDBError) -> Entry? { try get(MDB_PREV) }
    /// The first entry whose key is >= `key`.
    public mutating func seek(atLeast key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        try get(MDB_SET_RANGE, key: key)
    }
}

extension Transaction {
    /// Deletes every entry of `db` (the database itself stays).
    public func removeAll(_ db: Database) throws(LMDBError) {
        try check(mdb_drop(handle, db.dbi, 0), "mdb_drop")
    }
}

extension Cursor {
    /// Deletes the entry under the cursor (write transactions only).
    public mutating func delete() throws(LMDBError) {
        try check(mdb_cursor_del(handle, 0), "mdb_cursor_del")
    }
}
