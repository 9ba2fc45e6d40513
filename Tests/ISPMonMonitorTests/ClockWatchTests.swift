import Foundation
import Logging
import Synchronization
import Testing
import ISPMonCore
import ISPMonStore
@testable import ISPMonMonitor
import ISPMonConfig

/// A clock the test sets: the wall clock is `monotonic + offset`; stepping changes the
/// offset, slewing too (by less than a second). Counts the looks at its sync state.
final class FakeClock: SystemClock {
    struct State {
        var monotonic: Int64 = 5_000_000
        var offset: Int64 = SyntheticPowerCut.runStart
        var synchronized = false
        var looks = 0
    }
    let state = Mutex(State())

    func wall() -> Timestamp { state.withLock { Timestamp(microseconds: $0.monotonic + $0.offset) } }
    func monotonicMicroseconds() -> Int64 { state.withLock { $0.monotonic } }
    func isSynchronized() -> Bool {
        state.withLock { s in
            s.looks += 1
            return s.synchronized
        }
    }
    func set(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }
    var looks: Int { state.withLock { $0.looks } }
}

@Suite struct ClockWatcherTests {
    @Test func aStepOfTwoHoursIsTold() {
        let clock = FakeClock()
        var w = ClockWatcher(clock, synchronized: false)
        clock.set { $0.monotonic += 1_000_000 }
        #expect(w.look(at: clock) == nil, "time passing is no step")
        clock.set { $0.offset += 7_200_000_000; $0.synchronized = true; $0.monotonic += 1_000_000 }
        #expect(w.look(at: clock) == ClockStep(step: 7_200_000_000, synchronized: true))
        clock.set { $0.monotonic += 1_000_000 }
        #expect(w.look(at: clock) == nil, "told once")
        clock.set { $0.offset -= 3_000_000 }
        #expect(w.look(at: clock) == ClockStep(step: -3_000_000, synchronized: true), "back")
    }

    @Test func turningSynchronizedWithoutAStepIsToldAsAStepOfZero() {
        let clock = FakeClock()
        var w = ClockWatcher(clock, synchronized: false)
        clock.set { $0.offset += 20_000; $0.monotonic += 1_000_000 }
        #expect(w.look(at: clock) == nil)
        clock.set { $0.synchronized = true }
        #expect(w.look(at: clock) == ClockStep(step: 0, synchronized: true))
        #expect(w.look(at: clock) == nil)
        // Losing sync is not an event; a step while unsynchronized says so.
        clock.set { $0.synchronized = false }
        #expect(w.look(at: clock) == nil)
        clock.set { $0.offset += 2_000_000 }
        #expect(w.look(at: clock) == ClockStep(step: 2_000_000, synchronized: false))
    }

    @Test func slewsAreNoSteps() {
        let clock = FakeClock()
        var w = ClockWatcher(clock, synchronized: true)
        // 0.3 s a look, ten looks: 3 s in all, never a step (each is followed).
        for _ in 0..<10 {
            clock.set { $0.offset += 300_000; $0.monotonic += 1_000_000 }
            #expect(w.look(at: clock) == nil)
        }
        clock.set { $0.offset += 1_000_000 }
        #expect(w.look(at: clock) == nil, "a second exactly is not more than a second")
        clock.set { $0.offset += 1_000_001 }
        #expect(w.look(at: clock)?.step == 1_000_001)
    }
}

@Suite struct MonitorClockTests {
    func config() throws -> MonitorConfig {
        try MonitorConfig.parse("defaults:\n  interval: 100ms\n  timeout: 1s\ntargets:\n  - name: one\n    role: internet\n    method: tcp\n    host: 192.0.2.1\n    port: 80\n",
                                file: "test.yaml")
    }

    /// Runs a monitor on `clock` with a fake prober; `change` is applied once it has
    /// looked at the clock, and the monitor stops once it has looked twice more.
    func run(_ clock: FakeClock, change: @escaping (inout FakeClock.State) -> Void) throws -> [Event] {
        let dir = NSTemporaryDirectory() + "ispmon-clock-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore(directory: dir)
        let writer = try GroupCommitWriter(store: store)
        let monitor = try Monitor(config: config(), writer: writer, interfaces: [], logger: Logger(label: "test"),
                                  prober: { _ in .ok(rtt: 1_000, detail: nil) }, clock: clock)
        try monitor.start()
        func waitForLooks(_ n: Int) {
            let until = Date().addingTimeInterval(20)
            while clock.looks < n && Date() < until { usleep(20_000) }
        }
        waitForLooks(2)  // the start, then the watcher's first look
        clock.set(change)
        let after = clock.looks
        waitForLooks(after + 2)
        try monitor.stop()
        writer.close()
        var events: [Event] = []
        try store.forEach { _, e in
            events.append(e)
            return true
        }
        return events
    }

    @Test func aStepToTheRightTimeIsRecordedAfterAnUnsynchronizedStart() throws {
        let clock = FakeClock()
        let events = try run(clock) { s in
            s.offset += 7_200_000_000
            s.synchronized = true
        }
        let start = try #require(events.first)
        #expect(start.body == .monitor(MonitorState(state: .started, version: ISPMonVersion.current, clock: .unsynchronized)))
        #expect(start.time.microseconds == SyntheticPowerCut.runStart + 5_000_000)
        let clocks = events.compactMap { e -> ClockStep? in if case .clock(let c) = e.body { c } else { nil } }
        #expect(clocks == [ClockStep(step: 7_200_000_000, synchronized: true)])
        // Stamped with the new time, as everything after it (probes started in the second
        // before the watcher looked may carry it too; how many probes came before is up to the machine's load).
        let i = try #require(events.firstIndex { $0.type == .clock })
        #expect(events[i...].allSatisfy { $0.time.microseconds >= SyntheticPowerCut.runStart + 7_200_000_000 })
        #expect(events.contains { $0.type == .probe })
    }

    @Test func turningSynchronizedWithoutAStepIsRecorded() throws {
        let clock = FakeClock()
        let events = try run(clock) { s in
            s.offset += 300_000  // a slew
            s.synchronized = true
        }
        let clocks = events.compactMap { e -> ClockStep? in if case .clock(let c) = e.body { c } else { nil } }
        #expect(clocks == [ClockStep(step: 0, synchronized: true)])
    }

    @Test func aSynchronizedStartWithASlewRecordsNoClockEvent() throws {
        let clock = FakeClock()
        clock.set { $0.synchronized = true }
        let events = try run(clock) { s in s.offset += 300_000 }
        #expect(events.first?.body == .monitor(MonitorState(state: .started, version: ISPMonVersion.current, clock: .synchronized)))
        #expect(!events.contains { $0.type == .clock })
    }
}
