import Foundation
import TestSupport
import Testing
import ISPMonCore
import LMDB
@testable import ISPMonStore

/// Following the log from a sequence number, durable cursors and the store's id.
@Suite struct LogFollowerTests {
    static let events = SyntheticFaults(days: 1, seed: 8).events

    /// Reads with `follower` until `last`, in batches of at most `limit`, noting the outages it
    /// says opened and closed and every sequence number handed out.
    static func follow(_ follower: LogFollower, through last: UInt64, limit: Int) throws -> (seqs: [UInt64], opened: [String], closed: [String]) {
        var seqs: [UInt64] = [], opened: [String] = [], closed: [String] = []
        while follower.position < last {
            guard let batch = try follower.next(limit: limit, timeout: 20_000_000) else {
                Issue.record("no commit within 20 s at \(follower.position)")
                break
            }
            #expect(batch.events.count <= limit)
            seqs += Array(batch.firstSeq...batch.lastSeq)
            for change in batch.changes {
                if case .outageOpened(let id) = change { opened.append(id) }
                if case .outageClosed(let id) = change { closed.append(id) }
            }
        }
        return (seqs, opened, closed)
    }

    @Test func aFollowerHearsEveryEventOnceAndTheOutagesTheyOpenAndCloseWhateverTheBatches() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let half = Self.events.count / 2
        try store.append(Self.events[..<half])
        // One follower from the start, one from the middle (a restart at its cursor): the writer
        // goes on meanwhile, in batches of its own size.
        let fromStart = try LogFollower(store: store, after: 0, viewChanges: true)
        let fromMiddle = try LogFollower(store: store, after: UInt64(half), viewChanges: true)
        let writer = Thread {
            var i = half
            while i < Self.events.count {
                _ = try? store.append(Self.events[i..<min(Self.events.count, i + 300)])
                i += 300
            }
        }
        writer.start()
        let last = UInt64(Self.events.count)
        let a = try Self.follow(fromStart, through: last, limit: 777)
        let b = try Self.follow(fromMiddle, through: last, limit: 50)
        while !writer.isFinished { usleep(1000) }
        #expect(a.seqs == Array(1...last), "every event once, in order")
        #expect(b.seqs == Array(UInt64(half + 1)...last))
        // Connectivity and DNS outages (the day has a resolver fault), each told once.
        let outages = store.loadViewsOrReplay().outages()
        #expect(outages.contains { $0.kind == .connectivity } && outages.contains { $0.kind == .dns })
        #expect(a.opened == outages.map(\.id))
        #expect(a.closed == outages.filter { $0.end != nil }.map(\.id))
        // The second hears of the outages that opened, and those that closed, after its start.
        let middleTime = Self.events[half - 1].time.microseconds
        #expect(b.closed == outages.filter { ($0.end ?? 0) > middleTime }.map(\.id))
        #expect(b.opened == outages.filter { $0.start > middleTime }.map(\.id))
        #expect(try fromStart.next(timeout: 10_000) == nil, "nothing more until the next commit")
    }

    @Test func aCursorMovesWithItsRecordsOnlyForwardAndSurvivesAReopen() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        do {
            let store = try EventStore(directory: dir.path)
            try store.append(Self.events[..<100])
            #expect(try store.cursor("notified") == 0, "a cursor never moved is at 0")
            try store.advance("notified", to: 40, records: [
                .init(table: "outbox", key: Array("c-1".utf8), value: Array("sent".utf8)),
                .init(table: "outbox", key: Array("c-2".utf8), value: Array("pending".utf8)),
                .init(table: "other", key: Array("x".utf8), value: Array("y".utf8)),
            ])
            try store.advance("notified", to: 60, records: [.init(table: "outbox", key: Array("c-1".utf8), value: nil)])
            #expect(throws: StoreError.self) { try store.advance("notified", to: 50) }
            #expect(throws: StoreError.self) { try store.advance("notified", to: 101) }
            #expect(throws: StoreError.self) { try store.advance("Not A Name", to: 1) }
            #expect(try store.cursor("notified") == 60, "a refused move changes nothing")
        }
        let store = try EventStore(directory: dir.path)
        #expect(try store.cursor("notified") == 60)
        #expect(try store.cursor("shipped") == 0)
        let outbox = try store.progress("outbox")
        #expect(outbox.map { String(decoding: $0.key, as: UTF8.self) } == ["c-2"])
        #expect(outbox.map { String(decoding: $0.value, as: UTF8.self) } == ["pending"])
        #expect(try store.progress("other").count == 1)
    }

    @Test func aStoreKeepsItsIdAndANewStoreAtThePathGetsAnother() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let first: String
        do {
            let store = try EventStore(directory: dir.path)
            first = try store.identity()
            #expect(first.utf8.count == 32 && EventStore.isIdentity(first))
        }
        do {
            var options = EventStore.Options()
            options.create = false
            #expect(try EventStore(directory: dir.path, options: options).identity() == first, "kept across opens")
        }
        try FileManager.default.removeItem(atPath: dir.path)
        let again = try EventStore(directory: dir.path)
        #expect(try again.identity() != first, "a store made anew is another store")
    }

    /// A store made before stores had ids (its metadata without one) gets one at its first
    /// writable open, and keeps it; the events are untouched.
    @Test func aStoreWithoutAnIdGetsOneWhenOpenedAndKeepsIt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let before: UInt64
        do {
            let store = try EventStore(directory: dir.path)
            _ = try store.append(Array(LogFollowerTests.events.prefix(500)))
            before = try store.lastSeq()
            _ = try store.env.write { txn in
                try EventStore.identityKey.withUnsafeBytes { try txn.delete(store.meta, key: $0) }
            }
            #expect(throws: StoreError.self, "the id is gone, as in an older store") { try store.identity() }
        }
        var options = EventStore.Options()
        options.create = false
        let given: String
        do {
            let store = try EventStore(directory: dir.path, options: options)
            given = try store.identity()
            #expect(EventStore.isIdentity(given))
            #expect(try store.lastSeq() == before)
        }
        #expect(try EventStore(directory: dir.path, options: options).identity() == given, "given once, then kept")
    }
}
