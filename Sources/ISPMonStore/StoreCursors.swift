import LMDB
import Synchronization

/// Named positions in the log, kept in the store ("notified through", "shipped through"): the
/// last sequence number their owner has dealt with. A cursor moves in the same durable
/// transaction as the records of what its owner did (a message sent, a batch shipped), so that a
/// crash at any moment leaves both or neither: after a restart the owner resumes exactly after
/// what it recorded, and never does anything twice.
extension EventStore {
    /// A record of an owner's progress, written with its cursor: `value` nil removes the key.
    public struct ProgressRecord: Sendable, Hashable {
        /// The owner's table (a name like a cursor's).
        public var table: String
        public var key: [UInt8]
        public var value: [UInt8]?

        public init(table: String, key: [UInt8], value: [UInt8]?) {
            self.table = table
            self.key = key
            self.value = value
        }
    }

    /// A cursor's or a table's name: 1 to 64 of `a-z 0-9 . _ -`.
    public static func isCursorName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    /// Where the cursor `name` is: 0 when it was never moved.
    public func cursor(_ name: String) throws(StoreError) -> UInt64 {
        try checkName(name)
        do {
            return try env.read { txn in try cursorValue(name, txn) }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    /// Moves the cursor `name` to `seq` and writes `records`, in one durable commit. A cursor
    /// only moves forward, and never past the newest event.
    public func advance(_ name: String, to seq: UInt64, records: [ProgressRecord] = []) throws(StoreError) {
        try checkName(name)
        for r in records { try checkName(r.table) }
        do {
            try writeLock.withLock { _ in
                try env.write { txn in
                    let now = try cursorValue(name, txn)
                    guard seq >= now else { throw StoreError(.other("cursor \(name) is at \(now): it cannot move back to \(seq)"), path: directory) }
                    let last = try lastSeq(txn)
                    guard seq <= last else { throw StoreError(.other("cursor \(name) cannot move to \(seq): the log ends at \(last)"), path: directory) }
                    var value = seq.bigEndian
                    try Array(name.utf8).withUnsafeBytes { k in try withUnsafeBytes(of: &value) { try txn.put(cursors, key: k, value: $0) } }
                    for r in records {
                        try EventStore.progressKey(r.table, r.key).withUnsafeBytes { k in
                            if let v = r.value {
                                try v.withUnsafeBytes { try txn.put(progress, key: k, value: $0) }
                            } else {
                                _ = try txn.delete(progress, key: k)
                            }
                        }
                    }
                }
            }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    /// Every record of `table`, by key.
    public func progress(_ table: String) throws(StoreError) -> [(key: [UInt8], value: [UInt8])] {
        try checkName(table)
        let prefix = EventStore.progressKey(table, [])
        do {
            return try env.read { txn in
                try txn.withCursor(progress) { c in
                    var out: [(key: [UInt8], value: [UInt8])] = []
                    var entry = try prefix.withUnsafeBytes { try c.seek(atLeast: $0) }
                    while let e = entry, e.key.starts(with: prefix) {
                        out.append((Array(e.key.dropFirst(prefix.count)), Array(e.value)))
                        entry = try c.next()
                    }
                    return out
                }
            }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    func cursorValue(_ name: String, _ txn: borrowing Transaction) throws -> UInt64 {
        try Array(name.utf8).withUnsafeBytes { k in
            try txn.get(cursors, key: k).map { v in
                guard v.count == 8 else { throw StoreError(.damaged("cursor \(name) is not a sequence number"), path: directory) }
                return v.loadUnaligned(as: UInt64.self).bigEndian
            } ?? 0
        }
    }

    func checkName(_ name: String) throws(StoreError) {
        guard EventStore.isCursorName(name) else {
            throw StoreError(.other("'\(name)' is not a cursor or table name (1 to 64 of a-z 0-9 . _ -)"), path: directory)
        }
    }

    /// `table`, a zero byte, then the key: a table's records are one range of keys.
    static func progressKey(_ table: String, _ key: [UInt8]) -> [UInt8] { Array(table.utf8) + [0] + key }
}
