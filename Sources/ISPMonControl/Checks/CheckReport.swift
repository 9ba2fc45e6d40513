public import ISPMonCore

/// What an ad-hoc check found: the result of each try (ping, tcp, dns, http), the hops (trace)
/// or the speed test, in the monitor's own terms (error codes of events.md). Nothing of it is
/// recorded: a check is no part of any view.
public struct CheckReport: Sendable, Equatable {
    public var check: Check
    /// The address a host name was found at (nil when the target is an address itself).
    public var address: String?
    /// Why the check could not run at all: its name did not resolve (`resolve`), no ICMP socket
    /// (`icmp-unavailable`), path discovery without CAP_NET_RAW (`trace-unavailable`).
    public var failure: Failure?
    public var tries: [ProbeResult] = []
    public var hops: [Trace.Hop]?
    public var speedTest: SpeedTest?

    public struct Failure: Error, Sendable, Equatable {
        public var error: String
        public var detail: String

        public init(error: String, detail: String) {
            self.error = error
            self.detail = detail
        }
    }

    public init(check: Check) { self.check = check }

    /// Whether it went well: a try answered, the trace reached its destination, the speed test
    /// measured both ways.
    public var ok: Bool {
        guard failure == nil else { return false }
        switch check.tool {
        case .ping, .tcp, .dns, .http: return tries.contains { if case .ok = $0 { true } else { false } }
        case .trace:
            let target = address ?? check.host
            return hops?.last.map { $0.address != nil && $0.address == target } ?? false
        case .speedtest:
            if case .ok = speedTest?.outcome { return true }
            return false
        }
    }

    /// The tries' round-trip times (µs), of those that answered.
    public var rtts: [Int64] { tries.compactMap { if case .ok(let rtt, _) = $0 { rtt } else { nil } } }

    /// The tries' numbers, as a ping prints them: sent, lost, the lost share, and min, average and
    /// max of the round-trip times in ms (nil without an answer). One computation for the API's
    /// JSON and the tools page alike.
    public struct Summary: Sendable, Equatable {
        public var sent: Int
        public var lost: Int
        /// nil without a try.
        public var lossPercent: Double?
        public var minMs: Double?
        public var avgMs: Double?
        public var maxMs: Double?
    }

    public var summary: Summary {
        let ms = rtts.map { Double($0) / 1000 }
        let sent = tries.count
        return Summary(sent: sent, lost: sent - ms.count, lossPercent: sent == 0 ? nil : Double(sent - ms.count) * 100 / Double(sent),
                       minMs: ms.min(), avgMs: ms.isEmpty ? nil : ms.reduce(0, +) / Double(ms.count), maxMs: ms.max())
    }
}
