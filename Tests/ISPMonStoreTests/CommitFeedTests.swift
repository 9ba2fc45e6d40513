import Foundation
import Synchronization
import TestSupport
import Testing
import ISPMonCore
@testable import ISPMonStore

/// Commit notifications: in this process through `EventStore.commits`, and from
/// another process through `CommitWatcher`.
@Suite struct CommitFeedTests {
    static let events = SyntheticFaults(days: 1, seed: 8).events

    func append(_ store: EventStore, _ events: [Event], batch: Int = 300) throws {
        var i = 0
        while i < events.count {
            try store.append(events[i..<min(events.count, i + batch)])
            i += batch
        }
    }

    @Test func aSubscriberHearsOfEveryCommitInOrderWithTheOutagesItOpenedAndClosed() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let subscription = store.commits.subscribe(capacity: 10_000)
        let writer = Thread { try? self.append(store, Self.events) }
        writer.start()
        var next: UInt64 = 1
        var opened: [String] = [], closed: [String] = []
        var states: [String: Projection.Condition] = [:]
        for await message in subscription {
            guard case .commit(let notice) = message else {
                Issue.record("fell behind with room for every notice: \(message)")
                break
            }
            #expect(notice.range.lowerBound == next, "no gap, no repeat")
            next = notice.range.upperBound + 1
            for change in notice.changes {
                switch change {
                case .outageOpened(let id): opened.append(id)
                case .outageClosed(let id): closed.append(id)
                case let .target(name, state): states[name] = state
                case .layer: break
                }
            }
            if next > UInt64(Self.events.count) { break }
        }
        subscription.cancel()
        let expected = store.loadViewsOrReplay().outages().filter { $0.kind == .connectivity }.map(\.id)
        #expect(opened == expected)
        #expect(closed == expected.filter { id in store.loadViewsOrReplay().outages().first { $0.id == id }?.end != nil })
        #expect(states == store.loadViewsOrReplay().targets.mapValues(\.state), "the last state heard is the state")
        while !writer.isFinished { usleep(1000) }
    }

    @Test func aStalledSubscriberNeverHoldsUpCommitsAndCatchesUpFromTheLog() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        let stalled = store.commits.subscribe(capacity: 4)
        // Nobody reads while 100 commits happen: they all complete.
        try append(store, Array(Self.events.prefix(10_000)), batch: 100)
        #expect(try store.lastSeq() == 10_000)
        // It reads: the four notices it had room for, then where to catch up from.
        var seen: [UInt64] = []
        for _ in 0..<4 {
            guard case .commit(let n)? = stalled.next(timeout: 1_000_000) else { Issue.record("expected a commit"); return }
            seen += Array(n.range)
        }
        guard case .fellBehind(let after)? = stalled.next(timeout: 1_000_000) else { Issue.record("expected fellBehind"); return }
        #expect(after == 400)
        try store.forEach(from: after + 1) { seq, _ in seen.append(seq); return true }
        // Live again: the next commit arrives as a notice, right after what the log gave.
        try store.append(Array(Self.events[10_000..<10_010]))
        guard case .commit(let n)? = stalled.next(timeout: 1_000_000) else { Issue.record("expected a commit"); return }
        #expect(n.range == 10_001...10_010)
        seen += Array(n.range)
        #expect(seen == Array(1...10_010), "nothing missed or repeated")
        #expect(stalled.next(timeout: 10_000) == nil, "then nothing until the next commit")
        stalled.cancel()
    }

    @Test func aWatcherWakesOnAWriteWithoutPolling() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        try store.append(Array(Self.events.prefix(10)))
        // The watcher's periodic look is far away: only inotify can wake it in time.
        let watcher = CommitWatcher(store: store, recheck: 60_000_000)
        #expect(try watcher.wait(after: 10, timeout: 50_000) == nil, "nothing new")
        let appended = Atomic<Int64>(0)
        let other = Thread {
            usleep(200_000)
            appended.store(Monotonic.microseconds(), ordering: .releasing)
            _ = try? store.append(Array(Self.events[10..<20]))
        }
        other.start()
        let newest = try watcher.wait(after: 10, timeout: 20_000_000)
        let woke = Monotonic.microseconds()
        #expect(newest == 20)
        #expect(woke - appended.load(ordering: .acquiring) < 5_000_000, "woken by the write, not by the 60 s recheck")
        while !other.isFinished { usleep(1000) }
    }
}

extension EventStore {
    func loadViewsOrReplay() -> Projection { ((try? loadViews([])) ?? nil) ?? (try? project()) ?? Projection() }
}
