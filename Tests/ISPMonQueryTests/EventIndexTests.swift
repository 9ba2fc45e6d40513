import LMDB
import Synchronization
import Testing
import TestSupport
import ISPMonCore
@testable import ISPMonStore
@testable import ISPMonQuery

/// The event index (ISPMonStore's EventIndex.swift): kept with every commit, built for a store
/// without it, checked by verify; and searches that use it answer exactly what a search of the
/// whole log answers.
@Suite struct EventIndexTests {
    static let hour: Int64 = 3_600_000_000

    /// Two days of faults, with the clock stepped back an hour in the middle (times out of
    /// order) and notes, traces and monitor events among the probes.
    static let events: [Event] = {
        var events = SyntheticFaults(days: 2, seed: 11).events
        let middle = events.count / 2
        for i in middle..<(middle + 500) { events[i].time = Timestamp(microseconds: events[i].time.microseconds - hour) }
        return events
    }()

    func store(_ dir: TempDir, threshold: Int = 5_000) throws -> EventStore {
        var options = EventStore.Options()
        options.sealThreshold = threshold
        return try EventStore(directory: dir.path, options: options)
    }

    func append(_ events: [Event], to store: EventStore, each: Int = 777) throws {
        var i = 0
        while i < events.count {
            try store.append(events[i..<min(events.count, i + each)])
            i += each
        }
    }

    /// What a search of every event gives, by brute force.
    static func expected(_ q: EventQuery, _ events: [Event]) -> [UInt64] {
        let all = events.enumerated().map { (UInt64($0.offset + 1), $0.element) }
        let low = (q.afterSeq ?? 0) + 1, high = q.beforeSeq.map { $0 - 1 } ?? .max
        let selected = all.filter { $0.0 >= low && $0.0 <= high && q.matches($0.1) }.map(\.0)
        return Array((q.order == .desc ? selected.reversed() : selected).prefix(q.limit))
    }

    static func queries(_ events: [Event]) -> [EventQuery] {
        let t0 = events[0].time.microseconds
        var out: [EventQuery] = []
        for (since, until) in [(t0 + 5 * hour, t0 + 5 * hour + 1_200_000_000), (t0 + 23 * hour, t0 + 26 * hour), (nil, t0 + 2 * hour),
                               (t0 + 40 * hour, nil), (t0 - hour, t0 - 1)] as [(Int64?, Int64?)] {
            for type in [nil, EventType.probe, .note, .trace, .monitor, .link] {
                for order in [EventQuery.Order.asc, .desc] {
                    out.append(EventQuery(window: TimeWindow(since: since, until: until), type: type, limit: 10_000, order: order))
                    out.append(EventQuery(window: TimeWindow(since: since, until: until), type: type, limit: 7, order: order))
                }
            }
        }
        out.append(EventQuery(type: .note, text: "ticket", limit: 3, order: .desc))
        out.append(EventQuery(type: .note, beforeSeq: UInt64(events.count / 2), limit: 5, order: .desc))
        out.append(EventQuery(type: .trace, afterSeq: UInt64(events.count / 3), limit: 10_000, order: .asc))
        out.append(EventQuery(window: TimeWindow(since: t0 + 30 * hour), target: "router", beforeSeq: UInt64(events.count - 10), afterSeq: 100, limit: 50))
        return out
    }

    @Test func searchesWithTheIndexAnswerWhatTheWholeLogAnswers() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try store(dir)
        try append(Self.events, to: store)
        #expect(try store.indexedSeq() == UInt64(Self.events.count), "kept commit by commit")
        #expect(try store.verify().ok)
        let queries = Queries(store: store)
        for q in Self.queries(Self.events) {
            #expect(try queries.events(q).map(\.seq) == Self.expected(q, Self.events), "\(q)")
        }
        // The bounds of a window hold every event of its hours.
        let t0 = Self.events[0].time.microseconds
        let (indexed, bounds) = try store.seqBounds(since: t0 + 5 * Self.hour, until: t0 + 6 * Self.hour - 1)
        #expect(indexed == UInt64(Self.events.count))
        let inside = Self.events.indices.filter {
            let t = Self.events[$0].time.microseconds
            return t >= t0 + 5 * Self.hour && t < t0 + 6 * Self.hour
        }.map { UInt64($0 + 1) }
        #expect(bounds == inside.min()!...inside.max()!)
    }

    @Test func aStoreWithoutTheIndexAnswersTheSameAndGetsItBuilt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try store(dir)
        try append(Self.events, to: store)
        // As a store from before the index: none, and appends do not start one midway.
        try store.writeLock.withLock { _ in try store.env.write { txn in try store.clearIndex(txn) } }
        try store.append([Self.events[0]])
        let all = Self.events + [Self.events[0]]
        #expect(try store.indexedSeq() == 0)
        let queries = Queries(store: store)
        for q in Self.queries(all).prefix(30) { #expect(try queries.events(q).map(\.seq) == Self.expected(q, all), "\(q)") }
        // Half built (a catch-up stopped midway): the rest is read in full.
        #expect(try store.catchUpIndex() == UInt64(all.count))
        #expect(try store.indexedSeq() == UInt64(all.count) && store.verify().ok)
        try store.append([Self.events[1]])
        #expect(try store.indexedSeq() == UInt64(all.count + 1), "and kept from then on")
        for q in Self.queries(all + [Self.events[1]]) {
            #expect(try queries.events(q).map(\.seq) == Self.expected(q, all + [Self.events[1]]), "\(q)")
        }
    }

    @Test func verifyNamesAnIndexThatDiffersFromTheLog() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try store(dir)
        try append(Array(Self.events.prefix(20_000)), to: store)
        #expect(try store.verify().ok)
        // One entry of a rare event gone: the index no longer says what the log holds.
        let rare = try #require(Self.events.prefix(20_000).firstIndex { $0.type != .probe })
        try store.writeLock.withLock { _ in
            try store.env.write { txn in
                _ = try EventStore.typeKey(Self.events[rare].type, UInt64(rare + 1)).withUnsafeBytes { try txn.delete(store.index, key: $0) }
            }
        }
        let report = try store.verify()
        #expect(report.problems.contains { $0.hasPrefix("event index: it differs from the events 1…20000") }, "\(report.problems)")
        try store.rebuildViews(index: true)
        #expect(try store.verify().ok, "replay rebuilds it")
    }

    /// A record's pieces, made on its columns (a replay's and a catch-up's way), are those of
    /// its events one by one: hours out of order, the non-probes, a part of the record.
    @Test func aRecordsPiecesAreThoseOfItsEventsOneByOne() throws {
        let events = Array(Self.events.prefix(40_000))
        let first: UInt64 = 1_001
        let chunk = try ChunkEncoder(level: 1).encode(events, firstSeq: first).withUnsafeBytes { try ChunkDecoder().decode($0) }
        for (from, through) in [(0, UInt64.max), (0, first + 19_999), (17, first + 39_998), (39_999, UInt64.max), (5, first + 2)] {
            var oneByOne = EventIndexPieces()
            for i in from..<events.count where first + UInt64(i) <= through {
                oneByOne.add(seq: first + UInt64(i), time: events[i].time.microseconds, type: events[i].type)
            }
            #expect(EventIndexPieces(chunk, from: from, through: through) == oneByOne, "from \(from) through \(through)")
        }
        #expect(!EventIndexPieces(chunk).others.isEmpty && EventIndexPieces(chunk).hours.count > 10)
    }

    /// A replay builds the index in its pass over the log: the same index as the commits kept,
    /// events appended after the pass's snapshot included.
    @Test func aReplayBuildsTheIndexTheCommitsKept() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try store(dir)
        try append(Self.events, to: store)
        let kept = try store.env.read { txn in try store.indexPieces(txn, through: .max) }
        try store.writeLock.withLock { _ in try store.env.write { txn in try store.clearIndex(txn) } }
        let report = try store.rebuildViews(index: true)
        #expect(report.events == UInt64(Self.events.count))
        #expect(try store.indexedSeq() == UInt64(Self.events.count))
        #expect(try store.env.read { txn in try store.indexPieces(txn, through: .max) } == kept)
        // The events a replay finds appended after its pass are indexed in its final transaction.
        let pieces = try store.replayLog(asOf: nil, through: 30_000, options: store.storedViewOptions(), indexing: true,
                                         progress: nil).index
        try store.writeLock.withLock { _ in
            try store.env.write { txn in
                try store.replaceIndex(with: pieces, through: 30_000, logSeq: UInt64(Self.events.count), txn)
            }
        }
        #expect(try store.env.read { txn in try store.indexPieces(txn, through: .max) } == kept)
        #expect(try store.verify().ok)
    }
}
