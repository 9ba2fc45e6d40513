import Foundation
import TestSupport
import Testing
@testable import ISPMonCore
@testable import ISPMonStore
import LMDB


func allEvents(_ store: EventStore, from: UInt64 = 1) throws -> [Event] {
    var out: [Event] = []
    var expected = from
    try store.forEach(from: from) { seq, e in
        #expect(seq == expected)
        expected += 1
        out.append(e)
        return true
    }
    return out
}

@Suite struct EventStoreTests {
    func options(threshold: Int = 1000, map: Int = 64 << 20) -> EventStore.Options {
        var o = EventStore.Options()
        o.sealThreshold = threshold
        o.initialMapSize = map
        return o
    }

    @Test func appendsInOrderWithoutGapsAcrossSeals() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = Array(SyntheticStream(seed: 11).prefix(12_345))
        let store = try EventStore(directory: dir.path, options: options(threshold: 1000))
        var start = 0
        var rng = SplitMix64(seed: 5)
        while start < events.count {  // random batch sizes, including single events
            let n = min(events.count - start, Int(rng.next() % 700) + 1)
            let range = try store.append(events[start..<start + n])
            #expect(range == UInt64(start + 1)...UInt64(start + n))
            start += n
        }
        try store.finishSealing()
        #expect(try store.lastSeq() == UInt64(events.count))
        #expect(try allEvents(store) == events)
        #expect(try store.event(at: 4321) == events[4320])
        #expect(try store.event(at: 12_346) == nil)
        #expect(try allEvents(store, from: 9999) == Array(events[9998...]))
        let report = try store.verify()
        #expect(report.ok, "\(report.problems)")
        #expect(report.events == UInt64(events.count))
        #expect(report.chunks >= 6)  // 12 345 events, sealed once 1000 have gathered
    }

    @Test func reopeningContinuesTheSequenceAndTheTail() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = Array(SyntheticStream(seed: 12).prefix(5000))
        do {
            let store = try EventStore(directory: dir.path, options: options(threshold: 2048))
            try store.append(events[0..<1500])
        }
        do {
            // A new process (here: a new handle) sees a tail it did not write and seals it correctly.
            let store = try EventStore(directory: dir.path, options: options(threshold: 2048))
            #expect(try store.lastSeq() == 1500)
            try store.append(events[1500..<3000])
            try store.append(events[3000..<5000])
            try store.finishSealing()
            #expect(try allEvents(store) == events)
            #expect(try store.verify().ok)
        }
    }

    @Test func theMapGrowsByItself() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path, options: options(threshold: 100_000, map: 256 << 10))
        let events = Array(SyntheticStream(seed: 13).prefix(60_000))
        for start in stride(from: 0, to: events.count, by: 500) {
            try store.append(events[start..<start + 500])
        }
        #expect(store.env.mapSize > 256 << 10)
        #expect(try allEvents(store) == events)
    }

    @Test func oneHandlePerPathPerProcess() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        #expect { try EventStore(directory: dir.path) } throws: { e in
            if case .alreadyOpen = (e as? StoreError)?.kind { return true } else { return false }
        }
        _ = store
    }

    @Test func aMissingStoreIsNotCreatedByReaders() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var o = EventStore.Options()
        o.create = false
        #expect { try EventStore(directory: dir.path + "/nope", options: o) } throws: { e in
            (e as? StoreError)?.description.contains("no ispmon store") == true
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/nope"))
    }

    @Test func aStoreFromANewerVersionIsRefused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        do {
            let store = try EventStore(directory: dir.path)
            try store.append([Event(time: Timestamp(microseconds: 1), body: .link(Link(interface: "eth0", up: true)))])
            try store.env.write { txn in
                var v = (EventStore.formatVersion + 1).bigEndian
                try EventStore.formatKey.withUnsafeBytes { k in
                    try withUnsafeBytes(of: &v) { try txn.put(store.meta, key: k, value: $0) }
                }
            }
        }
        #expect { try EventStore(directory: dir.path) } throws: { e in
            (e as? StoreError)?.description.contains("newer ispmon") == true
        }
    }

    @Test func verifyNamesADamagedChunk() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = Array(SyntheticStream(seed: 14).prefix(20_000))
        var blob: [UInt8] = []
        do {
            let store = try EventStore(directory: dir.path, options: options(threshold: 4096))
            for start in stride(from: 0, to: events.count, by: 1000) { try store.append(events[start..<start + 1000]) }
            try store.finishSealing()
            // The bytes of the second sealed chunk, to find them in the file.
            blob = try store.env.read { txn in
                try txn.withCursor(store.chunks) { c in
                    _ = try c.first()
                    return Array(try c.next()!.value)
                }
            }
        }
        let file = dir.path + "/data.mdb"
        var data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let needle = Array(blob[100..<164])
        let at = try #require(find(needle, in: data))
        data[at + 10] ^= 0xFF
        try Data(data).write(to: URL(fileURLWithPath: file))

        let store = try EventStore(directory: dir.path)
        let report = try store.verify()
        #expect(!report.ok)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.contains("chunk at seq 5001") == true, "\(report.problems) at \(at)")
        #expect(report.problems.first?.contains("checksum") == true)
        // Reading the damaged range is an error, not a crash or silent garbage.
        #expect(throws: StoreError.self) { try store.event(at: 6000) }
        #expect(try store.event(at: 10) == events[9])
    }
}

func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    outer: for i in 0...(haystack.count - needle.count) {
        for j in 0..<needle.count where haystack[i + j] != needle[j] { continue outer }
        return i
    }
    return nil
}
