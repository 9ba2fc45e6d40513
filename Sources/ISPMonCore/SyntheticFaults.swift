/// A realistic multi-day stream with the faults a home network has, at known
/// times, for tests and demos: every day the router hangs, the ISP's edge goes
/// down, the resolvers fail, the cable is pulled, one hour is lossy and the
/// monitor restarts; on the first day one remote host dies for good. Underneath,
/// ``SyntheticStream``'s isolated random loss. The same seed gives the same events.
public struct SyntheticFaults: Sendable {
    public enum Fault: String, Sendable, CaseIterable {
        /// The router stops answering; everything behind it fails with it.
        case routerHang
        /// The ISP's edge and everything beyond it fail.
        case ispDown
        /// Both resolvers fail; the internet still answers.
        case dnsDown
        /// The link goes down; every probe fails.
        case cablePulled
        /// 5 % random loss on internet targets for an hour: no outage.
        case lossyHour
        /// The monitor stops for five minutes (no events), then starts again.
        case monitorRestart
        /// The `web` target fails from then on: one dead host is no outage.
        case hostDies
    }

    public struct Window: Sendable, Hashable {
        public var fault: Fault
        public var start: Int64
        public var end: Int64
    }

    public static let targets: [SyntheticStream.TargetModel] = [
        .init(name: "router", role: .gateway, method: .icmp, interval: 10_000_000, baseRTT: 400, noise: 100),
        .init(name: "switch", role: .device, method: .icmp, interval: 30_000_000, baseRTT: 250, noise: 80),
        .init(name: "isp-edge", role: .isp, method: .icmp, interval: 10_000_000, baseRTT: 4_000, noise: 800),
        .init(name: "one-one", role: .internet, method: .icmp, interval: 15_000_000, baseRTT: 11_000, noise: 1_500),
        .init(name: "quad-nine", role: .internet, method: .icmp, interval: 20_000_000, baseRTT: 13_000, noise: 2_000),
        .init(name: "web", role: .internet, method: .http, interval: 60_000_000, baseRTT: 45_000, noise: 9_000, detail: "200"),
        .init(name: "resolver", role: .dns, method: .dns, interval: 30_000_000, baseRTT: 12_000, noise: 3_000,
              detail: "example.com A 93.184.215.14"),
        .init(name: "resolver-2", role: .dns, method: .dns, interval: 30_000_000, baseRTT: 15_000, noise: 3_000,
              detail: "example.com A 93.184.215.14"),
    ]

    public let events: [Event]
    public let windows: [Window]

    /// `days` days from 2026-03-01T00:00:00Z.
    public init(days: Int, seed: UInt64 = 7) {
        let start: Int64 = 1_772_323_200_000_000
        let hour: Int64 = 3_600_000_000, minute: Int64 = 60_000_000
        var windows: [Window] = []
        for d in 0..<Int64(days) {
            let day = start + d * 24 * hour
            windows += [
                Window(fault: .routerHang, start: day + 2 * hour, end: day + 2 * hour + 4 * minute),
                Window(fault: .ispDown, start: day + 7 * hour, end: day + 7 * hour + 10 * minute),
                Window(fault: .dnsDown, start: day + 11 * hour, end: day + 11 * hour + 5 * minute),
                Window(fault: .cablePulled, start: day + 15 * hour, end: day + 15 * hour + 4 * minute),
                Window(fault: .lossyHour, start: day + 19 * hour, end: day + 20 * hour),
                Window(fault: .monitorRestart, start: day + 22 * hour, end: day + 22 * hour + 5 * minute),
            ]
        }
        let end = start + Int64(days) * 24 * hour
        if days > 0 { windows.append(Window(fault: .hostDies, start: start + 12 * hour, end: end)) }
        self.windows = windows

        var rng = SplitMix64(seed: seed ^ 0x5EED)
        var out: [Event] = []
        var linkEvents = windows.filter { $0.fault == .cablePulled }.flatMap { w in
            [Event(time: Timestamp(microseconds: w.start), body: .link(Link(interface: "eth0", up: false))),
             Event(time: Timestamp(microseconds: w.end), body: .link(Link(interface: "eth0", up: true)))]
        }
        var restarts = windows.filter { $0.fault == .monitorRestart }.flatMap { w in
            [Event(time: Timestamp(microseconds: w.start), body: .monitor(MonitorState(state: .stopped))),
             Event(time: Timestamp(microseconds: w.end), body: .monitor(MonitorState(state: .started, version: "0.1.0")))]
        }
        linkEvents.reverse()
        restarts.reverse()
        for e in SyntheticStream(seed: seed, targets: SyntheticFaults.targets, start: Timestamp(microseconds: start)) {
            let t = e.time.microseconds
            if t >= end { break }
            while let l = linkEvents.last, l.time.microseconds <= t { out.append(linkEvents.removeLast()) }
            while let r = restarts.last, r.time.microseconds <= t { out.append(restarts.removeLast()) }
            guard case .probe(var p) = e.body else {
                out.append(e)
                continue
            }
            // Faults last long enough for every target (probed at most once a minute) to
            // fail `down_after` (3) times: shorter ones are, rightly, not outages.
            var error: String?
            if windows.contains(where: { $0.fault == .monitorRestart && $0.start <= t && t < $0.end }) {
                continue  // the monitor was not running
            }
            for w in windows where w.start <= t && t < w.end {
                switch w.fault {
                case .routerHang where p.role != .device: error = "timeout"
                case .ispDown where p.role != .device && p.role != .gateway: error = "timeout"
                case .dnsDown where p.role == .dns: error = "timeout"
                case .cablePulled: error = "unreachable"
                case .lossyHour where p.role == .internet && rng.next() % 100 < 5: error = "timeout"
                case .hostDies where p.target == "web": error = "refused"
                default: break
                }
            }
            if let error {
                p.outcome = .failed(error: error)
                p.detail = nil
            }
            out.append(Event(time: e.time, body: .probe(p)))
        }
        // People annotate some outages afterwards (notes go by id, so compute the ids).
        var projection = Projection()
        for (i, e) in out.enumerated() { projection.apply(e, seq: UInt64(i + 1)) }
        let last = out.last?.time.microseconds ?? start
        for (i, o) in projection.outages().enumerated() where i % 3 == 0 {
            out.append(Event(time: Timestamp(microseconds: last + Int64(i + 1) * 1_000_000),
                             body: .note(Note(outage: o.id, text: "ticket #\(1000 + i): \(o.cause.rawValue)"))))
        }
        events = out
    }
}
