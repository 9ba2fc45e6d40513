import Foundation
import Synchronization
import TestSupport
import Testing
import ISPMonCore
@testable import ISPMonStore
import LMDB

/// Readers in the writer's process (the web server beside the monitor): LMDB may
/// resize the map only while no transaction of the process is active, so every
/// growth must wait for the readers' transactions, and they for it.
@Suite struct InProcessReaderTests {
    @Test func readerThreadsQueryViewsWhileTheWriterGrowsTheMapSeveralTimes() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var options = EventStore.Options()
        options.initialMapSize = 256 << 10
        options.sealThreshold = 4096
        let store = try EventStore(directory: dir.path, options: options)
        let events = SyntheticFaults(days: 5, seed: 21).events
        let initial = store.env.mapSize
        try store.append(events[0..<500])  // the views exist from the first commit on
        let done = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let reads = Atomic<Int>(0)
        let readers = (0..<3).map { id in
            Thread {
                var lastSeen: UInt64 = 0
                while !done.load(ordering: .acquiring) {
                    do {
                        // What a page asks for: the views in one snapshot, and the newest events.
                        guard let p = try store.loadViews([.latency, .speedtests]) else {
                            failures.withLock { $0.append("reader \(id): stored views not current at seq \(lastSeen)") }
                            return
                        }
                        if p.lastSeq < lastSeen { failures.withLock { $0.append("reader \(id): went back from \(lastSeen) to \(p.lastSeq)") } }
                        lastSeen = p.lastSeq
                        var newest: [UInt64] = []
                        try store.forEachBackward { seq, _ in newest.append(seq); return newest.count < 50 }
                        if let first = newest.first, first < lastSeen {
                            failures.withLock { $0.append("reader \(id): log behind its views") }
                        }
                        reads.add(1, ordering: .relaxed)
                    } catch {
                        failures.withLock { $0.append("reader \(id): \(error)") }
                        return
                    }
                }
            }
        }
        readers.forEach { $0.start() }
        var start = 500
        while start < events.count {
            try store.append(events[start..<min(events.count, start + 500)])
            start += 500
        }
        try store.finishSealing()
        done.store(true, ordering: .releasing)
        while readers.contains(where: { !$0.isFinished }) { usleep(1000) }

        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        var growths = 0
        var size = initial
        while size < store.env.mapSize { size *= 2; growths += 1 }
        #expect(growths >= 3, "the map grew from \(initial) to \(store.env.mapSize) bytes")
        #expect(reads.load(ordering: .relaxed) > 10, "the readers read while the writer wrote")
        #expect(try store.verify().problems.isEmpty)
        #expect(try store.lastSeq() == UInt64(events.count))
        let replayed = try store.project()
        #expect(try store.loadViews([.latency, .speedtests])?.hours == replayed.hours)
    }
}
