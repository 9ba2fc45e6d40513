public import ISPMonCore
import ISPMonStore
import Synchronization

/// What the monitor is doing now (the live stream's `activity` messages): probes in flight,
/// a speed test's phase and rate, a path discovery, the last durable commit.
public struct MonitorActivity: Sendable, Equatable {
    public var probesInFlight: Int
    public var speedTest: SpeedTestPhase?
    /// The destination of a path discovery under way.
    public var traceDestination: String?
    public var lastCommit: Timestamp?

    public struct SpeedTestPhase: Sendable, Equatable {
        /// `download` or `upload`.
        public var phase: String
        /// Mbps so far (10^6 bit/s), one decimal.
        public var mbps: Double
        /// The share of its time budget used, 0 to 1.
        public var progress: Double
    }
}

extension Monitor {
    /// A snapshot of what it is doing; cheap (a few locks), for at most a few looks a second.
    public func activity() -> MonitorActivity {
        var speed: MonitorActivity.SpeedTestPhase?
        if let p = running.withLock({ $0.speedTester })?.progress.withLock({ $0 }) {
            let elapsed = max(Monotonic.microseconds() - p.started, 1)
            speed = MonitorActivity.SpeedTestPhase(
                phase: p.upload ? "upload" : "download",
                mbps: (Double(p.bytes) * 8 / (Double(elapsed) / 1e6) / 1e6 * 10).rounded() / 10,
                progress: min(1, Double(elapsed) / Double(max(p.budget, 1))))
        }
        return MonitorActivity(probesInFlight: inFlight.withLock { $0.count }, speedTest: speed,
                               traceDestination: tracingTo.withLock { $0 }, lastCommit: writer.lastCommit)
    }
}
