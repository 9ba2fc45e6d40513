import CLMDB

/// An error from liblmdb: the C return code, LMDB's own message for it, and what
/// we were doing when it happened.
public struct LMDBError: Error, CustomStringConvertible, Sendable {
    /// The raw return code (an `MDB_*` constant or an `errno` value).
    public let code: Int32
    /// What the wrapper was doing, e.g. `mdb_env_open /var/lib/ispmon`.
    public let context: String

    public init(code: Int32, context: String) {
        self.code = code
        self.context = context
    }

    /// LMDB's message for the code (it knows errno values too).
    public var message: String { String(cString: mdb_strerror(code)) }

    public var description: String { "\(context): \(message) (code \(code))" }

    public var isMapFull: Bool { code == MDB_MAP_FULL }
    public var isNotFound: Bool { code == MDB_NOTFOUND }
    public var isMapResized: Bool { code == MDB_MAP_RESIZED }
    /// The disk (or the file system's quota) is full.
    public var isDiskFull: Bool { code == 28 /* ENOSPC */ || code == 122 /* EDQUOT */ }
    /// LMDB found the file damaged or not an LMDB file at all.
    public var isCorrupted: Bool {
        code == MDB_CORRUPTED || code == MDB_INVALID || code == MDB_PAGE_NOTFOUND || code == MDB_VERSION_MISMATCH
    }
}

@inline(__always)
func check(_ rc: Int32, _ context: @autoclosure () -> String) throws(LMDBError) {
    if rc != 0 { throw LMDBError(code: rc, context: context()) }
}
