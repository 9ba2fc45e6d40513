public import ISPMonCore
import LMDB
import Synchronization

/// The event index (its own LMDB database, `index`): where in the log the events of each UTC
/// hour are, and the sequence numbers of the events that are not probes, by type. It is
/// written in the same transaction as the events it indexes, so it is never ahead or behind
/// them; a store from before it (or one an older ispmon appended to) gets it built on open,
/// from where it stopped (``catchUpIndex(progress:)``). Until then, a search reads the events
/// the index does not cover, as before: answers never depend on it, only their speed.
///
/// | key | value |
/// |---|---|
/// | `M` | version (varint), the newest sequence number indexed (varint) |
/// | `H` hour start (BE, sign flipped) | the smallest and largest sequence number of the events of that hour (varints) |
/// | `T` type code, seq (BE u64) | nothing |
extension EventStore {
    static let indexVersion: UInt64 = 1
    static let indexMetaKey: [UInt8] = [UInt8(ascii: "M")]
    static let hourKind = UInt8(ascii: "H")
    static let typeKind = UInt8(ascii: "T")

    static func hourKey(_ start: Int64) -> [UInt8] {
        var k = [hourKind]
        let v = UInt64(bitPattern: start) ^ (1 << 63)
        for shift in stride(from: 56, through: 0, by: -8) { k.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
        return k
    }

    static func typeKey(_ type: EventType, _ seq: UInt64) -> [UInt8] {
        var k = [typeKind, type.indexCode]
        for shift in stride(from: 56, through: 0, by: -8) { k.append(UInt8(truncatingIfNeeded: seq >> UInt64(shift))) }
        return k
    }

    /// The newest sequence number the index covers (every event up to it is indexed); 0 when none.
    func indexedSeq(_ txn: borrowing Transaction) throws -> UInt64 {
        try EventStore.indexMetaKey.withUnsafeBytes { k in
            guard let v = try txn.get(index, key: k) else { return 0 }
            var r = ByteReader(v)
            guard try r.varint() == EventStore.indexVersion else { return 0 }  // another definition: rebuilt
            return try r.varint()
        }
    }

    public func indexedSeq() throws -> UInt64 { try env.read { txn in try indexedSeq(txn) } }

    /// Adds `pieces` (the events after the indexed ones, through `last`) to the index.
    func writeIndex(_ pieces: EventIndexPieces, through last: UInt64, _ txn: borrowing Transaction) throws {
        for (start, range) in pieces.hours {
            let key = EventStore.hourKey(start)
            var merged = range
            try key.withUnsafeBytes { k in
                if let v = try txn.get(index, key: k) {
                    var r = ByteReader(v)
                    merged = .init(min: min(range.min, try r.varint()), max: max(range.max, try r.varint()))
                }
            }
            var value: [UInt8] = []
            value.appendVarint(merged.min)
            value.appendVarint(merged.max)
            try key.withUnsafeBytes { k in try value.withUnsafeBytes { try txn.put(index, key: k, value: $0) } }
        }
        for (type, seq) in pieces.others {
            try EventStore.typeKey(type, seq).withUnsafeBytes { k in try [UInt8]().withUnsafeBytes { try txn.put(index, key: k, value: $0) } }
        }
        var meta: [UInt8] = []
        meta.appendVarint(EventStore.indexVersion)
        meta.appendVarint(last)
        try EventStore.indexMetaKey.withUnsafeBytes { k in try meta.withUnsafeBytes { try txn.put(index, key: k, value: $0) } }
    }

    /// Indexes what the index does not cover yet, a million events a transaction; returns how
    /// many it indexed. The events are read outside the transactions, so a monitor that
    /// appends meanwhile waits only for the writes; its own commits index themselves once the
    /// index has caught up.
    @discardableResult
    public func catchUpIndex(progress: (UInt64) -> Void = { _ in }) throws -> UInt64 {
        var done: UInt64 = 0
        while true {
            let (from, last) = try env.read { txn in (try indexedSeq(txn), try lastSeq(txn)) }
            guard from < last else { return done }
            let through = min(last, from + 1_000_000)
            var pieces = EventIndexPieces()
            try forEachChunk(from: from + 1) { chunk, first in
                pieces.add(EventIndexPieces(chunk, from: first, through: through))
                return chunk.lastSeq < through
            }
            let wrote = try writeLock.withLock { _ in
                try env.write { txn -> Bool in
                    guard try indexedSeq(txn) == from else { return false }  // someone else indexed meanwhile
                    if from == 0 { try clearIndex(txn) }
                    try writeIndex(pieces, through: through, txn)
                    return true
                }
            }
            if wrote { done += through - from }
            progress(through)
        }
    }

    func clearIndex(_ txn: borrowing Transaction) throws {
        try txn.removeAll(index)
    }

    /// Replaces the whole index with `pieces` (of the events 1…`snapshot`) and the pieces of
    /// the events appended since, through `logSeq` (read in this transaction): `ispmon replay`.
    func replaceIndex(with pieces: EventIndexPieces, through snapshot: UInt64, logSeq: UInt64,
                      _ txn: borrowing Transaction) throws {
        var all = pieces
        if logSeq > snapshot {
            try forEachChunk(from: snapshot + 1, txn) { chunk, first in
                all.add(EventIndexPieces(chunk, from: first, through: logSeq))
                return chunk.lastSeq < logSeq
            }
        }
        try clearIndex(txn)
        try writeIndex(all, through: logSeq, txn)
    }

    /// The index as a fresh scan of the log through `last` would make it (`ispmon verify`).
    func indexPieces(_ txn: borrowing Transaction, through last: UInt64) throws -> EventIndexPieces {
        var pieces = EventIndexPieces()
        try txn.withCursor(index) { c in
            var entry = try c.first()
            while let e = entry {
                let key = Array(e.key)
                if key.first == EventStore.hourKind, key.count == 9 {
                    let v = key[1...].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } ^ (1 << 63)
                    var r = ByteReader(e.value)
                    pieces.hours[Int64(bitPattern: v)] = .init(min: try r.varint(), max: try r.varint())
                } else if key.first == EventStore.typeKind, key.count == 10,
                          let type = EventType.allCases.first(where: { $0.indexCode == key[1] }) {
                    let seq = key[2...].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    if seq <= last { pieces.others.append((type, seq)) }
                }
                entry = try c.next()
            }
        }
        pieces.others.sort { $0.seq < $1.seq }
        return pieces
    }

    /// Where the events recorded in [since, until] can be, as far as the index covers the log:
    /// nil when no indexed event is in those hours. The caller reads what the index does not cover
    /// (after ``indexedSeq()``) as well.
    public func seqBounds(since: Int64?, until: Int64?) throws -> (indexed: UInt64, bounds: ClosedRange<UInt64>?) {
        try env.read { txn in
            let indexed = try indexedSeq(txn)
            guard indexed > 0 else { return (0, nil) }
            // Open ends: every hour key (a time is clamped far from the integers' ends first).
            func hour(_ t: Int64) -> [UInt8] {
                let c = min(max(t, Int64.min / 2), Int64.max / 2)
                return EventStore.hourKey(c.floorDivided(by: EventIndexPieces.hour).0 * EventIndexPieces.hour)
            }
            let from = since.map(hour) ?? [EventStore.hourKind]
            let to = until.map(hour) ?? [EventStore.hourKind] + [UInt8](repeating: 0xFF, count: 8)
            var low = UInt64.max, high: UInt64 = 0
            try txn.withCursor(index) { c in
                var entry = try from.withUnsafeBytes { try c.seek(atLeast: $0) }
                while let e = entry, e.key.count == 9, e.key.lexicographicallyPrecedes(to) || e.key.elementsEqual(to) {
                    var r = ByteReader(e.value)
                    low = min(low, try r.varint())
                    high = max(high, try r.varint())
                    entry = try c.next()
                }
            }
            return (indexed, low <= high ? low...high : nil)
        }
    }

    /// The sequence numbers of the events of `type` (not probes) in [from, through], newest first
    /// when `descending`, at most `limit`, as far as the index covers the log.
    public func seqs(of type: EventType, from: UInt64, through: UInt64, descending: Bool, limit: Int) throws -> [UInt64] {
        guard from <= through, limit > 0 else { return [] }
        return try env.read { txn in
            var out: [UInt64] = []
            let low = EventStore.typeKey(type, from), high = EventStore.typeKey(type, through)
            func seq(_ key: UnsafeRawBufferPointer) -> UInt64 { key[2...].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
            try txn.withCursor(index) { c in
                if descending {
                    var entry = try high.withUnsafeBytes { try c.seek(atLeast: $0) }
                    if entry == nil || !entry!.key.elementsEqual(high) { entry = entry == nil ? try c.last() : try c.previous() }
                    while let e = entry, e.key.count == 10, e.key[0] == EventStore.typeKind, e.key[1] == type.indexCode, out.count < limit {
                        let s = seq(e.key)
                        if s < from { break }
                        out.append(s)
                        entry = try c.previous()
                    }
                } else {
                    var entry = try low.withUnsafeBytes { try c.seek(atLeast: $0) }
                    while let e = entry, e.key.count == 10, e.key[0] == EventStore.typeKind, e.key[1] == type.indexCode, out.count < limit {
                        let s = seq(e.key)
                        if s > through { break }
                        out.append(s)
                        entry = try c.next()
                    }
                }
            }
            return out
        }
    }

    /// The events at `seqs` (each once, in the order given), each record decoded once for
    /// neighbouring numbers; a number past the end is skipped.
    public func events(at seqs: [UInt64], _ body: (UInt64, Event) throws -> Bool) throws {
        let decoder = ChunkDecoder()
        var current: DecodedChunk?
        for seq in seqs {
            if current.map({ seq < $0.firstSeq || seq > $0.lastSeq }) ?? true {
                current = try decodedRecord(holding: seq, read: { try record(containing: $0) }, decoder)
            }
            guard let chunk = current, seq >= chunk.firstSeq, seq <= chunk.lastSeq else { continue }
            guard try body(seq, chunk.event(at: Int(seq - chunk.firstSeq))) else { return }
        }
    }
}
