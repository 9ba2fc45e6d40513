import Foundation
import Synchronization
import Testing
import TestSupport
import ISPMonCore
import ISPMonStore
import ISPMonQuery

/// The live feed (`.otherProcess`) in this process, the writer in another: what
/// `ispmon serve` does beside a running monitor.
@Suite struct LiveFeedCLITests {
    static func collect(_ feed: LiveFeed, through seq: UInt64, into messages: inout [LiveMessage]) async throws {
        var idle = 0
        while idle < 60 {
            guard let m = try await feed.next(timeout: .seconds(1)) else {
                idle += 1
                continue
            }
            messages.append(m)
            if case .event(let s, _) = m, s >= seq { return }
        }
        Issue.record("no event \(seq) within a minute")
    }

    /// Runs `ispmon import` of `events` on a thread (the import is another process).
    static func importInBackground(_ events: ArraySlice<Event>, data: String) -> Thread {
        let thread = Thread {
            let result = try? CLI.run(["import", "-"], stdin: ndjson(Array(events)), data: data)
            if result?.status != 0 { print("import failed: \(result?.stderr ?? "")") }
        }
        thread.start()
        return thread
    }

    static func join(_ thread: Thread) async {
        while !thread.isFinished { try? await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func eventsAndStatusOfAnotherProcessArriveNoneMissedOrRepeatedAcrossAReconnect() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = SyntheticFaults(days: 1, seed: 8).events.prefix(6000)
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Array(events.prefix(500))), data: dir.path).status == 0)
        let store = try EventStore(directory: dir.path)
        let queries = Queries(store: store)
        var messages: [LiveMessage] = []
        do {
            let feed = try LiveFeed(queries: queries, source: .otherProcess, after: 0, kinds: .all)
            // Five imports one after the other while the feed reads.
            let importer = Thread {
                for start in stride(from: 500, to: 3000, by: 500) {
                    let result = try? CLI.run(["import", "-"], stdin: ndjson(Array(events[start..<(start + 500)])), data: dir.path)
                    if result?.status != 0 { print("import failed: \(result?.stderr ?? "")") }
                }
            }
            importer.start()
            defer { while !importer.isFinished { usleep(1000) } }
            try await Self.collect(feed, through: 2000, into: &messages)
            feed.close()
        }
        // Away while another import runs; then back with the last id received.
        let received: [UInt64] = messages.compactMap { if case .event(let s, _) = $0 { s } else { nil } }
        let resumeAt = received.last ?? 0
        let late = Self.importInBackground(events[3000...], data: dir.path)
        let feed = try LiveFeed(queries: queries, source: .otherProcess,
                                after: LiveFeed.resumePoint(lastEventID: String(resumeAt), afterSeq: nil), kinds: .all)
        try await Self.collect(feed, through: UInt64(events.count), into: &messages)
        await Self.join(late)

        let seqs = messages.compactMap { if case .event(let s, _) = $0 { s } else { nil } }
        #expect(seqs == Array(1...UInt64(events.count)), "nothing missed or repeated")
        let export = try CLI.run(["export"], data: dir.path)
        let lines = messages.compactMap { if case .event(_, let l) = $0 { String(decoding: l, as: UTF8.self) } else { nil } }
        #expect(lines.joined() == export.out, "each event's data is its export line")
        // Statuses: one at each connection, then only when something a client shows changed.
        let statuses = messages.compactMap { if case .status(let s) = $0 { s } else { nil } }
        #expect(statuses.count >= 2)
        #expect(statuses.count < 40, "not one per commit (\(statuses.count))")
        if case .status = messages.first {} else { Issue.record("the first message is the status") }
    }

    /// Events committed in another process (`ispmon bench ingest`, one event per commit, one
    /// every 2 ms) reach the feed's consumer here once, in order, each reported committed, and
    /// while the writer is still writing (live, not gathered up at the end); the commit's time is
    /// when its `committed SEQ` line arrives. How long it takes is measured by tools/bench-web
    /// ("commit to client"), not asserted here.
    @Test func anotherProcessesCommitsReachTheConsumerOnceInOrderWhileItWrites() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)  // empty: bench ingest writes into it
        let feed = try LiveFeed(queries: Queries(store: store), source: .otherProcess, after: nil, kinds: .events)
        let count = 1000
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: CLI.binary)
        writer.arguments = ["bench", "ingest", "--events", String(count), "--batch", "1", "--pace", "2000",
                            "--data", dir.path, "--report-commits"]
        let out = Pipe()
        writer.standardOutput = out
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        defer { kill(writer.processIdentifier, SIGKILL); writer.waitUntilExit() }
        let committed = CommitTimes()
        let reader = Thread {
            var pending: [UInt8] = []
            while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                let now = Monotonic.microseconds()
                pending += chunk
                while let nl = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[..<nl], as: UTF8.self)
                    pending.removeSubrange(...nl)
                    if line.hasPrefix("committed "), let seq = UInt64(line.dropFirst(10)) { committed.add(seq, now) }
                }
            }
        }
        reader.start()
        // The consumer runs on a thread of its own, as a server's client would.
        let received = try await withTaskExecutorPreference(ThreadExecutor(name: "feed consumer")) {
            var received: [(seq: UInt64, at: Int64)] = []
            var idle = 0
            while received.count < count, idle < 60 {
                guard case .event(let seq, _)? = try await feed.next(timeout: .seconds(1)) else {
                    idle += 1
                    continue
                }
                received.append((seq, Monotonic.microseconds()))
            }
            return received
        }
        await Self.join(reader)
        #expect(received.map(\.seq) == Array(1...UInt64(count)), "every event once, in order: \(received.count) events")
        let unreported = received.filter { committed.time(of: $0.seq) == nil }.map(\.seq)
        #expect(unreported.isEmpty, "events with no `committed` line: \(unreported.prefix(5))")
        let lastCommit = try #require(committed.time(of: UInt64(count)), "the last commit was reported")
        let live = received.filter { $0.at < lastCommit }.count
        #expect(live >= count / 2, "only \(live) of \(count) events reached the consumer before the last commit")
    }

    /// The log follower with view changes in this process, the writer another (`ispmon import`, in
    /// five commits' worth of imports): it hears every event once, in order, and of every outage
    /// the views opened and closed: the same as `ispmon outages` says afterwards (issue 17: the
    /// answer is the same for another process's commits).
    @Test func aFollowerHearsTheOutagesOfAnotherProcessesCommits() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let events = SyntheticFaults(days: 1, seed: 8).events
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Array(events.prefix(100))), data: dir.path).status == 0)
        let store = try EventStore(directory: dir.path)
        let follower = try LogFollower(store: store, after: 0, viewChanges: true)
        let importer = Thread {
            let step = (events.count - 100) / 5 + 1
            for start in stride(from: 100, to: events.count, by: step) {
                let part = Array(events[start..<min(events.count, start + step)])
                let result = try? CLI.run(["import", "-"], stdin: ndjson(part), data: dir.path)
                if result?.status != 0 { print("import failed: \(result?.stderr ?? "")") }
            }
        }
        importer.start()
        defer { while !importer.isFinished { usleep(1000) } }
        var next: UInt64 = 1
        var opened: [String] = [], closed: [String] = []
        while next <= UInt64(events.count) {
            guard let batch = try follower.next(limit: 2048, timeout: 30_000_000) else {
                Issue.record("no commit within 30 s at \(next)")
                break
            }
            #expect(batch.firstSeq == next, "every event once, in order")
            next = batch.lastSeq + 1
            for change in batch.changes {
                if case .outageOpened(let id) = change { opened.append(id) }
                if case .outageClosed(let id) = change { closed.append(id) }
            }
        }
        while !importer.isFinished { usleep(1000) }
        let outages = try Queries(store: store).outages()
        #expect(!outages.isEmpty, "the day has outages")
        #expect(opened == outages.map(\.id), "opened: \(opened), the views: \(outages.map(\.id))")
        #expect(closed == outages.filter { $0.end != nil }.map(\.id))
    }
}

/// When each `committed SEQ` line arrived (a commit covers the events up to SEQ).
final class CommitTimes: Sendable {
    let reports = Mutex<[(seq: UInt64, at: Int64)]>([])
    func add(_ seq: UInt64, _ at: Int64) { reports.withLock { $0.append((seq, at)) } }
    /// The time of the first report covering `seq`.
    func time(of seq: UInt64) -> Int64? { reports.withLock { r in r.first { $0.seq >= seq }?.at } }
}
