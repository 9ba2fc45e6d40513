/// A hand-built log of a Raspberry Pi that loses power (docs/views.md, "Event
/// time"), for tests: the times the monitor would record, and the real times the
/// views must put its events at.
///
/// A run from 11:00 (clock synchronized) probes a router, the ISP's edge and two
/// internet hosts every 10 s until the power goes at 12:00, with no `monitor
/// stopped`. The Pi comes back at 12:01 with its clock `behind` (as saved), starts
/// with `clock: unsynchronized`; the edge and the internet fail from 12:01:10 to
/// 12:06 (a speed test fails at 12:03), then answer. `endsAfter` later (12:07 by
/// default) the run ends as `ending` says: the `clock` events of `steps` (the last
/// one synchronized, 30 s apart), a `monitor stopped`, or a new `monitor started`;
/// probes go on for `upRounds` rounds after the outage, at the clock of the moment.
public struct SyntheticPowerCut: Sendable {
    public enum Ending: Sendable {
        /// `clock` events with these steps (µs); only the last one says synchronized.
        case steps([Int64])
        /// The monitor stops with the clock still unsynchronized.
        case stopped
        /// The monitor starts again (the clock still unsynchronized when it ended).
        case restarted
    }

    /// 2026-03-01T11:00:00Z.
    public static let runStart: Int64 = 1_772_362_800_000_000
    public static let minute: Int64 = 60_000_000
    public static let hour: Int64 = 3_600_000_000

    public private(set) var events: [Event] = []
    /// The time each event really happened, in log order.
    public private(set) var realTimes: [Int64] = []
    /// The outage as the corrected views show it: from the last internet host's first
    /// failure to the first internet success after the fault.
    public private(set) var outageStart: Int64 = 0
    public private(set) var outageEnd: Int64 = 0

    public init(behind: Int64 = 2 * SyntheticPowerCut.hour, ending: Ending = .steps([2 * SyntheticPowerCut.hour]),
                endsAfter: Int64 = SyntheticPowerCut.minute, upRounds: Int = 20) {
        let m = SyntheticPowerCut.minute
        let start = SyntheticPowerCut.runStart
        let targets: [(String, Role)] = [("router", .gateway), ("isp-edge", .isp), ("one", .internet), ("two", .internet)]
        var offset: Int64 = 0  // recorded − real
        func add(_ real: Int64, _ body: Event.Body) {
            events.append(Event(time: Timestamp(microseconds: real + offset), body: body))
            realTimes.append(real)
        }
        func round(_ real: Int64, failing: Bool) {
            for (i, (name, role)) in targets.enumerated() {
                let ok = !failing || role == .gateway
                add(real + Int64(i) * 1000, .probe(Probe(target: name, role: role, method: .icmp,
                                                         outcome: ok ? .ok(rtt: 2000 + Int64(i) * 1000) : .failed(error: "timeout"))))
            }
        }
        add(start, .monitor(MonitorState(state: .started, version: "0.3.0", clock: .synchronized)))
        for r in 0..<360 { round(start + Int64(r) * 10_000_000, failing: false) }
        // 12:00: the power goes. 12:01: back, with the clock as saved.
        offset = -behind
        let boot = start + 61 * m
        add(boot, .monitor(MonitorState(state: .started, version: "0.3.0", clock: .unsynchronized)))
        let faultEnd = start + 66 * m
        var t = boot + 10_000_000
        while t <= faultEnd {
            round(t, failing: true)
            if t == start + 63 * m {
                add(t + 5000, .speedtest(SpeedTest(server: "http://192.0.2.5/down", outcome: .failed(error: "timeout"))))
            }
            t += 10_000_000
        }
        outageStart = boot + 10_000_000 + 3000
        outageEnd = t + 2000
        var endAt = faultEnd + endsAfter
        var stepsLeft: [Int64] = []
        switch ending {
        case .steps(let steps): stepsLeft = steps
        case .stopped, .restarted: break
        }
        for _ in 0..<upRounds {
            if t >= endAt {
                if !stepsLeft.isEmpty {
                    let step = stepsLeft.removeFirst()
                    offset += step
                    add(endAt + 500_000, .clock(ClockStep(step: step, synchronized: stepsLeft.isEmpty)))
                    endAt += 30_000_000
                } else if case .stopped = ending {
                    add(endAt, .monitor(MonitorState(state: .stopped, version: "0.3.0")))
                    return
                } else if case .restarted = ending {
                    add(endAt, .monitor(MonitorState(state: .started, version: "0.3.0", clock: .unsynchronized)))
                    endAt = .max
                }
            }
            round(t, failing: false)
            t += 10_000_000
        }
    }
}
