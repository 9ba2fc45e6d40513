public import ISPMonCore

/// What the monitor is doing now (the live stream's `activity` messages): probes in flight,
/// a speed test's phase and rate, a path discovery, the last durable commit.
public struct MonitorActivity: Sendable, Equatable {
    public var probesInFlight: Int
    public var speedTest: SpeedTestPhase?
    /// The destination of a path discovery under way.
    public var traceDestination: String?
    public var lastCommit: Timestamp?

    public init(probesInFlight: Int, speedTest: SpeedTestPhase?, traceDestination: String?, lastCommit: Timestamp?) {
        self.probesInFlight = probesInFlight
        self.speedTest = speedTest
        self.traceDestination = traceDestination
        self.lastCommit = lastCommit
    }

    public struct SpeedTestPhase: Sendable, Equatable {
        /// `download` or `upload`.
        public var phase: String
        /// Mbps so far (10^6 bit/s), one decimal.
        public var mbps: Double
        /// The share of its time budget used, 0 to 1.
        public var progress: Double

        public init(phase: String, mbps: Double, progress: Double) {
            self.phase = phase
            self.mbps = mbps
            self.progress = progress
        }
    }
}
