import Testing
import TestSupport
@testable import ISPMonCore
@testable import ISPMonStore

/// Views kept commit by commit through clock stretches equal a full replay: the
/// writer puts back the provisional records of a retimed stretch (or rebuilds the
/// views when it found the stretch open in the store), whatever the batch sizes
/// and restarts.
@Suite struct ClockStretchStoreTests {
    typealias Cut = SyntheticPowerCut

    func options() -> EventStore.Options {
        var o = EventStore.Options()
        o.sealThreshold = 4096
        return o
    }

    func replay(_ events: ArraySlice<Event>) -> Projection {
        var p = Projection()
        for (i, e) in events.enumerated() { p.apply(e, seq: UInt64(i + 1)) }
        return p
    }

    func expectSameViews(_ a: Projection, _ b: Projection, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.differences(from: b) == [], "\(context)", sourceLocation: sourceLocation)
        #expect(a.outages() == b.outages(), "\(context)", sourceLocation: sourceLocation)
        #expect(a.hours == b.hours, "\(context)", sourceLocation: sourceLocation)
        #expect(a.speedTests == b.speedTests, "\(context)", sourceLocation: sourceLocation)
    }

    /// Power cuts of every kind one after the other, with a second stretch opened and
    /// closed right after one ends.
    static let log: [Event] = {
        var events: [Event] = []
        for cut in [Cut(), Cut(ending: .steps([7_100_000_000, 100_000_000])), Cut(ending: .stopped),
                    Cut(behind: -Cut.hour, ending: .steps([-Cut.hour])), Cut(ending: .restarted), Cut(ending: .steps([7_200_000_000, 0]))] {
            events += cut.events
        }
        return events
    }()

    /// `batch` 0: random batch sizes, single events included; `restarts`: now and then a
    /// fresh process (a stretch open then is known to it only from the stored views).
    @Test(arguments: [(1, 0, true), (2, 7, true), (3, 100, true), (4, 500, true), (5, 3000, true),
                      (6, 0, false), (7, 13, false), (8, 250, false)] as [(UInt64, Int, Bool)])
    func viewsKeptThroughStretchesEqualAFullReplay(seed: UInt64, batch: Int, restarts: Bool) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = ClockStretchStoreTests.log
        var rng = SplitMix64(seed: seed)
        var store: EventStore? = try EventStore(directory: dir.path, options: options())
        var start = 0
        var checks = 0
        while start < events.count {
            let n = min(events.count - start, batch > 0 ? batch : rng.next() % 3 == 0 ? 1 : Int(rng.next() % 400) + 1)
            try store!.append(events[start..<start + n])
            start += n
            if restarts && rng.next() % 6 == 0 {
                store = nil
                store = try EventStore(directory: dir.path, options: options())
            }
            if rng.next() % 4 == 0 || start == events.count {
                let stored = try #require(try store!.loadViews(Set(EventStore.View.allCases)))
                expectSameViews(stored, replay(events[..<start]), "after \(start) events")
                checks += 1
            }
        }
        #expect(checks > 1)
        let stored = try #require(try store!.loadViews(Set(EventStore.View.allCases)))
        // The corrected outages: one per cut, three of them at 12:01:10 real time.
        #expect(stored.outages().filter { $0.start == Cut().outageStart }.count == 4)
        var report = try store!.verify()
        try store!.verifyViews(&report)
        #expect(report.problems == [])
        #expect(report.viewsCompared)
        // A rebuild from the log gives the same views again.
        try store!.rebuildViews()
        expectSameViews(try #require(try store!.loadViews(Set(EventStore.View.allCases))), replay(events[...]), "after the rebuild")
    }

    @Test func aStretchFoundOpenInTheStoreIsRebuiltWhenRetimed() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let cut = Cut()
        let closing = try #require(cut.events.firstIndex { $0.type == .clock })
        do {
            let first = try EventStore(directory: dir.path, options: options())
            try first.append(cut.events[..<(closing - 10)])
        }
        // Another process (as an import is) finds the stretch open in the stored views, without
        // its checkpoint: the retime replays the log.
        let store = try EventStore(directory: dir.path, options: options())
        try store.append(cut.events[(closing - 10)..<closing])
        #expect(try store.loadViews([])?.openClockStretch == UInt64(1 + 360 * 4 + 1))
        try store.append(cut.events[closing...])
        let stored = try #require(try store.loadViews(Set(EventStore.View.allCases)))
        #expect(stored.outages().map(\.start) == [cut.outageStart])
        expectSameViews(stored, replay(cut.events[...]), "after the retime")
        var report = try store.verify()
        try store.verifyViews(&report)
        #expect(report.problems == [])
    }

    @Test func asOfDuringTheOutageShowsItWhereItWasRecorded() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let cut = Cut()
        let store = try EventStore(directory: dir.path, options: options())
        try store.append(cut.events)
        // The clock said 10:03 in the middle of the outage: the views of then had not been corrected.
        let t = cut.outageStart - 2 * Cut.hour + 2 * Cut.minute
        let asOf = try store.project(asOf: Timestamp(microseconds: t))
        let cutAtT = replay(cut.events.filter { $0.time.microseconds <= t }[...])
        #expect(asOf.outages() == cutAtT.outages())
        #expect(asOf.outages().count == 1)
        #expect(asOf.outages().allSatisfy { $0.start < cut.outageStart - Cut.hour && $0.end == nil })
        // Once the clock was set, the corrected views.
        let after = try store.project(asOf: Timestamp(microseconds: cut.outageEnd + 10 * Cut.minute))
        #expect(after.outages().map(\.start) == [cut.outageStart])
    }
}
