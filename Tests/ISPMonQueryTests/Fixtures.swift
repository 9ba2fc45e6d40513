import ISPMonCore

/// Small hand-built logs for the query tests.
enum Fixtures {
    static let t0: Int64 = 1_772_323_200_000_000  // 2026-03-01T00:00:00Z
    static let second: Int64 = 1_000_000

    static func probe(_ target: String, _ role: Role, at t: Int64, rtt: Int64?) -> Event {
        Event(time: Timestamp(microseconds: t), body: .probe(Probe(
            target: target, role: role, method: .icmp, outcome: rtt.map { .ok(rtt: $0) } ?? .failed(error: "timeout"))))
    }

    static func projection(_ events: [Event]) -> Projection {
        var p = Projection()
        for (i, e) in events.enumerated() { p.apply(e, seq: UInt64(i + 1)) }
        return p
    }

    static func speedTest(at t: Int64, down: Double?, up: Double = 10) -> Event {
        Event(time: Timestamp(microseconds: t), body: .speedtest(SpeedTest(
            server: "http://203.0.113.20/down", outcome: down.map { .ok(downMbps: $0, upMbps: up) } ?? .failed(error: "timeout"))))
    }

    /// µs of a UTC date.
    static func day(_ text: String) -> Int64 { Timestamp.parseDay(text) * 86_400_000_000 }
}
