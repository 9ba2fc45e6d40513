import Foundation
import Testing
import TestSupport
@testable import ISPMonCore
@testable import ISPMonStore
import LMDB

/// The views stored with the log: kept in the commit's transaction, equal to a
/// replay whatever the batch sizes, reopenings and seals; rebuilt when stale.
@Suite struct StoredViewsTests {
    func options(threshold: Int = 4096) -> EventStore.Options {
        var o = EventStore.Options()
        o.sealThreshold = threshold
        return o
    }

    /// Replays `events` into a fresh in-memory projection (what `ispmon replay` computes).
    func replay(_ events: ArraySlice<Event>, options: Projection.Options = .init()) -> Projection {
        var p = Projection(options: options)
        for (i, e) in events.enumerated() { p.apply(e, seq: UInt64(i + 1)) }
        return p
    }

    func expectSameViews(_ a: Projection, _ b: Projection, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.differences(from: b) == [], sourceLocation: sourceLocation)
        #expect(a.outages() == b.outages(), sourceLocation: sourceLocation)
        #expect(a.hours == b.hours, sourceLocation: sourceLocation)
        #expect(a.targets == b.targets, sourceLocation: sourceLocation)
        #expect(a.speedTests == b.speedTests, sourceLocation: sourceLocation)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func viewsKeptIncrementallyEqualAFullReplay(seed: UInt64) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = SyntheticFaults(days: 2, seed: seed).events
        var rng = SplitMix64(seed: seed)
        var store: EventStore? = try EventStore(directory: dir.path, options: options())
        var start = 0
        var checks = 0
        while start < events.count {
            // Random batch sizes, single events included; now and then a fresh process
            // (the writer's projection then comes from the stored views).
            let n = min(events.count - start, rng.next() % 4 == 0 ? 1 : Int(rng.next() % 3000) + 1)
            try store!.append(events[start..<start + n])
            start += n
            if rng.next() % 8 == 0 {
                store = nil
                store = try EventStore(directory: dir.path, options: options())
            }
            if rng.next() % 16 == 0 || start == events.count {
                let stored = try #require(try store!.loadViews(Set(EventStore.View.allCases)))
                expectSameViews(stored, replay(events[..<start]))
                checks += 1
            }
        }
        #expect(checks > 1)
        let stored = try #require(try store!.loadViews(Set(EventStore.View.allCases)))
        #expect(stored.outages().count == 8)
        var report = try store!.verify()
        try store!.verifyViews(&report)
        #expect(report.problems == [])
        #expect(report.viewsCompared)
    }

    @Test func theGroupCommitWriterKeepsTheViewsToo() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = SyntheticFaults(days: 1, seed: 9).events
        let store = try EventStore(directory: dir.path, options: options())
        let writer = try GroupCommitWriter(store: store)
        var start = 0
        while start < events.count {
            let n = min(events.count - start, 700)
            _ = try await writer.append(Array(events[start..<start + n]))
            start += n
        }
        writer.close()
        let stored = try #require(try store.loadViews(Set(EventStore.View.allCases)))
        expectSameViews(stored, replay(events[...]))
    }

    @Test func smallSubmissionsShareASegmentAndKeepTheViews() throws {
        // The monitor's way: one event per submission, waiting to share a commit, with an
        // occasional large batch (encoded by its producer) in between, across seals.
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = Array(SyntheticFaults(days: 1, seed: 11).events.prefix(12_000))
        let store = try EventStore(directory: dir.path, options: options())
        var writerOptions = GroupCommitWriter.Options()
        writerOptions.maxDelay = 20_000
        let writer = try GroupCommitWriter(store: store, options: writerOptions)
        var start = 0
        var submissions = 0
        while start < events.count {
            let n = submissions % 50 == 49 ? min(events.count - start, 300) : 1
            try writer.submit(events[start..<start + n])
            start += n
            submissions += 1
        }
        try writer.flush()
        try store.finishSealing()
        writer.close()
        var stored: [Event] = []
        var records = 0
        try store.forEachChunk { chunk, first in
            records += 1
            for i in first..<chunk.count { stored.append(chunk.event(at: i)) }
            return true
        }
        #expect(stored == events)
        #expect(records < submissions / 10)  // not one tail segment per submission
        let views = try #require(try store.loadViews(Set(EventStore.View.allCases)))
        expectSameViews(views, replay(events[...]))
    }

    @Test func asOfIsTheLogCutAtThatTime() throws {
        let dir = TempDir(), cutDir = TempDir()
        defer { dir.cleanup(); cutDir.cleanup() }
        let events = SyntheticFaults(days: 1, seed: 4).events
        let store = try EventStore(directory: dir.path, options: options())
        try store.append(events)
        // In the middle of the ISP fault: an open outage, its cause decided on what was known then.
        let t = SyntheticFaults(days: 1, seed: 4).windows.first { $0.fault == .ispDown }!.start + 300_000_000
        let asOf = try store.project(asOf: Timestamp(microseconds: t))
        let cutStore = try EventStore(directory: cutDir.path, options: options())
        try cutStore.append(events.filter { $0.time.microseconds <= t })
        let cut = try #require(try cutStore.loadViews(Set(EventStore.View.allCases)))
        #expect(asOf.outages() == cut.outages())
        #expect(asOf.outages().last?.end == nil)  // open at that time
        #expect(asOf.hours == cut.hours)
        #expect(asOf.targets == cut.targets)
        // The live views were not touched.
        #expect(try store.loadViews([])?.lastSeq == UInt64(events.count))
    }

    @Test func staleOrMissingViewsAreRebuiltFromTheLog() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = SyntheticFaults(days: 1, seed: 2).events
        do {
            let store = try EventStore(directory: dir.path, options: options())
            try store.append(events)
            // What an older ispmon leaves: no latency view, an outages view of another definition.
            try store.env.write { txn in
                try store.clear([.latency], txn)
                try store.putMetas([.outages], seq: UInt64(events.count),
                                   options: .init(), txn)
                let old = ViewRecords.metaValue(.init(definitionVersion: 0, seq: UInt64(events.count), options: .init()))
                try ViewRecords.metaKey(.outages).withUnsafeBytes { k in
                    try old.withUnsafeBytes { try txn.put(store.viewState, key: k, value: $0) }
                }
            }
            let status = try store.viewStatus()
            #expect(status.first { $0.view == .latency }?.problem == "not stored yet")
            #expect(status.first { $0.view == .outages }?.problem?.contains("definition 0") == true)
            #expect(status.first { $0.view == .speedtests }?.problem == nil)
            #expect(try store.loadViews([.latency]) == nil)  // queries replay instead
            var report = try store.verify()
            try store.verifyViews(&report)
            #expect(report.problems.count == 2)
        }
        // A writer repairs them in its first commit even if nobody rebuilt them.
        let store = try EventStore(directory: dir.path, options: options())
        let more = Array(SyntheticStream(seed: 3, targets: SyntheticFaults.targets,
                                         start: Timestamp(microseconds: events.last!.time.microseconds + 1)).prefix(500))
        try store.append(more)
        #expect(try store.viewStatus().allSatisfy { $0.problem == nil })
        let stored = try #require(try store.loadViews(Set(EventStore.View.allCases)))
        expectSameViews(stored, replay((events + more)[...]))
    }

    @Test func replayRewritesOneViewAndTheWriterNotices() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = SyntheticFaults(days: 1, seed: 5).events
        let store = try EventStore(directory: dir.path, options: options())
        try store.append(events[..<20_000])
        // Damage the latency view behind the writer's back; verify names it.
        try store.env.write { txn in
            var h = HourStats()
            h.add(rtt: 1)
            let value = ViewRecords.hourValue(h)
            try ViewRecords.hourKey("router", 1_772_323_200_000_000).withUnsafeBytes { k in
                try value.withUnsafeBytes { try txn.put(store.views, key: k, value: $0) }
            }
        }
        var report = try store.verify()
        try store.verifyViews(&report)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.hasPrefix("latency view: target router, hour 2026-03-01T00:00:00") == true)

        let rebuilt = try store.rebuildViews([.latency])
        #expect(rebuilt.views == [.latency] && rebuilt.events == 20_000)
        try store.append(events[20_000...])  // the writer's projection is reloaded, not reused
        report = try store.verify()
        try store.verifyViews(&report)
        #expect(report.problems == [])
        expectSameViews(try #require(try store.loadViews(Set(EventStore.View.allCases))), replay(events[...]))
    }

    @Test func aChangedDownAfterRebuildsTheOutagesView() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = SyntheticFaults(days: 1, seed: 6).events
        do {
            let store = try EventStore(directory: dir.path, options: options())
            try store.append(events)
        }
        var o = options()
        o.viewOptions = Projection.Options(downAfter: 10)
        let store = try EventStore(directory: dir.path, options: o)
        #expect(try store.viewStatus().first { $0.view == .outages }?.problem == "down_after changed from 3 to 10")
        try store.rebuildViews()
        let stored = try #require(try store.loadViews(Set(EventStore.View.allCases)))
        expectSameViews(stored, replay(events[...], options: .init(downAfter: 10)))
        // With ten failures needed, the shorter faults (probed every 30–60 s) are no outages.
        #expect(stored.outages().count < replay(events[...]).outages().count)
    }

    @Test func aDamagedViewRecordIsNamed() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path, options: options())
        try store.append(SyntheticFaults(days: 1, seed: 8).events)
        try store.env.write { txn in
            try ViewRecords.targetKey("router").withUnsafeBytes { k in
                try [UInt8(9)].withUnsafeBytes { try txn.put(store.viewState, key: k, value: $0) }
            }
        }
        #expect {
            _ = try store.loadViews([])
        } throws: { error in
            "\(error)".contains("damaged: view record Trouter")
        }
    }
}
