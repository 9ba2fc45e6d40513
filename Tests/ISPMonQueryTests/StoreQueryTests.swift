import Glibc
import LMDB
import Synchronization
import Testing
import TestSupport
import ISPMonCore
@testable import ISPMonStore
@testable import ISPMonQuery

/// The queries that read the log itself, and the store-facing rules, on a real store.
@Suite struct StoreQueryTests {
    /// A store holding `events`, sealed into small chunks so that searches cross records.
    func withStore(_ events: [Event], _ body: (Queries) throws -> Void) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var options = EventStore.Options()
        options.sealThreshold = 700
        let store = try EventStore(directory: dir.path, options: options)
        var i = 0
        while i < events.count {
            try store.append(events[i..<min(events.count, i + 250)])
            i += 250
        }
        try store.finishSealing()
        try body(Queries(store: store))
    }

    static let events: [Event] = {
        var events = Array(SyntheticStream(seed: 5).prefix(3000))
        events.insert(Event(time: events[100].time, body: .note(Note(outage: "c-20260301T000000Z", text: "The ROUTER was rebooted"))), at: 101)
        events.insert(Event(time: events[2000].time, body: .trace(Trace(destination: "203.0.113.10", hops: [.init(ttl: 1, address: "192.0.2.1", rtt: 400)]))), at: 2001)
        events.insert(Event(time: events[2500].time, body: .trace(Trace(destination: "203.0.113.11", hops: []))), at: 2501)
        return events
    }()

    /// A latency answer over a window reads only the hours it needs from the store, and is
    /// the same as the answer from every hour: for each window, period and target (or all).
    @Test func latencyOverAWindowReadsOnlyItsHoursAndAnswersTheSame() throws {
        var events = Array(SyntheticStream(seed: 9).prefix(40_000))
        events.sort { $0.time < $1.time }
        try withStore(events) { queries in
            let all = try queries.views([.latency])
            let first = events[0].time.microseconds, last = events[events.count - 1].time.microseconds
            let hour: Int64 = 3_600_000_000
            var checked = 0
            for (since, until) in [(first + 90 * 60_000_000, last - 2 * hour), (last - 3 * hour + 17, last), (first, first + 1),
                                   (last + hour, last + 2 * hour), (first - 5 * hour, first + hour)] as [(Int64?, Int64?)] + [(nil, first + 2 * hour), (first + hour, nil)] {
                for period in LatencyQuery.Period.allCases {
                    for target in [nil] + Array(all.hours.keys.sorted().prefix(2)) {
                        let q = LatencyQuery(target: target, window: TimeWindow(since: since, until: until), period: period)
                        let windowed = try queries.latency(q)
                        #expect(windowed == q.answer(all), "\(q)")
                        checked += windowed.count
                    }
                }
            }
            #expect(checked > 0)
            // Fewer hours are read: a one-hour window of one target loads that target's one or two hours.
            let target = all.hours.keys.sorted()[0]
            let q = LatencyQuery(target: target, window: TimeWindow(since: last - hour, until: last), period: .hour)
            let loaded = try queries.views([.latency], hoursOf: target, hours: q.hours)
            #expect((loaded.hours[target]?.count ?? 0) <= 2 && (all.hours[target]?.count ?? 0) > 2)
        }
    }

    @Test func pagesNewestFirstWithoutGapsOrRepeats() throws {
        try withStore(Self.events) { q in
            var seen: [UInt64] = []
            var before: UInt64?
            while true {
                let page = try q.events(EventQuery(beforeSeq: before, limit: 333))
                guard let last = page.last else { break }
                seen += page.map(\.seq)
                before = last.seq
            }
            #expect(seen == Array((1...UInt64(Self.events.count)).reversed()))
            // Oldest first from a cursor, the events themselves as stored.
            let asc = try q.events(EventQuery(afterSeq: 699, limit: 3, order: .asc))
            #expect(asc.map(\.seq) == [700, 701, 702])
            #expect(asc.map(\.event) == Array(Self.events[699..<702]))
            #expect(try q.events(EventQuery(beforeSeq: 1)).isEmpty)
            #expect(try q.events(EventQuery(beforeSeq: 10, afterSeq: 7)).map(\.seq) == [9, 8])
        }
    }

    @Test func searchesTextTypeTargetAndTime() throws {
        try withStore(Self.events) { q in
            let notes = try q.events(EventQuery(text: "router was"))
            #expect(notes.map(\.seq) == [102], "case-insensitive, in a note's text")
            let router = try q.events(EventQuery(text: "ROUTER", limit: EventQuery.maxLimit))
            #expect(router.contains { $0.seq == 102 })
            #expect(router.allSatisfy { e in
                if case .probe(let p) = e.event.body { return p.target.lowercased().contains("router") }
                return e.seq == 102
            })
            let failures = try q.events(EventQuery(text: "timeout", limit: EventQuery.maxLimit))
            #expect(!failures.isEmpty)
            #expect(failures.allSatisfy { if case .probe(let p) = $0.event.body { !p.ok } else { false } })
            let probes = try q.events(EventQuery(type: .probe, target: "router", limit: 5))
            #expect(probes.count == 5)
            let mid = Self.events[1500].time.microseconds
            let windowed = try q.events(EventQuery(window: TimeWindow(since: mid, until: mid + 60_000_000), limit: EventQuery.maxLimit))
            #expect(windowed.allSatisfy { (mid...(mid + 60_000_000)).contains($0.event.time.microseconds) })
            #expect(windowed.count == Self.events.filter { (mid...(mid + 60_000_000)).contains($0.time.microseconds) }.count)
        }
    }

    @Test func aLimitOutOfRangeIsRefusedNamingIt() throws {
        try withStore(Self.events) { q in
            #expect(throws: QueryError(.invalid(parameter: "limit", reason: "must be 1 to 10000, not 0"))) {
                try q.events(EventQuery(limit: 0))
            }
            #expect(throws: QueryError.self) { try q.events(EventQuery(limit: 10_001)) }
        }
    }

    @Test func tracesNewestFirst() throws {
        try withStore(Self.events) { q in
            let traces = try q.traces()
            #expect(traces.map(\.seq) == [2502, 2002])
            let json = String(decoding: JSONForms.eventArray(traces), as: UTF8.self)
            #expect(json.hasPrefix("[\n  {\"seq\":2502,"))
            #expect(json.contains("\"hops\":[{\"ttl\":1,\"address\":\"192.0.2.1\",\"rtt_ms\":0.4}]"), "\(json)")
        }
    }

    @Test func staleViewsAreReplayedInMemoryAndSaidOnce() throws {
        try withStore(Self.events) { q in
            let fresh = try q.outages()
            let latency = try q.latency()
            try q.store.env.write { txn in try q.store.clear(Set(EventStore.View.allCases), txn) }
            let said = Mutex<[String]>([])
            let stale = Queries(store: q.store) { message in said.withLock { $0.append(message) } }
            #expect(try stale.outages() == fresh)
            #expect(try stale.latency() == latency)
            #expect(try stale.outages() == fresh)
            let messages = said.withLock { $0 }
            #expect(messages == [
                "the outages view is not current (not stored yet): answering from a replay of the log in memory",
                "the latency view is not current (not stored yet): answering from a replay of the log in memory",
            ], "each stale view said once, not on every answer")
        }
    }

    /// The newest recorded time (what an open run lasts to: not a note's) is kept with the
    /// stored views, across commits and in the columnar paths, as a replay computes it.
    @Test func storedViewsKeepTheNewestRecordedTimeAsAReplayDoes() throws {
        let started = Event(time: Timestamp(microseconds: Fixtures.t0), body: .monitor(MonitorState(state: .started)))
        let probes = (0..<600).map { Fixtures.probe("router", .gateway, at: Fixtures.t0 + Int64($0) * Fixtures.second, rtt: 400) }
        let note = Event(time: Timestamp(microseconds: Fixtures.t0 + 90 * 86_400 * Fixtures.second),
                         body: .note(Note(outage: "c-20260301T000000Z", text: "the power came back")))
        try withStore([started] + probes + [note]) { q in
            let stored = try #require(try q.store.loadViews(Set(EventStore.View.allCases)))
            let replayed = Fixtures.projection([started] + probes + [note])
            #expect(stored.differences(from: replayed) == [])
            #expect(stored.newestRecorded == Fixtures.t0 + 599 * Fixtures.second && stored.newestTime == note.time.microseconds)
            #expect(try q.availability(AvailabilityQuery()).first?.monitored == 599 * Fixtures.second)
        }
    }

    @Test func theMonitorIsRunningExactlyWhileItsLockIsHeld() throws {
        try withStore(Self.events) { q in
            #expect(!q.monitorRunning, "never locked")
            do {
                let lock = try MonitorLock(directory: q.store.directory)
                #expect(q.monitorRunning)
                #expect(MonitorLock.holder(directory: q.store.directory) == getpid())
                #expect(throws: StoreError.self) { _ = try MonitorLock(directory: q.store.directory) }
                #expect(try q.status().monitor == .running)
                _ = consume lock
            }
            #expect(!q.monitorRunning)
            #expect(try q.status().monitor == .stopped, "the log says started; nothing holds the lock")
        }
    }
}

/// Notes through the query layer: what the CLI and the API both append.
@Suite struct NoteQueryTests {
    @Test func aNoteIsAppendedToAnOutageThatExistsAndPlainTextOnly() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        try store.append(SyntheticFaults(days: 1, seed: 2).events)
        let q = Queries(store: store)
        let outage = try #require(try q.outages().first)
        let at = Timestamp(microseconds: (outage.end ?? outage.start) + 1)
        let noted = try q.addNote(outage: outage.id, text: "ISP ticket 42\twith a tab", at: at)
        #expect(noted.seq == (try store.lastSeq()))
        #expect(try q.outages().first?.notes.last?.text == "ISP ticket 42\twith a tab")
        let before = try store.lastSeq()
        #expect(throws: QueryError(.invalid(parameter: "text", reason: "has control characters (a tab is the only one allowed)"))) {
            try q.addNote(outage: outage.id, text: "two\nlines", at: at)
        }
        #expect(throws: QueryError(.notFound("outage c-20990101T000000Z"))) {
            try q.addNote(outage: "c-20990101T000000Z", text: "x", at: at)
        }
        #expect(throws: QueryError.self) { try q.addNote(outage: outage.id, text: "", at: at) }
        #expect(try store.lastSeq() == before, "a refused note appends nothing")
    }
}
