#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A realistic, reproducible stream of events for benchmarks and tests: a home
/// network's targets probed on their own schedules (1–30 s) with tens of
/// milliseconds of scheduling jitter recorded to the microsecond, RTTs with
/// millisecond-scale noise and occasional spikes, ~0.5 % failures, DNS and
/// HTTP probes with their details, and a speed test every two hours.
/// The same seed always gives the same events.
public struct SyntheticStream: IteratorProtocol, Sequence {
    public struct TargetModel: Sendable {
        public var name: String
        public var role: Role
        public var method: ProbeMethod
        public var interval: Int64
        /// Smallest RTT and the mean of the exponential noise above it, in µs.
        public var baseRTT: Double
        public var noise: Double
        public var detail: String?

        public init(name: String, role: Role, method: ProbeMethod, interval: Int64, baseRTT: Double, noise: Double,
                    detail: String? = nil) {
            self.name = name
            self.role = role
            self.method = method
            self.interval = interval
            self.baseRTT = baseRTT
            self.noise = noise
            self.detail = detail
        }
    }

    public static let homeNetwork: [TargetModel] = [
        TargetModel(name: "router", role: .gateway, method: .icmp, interval: 1_000_000, baseRTT: 380, noise: 120),
        TargetModel(name: "switch", role: .device, method: .icmp, interval: 5_000_000, baseRTT: 250, noise: 80),
        TargetModel(name: "isp-edge", role: .isp, method: .icmp, interval: 1_000_000, baseRTT: 4_200, noise: 800),
        TargetModel(name: "one-one", role: .internet, method: .icmp, interval: 1_000_000, baseRTT: 11_500, noise: 1_500),
        TargetModel(name: "quad-nine", role: .internet, method: .icmp, interval: 2_000_000, baseRTT: 13_000, noise: 2_000),
        TargetModel(name: "edge-https", role: .internet, method: .tcp, interval: 5_000_000, baseRTT: 14_000, noise: 2_500),
        TargetModel(name: "resolver", role: .dns, method: .dns, interval: 5_000_000, baseRTT: 12_000, noise: 3_000,
                    detail: "example.com A 93.184.215.14"),
        TargetModel(name: "resolver-2", role: .dns, method: .dns, interval: 10_000_000, baseRTT: 15_000, noise: 3_000,
                    detail: "example.com A 93.184.215.14"),
        TargetModel(name: "web", role: .internet, method: .http, interval: 30_000_000, baseRTT: 45_000, noise: 10_000,
                    detail: "200"),
    ]

    var rng: SplitMix64
    let targets: [TargetModel]
    var scheduled: [Int64]
    var nextTimes: [Int64]
    var nextSpeedTest: Int64
    var pending: [Event] = []

    /// Starts at `start` (default 2026-03-01T00:00:00Z) with a `monitor started` and `link` event.
    public init(seed: UInt64 = 42, targets: [TargetModel] = SyntheticStream.homeNetwork,
                start: Timestamp = Timestamp(microseconds: 1_772_323_200_000_000)) {
        rng = SplitMix64(seed: seed)
        self.targets = targets
        scheduled = targets.map { _ in start.microseconds }
        nextTimes = []
        nextSpeedTest = start.microseconds + 600_000_000
        for i in targets.indices { nextTimes.append(scheduled[i] + jitter()) }
        pending = [
            Event(time: Timestamp(microseconds: start.microseconds + 1_000), body: .link(Link(interface: "eth0", up: true))),
            Event(time: start, body: .monitor(MonitorState(state: .started, version: "0.1.0"))),
        ]
    }

    mutating func jitter() -> Int64 { Int64(rng.next() % 25_000) }
    mutating func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
    mutating func exponential(_ mean: Double) -> Double { -log(1 - uniform()) * mean }

    public mutating func next() -> Event? {
        if let e = pending.popLast() { return e }
        var i = 0
        for k in 1..<nextTimes.count where nextTimes[k] < nextTimes[i] { i = k }
        let time = nextTimes[i]
        if nextSpeedTest <= time {
            let t = nextSpeedTest
            nextSpeedTest += 7_200_000_000
            let down = (900 + uniform() * 60).rounded() / 10, up = (170 + uniform() * 30).rounded() / 10
            return Event(time: Timestamp(microseconds: t), body: .speedtest(SpeedTest(
                server: "https://speed.example.net", outcome: .ok(downMbps: down, upMbps: up),
                rtt: Int64(9_000 + exponential(1_000)))))
        }
        let model = targets[i]
        scheduled[i] += model.interval
        nextTimes[i] = scheduled[i] + jitter()
        let outcome: Probe.Outcome
        var detail = model.detail
        if uniform() < 0.005 {
            switch model.method {
            case .tcp: outcome = .failed(error: uniform() < 0.5 ? "timeout" : "refused")
            case .http: outcome = .failed(error: "http-status"); detail = "503"
            case .dns: outcome = .failed(error: "timeout"); detail = nil
            case .icmp: outcome = .failed(error: "timeout")
            }
        } else {
            var rtt = model.baseRTT + exponential(model.noise)
            if uniform() < 0.01 { rtt += exponential(20_000) }
            outcome = .ok(rtt: Int64(rtt))
        }
        return Event(time: Timestamp(microseconds: time), body: .probe(Probe(
            target: model.name, role: model.role, method: model.method, outcome: outcome, detail: detail)))
    }
}

/// SplitMix64: tiny, fast and good enough for synthetic data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
