public import ISPMonCore
import LMDB

extension EventStore {
    /// The sequence number of the newest event (0 when the log is empty). Cheap: two B-tree lookups.
    /// What changes with every commit to the store (events or views, by any process): no
    /// transaction, no lookup. For caches of answers (the web server's).
    public var commitCount: Int { env.lastCommittedTransaction }

    public func lastSeq() throws(StoreError) -> UInt64 {
        do {
            return try env.read { txn in try lastSeq(txn) }
        } catch { throw StoreError.wrap(error, path: directory) }
    }

    func lastSeq(_ txn: borrowing Transaction) throws -> UInt64 {
        for db in [tail, chunks] {
            let last: UInt64? = try txn.withCursor(db) { c in
                guard let entry = try c.last() else { return nil }
                let h = try header(entry, db: db)
                return h.lastSeq
            }
            if let last { return last }
        }
        return 0
    }

    /// The first sequence number held in the tail (nil when it is empty).
    func tailFirstSeq(_ txn: borrowing Transaction) throws -> UInt64? {
        try txn.withCursor(tail) { c in try c.first().map { decodeKey($0.key) } }
    }

    func header(_ entry: Cursor.Entry, db: Database, verify: Bool = false) throws -> ChunkHeader {
        do {
            let h = try ChunkHeader.read(entry.value, verifyChecksum: verify)
            guard h.firstSeq == decodeKey(entry.key) else {
                throw CorruptData("record under key \(decodeKey(entry.key)) starts at \(h.firstSeq)")
            }
            return h
        } catch {
            throw StoreError(.damaged("\(db == tail ? "tail segment" : "chunk") at seq \(decodeKey(entry.key)): \(error)"), path: directory)
        }
    }

    /// Copies the stored record (chunk or segment) holding `seq`, or nil past the end.
    func record(containing seq: UInt64) throws -> [UInt8]? {
        try env.read { txn in try record(containing: seq, txn) }
    }

    func record(containing seq: UInt64, _ txn: borrowing Transaction) throws -> [UInt8]? {
        for db in [chunks, tail] {
            let found: [UInt8]? = try txn.withCursor(db) { c in
                var entry = try withKey(seq) { try c.seek(atLeast: $0) }
                if entry == nil || decodeKey(entry!.key) != seq {
                    entry = entry == nil ? try c.last() : try c.previous()
                }
                guard let entry else { return nil }
                let h = try header(entry, db: db)
                return h.firstSeq <= seq && seq <= h.lastSeq ? Array(entry.value) : nil
            }
            if let found { return found }
        }
        return nil
    }

    /// Calls `body` with every event from `seq` through `last`, in log order, until it returns false.
    public func forEach(from seq: UInt64 = 1, through last: UInt64 = .max,
                        _ body: (UInt64, Event) throws -> Bool) throws {
        try forEachChunk(from: seq) { chunk, first in
            for i in first..<chunk.count {
                let s = chunk.firstSeq + UInt64(i)
                if s > last { return false }
                guard try body(s, chunk.event(at: i)) else { return false }
            }
            return chunk.lastSeq < last
        }
    }

    /// Calls `body` with each decoded record (sealed chunk or tail segment) from the one
    /// holding `seq` on, and the index in it of the first event not yet passed, until
    /// `body` returns false. Each record is read in its own short read transaction, so a
    /// long export never keeps the writer from reusing pages; a chunk sealed in between
    /// may start before the events already passed, hence the index.
    public func forEachChunk(from seq: UInt64 = 1, _ body: (DecodedChunk, Int) throws -> Bool) throws {
        try forEachChunk(from: seq, read: { try record(containing: $0) }, body)
    }

    /// ``forEachChunk(from:_:)`` inside a transaction the caller holds (the writer's).
    func forEachChunk(from seq: UInt64, _ txn: borrowing Transaction, _ body: (DecodedChunk, Int) throws -> Bool) throws {
        try forEachChunk(from: seq, read: { try record(containing: $0, txn) }, body)
    }

    func forEachChunk(from seq: UInt64, read: (UInt64) throws -> [UInt8]?, _ body: (DecodedChunk, Int) throws -> Bool) throws {
        let decoder = ChunkDecoder()
        var next = max(seq, 1)
        while true {
            guard let chunk = try decodedRecord(holding: next, read: read, decoder) else { return }
            guard try body(chunk, Int(next - chunk.firstSeq)) else { return }
            next = chunk.lastSeq + 1
        }
    }

    /// Calls `body` with every event from `seq` (clamped to the newest) down to `last`,
    /// newest first, until it returns false. Each record is read in its own short read
    /// transaction, like ``forEachChunk(from:_:)``.
    public func forEachBackward(from seq: UInt64 = .max, through last: UInt64 = 1,
                                _ body: (UInt64, Event) throws -> Bool) throws {
        let decoder = ChunkDecoder()
        var next = min(seq, try lastSeq())
        while next >= max(last, 1) {
            guard let chunk = try decodedRecord(holding: next, read: { try record(containing: $0) }, decoder) else { return }
            guard chunk.firstSeq <= next, next <= chunk.lastSeq else {
                throw StoreError(.damaged("record holding seq \(next) holds \(chunk.firstSeq)…\(chunk.lastSeq)"), path: directory)
            }
            var i = Int(next - chunk.firstSeq)
            while i >= 0 {
                let s = chunk.firstSeq + UInt64(i)
                if s < last { return }
                guard try body(s, chunk.event(at: i)) else { return }
                i -= 1
            }
            guard chunk.firstSeq > 1 else { return }
            next = chunk.firstSeq - 1
        }
    }

    /// The record holding `seq`, read with `read` and decoded; nil past the end.
    func decodedRecord(holding seq: UInt64, read: (UInt64) throws -> [UInt8]?, _ decoder: ChunkDecoder) throws(StoreError) -> DecodedChunk? {
        let blob: [UInt8]?
        do { blob = try read(seq) } catch { throw StoreError.wrap(error, path: directory) }
        guard let blob else { return nil }
        do { return try blob.withUnsafeBytes { try decoder.decode($0) } } catch {
            throw StoreError(.damaged("record holding seq \(seq): \(error)"), path: directory)
        }
    }

    /// One event by sequence number.
    public func event(at seq: UInt64) throws -> Event? {
        var found: Event?
        try forEach(from: seq, through: seq) { _, e in found = e; return false }
        return found
    }
}
