import Foundation
import Logging
import Synchronization
import Testing
import ISPMonCore
import ISPMonStore
@testable import ISPMonMonitor
import ISPMonConfig
import ISPMonControl

/// The scheduling logic with a clock and probers it is handed: no packets (the
/// real probes are tested for real in ProbeTests).
@Suite struct SchedulerTests {
    static let second: Int64 = 1_000_000

    @Test func firstProbesAreSpreadOverTheFirstInterval() {
        let s = ProbeSchedule(intervals: [10 * Self.second, 10 * Self.second, 10 * Self.second, 10 * Self.second], start: 1000)
        let expected: [Int64] = [1000, 2_501_000, 5_001_000, 7_501_000]
        #expect(s.due == expected)
    }

    @Test func eachTargetKeepsItsIntervalWithBoundedJitter() {
        var s = ProbeSchedule(intervals: [1 * Self.second, 5 * Self.second], start: 0)
        var times: [Int: [Int64]] = [0: [], 1: []]
        var now: Int64 = 0
        var rng = SplitMix64(seed: 1)
        while now <= 60 * Self.second + 500_000 {
            for i in s.take(at: now, random: { j in Int64(rng.next() % UInt64(2 * j + 1)) - j }) { times[i, default: []].append(now) }
            now += 1_000  // a fake clock ticking every millisecond
        }
        #expect(times[0]!.count == 61)
        #expect(times[1]!.count == 12)
        for (i, interval) in [(0, Self.second), (1, 5 * Self.second)] {
            let jitter = ProbeSchedule.jitter(interval)
            for (a, b) in zip(times[i] ?? [], (times[i] ?? []).dropFirst()) {
                // Jitter does not accumulate: each gap is an interval plus the difference of two jitters.
                let gap: Int64 = b - a - interval
                #expect(abs(gap) <= 2 * jitter + 1_000, "target \(i): \(b - a)")
            }
            let list = times[i] ?? []
            let span: Int64 = (list.last ?? 0) - (list.first ?? 0)
            let drift: Int64 = span - Int64(list.count - 1) * interval
            #expect(abs(drift) <= 2 * jitter + 1_000, "no drift: jitter around a fixed grid, not a random walk")
        }
        #expect(ProbeSchedule.jitter(60 * Self.second) == 100_000, "at most 100 ms")
        #expect(ProbeSchedule.jitter(1 * Self.second) == 10_000, "1 %")
    }

    @Test func aScheduleThatFellBehindSkipsInsteadOfBursting() {
        var s = ProbeSchedule(intervals: [Self.second], start: 0)
        #expect(s.take(at: 0, random: { _ in 0 }) == [0])
        // The machine slept for an hour: one probe now, the next an interval later.
        let later = 3600 * Self.second
        #expect(s.take(at: later, random: { _ in 0 }) == [0])
        #expect(s.take(at: later + 1, random: { _ in 0 }) == [])
        #expect(s.next == later + Self.second)
    }

    @Test func aReloadKeepsTheTargetsThatStayedInTheirPlace() {
        var s = ProbeSchedule(intervals: [10 * Self.second, 10 * Self.second], start: 0)
        _ = s.take(at: 5 * Self.second, random: { _ in 0 })  // both ran: next at 10 s and 15 s
        #expect(s.due == [10 * Self.second, 15 * Self.second])
        // Target 0 removed, target 1 kept (now first), a new one, and one whose interval changed.
        let now = 7 * Self.second
        let r = ProbeSchedule(intervals: [10 * Self.second, 4 * Self.second, 5 * Self.second], start: now, carrying: s,
                              from: [1, nil, 0])
        #expect(r.due[0] == 15 * Self.second, "kept: due when it was")
        #expect(r.due[1] >= now && r.due[1] < now + 4 * Self.second, "new: within its first interval")
        #expect(r.due[2] >= now && r.due[2] < now + 5 * Self.second, "a changed interval starts afresh")
    }

    @Test func targetsThatAreNotEligibleWaitWithoutLosingTheirPlace() {
        var s = ProbeSchedule(intervals: [Self.second, Self.second], start: 0)
        let t: Int64 = 600_000  // both are due: the first since 0, the second since 0.5 s
        #expect(s.take(at: t, eligible: { $0 == 0 }, random: { _ in 0 }) == [0])
        #expect(s.take(at: t, random: { _ in 0 }) == [1], "the other one goes as soon as it may")
        #expect(s.next == Self.second, "the first one an interval after it was due")
    }

    // MARK: The monitor with fake probers

    /// Where the monitors' wall clock starts: far from the machine's, so that a time taken
    /// from the machine's clock could not pass for one of the monitor's.
    static let wallStart = Timestamp(microseconds: SyntheticPowerCut.runStart)

    func config(targets: Int, interval: String) throws -> MonitorConfig {
        var text = "defaults:\n  interval: \(interval)\n  timeout: 1s\ntargets:\n"
        for i in 0..<targets {
            text += "  - name: t\(i)\n    role: internet\n    method: tcp\n    host: 192.0.2.\(i + 1)\n    port: 80\n"
        }
        return try MonitorConfig.parse(text, file: "test.yaml")
    }

    /// Runs a monitor with `prober` for `seconds` on `clock`, then returns the probe events per target.
    func run(_ config: MonitorConfig, seconds: Double, clock: SettableClock = SettableClock(wall: Self.wallStart),
             prober: @escaping Monitor.Prober, during: (Monitor) -> Void = { _ in }) throws -> [String: [Event]] {
        let dir = NSTemporaryDirectory() + "ispmon-sched-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore(directory: dir)
        let writer = try GroupCommitWriter(store: store)
        let monitor = try Monitor(config: config, writer: writer, interfaces: [], logger: Logger(label: "test"), prober: prober, clock: clock)
        try monitor.start()
        usleep(UInt32(seconds * 500_000))
        during(monitor)
        usleep(UInt32(seconds * 500_000))
        try monitor.stop()
        writer.close()
        var byTarget: [String: [Event]] = [:]
        try store.forEach { _, e in
            if case .probe(let p) = e.body { byTarget[p.target, default: []].append(e) }
            return true
        }
        return byTarget
    }

    @Test func aSlowProbeIsSkippedNotStackedAndProbesRunConcurrently() throws {
        let running = Atomic<Int>(0), most = Atomic<Int>(0)
        let config = try config(targets: 6, interval: "100ms")
        let events = try run(config, seconds: 1.6) { target in
            let now = running.add(1, ordering: .relaxed).newValue
            most.max(now, ordering: .relaxed)
            defer { running.subtract(1, ordering: .relaxed) }
            usleep(target.name == "t0" ? 500_000 : 5_000)  // t0 takes five intervals
            return .ok(rtt: 1_000, detail: nil)
        }
        let slow = events["t0"]?.count ?? 0
        #expect((2...4).contains(slow), "a 500 ms probe every 100 ms: one at a time, \(slow) in 1.6 s")
        for i in 1..<6 { #expect((10...17).contains(events["t\(i)"]?.count ?? 0), "t\(i): \(events["t\(i)"]?.count ?? 0)") }
        #expect(most.load(ordering: .relaxed) >= 2, "probes do not wait for one another")
        #expect(most.load(ordering: .relaxed) <= 6, "never more in flight than targets")
    }

    @Test func pausedProbesStopAndResume() throws {
        let config = try config(targets: 1, interval: "50ms")
        let pausedAt = Mutex<(Int64, Int64)>((0, 0))
        let clock = SettableClock(wall: Self.wallStart)
        let events = try run(config, seconds: 1.2, clock: clock, prober: { _ in .ok(rtt: 1_000, detail: nil) }) { monitor in
            let start = clock.wall().microseconds
            #expect(monitor.handle(ControlRequest(job: .probes, state: .paused)) == .state(.probes, .paused))
            usleep(400_000)
            let end = clock.wall().microseconds
            #expect(monitor.handle(ControlRequest(job: .probes, state: .run)) == .state(.probes, .run))
            pausedAt.withLock { $0 = (start, end) }
        }
        let (start, end) = pausedAt.withLock { $0 }
        let times = (events["t0"] ?? []).map(\.time.microseconds)
        #expect(!times.contains { $0 > start + 60_000 && $0 < end }, "no probe while paused")
        #expect(times.contains { $0 >= end }, "probing again after run")
        #expect(times.contains { $0 < start })
        #expect(times.allSatisfy { $0 >= Self.wallStart.microseconds && $0 < Self.wallStart.microseconds + 60_000_000 },
                "stamped by the monitor's clock")
    }
}

@Suite struct DetailBoundTests {
    @Test(arguments: [510, 511, 512, 513])
    func aLongDetailIsCutToAtMost512BytesOnACharacterBoundary(prefix: Int) {
        let text = String(repeating: "a", count: prefix) + String(repeating: "é✓", count: 40)
        let cut = Monitor.bounded(text, maxBytes: 512)
        #expect(cut.utf8.count <= 512)
        #expect(cut.hasSuffix("..."))
        #expect(!cut.contains("\u{FFFD}"), "no character cut in half")
        #expect(Monitor.bounded("short é", maxBytes: 512) == "short é")
    }
}
