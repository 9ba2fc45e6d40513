import Foundation
import Synchronization
import Testing
import TestSupport
import ISPMonCore
@testable import ISPMonStore
@testable import ISPMonQuery

/// The live feed behind `GET /api/v1/stream`, on real stores written in this
/// process: through the commit notices (`.inProcess`) and through the data file's
/// inotify watch (`.otherProcess`, which sees this process's commits as it would
/// another's). The CLI tests run it against a writer in another process.
@Suite struct LiveFeedTests {
    static let events = Array(SyntheticFaults(days: 1, seed: 8).events.prefix(3000))

    /// Messages of `feed` until the event `seq` (at most `limit` of waiting for nothing).
    static func collect(_ feed: LiveFeed, through seq: UInt64, limit: Int = 60) async throws -> [LiveMessage] {
        var messages: [LiveMessage] = []
        var idle = 0
        while idle < limit {
            guard let m = try await feed.next(timeout: .seconds(1)) else {
                idle += 1
                continue
            }
            messages.append(m)
            if case .event(let s, _) = m, s >= seq { return messages }
        }
        Issue.record("no event \(seq) after \(limit) s; last: \(messages.last.map(String.init(describing:)) ?? "none")")
        return messages
    }

    static func seqs(_ messages: [LiveMessage]) -> [UInt64] {
        messages.compactMap { if case .event(let s, _) = $0 { s } else { nil } }
    }

    /// The NDJSON lines of the log, the export form.
    static func logLines(_ store: EventStore) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        try store.forEach { seq, e in
            lines.append(JSONForms.ndjson([LoggedEvent(seq: seq, event: e)]))
            return true
        }
        return lines
    }

    static func lines(_ messages: [LiveMessage]) -> [[UInt8]] {
        messages.compactMap { if case .event(_, let l) = $0 { l } else { nil } }
    }

    /// Submits `events` to a group-commit writer a few at a time, with pauses, on a thread.
    static func feedWriter(_ writer: GroupCommitWriter, _ events: ArraySlice<Event>, every: Int = 7, pause: UInt32 = 300) -> Thread {
        let thread = Thread {
            var i = events.startIndex
            while i < events.endIndex {
                let end = min(events.endIndex, i + every)
                try? writer.submit(events[i..<end])
                i = end
                usleep(pause)
            }
            try? writer.flush()
        }
        thread.start()
        return thread
    }

    static func join(_ thread: Thread) async {
        while !thread.isFinished { try? await Task.sleep(for: .milliseconds(5)) }
    }

    @Test(arguments: [LiveFeed.Source.inProcess, .otherProcess])
    func groupCommittedEventsArriveInOrderNoneMissedOrRepeatedAcrossAReconnect(source: LiveFeed.Source) async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let queries = Queries(store: store)
        try store.append(Array(Self.events.prefix(100)))  // history before the client connects
        let writer = try GroupCommitWriter(store: store)
        let first = try LiveFeed(queries: queries, source: source, after: 0, kinds: .events)
        let thread = Self.feedWriter(writer, Self.events[100...])
        var messages = try await Self.collect(first, through: 1500)
        first.close()
        #expect(try await first.next(timeout: .seconds(1)) == nil, "a closed feed gives nothing")
        // The client is away while commits go on, then resumes after the last id it got.
        try await Task.sleep(for: .milliseconds(50))
        let second = try LiveFeed(queries: queries, source: source,
                                  after: LiveFeed.resumePoint(lastEventID: "\(Self.seqs(messages).last ?? 0)", afterSeq: "1"),
                                  kinds: .events)
        messages += try await Self.collect(second, through: UInt64(Self.events.count))
        await Self.join(thread)
        writer.close()
        #expect(Self.seqs(messages) == Array(1...UInt64(Self.events.count)), "nothing missed or repeated")
        #expect(Self.lines(messages) == (try Self.logLines(store)), "each event's data is its export line")
    }

    @Test func aSubscriberWithRoomForOneNoticeFallsBehindAndMissesNothing() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let feed = try LiveFeed(queries: Queries(store: store), source: .inProcess, after: nil, kinds: .events, capacity: 1)
        // Ten commits while the client reads nothing: its one slot overflows.
        for k in 0..<10 { try store.append(Array(Self.events[(k * 10)..<(k * 10 + 10)])) }
        let writer = try GroupCommitWriter(store: store)
        let thread = Self.feedWriter(writer, Self.events[100...], every: 10, pause: 100)
        var messages: [LiveMessage] = []
        // A slow client: it pauses now and then, so more notices are dropped.
        while Self.seqs(messages).last ?? 0 < UInt64(Self.events.count) {
            messages += try await Self.collect(feed, through: min(UInt64(Self.events.count), (Self.seqs(messages).last ?? 0) + 300))
            try await Task.sleep(for: .milliseconds(10))
        }
        await Self.join(thread)
        writer.close()
        #expect(feed.fellBehindCount >= 1)
        #expect(Self.seqs(messages) == Array(1...UInt64(Self.events.count)), "nothing missed or repeated")
        #expect(Self.lines(messages) == (try Self.logLines(store)))
    }

    /// One commit of a probe of the router and one of the internet host, 10 s apart.
    static func commit(_ k: Int, router: Bool = true, host: Bool) -> [Event] {
        let t = Fixtures.t0 + Int64(k) * 10 * Fixtures.second
        return [Fixtures.probe("router", .gateway, at: t, rtt: router ? 400 : nil),
                Fixtures.probe("host", .internet, at: t + 1000, rtt: host ? 9000 : nil)]
    }

    @Test(arguments: [LiveFeed.Source.inProcess, .otherProcess], [LiveKinds.all, .status])
    func statusComesFirstThenWhenAStateChangesNotForEveryProbe(source: LiveFeed.Source, kinds: LiveKinds) async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let feed = try LiveFeed(queries: Queries(store: store), source: source, after: nil, kinds: kinds)
        // Both up; the host fails five times (down at the third, down_after 3); up again.
        let plan = [true, true, true, true, false, false, false, false, false, true, true]
        var statuses: [[StatusAnswer]] = []
        var events: [UInt64] = []
        // What the feed says before anything is committed, then after each commit: the
        // feed gives what it has at once, and nothing more (nil) once it has given it all.
        func drain() async throws {
            var got: [StatusAnswer] = []
            while let m = try await feed.next(timeout: .milliseconds(300)) {
                switch m {
                case .status(let s): got.append(s)
                case .event(let seq, _): events.append(seq)
                case .activity: Issue.record("the feed makes no activity messages")
                }
            }
            statuses.append(got)
        }
        try await drain()
        for (k, up) in plan.enumerated() {
            try store.append(Self.commit(k, host: up))
            // Until the commit's events are in, a nil only says the watcher has not looked yet.
            if kinds.contains(.event) {
                while try events.last ?? 0 < store.lastSeq() { try await drain() }
            } else {
                try await drain()
                while statuses.last?.isEmpty == true && [0, 6, 9].contains(k) { try await drain() }
            }
        }
        let flat = statuses.filter { !$0.isEmpty }
        #expect(statuses.first?.count == 1, "the first message is the status")
        #expect(flat.allSatisfy { $0.count == 1 })
        let said = flat.flatMap { $0 }
        #expect(said.count == 4, "at connecting, both up, host down, host up: not for every probe (\(said.count))")
        #expect(said.map(\.connectivity) == [.unknown, .up, .down, .up])
        #expect(said.map { $0.targets.first { $0.name == "host" }?.state } == [nil, .up, .down, .up])
        #expect(said.map { $0.openOutage != nil } == [false, false, true, false])
        if kinds.contains(.event) {
            #expect(events == Array(1...UInt64(plan.count * 2)))
        } else {
            #expect(events.isEmpty, "events were not asked for")
        }
    }

    @Test(arguments: [LiveFeed.Source.inProcess, .otherProcess])
    func aWaitingClientStopsAtOnceWhenItsTaskIsCancelled(source: LiveFeed.Source) async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let queries = Queries(store: store)
        let waiting = Task {
            let feed = try LiveFeed(queries: queries, source: source, after: nil, kinds: .events)
            _ = try await feed.next(timeout: .seconds(600))
        }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test(arguments: [LiveFeed.Source.inProcess, .otherProcess])
    func aTimeoutGivesNilAndTheFeedGoesOn(source: LiveFeed.Source) async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        try store.append(Self.commit(0, host: true))
        let feed = try LiveFeed(queries: Queries(store: store), source: source, after: nil, kinds: .events)
        #expect(try await feed.next(timeout: .milliseconds(50)) == nil, "nothing after the end: a keepalive's turn")
        try store.append(Self.commit(1, host: true))
        let messages = try await Self.collect(feed, through: 4)
        #expect(Self.seqs(messages) == [3, 4])
    }

    @Test func resumePointsKindsAndTheirEventStreamForm() throws {
        #expect(try LiveFeed.resumePoint(lastEventID: nil, afterSeq: nil) == nil)
        #expect(try LiveFeed.resumePoint(lastEventID: "", afterSeq: "12") == 12)
        #expect(try LiveFeed.resumePoint(lastEventID: "40", afterSeq: "12") == 40, "the browser's own reconnect wins over the URL")
        #expect(throws: QueryError.self) { try LiveFeed.resumePoint(lastEventID: "-1", afterSeq: nil) }
        #expect(throws: QueryError.self) { try LiveFeed.resumePoint(lastEventID: nil, afterSeq: "1e3") }
        #expect(throws: QueryError.self) { try LiveFeed.resumePoint(lastEventID: nil, afterSeq: "99999999999999999999") }
        #expect(try LiveKinds(parsing: nil) == .all)
        #expect(try LiveKinds(parsing: "event,status") == [.events, .status])
        #expect(throws: QueryError.self) { try LiveKinds(parsing: "events") }

        let line = JSONForms.ndjson([LoggedEvent(seq: 7, event: Self.commit(0, host: true)[0])])
        let text = String(decoding: LiveMessage.event(seq: 7, line: line).sse, as: UTF8.self)
        #expect(text == "event: event\nid: 7\ndata: " + String(decoding: line.dropLast(), as: UTF8.self) + "\n\n")
        let status = StatusAnswer(Fixtures.projection(Self.commit(0, host: true)), monitorRunning: false)
        let statusText = String(decoding: LiveMessage.status(status).sse, as: UTF8.self)
        #expect(statusText == "event: status\ndata: " + String(decoding: JSONForms.status(status), as: UTF8.self) + "\n\n",
                "no id: Last-Event-ID stays the last event's")
    }

    /// What reads the store (the feed's opening, each batch of the log, the status) runs
    /// through the feed's `work`, the server's pool, not on the consumer's thread (in the
    /// server an event loop); `text` is every ready message's stream form at once, the same
    /// bytes as the messages one by one.
    @Test(arguments: [LiveFeed.Source.inProcess, .otherProcess])
    func readsRunThroughTheFeedsWorkAndTextIsTheMessagesStreamForm(source: LiveFeed.Source) async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let queries = Queries(store: store)
        try store.append(Array(Self.events.prefix(1200)))
        let work = CountingWork()
        let feed = try await LiveFeed.open(queries: queries, source: source, after: 0, kinds: .all, work: work)
        #expect(work.calls.load(ordering: .relaxed) == 1, "opened through its work")
        var text: [UInt8] = []
        while let t = try await feed.text(timeout: .milliseconds(300)) { text += t }
        // The status, then 1200 events in three batches (512, 512, 176), each one call.
        #expect(work.calls.load(ordering: .relaxed) == 4)
        let single = try LiveFeed(queries: queries, source: source, after: 0, kinds: .all)
        var messages: [LiveMessage] = []
        while let m = try await single.next(timeout: .milliseconds(300)) { messages.append(m) }
        #expect(Self.seqs(messages) == Array(1...1200))
        #expect(text == messages.flatMap(\.sse))
        feed.close()
        single.close()
    }

    /// One event per commit, a commit every 2 ms, 1000 events: each reaches the feed's consumer
    /// once, in order, not before its commit began, and while the writer is still writing (live,
    /// not gathered up at the end). How long it takes is measured by tools/bench-web ("commit to
    /// client"), not asserted here.
    @Test(arguments: [LiveFeed.Source.inProcess, .otherProcess])
    func eachCommitReachesTheConsumerOnceInOrderWhileTheWriterWrites(source: LiveFeed.Source) async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let feed = try LiveFeed(queries: Queries(store: store), source: source, after: nil, kinds: .events)
        let count = 1000
        let began = Stamps(count)
        let thread = Thread {
            for i in 0..<count {
                began.set(i, Monotonic.microseconds())
                guard (try? store.append([Self.events[i]])) != nil else { return }
                usleep(2000)
            }
        }
        thread.start()
        // The consumer runs on a thread of its own, as a server's client would.
        let (order, received) = try await withTaskExecutorPreference(ThreadExecutor(name: "feed consumer")) {
            var order: [UInt64] = []
            var received = [Int64](repeating: 0, count: count)
            var idle = 0
            while order.count < count, idle < 30 {
                guard case .event(let seq, _)? = try await feed.next(timeout: .seconds(1)) else {
                    idle += 1
                    continue
                }
                order.append(seq)
                if seq >= 1 && seq <= UInt64(count) { received[Int(seq) - 1] = Monotonic.microseconds() }
            }
            return (order, received)
        }
        await Self.join(thread)
        #expect(order == Array(1...UInt64(count)), "every event once, in order: \(order.count) events")
        let early = (0..<count).filter { received[$0] != 0 && received[$0] < began.get($0) }
        #expect(early.isEmpty, "events received before their commit began: \(early.prefix(5))")
        let lastBegan = began.get(count - 1)
        let live = received.filter { $0 != 0 && $0 < lastBegan }.count
        #expect(live >= count / 2, "only \(live) of \(count) events reached the consumer before the last commit began")
    }
}

/// A feed's work on a queue of its own, counted.
final class CountingWork: BlockingWork {
    let calls = Atomic<Int>(0)
    let queue = DispatchQueue(label: "test feed work")

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        calls.add(1, ordering: .relaxed)
        return try await withCheckedThrowingContinuation { c in queue.async { c.resume(with: Result { try work() }) } }
    }
}

/// Times written by one thread, read by another once it has finished.
final class Stamps: Sendable {
    let values: Mutex<[Int64]>
    init(_ count: Int) { values = Mutex([Int64](repeating: 0, count: count)) }
    func set(_ i: Int, _ t: Int64) { values.withLock { $0[i] = t } }
    func get(_ i: Int) -> Int64 { values.withLock { $0[i] } }
}
